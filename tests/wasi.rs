//! The WASI leg: the release `wasm32-wasip1` module, run on embedded wasmtime under
//! Bacalhau's rules (see `crates/wasi-runner`), must write the golden files byte for
//! byte. Tests with tiny hand-written modules prove that the harness really enforces
//! those rules, so this leg cannot pass by accident.

mod support;

use std::path::Path;
use std::sync::OnceLock;

use wasi_runner::{ENOSYS, Invocation, Mount, Outcome, RETURNED_NORMALLY, Rules, Runner};

fn carver() -> &'static Runner {
    static RUNNER: OnceLock<Runner> = OnceLock::new();
    RUNNER.get_or_init(|| Runner::from_file(&support::wasm_module()).expect("module compiles"))
}

fn run_carver(inputs: &Path, outputs: &Path, args: &[String]) -> Outcome {
    carver()
        .run(&Invocation {
            entrypoint: "_start".into(),
            args: args.to_vec(),
            env: vec![],
            mounts: vec![
                Mount::input(inputs, "/inputs"),
                Mount::output(outputs, "/outputs"),
            ],
            rules: Rules::bacalhau(),
        })
        .expect("the module runs")
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn golden_cases_wasmtime() {
    for case in support::golden_cases() {
        let out = tempfile::tempdir().unwrap();
        let outcome = run_carver(
            &support::root().join("golden/inputs"),
            out.path(),
            &case.guest_args(),
        );
        assert_eq!(
            outcome.exit_code,
            0,
            "case {}: stderr: {}",
            case.name,
            String::from_utf8_lossy(&outcome.stderr)
        );
        support::check_against_golden(&case, out.path(), "wasmtime");
    }
}

#[test]
fn default_arguments_find_inputs_and_outputs_from_cwd_slash() {
    // No arguments at all: `inputs` and `outputs` resolve against `/`, Bacalhau's cwd.
    let inputs = tempfile::tempdir().unwrap();
    std::fs::copy(
        support::root().join("golden/inputs/noise.png"),
        inputs.path().join("n.png"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let outcome = run_carver(inputs.path(), out.path(), &[]);
    assert_eq!(
        outcome.exit_code,
        0,
        "{}",
        String::from_utf8_lossy(&outcome.stderr)
    );
    let names: Vec<String> = support::read_flat_dir(out.path()).into_keys().collect();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(names.contains(&"n.carved.png".to_string()));
}

#[test]
fn bad_input_under_wasm_fails_alone_with_exit_1() {
    let inputs = tempfile::tempdir().unwrap();
    std::fs::copy(
        support::root().join("golden/inputs/noise.png"),
        inputs.path().join("a.png"),
    )
    .unwrap();
    std::fs::write(inputs.path().join("b.png"), b"\x89PNG\r\n\x1a\ntruncated").unwrap();
    let out = tempfile::tempdir().unwrap();
    let outcome = run_carver(inputs.path(), out.path(), &strings(&["/inputs"]));
    assert_eq!(outcome.exit_code, 1);
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    assert!(
        stderr.contains("error: /inputs/b.png: cannot decode"),
        "{stderr}"
    );
    assert!(outcome.trap.is_none());
    let names: Vec<String> = support::read_flat_dir(out.path()).into_keys().collect();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with("b.")));
}

#[test]
fn help_works_with_an_empty_argv0() {
    let dir = tempfile::tempdir().unwrap();
    let outcome = run_carver(dir.path(), dir.path(), &strings(&["--help"]));
    assert_eq!(outcome.exit_code, 0);
    assert!(String::from_utf8_lossy(&outcome.stdout).contains("Usage:"));
}

// The harness itself, with tiny modules that poke at the rules directly.

/// A module whose `_start` calls one WASI function on preopen fd 3 with the name "sub"
/// (and, for rename, "new") and exits with the errno it got.
fn probe_module(call: &str) -> Runner {
    let (import, invoke) = match call {
        "mkdir" => (
            "(import \"wasi_snapshot_preview1\" \"path_create_directory\" (func $f (param i32 i32 i32) (result i32)))",
            "(call $f (i32.const 3) (i32.const 16) (i32.const 3))",
        ),
        "rename" => (
            "(import \"wasi_snapshot_preview1\" \"path_rename\" (func $f (param i32 i32 i32 i32 i32 i32) (result i32)))",
            "(call $f (i32.const 3) (i32.const 16) (i32.const 3) (i32.const 3) (i32.const 32) (i32.const 3))",
        ),
        "stat" => (
            "(import \"wasi_snapshot_preview1\" \"path_filestat_get\" (func $f (param i32 i32 i32 i32 i32) (result i32)))",
            "(call $f (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 3) (i32.const 64))",
        ),
        other => panic!("no probe {other}"),
    };
    let wat = format!(
        r#"(module
            {import}
            (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "sub")
            (data (i32.const 32) "new")
            (func (export "_start") (call $exit {invoke})))"#
    );
    Runner::from_bytes(wat.as_bytes()).unwrap()
}

fn probe(call: &str, rules: Rules, dir: &Path) -> i32 {
    probe_module(call)
        .run(&Invocation {
            entrypoint: "_start".into(),
            args: vec![],
            env: vec![],
            mounts: vec![Mount::output(dir, "/outputs")],
            rules,
        })
        .unwrap()
        .exit_code
}

#[test]
fn harness_rejects_mkdir_in_outputs_with_enosys() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(probe("mkdir", Rules::bacalhau(), dir.path()), ENOSYS);
    assert!(!dir.path().join("sub").exists());
    // Plain wasmtime would have allowed it: the rule is what stops it.
    assert_eq!(probe("mkdir", Rules::permissive(), dir.path()), 0);
    assert!(dir.path().join("sub").is_dir());
}

#[test]
fn harness_rejects_rename_in_outputs_with_enosys() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sub"), b"x").unwrap();
    assert_eq!(probe("rename", Rules::bacalhau(), dir.path()), ENOSYS);
    assert!(dir.path().join("sub").is_file() && !dir.path().join("new").exists());
    assert_eq!(probe("rename", Rules::permissive(), dir.path()), 0);
    assert!(dir.path().join("new").is_file());
}

#[test]
fn harness_stat_of_a_missing_output_creates_it_empty() {
    let dir = tempfile::tempdir().unwrap();
    assert_ne!(probe("stat", Rules::permissive(), dir.path()), 0);
    assert!(!dir.path().join("sub").exists());
    assert_eq!(probe("stat", Rules::bacalhau(), dir.path()), 0);
    assert_eq!(std::fs::read(dir.path().join("sub")).unwrap(), b"");
}

#[test]
fn harness_records_a_normal_return_as_minus_one() {
    let returns =
        Runner::from_bytes(b"(module (memory (export \"memory\") 1) (func (export \"_start\")))")
            .unwrap();
    let exits = Runner::from_bytes(
        br#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1) (func (export "_start") (call $exit (i32.const 3))))"#,
    )
    .unwrap();
    let invocation = Invocation {
        entrypoint: "_start".into(),
        args: vec![],
        env: vec![],
        mounts: vec![],
        rules: Rules::bacalhau(),
    };
    assert_eq!(
        returns.run(&invocation).unwrap().exit_code,
        RETURNED_NORMALLY
    );
    assert_eq!(exits.run(&invocation).unwrap().exit_code, 3);
}

#[test]
fn harness_caps_linear_memory() {
    // memory.grow past the limit returns -1; the module exits with 1 if it did.
    let grower = Runner::from_bytes(
        br#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (func (export "_start")
              (call $exit (i32.eq (memory.grow (i32.const 16)) (i32.const -1)))))"#,
    )
    .unwrap();
    let mut rules = Rules::bacalhau();
    rules.memory_limit = 8 * 65536;
    let invocation = Invocation {
        entrypoint: "_start".into(),
        args: vec![],
        env: vec![],
        mounts: vec![],
        rules,
    };
    assert_eq!(grower.run(&invocation).unwrap().exit_code, 1);
    rules.memory_limit = 64 * 65536;
    let invocation = Invocation {
        entrypoint: "_start".into(),
        args: vec![],
        env: vec![],
        mounts: vec![],
        rules,
    };
    assert_eq!(grower.run(&invocation).unwrap().exit_code, 0);
}

#[test]
fn more_seams_than_pixels_under_wasm_is_a_clean_error() {
    let inputs = support::root().join("golden/inputs");
    let out = tempfile::tempdir().unwrap();
    let outcome = run_carver(
        &inputs,
        out.path(),
        &strings(&["/inputs/noise.png", "--width", "-40", "--height", "-3"]),
    );
    assert_eq!(outcome.exit_code, 1);
    assert!(outcome.trap.is_none());
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    assert!(
        stderr.contains("error: /inputs/noise.png:") && stderr.contains("at least 1 must remain"),
        "{stderr}"
    );
    let names: Vec<String> = support::read_flat_dir(out.path()).into_keys().collect();
    assert_eq!(names, ["manifest.json"]);
}
