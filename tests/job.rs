//! Bacalhau job specs: the generated spec, snapshotted and parsed back field by field;
//! every golden case dry-run through the spec on wasmtime under the executor's rules
//! must give exit code 0 and the golden files; bad requests get clear errors.

mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use seam_carver::job::{self, Input, JobRequest, build_jobs, decode_data_url};
use serde_json::Value;

fn request(module: Vec<u8>, inputs: Vec<Input>, options: &[&str]) -> JobRequest {
    JobRequest {
        module,
        inputs,
        options: options.iter().map(|s| s.to_string()).collect(),
        memory: None,
        timeout_secs: 1800,
        publisher: "local".into(),
    }
}

fn golden(name: &str) -> Input {
    Input::File(support::root().join("golden/inputs").join(name))
}

const TINY_MODULE: &[u8] = b"\0asm\x01\0\0\0";

#[test]
fn spec_for_a_tiny_module_and_input() {
    let jobs = build_jobs(&request(
        TINY_MODULE.to_vec(),
        vec![golden("narrow.png")],
        &["--width", "1"],
    ))
    .unwrap();
    assert_eq!(jobs.len(), 1);
    insta::assert_json_snapshot!("tiny-spec", jobs[0].spec);
}

#[test]
fn spec_fields_parse_back() {
    let jobs = build_jobs(&request(
        TINY_MODULE.to_vec(),
        vec![
            golden("noise.png"),
            golden("rocket.jpg"),
            Input::parse("https://example.org/photos/cat.jpg").unwrap(),
            Input::parse("s3://bucket/dir/dog.png").unwrap(),
            Input::parse("ipfs://QmCid").unwrap(),
        ],
        &["--seams", "imageproc"],
    ))
    .unwrap();
    assert_eq!(jobs.len(), 1);
    let spec = &jobs[0].spec;
    assert_eq!(spec["Type"], "batch");
    assert_eq!(spec["Count"], 1);
    let task = &spec["Tasks"][0];
    assert_eq!(spec["Tasks"].as_array().unwrap().len(), 1);
    assert_eq!(task["Engine"]["Type"], "wasm");
    let params = &task["Engine"]["Params"];
    assert_eq!(params["Entrypoint"], "_start");
    assert_eq!(params["EntryModule"]["Source"]["Type"], "inline");
    let module_url = params["EntryModule"]["Source"]["Params"]["URL"]
        .as_str()
        .unwrap();
    assert_eq!(decode_data_url(module_url).unwrap(), TINY_MODULE);
    let parameters: Vec<&str> = params["Parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        parameters,
        [
            "/inputs/noise.png",
            "/inputs/rocket.jpg",
            "/inputs/cat.jpg",
            "/inputs/dog.png",
            "/inputs/QmCid",
            "-o",
            "/outputs",
            "--seams",
            "imageproc"
        ]
    );
    let sources = task["InputSources"].as_array().unwrap();
    assert_eq!(sources.len(), 5);
    for (source, name) in sources.iter().zip(["noise.png", "rocket.jpg"]) {
        assert_eq!(source["Target"], format!("/inputs/{name}"));
        assert_eq!(source["Source"]["Type"], "inline");
        let bytes = decode_data_url(source["Source"]["Params"]["URL"].as_str().unwrap()).unwrap();
        assert_eq!(
            bytes,
            std::fs::read(support::root().join("golden/inputs").join(name)).unwrap()
        );
    }
    assert_eq!(
        sources[2]["Source"],
        serde_json::json!({"Type": "urlDownload", "Params": {"URL": "https://example.org/photos/cat.jpg"}})
    );
    assert_eq!(
        sources[3]["Source"],
        serde_json::json!({"Type": "s3", "Params": {"Bucket": "bucket", "Key": "dir/dog.png"}})
    );
    assert_eq!(
        sources[4]["Source"],
        serde_json::json!({"Type": "ipfs", "Params": {"CID": "QmCid"}})
    );
    assert_eq!(
        task["ResultPaths"],
        serde_json::json!([{"Name": "outputs", "Path": "/outputs"}])
    );
    assert_eq!(task["Publisher"]["Type"], "local");
    // Remote inputs have unknown sizes: memory is generous.
    assert_eq!(task["Resources"]["Memory"], "2048Mb");
    assert_eq!(task["Timeouts"]["ExecutionTimeout"], 1800);
    // The dry run refuses what only a node can fetch, saying so.
    let err = wasi_runner::job::dry_run(spec, tempfile::tempdir().unwrap().path()).unwrap_err();
    assert!(
        err.contains("urlDownload") && err.contains("needs a Bacalhau node"),
        "{err}"
    );
}

#[test]
fn golden_cases_dry_run_through_generated_specs() {
    let module = std::fs::read(support::wasm_module()).unwrap();
    for case in support::golden_cases() {
        let inputs = case.inputs.iter().map(|n| golden(n)).collect();
        let native = case.native_options();
        let options: Vec<&str> = native.iter().map(String::as_str).collect();
        let jobs = build_jobs(&request(module.clone(), inputs, &options)).unwrap();
        assert_eq!(jobs.len(), 1, "case {}", case.name);
        assert_eq!(jobs[0].spec["Tasks"][0]["Resources"]["Memory"], "512Mb");
        let results = tempfile::tempdir().unwrap();
        let code = wasi_runner::job::dry_run(&jobs[0].spec, results.path()).unwrap();
        let stderr = std::fs::read_to_string(results.path().join("stderr")).unwrap();
        assert_eq!(code, 0, "case {}: {stderr}", case.name);
        assert_eq!(
            std::fs::read_to_string(results.path().join("exitCode")).unwrap(),
            "0"
        );
        support::check_against_golden(&case, &results.path().join("outputs"), "dry-run");
    }
}

fn noise_png(dir: &Path, name: &str, side: u32) -> PathBuf {
    let mut rng = support::Rng::new(side as u64);
    let image = image::RgbImage::from_fn(side, side, |_, _| {
        image::Rgb([rng.next() as u8, rng.next() as u8, rng.next() as u8])
    });
    let path = dir.join(name);
    image.save(&path).unwrap();
    path
}

#[test]
fn large_batches_split_and_oversized_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // About 3.6 MB each: two fit under the 10 MB inline cap, the third starts a new job.
    let files: Vec<Input> = ["a.png", "b.png", "c.png"]
        .into_iter()
        .map(|n| Input::File(noise_png(dir.path(), n, 1100)))
        .collect();
    let jobs = build_jobs(&request(TINY_MODULE.to_vec(), files, &[])).unwrap();
    assert_eq!(
        jobs.iter().map(|j| j.inputs.clone()).collect::<Vec<_>>(),
        [vec!["a.png", "b.png"], vec!["c.png"]]
    );
    for j in &jobs {
        assert!(serde_json::to_vec(&j.spec).unwrap().len() < job::INLINE_CAP);
    }
    assert_eq!(jobs[1].spec["Name"], "seam-carver-2-of-2");

    let big = noise_png(dir.path(), "big.png", 1900);
    let err = build_jobs(&request(TINY_MODULE.to_vec(), vec![Input::File(big)], &[])).unwrap_err();
    assert!(
        err.contains("big.png") && err.contains("too large to send inline"),
        "{err}"
    );
    assert!(
        err.contains("https://") && err.contains("s3://") && err.contains("ipfs://"),
        "{err}"
    );
}

#[test]
fn missing_and_clashing_inputs_are_clear_errors() {
    let err = build_jobs(&request(
        TINY_MODULE.to_vec(),
        vec![Input::File("no/such.png".into())],
        &[],
    ))
    .unwrap_err();
    assert!(
        err.contains("no/such.png") && err.contains("cannot read"),
        "{err}"
    );
    let err = build_jobs(&request(
        TINY_MODULE.to_vec(),
        vec![
            golden("noise.png"),
            Input::parse("https://x.org/noise.png").unwrap(),
        ],
        &[],
    ))
    .unwrap_err();
    assert!(err.contains("/inputs/noise.png"), "{err}");
    let text = support::root().join("README.md");
    let err = build_jobs(&request(TINY_MODULE.to_vec(), vec![Input::File(text)], &[])).unwrap_err();
    assert!(
        err.contains("README.md") && err.contains("not a readable image"),
        "{err}"
    );
}

/// `bacalhau-job check DIR`.
fn check_results(dir: &Path) -> std::process::Output {
    Command::cargo_bin("bacalhau-job")
        .unwrap()
        .arg("check")
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn companion_binary_writes_checks_and_verifies() {
    let work = tempfile::tempdir().unwrap();
    let jobs_dir = work.path().join("jobs");
    let out = Command::cargo_bin("bacalhau-job")
        .unwrap()
        .current_dir(support::root())
        .arg("spec")
        .arg(support::root().join("golden/inputs/chelsea.png"))
        .arg(support::root().join("golden/inputs/noise.png"))
        .arg("--module")
        .arg(support::wasm_module())
        .arg("--out-dir")
        .arg(&jobs_dir)
        .args(["--", "--width", "80%"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let spec_path = jobs_dir.join("job-1.json");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        spec_path.display().to_string()
    );
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    let results = work.path().join("results");
    assert_eq!(wasi_runner::job::dry_run(&spec, &results).unwrap(), 0);

    let check = check_results(&results);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).contains("chelsea.carved.png"));
    Command::cargo_bin("bacalhau-job")
        .unwrap()
        .arg("verify")
        .arg(&results)
        .arg("--spec")
        .arg(&spec_path)
        .assert()
        .success();

    // A tampered result is caught, by name.
    std::fs::write(results.join("outputs/noise.carved.png"), b"tampered").unwrap();
    let check = check_results(&results);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&check.stderr)
            .contains("noise.carved.png: its SHA-256 does not match")
    );
    // A failed job shows its stderr.
    std::fs::write(results.join("exitCode"), "1").unwrap();
    std::fs::write(
        results.join("stderr"),
        "error: /inputs/x.png: cannot decode image",
    )
    .unwrap();
    let check = check_results(&results);
    assert!(String::from_utf8_lossy(&check.stderr).contains("cannot decode image"));

    // Bad carving options are refused before anything is written.
    let bad = Command::cargo_bin("bacalhau-job")
        .unwrap()
        .arg("spec")
        .arg(support::root().join("golden/inputs/noise.png"))
        .arg("--module")
        .arg(support::wasm_module())
        .args(["--", "--seams", "greedy"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid seam-carver options"));
}
