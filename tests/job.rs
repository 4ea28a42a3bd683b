//! Bacalhau job specs: the generated spec, snapshotted and parsed back field by field;
//! every golden case run from its generated spec on `wazero-run` (Bacalhau's wasm
//! executor on wazero) must give exit code 0 and the golden files; a module and images
//! by URL run from stand-in files; every job stays under 1 MiB; bad requests get clear
//! errors.

use crate::support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use seam_carver_cli::job::{self, Input, JobRequest, ModuleSource, build_jobs, decode_data_url};
use serde_json::Value;

fn request(module: Vec<u8>, inputs: Vec<Input>, options: &[&str]) -> JobRequest {
    JobRequest {
        module: ModuleSource::Inline(module),
        inputs,
        options: options.iter().map(|s| s.to_string()).collect(),
        memory: None,
        timeout_secs: 1800,
        publisher: "local".into(),
        partitions: 1,
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
    // What travels: the JSON.
    let spec = &serde_json::to_value(&jobs[0].spec).unwrap();
    assert_eq!(spec["Type"], "batch");
    assert_eq!(spec["Count"], 1);
    let task = &spec["Tasks"][0];
    assert_eq!(spec["Tasks"].as_array().unwrap().len(), 1);
    assert_eq!(task["Engine"]["Type"], "wasm");
    let params = &task["Engine"]["Params"];
    assert_eq!(params["Entrypoint"], "_start");
    // EntryModule names the folder the inline tar.gz unpacks into.
    assert_eq!(params["EntryModule"], "/app");
    let sources = task["InputSources"].as_array().unwrap();
    assert_eq!(sources[0]["Target"], "/app");
    assert_eq!(sources[0]["Source"]["Type"], "inline");
    let archive = decode_data_url(sources[0]["Source"]["Params"]["URL"].as_str().unwrap()).unwrap();
    assert!(
        sources[0]["Source"]["Params"]["URL"]
            .as_str()
            .unwrap()
            .starts_with("data:application/gzip;base64,")
    );
    assert_eq!(archive, job::tar_gz("seam-carver.wasm", TINY_MODULE));
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
            "/inputs/url-1",
            "/inputs/s3-1",
            "/inputs/QmCid",
            "-o",
            "/outputs",
            "--seams",
            "imageproc"
        ]
    );
    assert_eq!(sources.len(), 6);
    for (source, name) in sources[1..].iter().zip(["noise.png", "rocket.jpg"]) {
        assert_eq!(source["Target"], format!("/inputs/{name}"));
        assert_eq!(source["Source"]["Type"], "inline");
        let bytes = decode_data_url(source["Source"]["Params"]["URL"].as_str().unwrap()).unwrap();
        assert_eq!(
            bytes,
            std::fs::read(support::root().join("golden/inputs").join(name)).unwrap()
        );
    }
    // urlDownload and s3 put files inside Target: each gets a folder of its own.
    assert_eq!(
        sources[3],
        serde_json::json!({"Target": "/inputs/url-1", "Source": {"Type": "urlDownload", "Params": {"URL": "https://example.org/photos/cat.jpg"}}})
    );
    assert_eq!(
        sources[4],
        serde_json::json!({"Target": "/inputs/s3-1", "Source": {"Type": "s3", "Params": {"Bucket": "bucket", "Key": "dir/dog.png"}}})
    );
    assert_eq!(
        sources[5],
        serde_json::json!({"Target": "/inputs/QmCid", "Source": {"Type": "ipfs", "Params": {"CID": "QmCid"}}})
    );
    assert_eq!(
        task["ResultPaths"],
        serde_json::json!([{"Name": "outputs", "Path": "/outputs"}])
    );
    assert_eq!(task["Publisher"]["Type"], "local");
    // Remote inputs have unknown sizes: memory is generous, in units go-humanize reads
    // as powers of 1024.
    assert_eq!(task["Resources"]["Memory"], "2048MiB");
    assert_eq!(task["Timeouts"]["ExecutionTimeout"], 1800);
    assert_eq!(jobs[0].size, serde_json::to_vec(spec).unwrap().len());
    // wazero-run refuses what only a node can fetch, saying so.
    let run = support::run_job(spec, &[]);
    assert_eq!(run.status, Some(2));
    assert!(
        run.log
            .contains("urlDownload https://example.org/photos/cat.jpg")
            && run.log.contains("-stand-ins"),
        "{}",
        run.log
    );
}

#[test]
fn golden_cases_run_on_wazero_from_generated_specs() {
    let module = std::fs::read(support::wasm_module()).unwrap();
    // The node's download of the face model, for the --protect-faces case.
    let model_dir = support::model_dir();
    let stand_ins = ["-stand-ins", model_dir.to_str().unwrap()];
    for case in support::golden_cases() {
        let inputs = case.inputs.iter().map(|n| golden(n)).collect();
        let given = case.job_options();
        let options: Vec<&str> = given.iter().map(String::as_str).collect();
        let jobs = build_jobs(&request(module.clone(), inputs, &options)).unwrap();
        assert!(!jobs.is_empty(), "case {}", case.name);
        let outputs = tempfile::tempdir().unwrap();
        for spec in &jobs {
            assert!(spec.size <= job::JOB_BUDGET, "case {}", case.name);
            // Small images get the least memory, unless `^` may scale them up to the
            // module's pixel limit (16 MP on both axes: 64 MiB + 36 bytes a pixel).
            let memory = if job::fill_limit(&given).is_some() {
                "640MiB"
            } else {
                "512MiB"
            };
            assert_eq!(
                spec.spec.tasks[0].resources.as_ref().unwrap().memory,
                memory,
                "case {}",
                case.name
            );
            let run = support::run_job(&spec.spec, &stand_ins);
            assert_eq!(
                run.status,
                Some(0),
                "case {}: {}{}",
                case.name,
                run.log,
                std::fs::read_to_string(run.results.join("stderr")).unwrap_or_default()
            );
            assert_eq!(run.read("exitCode"), "0");
            // Jobs split from one request write disjoint files but one manifest each:
            // keep each job's files, and the manifests are compared below.
            for (name, bytes) in support::read_flat_dir(&run.results.join("outputs")) {
                if name != "manifest.json" {
                    std::fs::write(outputs.path().join(name), bytes).unwrap();
                }
            }
            if jobs.len() == 1 {
                std::fs::copy(
                    run.results.join("outputs/manifest.json"),
                    outputs.path().join("manifest.json"),
                )
                .unwrap();
            }
        }
        if jobs.len() == 1 {
            support::check_against_golden(&case, outputs.path(), "wazero");
        } else {
            let expected =
                support::read_flat_dir(&support::root().join("golden/expected").join(&case.name));
            let got = support::read_flat_dir(outputs.path());
            for (name, bytes) in &got {
                assert!(
                    expected[name] == *bytes,
                    "case {}: {name} differs",
                    case.name
                );
            }
            assert_eq!(got.len() + 1, expected.len(), "case {}", case.name);
        }
    }
}

#[test]
fn a_module_and_an_image_by_url_fit_one_small_job_and_carve_as_natively() {
    let work = tempfile::tempdir().unwrap();
    let jobs_dir = work.path().join("jobs");
    let image = support::root().join("golden/inputs/chelsea.png");
    write_specs(&[
        "--module".as_ref(),
        "https://example.org/m/seam-carver.wasm".as_ref(),
        image.as_os_str(),
        "https://example.org/photos/x.png".as_ref(),
        "--out-dir".as_ref(),
        jobs_dir.as_os_str(),
    ]);
    let text = std::fs::read_to_string(jobs_dir.join("job-1.json")).unwrap();
    assert!(!jobs_dir.join("job-2.json").exists());
    let spec: Value = serde_json::from_str(&text).unwrap();
    assert!(serde_json::to_vec(&spec).unwrap().len() < job::NATS_MAX_PAYLOAD);
    let task = &spec["Tasks"][0];
    let entry = task["Engine"]["Params"]["EntryModule"].as_str().unwrap();
    let sources = task["InputSources"].as_array().unwrap();
    let module_source = sources.iter().find(|s| s["Target"] == entry).unwrap();
    assert_eq!(
        module_source["Source"],
        serde_json::json!({"Type": "urlDownload", "Params": {"URL": "https://example.org/m/seam-carver.wasm"}})
    );
    let url_source = sources
        .iter()
        .find(|s| s["Source"]["Params"]["URL"] == "https://example.org/photos/x.png")
        .unwrap();
    assert_eq!(url_source["Source"]["Type"], "urlDownload");
    let folder = url_source["Target"].as_str().unwrap();
    assert!(
        task["Engine"]["Params"]["Parameters"]
            .as_array()
            .unwrap()
            .contains(&Value::from(folder))
    );

    // The node downloads both URLs; here stand-in files play the downloads.
    let stand_ins = work.path().join("stand-ins");
    std::fs::create_dir(&stand_ins).unwrap();
    std::fs::copy(support::wasm_module(), stand_ins.join("seam-carver.wasm")).unwrap();
    std::fs::copy(
        support::root().join("golden/inputs/noise.png"),
        stand_ins.join("x.png"),
    )
    .unwrap();
    let run = support::run_job(&spec, &["-stand-ins", stand_ins.to_str().unwrap()]);
    assert_eq!(run.status, Some(0), "{}{}", run.log, run.read("stderr"));

    let native_inputs = work.path().join("native-inputs");
    std::fs::create_dir(&native_inputs).unwrap();
    std::fs::copy(&image, native_inputs.join("chelsea.png")).unwrap();
    std::fs::copy(stand_ins.join("x.png"), native_inputs.join("x.png")).unwrap();
    let native = work.path().join("native");
    Command::cargo_bin("seam-carver")
        .unwrap()
        .arg(&native_inputs)
        .arg("-q")
        .arg("-o")
        .arg(&native)
        .assert()
        .success();
    let ours = support::read_flat_dir(&native);
    let theirs = support::read_flat_dir(&run.results.join("outputs"));
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &ours {
        assert!(
            theirs[name] == *bytes,
            "{name} differs from the native carve"
        );
    }
    assert_eq!(ours.len(), 13);
}

fn noise_png(dir: &Path, name: &str, side: u32) -> PathBuf {
    let path = dir.join(name);
    support::noise(side, side, side as u64).save(&path).unwrap();
    path
}

#[test]
fn every_job_stays_under_nats_payload_and_oversized_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // About 307 KB each (410 KB as base64): two fit in a job, the third starts a new one.
    let files: Vec<Input> = ["a.png", "b.png", "c.png"]
        .into_iter()
        .map(|n| Input::File(noise_png(dir.path(), n, 320)))
        .collect();
    let jobs = build_jobs(&request(TINY_MODULE.to_vec(), files, &[])).unwrap();
    let given: Vec<Vec<String>> = jobs.iter().map(|j| j.inputs.clone()).collect();
    let name = |n: &str| dir.path().join(n).display().to_string();
    assert_eq!(
        given,
        [vec![name("a.png"), name("b.png")], vec![name("c.png")]]
    );
    for j in &jobs {
        let size = serde_json::to_vec(&j.spec).unwrap().len();
        assert_eq!(size, j.size);
        assert!(size <= job::JOB_BUDGET, "{size}");
    }
    assert!(
        jobs[0].size > 800_000,
        "the first job is packed: {}",
        jobs[0].size
    );
    assert_eq!(jobs[1].spec.name, "seam-carver-2-of-2");

    // 1.08 MB: no job can carry it.
    let big = noise_png(dir.path(), "big.png", 600);
    let err = build_jobs(&request(TINY_MODULE.to_vec(), vec![Input::File(big)], &[])).unwrap_err();
    assert!(
        matches!(
            err,
            job::JobError::TooLargeInline {
                inline_module: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
    let err = err.to_string();
    assert!(
        err.contains("big.png") && err.contains("must stay under") && err.contains("NATS"),
        "{err}"
    );
    assert!(
        err.contains("https://") && err.contains("s3://") && err.contains("ipfs://"),
        "{err}"
    );
    // A module that cannot travel inline with anything says to publish it.
    let mut rng = support::Rng::new(5);
    let huge_module: Vec<u8> = (0..2_000_000).map(|_| rng.next() as u8).collect();
    let err = build_jobs(&request(huge_module, vec![golden("noise.png")], &[])).unwrap_err();
    assert!(
        matches!(
            err,
            job::JobError::TooLargeInline {
                inline_module: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
    let err = err.to_string();
    assert!(err.contains("--module https://"), "{err}");
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
        matches!(err, job::JobError::InputUnreadable { .. }),
        "{err:?}"
    );
    let err = err.to_string();
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
    assert!(
        matches!(err, job::JobError::InputNameClash { .. }),
        "{err:?}"
    );
    let err = err.to_string();
    assert!(
        err.contains("https://x.org/noise.png: another input is also named noise.png"),
        "{err}"
    );
    let text = support::root().join("README.md");
    let err = build_jobs(&request(TINY_MODULE.to_vec(), vec![Input::File(text)], &[])).unwrap_err();
    assert!(matches!(err, job::JobError::NotAnImage { .. }), "{err:?}");
    let err = err.to_string();
    assert!(
        err.contains("README.md") && err.contains("not a readable image"),
        "{err}"
    );
}

/// `bacalhau-job spec ARGS`, which must succeed; returns its stderr.
fn write_specs(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::cargo_bin("bacalhau-job")
        .unwrap()
        .arg("spec")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
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
    // A folder as users have them: the photo, its mask, a hidden file and a non-image.
    let photos = work.path().join("photos");
    std::fs::create_dir(&photos).unwrap();
    let golden_inputs = support::root().join("golden/inputs");
    std::fs::copy(golden_inputs.join("coffee.png"), photos.join("coffee.png")).unwrap();
    // A mask that changes the carve (the left half of the 60x40 photo protected), so that
    // a verify that ignored it would differ.
    image::GrayImage::from_fn(60, 40, |x, _| image::Luma([if x < 30 { 255 } else { 0 }]))
        .save(photos.join("cup.png"))
        .unwrap();
    std::fs::copy(golden_inputs.join("noise.png"), photos.join(".hidden.png")).unwrap();
    std::fs::write(photos.join("notes.txt"), "not an image").unwrap();
    let jobs_dir = work.path().join("jobs");
    let out = Command::cargo_bin("bacalhau-job")
        .unwrap()
        .current_dir(support::root())
        .arg("spec")
        .arg(&photos)
        .arg("--module")
        .arg(support::wasm_module())
        .arg("--out-dir")
        .arg(&jobs_dir)
        .args(["--", "--width", "80%", "--protect"])
        .arg(photos.join("cup.png"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The mask travels as a mask, not as an input; the others are skipped as the CLI does.
    assert!(stderr.contains("cup.png: a mask"), "{stderr}");
    assert!(
        stderr.contains("notes.txt: not an image file extension"),
        "{stderr}"
    );
    assert!(stderr.contains(".hidden.png: a hidden file"), "{stderr}");
    let spec_path = jobs_dir.join("job-1.json");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        spec_path.display().to_string()
    );
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    let targets: Vec<&str> = spec["Tasks"][0]["InputSources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["/app", "/masks/cup.png", "/inputs/coffee.png"]);
    let run = support::run_job(&spec, &[]);
    assert_eq!(run.status, Some(0), "{}", run.log);
    let results = run.results.clone();

    let check = check_results(&results);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).contains("coffee.carved.png"));
    Command::cargo_bin("bacalhau-job")
        .unwrap()
        .arg("verify")
        .arg(&results)
        .arg("--spec")
        .arg(&spec_path)
        .assert()
        .success();

    // A tampered result is caught, by name.
    std::fs::write(results.join("outputs/coffee.carved.png"), b"tampered").unwrap();
    let check = check_results(&results);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&check.stderr)
            .contains("coffee.carved.png: its SHA-256 does not match")
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
    // A failed execution publishes nothing: `bacalhau job get` leaves no exitCode.
    let empty = tempfile::tempdir().unwrap();
    let check = check_results(empty.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stderr).contains("nothing was published"));

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

#[test]
fn a_partitioned_job_carves_each_image_once_across_its_executions() {
    let work = tempfile::tempdir().unwrap();
    let photos = work.path().join("photos");
    std::fs::create_dir(&photos).unwrap();
    for (name, golden_name) in [
        ("a.png", "chelsea.png"),
        ("b.png", "noise.png"),
        ("c.png", "camera.png"),
    ] {
        std::fs::copy(
            support::root().join("golden/inputs").join(golden_name),
            photos.join(name),
        )
        .unwrap();
    }
    let jobs_dir = work.path().join("jobs");
    let photo = |n: &str| photos.join(n).into_os_string();
    let (a, b, c) = (photo("a.png"), photo("b.png"), photo("c.png"));
    write_specs(&[
        "--partitions".as_ref(),
        "3".as_ref(),
        "--module".as_ref(),
        "https://example.org/m/seam-carver.wasm".as_ref(),
        &a,
        &b,
        &c,
        "--out-dir".as_ref(),
        jobs_dir.as_os_str(),
    ]);
    let spec_path = jobs_dir.join("job-1.json");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    assert_eq!(spec["Count"], 3);
    let stand_ins = work.path().join("stand-ins");
    std::fs::create_dir(&stand_ins).unwrap();
    std::fs::copy(support::wasm_module(), stand_ins.join("seam-carver.wasm")).unwrap();
    let stand_ins = stand_ins.to_str().unwrap();

    // Each execution on its own, with BACALHAU_PARTITION_INDEX 0, 1, 2 of 3.
    let mut written = std::collections::BTreeMap::new();
    for index in 0..3 {
        let execution = index.to_string();
        let run = support::run_job(&spec, &["-stand-ins", stand_ins, "-execution", &execution]);
        assert_eq!(run.status, Some(0), "{}", run.log);
        for name in support::read_flat_dir(&run.results.join("outputs")).into_keys() {
            assert!(
                written.insert(name.clone(), index).is_none(),
                "{name} is written by two executions"
            );
        }
        assert!(written.contains_key(&format!("manifest-{index}-of-3.json")));
    }
    for stem in ["a", "b", "c"] {
        assert!(
            written.contains_key(&format!("{stem}.carved.png")),
            "{stem} was not carved"
        );
    }

    // All three merged as `bacalhau job get` merges them: identical to a native carve.
    let run = support::run_job(&spec, &["-stand-ins", stand_ins]);
    assert_eq!(run.status, Some(0), "{}", run.log);
    assert!(!run.log.contains("overwrites"), "{}", run.log);
    assert_eq!(run.read("exitCode"), "000");
    let check = check_results(&run.results);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    Command::cargo_bin("bacalhau-job")
        .unwrap()
        .arg("verify")
        .arg(&run.results)
        .arg("--spec")
        .arg(&spec_path)
        .assert()
        .success();
    // An execution that published nothing is named.
    std::fs::remove_file(run.results.join("outputs/manifest-1-of-3.json")).unwrap();
    let check = check_results(&run.results);
    assert!(
        String::from_utf8_lossy(&check.stderr).contains("partition 1/3: no manifest-1-of-3.json"),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn with_only_s3_inputs_bacalhau_splits_the_objects() {
    let mut req = request(
        TINY_MODULE.to_vec(),
        vec![Input::parse("s3://bucket/photos/").unwrap()],
        &[],
    );
    req.partitions = 4;
    let jobs = build_jobs(&req).unwrap();
    let spec = &serde_json::to_value(&jobs[0].spec).unwrap();
    assert_eq!(spec["Count"], 4);
    let source = &spec["Tasks"][0]["InputSources"][1];
    assert_eq!(
        source["Source"]["Params"]["Partition"],
        serde_json::json!({"Type": "object"})
    );
    let parameters = spec["Tasks"][0]["Engine"]["Params"]["Parameters"].to_string();
    assert!(
        parameters.ends_with(r#""--partition","none"]"#),
        "{parameters}"
    );

    // On wazero, each execution gets its share of the objects under the prefix.
    let stand_ins = tempfile::tempdir().unwrap();
    let prefix = stand_ins.path().join("bucket/photos");
    std::fs::create_dir_all(&prefix).unwrap();
    let names = ["a.png", "b.png", "c.png", "d.png", "e.png"];
    for name in names {
        std::fs::copy(
            support::root().join("golden/inputs/noise.png"),
            prefix.join(name),
        )
        .unwrap();
    }
    let mut req = request(
        std::fs::read(support::wasm_module()).unwrap(),
        vec![Input::parse("s3://bucket/photos/").unwrap()],
        &["--width", "-2"],
    );
    req.partitions = 2;
    let spec = build_jobs(&req).unwrap().remove(0).spec;
    let mut carved = Vec::new();
    for index in ["0", "1"] {
        let run = support::run_job(
            &spec,
            &[
                "-stand-ins",
                stand_ins.path().to_str().unwrap(),
                "-execution",
                index,
            ],
        );
        assert_eq!(run.status, Some(0), "{}", run.log);
        for name in support::read_flat_dir(&run.results.join("outputs")).into_keys() {
            if let Some(stem) = name.strip_suffix(".carved.png") {
                // Bacalhau's rule: fnv32a of the full key, modulo Count.
                let key = format!("photos/{stem}.png");
                assert_eq!(
                    seam_carver_cli::partition::fnv1a32(key.as_bytes()) % 2,
                    index.parse::<u32>().unwrap(),
                    "{key}"
                );
                carved.push(stem.to_string());
            }
        }
    }
    carved.sort();
    assert_eq!(carved, ["a", "b", "c", "d", "e"]);
}

/// `bacalhau-job verify` on a spec written by someone else, run from `cwd`.
fn verify_spec(spec: &Value, cwd: &Path) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("job.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let results = dir.path().join("results");
    std::fs::create_dir_all(results.join("outputs")).unwrap();
    Command::cargo_bin("bacalhau-job")
        .unwrap()
        .current_dir(cwd)
        .arg("verify")
        .arg(&results)
        .arg("--spec")
        .arg(&spec_path)
        .output()
        .unwrap()
}

#[test]
fn verify_writes_nowhere_a_hostile_spec_points() {
    fn parameters(spec: &mut Value) -> &mut Value {
        &mut spec["Tasks"][0]["Engine"]["Params"]["Parameters"]
    }
    let home = tempfile::tempdir().unwrap();
    let precious = home.path().join("precious.txt");
    std::fs::write(&precious, "mine").unwrap();
    // A working folder with inputs/ and outputs/ of the user's own.
    let cwd = home.path().join("project");
    std::fs::create_dir_all(cwd.join("inputs")).unwrap();
    std::fs::create_dir_all(cwd.join("outputs")).unwrap();
    std::fs::copy(
        support::root().join("golden/inputs/coffee.png"),
        cwd.join("inputs/coffee.png"),
    )
    .unwrap();
    std::fs::write(cwd.join("outputs/coffee.carved.png"), "the user's own").unwrap();
    let before = support::read_flat_dir(&cwd.join("outputs"));
    let generated = build_jobs(&request(
        TINY_MODULE.to_vec(),
        vec![golden("coffee.png")],
        &[],
    ))
    .unwrap()
    .remove(0)
    .spec;
    // Someone else's spec: JSON, edited below as a hostile sender would.
    let generated = serde_json::to_value(&generated).unwrap();
    let refused = |spec: &Value, needle: &str| {
        let out = verify_spec(spec, &cwd);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(needle), "{needle}: {stderr}");
        assert_eq!(std::fs::read_to_string(&precious).unwrap(), "mine");
        assert_eq!(support::read_flat_dir(&cwd.join("outputs")), before);
    };

    // A source whose Target climbs out of the staging folder to the user's file.
    let mut spec = generated.clone();
    let climb = format!("/{}{}", "../".repeat(24), precious.display());
    spec["Tasks"][0]["InputSources"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "Target": climb,
            "Source": {"Type": "inline", "Params": {"URL": "data:text/plain,clobbered"}}
        }));
    refused(&spec, "input source Target");
    // A source outside /inputs and /masks.
    let mut spec = generated.clone();
    spec["Tasks"][0]["InputSources"][1]["Target"] = format!("{}", precious.display()).into();
    refused(&spec, "outside the job's folders");
    // An output folder elsewhere, as `--output-dir=PATH` (no leading slash to spot).
    let elsewhere = home.path().join("elsewhere");
    for form in [
        vec![format!("--output-dir={}", elsewhere.display())],
        vec!["-o".to_string(), elsewhere.display().to_string()],
        vec!["--protect=/etc/passwd".to_string()],
        vec!["/inputs/../../etc/passwd".to_string()],
    ] {
        let mut spec = generated.clone();
        let list = parameters(&mut spec).as_array_mut().unwrap();
        list.extend(form.into_iter().map(Value::from));
        refused(&spec, "parameter");
        assert!(!elsewhere.exists());
    }
    // `Parameters: []` carves the job's own /inputs into its own /outputs (the node's
    // working folder is /), never the working folder's: the results folder here is empty,
    // so it then fails for want of a manifest, with the user's files untouched.
    let mut spec = generated.clone();
    *parameters(&mut spec) = serde_json::json!([]);
    refused(&spec, "no manifest.json");
}

#[test]
fn spec_refuses_what_would_fail_on_a_node() {
    let out = tempfile::tempdir().unwrap();
    let coffee = support::root().join("golden/inputs/coffee.png");
    for (flags, needle) in [
        (vec!["--", "-o", "/elsewhere"], "a job writes to /outputs"),
        (vec!["--", "--output-dir=/x"], "a job writes to /outputs"),
        (vec!["--", "extra.png"], "extra.png: inputs go before `--`"),
        (vec!["--memory", "banana"], "--memory banana: not a size"),
        (
            vec!["--memory", "1KiB"],
            "--memory 1KiB: 1024 bytes, under the 64 MiB",
        ),
        (vec!["--memory", "8GiB"], "over the 4 GiB"),
        (vec!["--timeout", "0"], "--timeout"),
        (vec!["--partitions", "4294967295"], "--partitions"),
        (
            vec!["--", "--width", "inf%"],
            "a percentage must be a finite number",
        ),
        (vec!["https://"], "https://: names no file"),
    ] {
        let output = Command::cargo_bin("bacalhau-job")
            .unwrap()
            .arg("spec")
            .arg(&coffee)
            .arg("--module")
            .arg(support::wasm_module())
            .arg("--out-dir")
            .arg(out.path())
            .args(&flags)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{flags:?}: {stderr}");
        assert!(stderr.contains(needle), "{flags:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{flags:?}: {stderr}");
        assert_eq!(
            std::fs::read_dir(out.path()).unwrap().count(),
            0,
            "{flags:?}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_costs_the_listing_never_a_job_file() {
    let out = tempfile::tempdir().unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_bacalhau-job"))
        .arg("spec")
        .arg(support::root().join("golden/inputs/coffee.png"))
        .arg(support::root().join("golden/inputs/noise.png"))
        .arg("--module")
        .arg(support::wasm_module())
        .arg("--out-dir")
        .arg(out.path())
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: standard output:"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.path().join("job-1.json").is_file());
}

#[cfg(unix)]
#[test]
fn fifos_are_refused_from_their_metadata_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("photos");
    std::fs::create_dir(&folder).unwrap();
    let fifo = folder.join("pipe.png");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let coffee = support::root().join("golden/inputs/coffee.png");
    let module = support::wasm_module();
    let cases: Vec<Vec<std::ffi::OsString>> = vec![
        vec![
            folder.clone().into(),
            "--module".into(),
            module.clone().into(),
        ],
        vec![
            coffee.clone().into(),
            "--module".into(),
            fifo.clone().into(),
        ],
        vec![
            coffee.clone().into(),
            "--module".into(),
            module.clone().into(),
            "--".into(),
            "--protect".into(),
            fifo.clone().into(),
        ],
    ];
    for args in cases {
        let output = Command::cargo_bin("bacalhau-job")
            .unwrap()
            .arg("spec")
            .arg("--out-dir")
            .arg(dir.path().join("jobs"))
            .args(&args)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("a FIFO"), "{args:?}: {stderr}");
    }
    // The carver itself: a FIFO mask.
    let output = Command::cargo_bin("seam-carver")
        .unwrap()
        .arg(&coffee)
        .arg("--protect")
        .arg(&fifo)
        .arg("-o")
        .arg(dir.path().join("out"))
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("a FIFO"), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_proc_file_s_size_is_not_trusted() {
    // /proc/self/status says 0 bytes and holds more: refused, not read without end.
    let err = seam_carver_cli::inputs::read_input(Path::new("/proc/self/status"), 1 << 20)
        .unwrap_err()
        .to_string();
    assert!(err.contains("its size says less than it holds"), "{err}");
}

#[test]
fn protect_skin_jobs_download_the_model_and_verify_against_a_native_carve() {
    let model_url = seam_carver::FaceDetector::MODEL_URL;
    let model_path = format!("{}/{}", job::MODEL_FOLDER, support::MODEL_NAME);
    let work = tempfile::tempdir().unwrap();
    let jobs_dir = work.path().join("jobs");
    Command::cargo_bin("bacalhau-job")
        .unwrap()
        .args(["spec", "--module"])
        .arg(support::wasm_module())
        .arg(support::root().join("golden/inputs/astronaut-face.png"))
        .arg("-o")
        .arg(&jobs_dir)
        .args(["--", "--protect-skin", "--width", "60%"])
        .assert()
        .success();
    let spec_path = jobs_dir.join("job-1.json");
    let spec: Value = serde_json::from_slice(&std::fs::read(&spec_path).unwrap()).unwrap();
    let task = &spec["Tasks"][0];
    // The model is fetched by the node (1.2 MB could not travel in a 1 MiB job)...
    let model = task["InputSources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Target"] == job::MODEL_FOLDER)
        .expect("a /model source");
    assert_eq!(model["Source"]["Type"], "urlDownload");
    assert_eq!(model["Source"]["Params"]["URL"], model_url);
    // ...and the module is told where it lands.
    let parameters = job::parameters(&serde_json::from_value(spec.clone()).unwrap()).unwrap();
    let at = parameters.iter().position(|p| p == "--face-model").unwrap();
    assert_eq!(parameters[at + 1], model_path);
    assert!(std::fs::metadata(&spec_path).unwrap().len() < job::JOB_BUDGET as u64);

    // A node runs it (its download served from the repository's copy), and `verify`
    // finds every file identical to a native carve, which uses the built-in model.
    let results = work.path().join("results");
    let run = support::run_job_file(
        &spec_path,
        &results,
        &["-stand-ins", support::model_dir().to_str().unwrap()],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let seams = std::fs::read_to_string(results.join("outputs/astronaut-face.seams.json")).unwrap();
    assert!(seams.contains("\"faces\":[{\"x\":"), "{seams}");
    assert!(seams.contains("\"skin_pixels\":"), "{seams}");
    let verify = Command::cargo_bin("bacalhau-job")
        .unwrap()
        .arg("verify")
        .arg(&results)
        .arg("--spec")
        .arg(&spec_path)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(String::from_utf8_lossy(&verify.stdout).contains("identical to a native carve"));
}

#[test]
fn a_face_model_for_a_job_is_a_url() {
    let given = |options: &[&str]| {
        let options: Vec<String> = options.iter().map(|s| s.to_string()).collect();
        job::face_model_url(&options)
    };
    let mirror = "https://example.org/models/seeta_fd_frontal_v1.0.bin";
    let (rest, url) =
        given(&["--protect-faces", "--face-model", mirror, "--width", "50%"]).unwrap();
    assert_eq!(rest, ["--protect-faces", "--width", "50%"]);
    assert_eq!(url.as_deref(), Some(mirror));
    let (_, url) = given(&[&format!("--face-model={mirror}"), "--protect-faces"]).unwrap();
    assert_eq!(url.as_deref(), Some(mirror));
    // --protect-skin finds faces too: the node gets the model.
    let (rest, url) = given(&["--protect-skin"]).unwrap();
    assert_eq!(rest, ["--protect-skin"]);
    assert_eq!(url.as_deref(), Some(seam_carver::FaceDetector::MODEL_URL));
    // Without either, nothing is touched.
    let (rest, url) = given(&["--width", "50%"]).unwrap();
    assert_eq!((rest.len(), url), (2, None));
    // A local file or a URL naming no file is refused, naming what to do.
    for bad in [
        "model/seeta_fd_frontal_v1.0.bin",
        "https://example.org/",
        "s3://b/k.bin",
    ] {
        let err = given(&["--protect-faces", "--face-model", bad])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!("--face-model {bad}:"))
                && err.contains(seam_carver::FaceDetector::MODEL_URL),
            "{err}"
        );
    }
    // The command line says so before writing anything.
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("bacalhau-job")
        .unwrap()
        .arg("spec")
        .arg(support::root().join("golden/inputs/chelsea.png"))
        .arg("-o")
        .arg(dir.path().join("jobs"))
        .args(["--", "--protect-faces", "--face-model", "local.bin"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--face-model local.bin: a job fetches"));
    assert!(!dir.path().join("jobs").exists());
}

#[test]
fn local_spec_mounts_the_module_and_folders_for_wazero_run() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(
        support::root().join("golden/inputs/noise.png"),
        inputs.join("noise.png"),
    )
    .unwrap();
    let output = crate::cli::succeeded(
        Command::cargo_bin("bacalhau-job")
            .unwrap()
            .args(["local-spec", "--module"])
            .arg(support::wasm_module())
            .arg("--inputs")
            .arg(&inputs)
            .args(["--", "-q", "--width", "-3"]),
    );
    let spec: seam_carver_cli::spec::Job = serde_json::from_slice(&output.stdout).unwrap();
    let task = &spec.tasks[0];
    assert_eq!(
        task.engine.params.parameters,
        ["/inputs", "-o", "/outputs", "-q", "--width", "-3"]
    );
    let targets: Vec<&str> = task
        .input_sources
        .iter()
        .map(|s| s.target.as_str())
        .collect();
    assert_eq!(targets, ["/app/seam-carver.wasm", "/inputs"]);
    // A node runs it: the image carved 3 columns narrower.
    let run = support::run_job(&spec, &[]);
    assert_eq!(run.status, Some(0), "{}", run.log);
    let carved = image::open(run.results.join("outputs/noise.carved.png")).unwrap();
    assert_eq!(carved.width(), 27);
}
