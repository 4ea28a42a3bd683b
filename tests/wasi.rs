//! The WASI legs. The release `wasm32-wasip1` module must write the golden files byte
//! for byte on the wasmtime CLI, and run under Bacalhau's rules on `tools/wazero-run`
//! (Bacalhau's wasm executor rebuilt on wazero, the engine a node embeds). Tiny
//! hand-written modules prove that wazero-run really enforces those rules, so the legs
//! that rely on it cannot pass by accident: the same probe that wasmtime allows is
//! refused there.

use crate::support;

use seam_carver_cli::spec::{Job, Resources, Source};
use serde_json::{Value, json};

#[test]
fn golden_cases_wasmtime_cli() {
    for case in support::golden_cases() {
        let out = tempfile::tempdir().unwrap();
        let output = support::run_wasmtime(
            &support::root().join("golden/inputs"),
            out.path(),
            &case.guest_args(),
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "case {}: stderr: {}",
            case.name,
            String::from_utf8_lossy(&output.stderr)
        );
        support::check_against_golden(&case, out.path(), "wasmtime");
    }
}

/// An inline source of `bytes`.
fn inline(bytes: &[u8]) -> Source {
    Source::Inline {
        url: seam_carver_cli::job::data_url("application/octet-stream", bytes),
    }
}

/// A job running `module` (bytes) with `parameters`, `inputs` (name, bytes) at
/// `/inputs/NAME`, the result path `outputs`, and `memory` if given: as JSON, which the
/// tests of hostile specs then edit.
fn job(
    module: &[u8],
    parameters: &[&str],
    inputs: &[(&str, Vec<u8>)],
    memory: Option<&str>,
) -> Value {
    let parameters = parameters.iter().map(|p| p.to_string()).collect();
    let mut job =
        Job::wasm("test", "/app/m.wasm", parameters).with_source("/app/m.wasm", inline(module));
    for (name, bytes) in inputs {
        job = job.with_source(&format!("/inputs/{name}"), inline(bytes));
    }
    job.task_mut().resources = memory.map(|memory| Resources {
        cpu: None,
        memory: memory.to_string(),
    });
    serde_json::to_value(&job).unwrap()
}

fn carver_job(parameters: &[&str], inputs: &[(&str, &str)]) -> support::JobRun {
    let module = std::fs::read(support::wasm_module()).unwrap();
    let inputs: Vec<(&str, Vec<u8>)> = inputs
        .iter()
        .map(|(name, golden)| {
            (
                *name,
                std::fs::read(support::root().join("golden/inputs").join(golden)).unwrap(),
            )
        })
        .collect();
    support::run_job(&job(&module, parameters, &inputs, None), &[])
}

#[test]
fn default_arguments_find_inputs_and_outputs_from_cwd_slash() {
    // No parameters at all: `inputs` and `outputs` resolve against `/`, the cwd on a node.
    let run = carver_job(&[], &[("n.png", "noise.png")]);
    assert_eq!(run.status, Some(0), "{}", run.log);
    assert_eq!(run.read("exitCode"), "0");
    let names: Vec<String> = support::read_flat_dir(&run.results.join("outputs"))
        .into_keys()
        .collect();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(names.contains(&"n.carved.png".to_string()));
}

#[test]
fn bad_input_under_wazero_fails_alone_with_exit_1() {
    let module = std::fs::read(support::wasm_module()).unwrap();
    let noise = std::fs::read(support::root().join("golden/inputs/noise.png")).unwrap();
    let spec = job(
        &module,
        &["/inputs"],
        &[
            ("a.png", noise),
            ("b.png", b"\x89PNG\r\n\x1a\ntruncated".to_vec()),
        ],
        None,
    );
    let run = support::run_job(&spec, &[]);
    assert_eq!(run.status, Some(1), "{}", run.log);
    assert_eq!(run.read("exitCode"), "1");
    let stderr = run.read("stderr");
    assert!(
        stderr.contains("error: /inputs/b.png: cannot decode"),
        "{stderr}"
    );
    let names: Vec<String> = support::read_flat_dir(&run.results.join("outputs"))
        .into_keys()
        .collect();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with("b.")));
}

#[test]
fn help_works_with_an_empty_argv0() {
    let run = carver_job(&["--help"], &[]);
    assert_eq!(run.status, Some(0), "{}", run.log);
    assert!(run.read("stdout").contains("Usage:"));
}

#[test]
fn more_seams_than_pixels_under_wasm_is_a_clean_error() {
    let run = carver_job(
        &["/inputs/noise.png", "--width", "-40", "--height", "-3"],
        &[("noise.png", "noise.png")],
    );
    assert_eq!(run.status, Some(1), "{}", run.log);
    let stderr = run.read("stderr");
    assert!(
        stderr.contains("error: /inputs/noise.png:") && stderr.contains("at least 1 must remain"),
        "{stderr}"
    );
    let names: Vec<String> = support::read_flat_dir(&run.results.join("outputs"))
        .into_keys()
        .collect();
    assert_eq!(names, ["manifest.json"]);
}

// The rules themselves, with tiny modules that poke at them directly.

/// A module whose `_start` calls one WASI function on preopen fd 3 (the root, "/") with
/// the name "outputs/sub" (and, for rename, "outputs/new"), and exits with the errno it got.
fn probe_module(call: &str) -> Vec<u8> {
    let (import, invoke) = match call {
        "mkdir" => (
            "(import \"wasi_snapshot_preview1\" \"path_create_directory\" (func $f (param i32 i32 i32) (result i32)))",
            "(call $f (i32.const 3) (i32.const 16) (i32.const 11))",
        ),
        "rename" => (
            "(import \"wasi_snapshot_preview1\" \"path_rename\" (func $f (param i32 i32 i32 i32 i32 i32) (result i32)))",
            "(call $f (i32.const 3) (i32.const 16) (i32.const 11) (i32.const 3) (i32.const 32) (i32.const 11))",
        ),
        "unlink" => (
            "(import \"wasi_snapshot_preview1\" \"path_unlink_file\" (func $f (param i32 i32 i32) (result i32)))",
            "(call $f (i32.const 3) (i32.const 16) (i32.const 11))",
        ),
        "stat" => (
            "(import \"wasi_snapshot_preview1\" \"path_filestat_get\" (func $f (param i32 i32 i32 i32 i32) (result i32)))",
            "(call $f (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 11) (i32.const 64))",
        ),
        other => panic!("no probe {other}"),
    };
    wat::parse_str(format!(
        r#"(module
            {import}
            (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "outputs/sub")
            (data (i32.const 32) "outputs/new")
            (func (export "_start") (call $exit {invoke})))"#
    ))
    .unwrap()
}

const ENOSYS: &str = "52";

/// Runs a probe on wazero-run (its result path starts empty, as on a node); returns its
/// exit code and the files of the result path.
fn probe_wazero(call: &str) -> (String, Vec<String>, support::JobRun) {
    let run = support::run_job(&job(&probe_module(call), &[], &[], None), &[]);
    let code = run.read("exitCode");
    let files = std::fs::read_dir(run.results.join("outputs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    (code, files, run)
}

/// Runs a probe on the wasmtime CLI with a real host folder at "/" holding `outputs/`.
fn probe_wasmtime(
    call: &str,
    existing: &[&str],
) -> (String, std::path::PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let outputs = dir.path().join("outputs");
    std::fs::create_dir(&outputs).unwrap();
    for name in existing {
        std::fs::write(outputs.join(name), b"x").unwrap();
    }
    let module = dir.path().join("probe.wasm");
    std::fs::write(&module, probe_module(call)).unwrap();
    let output = std::process::Command::new(support::wasmtime())
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/", dir.path().display()))
        .arg(&module)
        .output()
        .unwrap();
    let code = output.status.code().unwrap().to_string();
    (code, outputs, dir)
}

#[test]
fn wazero_run_answers_mkdir_with_enosys_where_wasmtime_allows_it() {
    let (code, files, _run) = probe_wazero("mkdir");
    assert_eq!(code, ENOSYS);
    assert!(files.is_empty(), "{files:?}");
    let (code, outputs, _dir) = probe_wasmtime("mkdir", &[]);
    assert_eq!(code, "0");
    assert!(outputs.join("sub").is_dir());
}

#[test]
fn wazero_run_answers_rename_and_unlink_with_enosys_where_wasmtime_allows_them() {
    for call in ["rename", "unlink"] {
        // On wazero the result path starts empty; the call fails before looking.
        let (code, _, _run) = probe_wazero(call);
        assert_eq!(code, ENOSYS, "{call}");
        let (code, outputs, _dir) = probe_wasmtime(call, &["sub"]);
        assert_eq!(code, "0", "{call}");
        assert!(!outputs.join("sub").exists(), "{call}");
    }
}

#[test]
fn wazero_run_creates_a_missing_output_on_a_stat() {
    let (code, files, run) = probe_wazero("stat");
    assert_eq!(code, "0", "{}", run.log);
    assert_eq!(files, ["sub"]);
    assert_eq!(std::fs::read(run.results.join("outputs/sub")).unwrap(), b"");
    // A real folder answers ENOENT (44) and creates nothing.
    let (code, outputs, _dir) = probe_wasmtime("stat", &[]);
    assert_eq!(code, "44");
    assert!(!outputs.join("sub").exists());
}

fn run_wat(wat: &str, memory: Option<&str>) -> support::JobRun {
    support::run_job(&job(&wat::parse_str(wat).unwrap(), &[], &[], memory), &[])
}

#[test]
fn wazero_run_records_a_normal_return_as_minus_one_and_proc_exit_as_given() {
    let run = run_wat(
        r#"(module (memory (export "memory") 1) (func (export "_start")))"#,
        None,
    );
    assert_eq!(run.status, Some(1), "{}", run.log);
    assert_eq!(run.read("exitCode"), "-1");
    let run = run_wat(
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1) (func (export "_start") (call $exit (i32.const 3))))"#,
        None,
    );
    assert_eq!(run.status, Some(1), "{}", run.log);
    assert_eq!(run.read("exitCode"), "3");
}

#[test]
fn wazero_run_publishes_nothing_for_a_trap() {
    let run = run_wat(
        r#"(module (memory (export "memory") 1) (func (export "_start") unreachable))"#,
        None,
    );
    assert_eq!(run.status, Some(3), "{}", run.log);
    assert!(run.log.contains("failed, nothing published"), "{}", run.log);
    assert!(!run.results.exists());
}

/// A module that grows its memory from 1 page by `first` pages, then by one more, and
/// exits 0 if the first grow succeeded and the second failed.
fn exact_memory_limit(first: u32, memory: &str) -> support::JobRun {
    run_wat(
        &format!(
            r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (func (export "_start")
              (if (i32.eq (memory.grow (i32.const {first})) (i32.const -1))
                (then (call $exit (i32.const 1))))
              (call $exit (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))))"#
        ),
        Some(memory),
    )
}

#[test]
fn wazero_run_caps_memory_in_bacalhau_units() {
    // go-humanize: 512Mb is 512,000,000 bytes, 7,812.5 pages, rounded up to 7,813.
    let run = exact_memory_limit(7812, "512Mb");
    assert_eq!(run.read("exitCode"), "0", "{}", run.log);
    // 64MiB is 64 * 1024 * 1024 bytes: 1,024 pages.
    let run = exact_memory_limit(1023, "64MiB");
    assert_eq!(run.read("exitCode"), "0", "{}", run.log);
    // The default, with no Resources.Memory, is 512Mb.
    let run = run_wat(
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (func (export "_start")
              (call $exit (i32.ne (memory.grow (i32.const 7813)) (i32.const -1)))))"#,
        None,
    );
    assert_eq!(run.read("exitCode"), "0", "{}", run.log);
}

#[test]
fn entry_module_must_be_a_string_naming_an_input() {
    let module = std::fs::read(support::wasm_module()).unwrap();
    let mut spec = job(&module, &["--help"], &[], None);
    spec["Tasks"][0]["Engine"]["Params"]["EntryModule"] =
        json!({"Source": {"Type": "inline", "Params": {"URL": "data:,"}}});
    let run = support::run_job(&spec, &[]);
    assert_eq!(run.status, Some(2));
    assert!(
        run.log.contains("EntryModule must be a string"),
        "{}",
        run.log
    );
    let mut spec = job(&module, &["--help"], &[], None);
    spec["Tasks"][0]["Engine"]["Params"]["EntryModule"] = json!("/app/other.wasm");
    let run = support::run_job(&spec, &[]);
    assert_eq!(run.status, Some(3));
    assert!(run.log.contains("module not found"), "{}", run.log);
}

#[test]
fn under_wasi_an_output_never_replaces_an_input() {
    // One folder for inputs and outputs: a.original.png is both an input and a.png's
    // output. Natively this is refused; under WASI (no canonical paths) it must be too.
    let dir = tempfile::tempdir().unwrap();
    let golden = support::root().join("golden/inputs");
    std::fs::copy(golden.join("noise.png"), dir.path().join("a.png")).unwrap();
    std::fs::copy(golden.join("camera.png"), dir.path().join("a.original.png")).unwrap();
    let before = std::fs::read(dir.path().join("a.original.png")).unwrap();
    let output = std::process::Command::new(support::wasmtime())
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/data", dir.path().display()))
        .arg(support::wasm_module())
        .args(["/data/a.png", "/data/./a.original.png", "-o", "/data"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("would overwrite the input"), "{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join("a.original.png")).unwrap(),
        before
    );
}

#[test]
fn protect_faces_under_wasi_needs_the_model_file_and_says_where_to_get_it() {
    // No model built in: a usage error naming --face-model and the model's URL, before
    // any output.
    let run = carver_job(
        &["/inputs/astronaut-face.png", "--protect-faces"],
        &[("astronaut-face.png", "astronaut-face.png")],
    );
    assert_eq!(run.status, Some(1), "{}", run.log);
    assert_eq!(run.read("exitCode"), "2");
    let stderr = run.read("stderr");
    assert!(
        stderr.contains("--face-model")
            && stderr.contains(seam_carver::FaceDetector::MODEL_URL)
            && stderr.lines().count() == 1,
        "{stderr}"
    );
    // With the file, the face is found (and wasmtime writes what the native carve does:
    // the golden case astronaut-faces covers the bytes).
    let inputs = tempfile::tempdir().unwrap();
    std::fs::copy(
        support::root().join("golden/inputs/astronaut-face.png"),
        inputs.path().join("a.png"),
    )
    .unwrap();
    let outputs = tempfile::tempdir().unwrap();
    let model = format!("{}/{}", support::GUEST_MODEL_DIR, support::MODEL_NAME);
    let args: Vec<String> = [
        "/inputs/a.png",
        "--protect-faces",
        "--face-model",
        &model,
        "-o",
        "/outputs",
    ]
    .map(String::from)
    .to_vec();
    let output = support::run_wasmtime(inputs.path(), outputs.path(), &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("keeping 1 face whole"), "{stderr}");
}
