//! The command line as scripts see it: exit codes, error lines, batches with bad inputs,
//! the flat output names and the manifest.

use crate::support;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use seam_carver_cli::output::{Manifest, SeamsReport, sha256_hex};

pub(crate) fn bin() -> Command {
    Command::cargo_bin("seam-carver").unwrap()
}

pub(crate) fn golden_input(name: &str) -> std::path::PathBuf {
    support::root().join("golden/inputs").join(name)
}

fn manifest(dir: &Path) -> Manifest {
    serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

pub(crate) fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `command`, which must succeed (else its stderr is the failure); its output.
pub(crate) fn succeeded(command: &mut Command) -> std::process::Output {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    output
}

/// Runs `command`, which must succeed; its stderr.
pub(crate) fn succeed(command: &mut Command) -> String {
    stderr_of(&succeeded(command))
}

/// The `seams.json` at `path`.
pub(crate) fn seams_report(path: &Path) -> SeamsReport {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// Each seam's orientation in a `seams.json`, in its order.
pub(crate) fn orientations(report: &SeamsReport) -> Vec<&str> {
    report
        .seams
        .iter()
        .map(|s| s.orientation.as_str())
        .collect()
}

#[test]
fn writes_the_six_flat_files_and_a_manifest_of_them() {
    let out = tempfile::tempdir().unwrap();
    bin()
        .arg(golden_input("chelsea.png"))
        .arg("-o")
        .arg(out.path())
        .assert()
        .success();
    let files = support::read_flat_dir(out.path());
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "chelsea.annotated.png",
            "chelsea.annotated_gradients.png",
            "chelsea.carved.png",
            "chelsea.gradients.png",
            "chelsea.original.png",
            "chelsea.seams.json",
            "manifest.json",
        ]
    );
    let manifest = manifest(out.path());
    assert_eq!(manifest.files.len(), 6);
    for (name, hash) in &manifest.files {
        assert_eq!(&sha256_hex(&files[name]), hash, "{name}");
    }
    let carved = image::open(out.path().join("chelsea.carved.png")).unwrap();
    assert_eq!((carved.width(), carved.height()), (72 - 12, 48));
}

#[test]
fn seams_json_has_the_documented_fields() {
    let out = tempfile::tempdir().unwrap();
    bin()
        .arg(golden_input("noise.png"))
        .args(["--width", "-3", "--only", "seams", "-o"])
        .arg(out.path())
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("noise.seams.json")).unwrap()).unwrap();
    assert_eq!(json["input"], "noise.png");
    assert_eq!(json["width"], 30);
    assert_eq!(json["height"], 22);
    assert_eq!(json["output_width"], 27);
    assert_eq!(json["output_height"], 22);
    assert_eq!(json["seam_rule"], "optimal");
    assert_eq!(json["energy"], "salient");
    let seams = json["seams"].as_array().unwrap();
    assert_eq!(seams.len(), 3);
    for (i, seam) in seams.iter().enumerate() {
        assert_eq!(seam["orientation"], "vertical");
        let path = seam["path"].as_array().unwrap();
        assert_eq!(path.len(), 22);
        // Each seam lies inside the image it was removed from and is 8-connected.
        for w in path.windows(2) {
            let (a, b) = (w[0].as_i64().unwrap(), w[1].as_i64().unwrap());
            assert!((a - b).abs() <= 1);
        }
        assert!(path.iter().all(|x| x.as_i64().unwrap() < 30 - i as i64));
        assert!(seam["cost"].as_u64().is_some());
    }
}

#[test]
fn only_writes_just_the_named_artifacts() {
    let out = tempfile::tempdir().unwrap();
    bin()
        .arg(golden_input("gradient.png"))
        .args(["--only", "carved,gradients", "-o"])
        .arg(out.path())
        .assert()
        .success();
    let names: Vec<String> = support::read_flat_dir(out.path()).into_keys().collect();
    assert_eq!(
        names,
        [
            "gradient.carved.png",
            "gradient.gradients.png",
            "manifest.json"
        ]
    );
    // Each file is the one a run writing them all writes (the energy map is only drawn
    // when a picture of it is asked for).
    let all = tempfile::tempdir().unwrap();
    succeed(
        bin()
            .arg(golden_input("gradient.png"))
            .arg("-o")
            .arg(all.path()),
    );
    let every = support::read_flat_dir(all.path());
    for (only, file) in [
        ("carved", "gradient.carved.png"),
        ("annotated_gradients", "gradient.annotated_gradients.png"),
    ] {
        let one = tempfile::tempdir().unwrap();
        succeed(
            bin()
                .arg(golden_input("gradient.png"))
                .args(["--only", only, "-o"])
                .arg(one.path()),
        );
        assert_eq!(
            support::read_flat_dir(one.path())[file],
            every[file],
            "{file}"
        );
    }
    for file in ["gradient.carved.png", "gradient.gradients.png"] {
        assert_eq!(
            support::read_flat_dir(out.path())[file],
            every[file],
            "{file}"
        );
    }
}

#[test]
fn width_forms_give_the_expected_sizes() {
    for (spec, expected) in [("50", 50), ("-10", 62), ("50%", 36), ("72", 72)] {
        let out = tempfile::tempdir().unwrap();
        bin()
            .arg(golden_input("chelsea.png"))
            .args(["--only", "carved", "--width", spec, "-o"])
            .arg(out.path())
            .assert()
            .success();
        let carved = image::open(out.path().join("chelsea.carved.png")).unwrap();
        assert_eq!(carved.width(), expected, "--width {spec}");
    }
}

#[test]
fn a_bad_file_in_a_batch_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    fs::create_dir(&inputs).unwrap();
    fs::copy(golden_input("noise.png"), inputs.join("a.png")).unwrap();
    fs::write(inputs.join("b.png"), b"this is not a png").unwrap();
    fs::copy(golden_input("stripes.png"), inputs.join("c.png")).unwrap();
    fs::write(inputs.join("notes.txt"), b"ignored").unwrap();
    let out = dir.path().join("out");
    let output = bin().arg(&inputs).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].contains("b.png") && errors[0].contains("not an image format"),
        "{stderr}"
    );
    assert!(
        stderr.contains("skipping") && stderr.contains("notes.txt"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let names: Vec<String> = support::read_flat_dir(&out).into_keys().collect();
    assert!(names.iter().all(|n| !n.starts_with("b.")), "{names:?}");
    assert_eq!(names.iter().filter(|n| n.starts_with("a.")).count(), 6);
    assert_eq!(names.iter().filter(|n| n.starts_with("c.")).count(), 6);
    assert_eq!(manifest(&out).files.len(), 12);
}

#[test]
fn missing_input_is_exit_1_with_its_name() {
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .arg("no/such/photo.png")
        .arg(golden_input("noise.png"))
        .arg("-o")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("error: no/such/photo.png: no such file or directory"),
        "{stderr}"
    );
    assert!(out.path().join("noise.carved.png").is_file());
}

#[test]
fn too_small_inputs_get_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.png");
    image::RgbImage::new(1, 5).save(&one).unwrap();
    let out = dir.path().join("out");
    // Growing a 1-pixel-wide image has no neighbour to average with.
    let output = bin()
        .arg(&one)
        .args(["--width", "2", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("one.png") && stderr.contains("width of at least 2"),
        "{stderr}"
    );

    let output = bin()
        .arg(golden_input("noise.png"))
        .args(["--width", "-30", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("noise.png") && stderr.contains("at least 1 must remain"),
        "{stderr}"
    );

    let output = bin()
        .arg(golden_input("noise.png"))
        .args(["--width", "4000000000", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("over the limit"));
    // Nothing but the manifest was written for the failed inputs.
    let names: Vec<String> = support::read_flat_dir(&out).into_keys().collect();
    assert_eq!(names, ["manifest.json"]);
}

#[test]
fn colliding_output_names_fail_the_second_input() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(golden_input("noise.png"), dir.path().join("x.png")).unwrap();
    fs::copy(golden_input("rocket.jpg"), dir.path().join("x.jpg")).unwrap();
    let out = dir.path().join("out");
    let output = bin().arg(dir.path()).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("x.png: output names x.* are already taken"),
        "{stderr}"
    );
    // x.jpg sorts first and keeps its outputs.
    let seams: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("x.seams.json")).unwrap()).unwrap();
    assert_eq!(seams["input"], "x.jpg");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["--seams", "greedy"],
        vec!["--width", "abc"],
        vec!["--only", "shrunk"],
        vec!["--no-such-flag"],
    ] {
        let output = bin().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr_of(&output).contains("error:"), "{args:?}");
    }
}

#[test]
fn help_explains_the_outputs_and_exit_codes() {
    let output = bin().arg("--help").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "--width",
        "--seams",
        "--only",
        "NAME.carved.png",
        "manifest.json",
        "EXIT STATUS",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
    // The first line says what the program does, not how the package is laid out.
    assert!(
        help.starts_with("Content-aware image resizing by seam carving"),
        "{help}"
    );
}

#[test]
fn default_input_is_the_inputs_directory() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("inputs")).unwrap();
    fs::copy(
        golden_input("gradient.png"),
        dir.path().join("inputs/g.png"),
    )
    .unwrap();
    bin().current_dir(dir.path()).arg("-q").assert().success();
    assert!(dir.path().join("outputs/g.carved.png").is_file());
    assert!(dir.path().join("outputs/manifest.json").is_file());
}

#[test]
fn progress_goes_to_stderr_and_quiet_silences_it() {
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .arg(golden_input("chelsea.png"))
        .args(["--width", "10", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("72x48 -> 10x48, removing 62 seams"),
        "{stderr}"
    );
    // A carve this quick shows no seam progress; a long one does, after a second.
    assert!(!stderr.contains("seam 62/62"), "{stderr}");
    let big = out.path().join("big.png");
    support::noise(3200, 2000, 9).save(&big).unwrap();
    let output = bin()
        .arg(&big)
        .args(["--width", "50%", "--only", "carved", "-j", "1", "-o"])
        .arg(out.path().join("big"))
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert!(stderr.contains("  seam 1600/1600"), "{stderr}");
    // Lines before the last say how long is left.
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("  seam ") && l.ends_with(" s left")),
        "{stderr}"
    );
    let quiet = bin()
        .arg(golden_input("chelsea.png"))
        .args(["-q", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(quiet.status.success());
    assert!(quiet.stderr.is_empty());
}

#[test]
fn height_removes_horizontal_seams_and_keeps_the_width() {
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .arg(golden_input("chelsea.png"))
        .args(["--height", "-8", "--only", "carved,seams", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(stderr_of(&output).contains("72x48 -> 72x40, removing 8 seams"));
    let carved = image::open(out.path().join("chelsea.carved.png")).unwrap();
    assert_eq!((carved.width(), carved.height()), (72, 40));
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("chelsea.seams.json")).unwrap()).unwrap();
    let seams = json["seams"].as_array().unwrap();
    assert_eq!(seams.len(), 8);
    for (i, seam) in seams.iter().enumerate() {
        assert_eq!(seam["orientation"], "horizontal");
        let path = seam["path"].as_array().unwrap();
        assert_eq!(path.len(), 72, "a row for each column");
        assert!(path.iter().all(|y| y.as_u64().unwrap() < 48 - i as u64));
    }
    // Both: widths first, then heights.
    let both = bin()
        .arg(golden_input("chelsea.png"))
        .args(["--width", "60", "--height", "40", "--only", "seams", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(both.status.success());
    let report = seams_report(&out.path().join("chelsea.seams.json"));
    assert_eq!(
        orientations(&report),
        [vec!["vertical"; 12], vec!["horizontal"; 8]].concat()
    );
    assert_eq!((report.output_width, report.output_height), (60, 40));
}

#[test]
fn too_short_for_the_height_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("flat.png");
    image::RgbImage::new(10, 1).save(&flat).unwrap();
    let output = bin()
        .arg(&flat)
        .args(["--height", "1", "-o"])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    // A height of 1 asked of a 1-pixel-high image removes nothing: fine.
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = bin()
        .arg(golden_input("noise.png"))
        .args(["--height", "-22", "-o"])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("at least 1 must remain"),
        "{}",
        stderr_of(&output)
    );
    let output = bin()
        .arg(golden_input("noise.png"))
        .args(["--height", "1000000", "-o"])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output)
            .contains("the result would be 30x1000000 (30000000 pixels), over the limit"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn geometry_sets_both_axes() {
    let out = tempfile::tempdir().unwrap();
    bin()
        .arg(golden_input("chelsea.png"))
        .args(["--width", "50%x75%", "--only", "carved", "-o"])
        .arg(out.path())
        .assert()
        .success();
    let carved = image::open(out.path().join("chelsea.carved.png")).unwrap();
    assert_eq!((carved.width(), carved.height()), (36, 36));
    let output = bin()
        .args(["--width", "10x10", "--height", "5"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("give it alone"));
}

#[test]
fn a_mask_of_the_wrong_size_fails_that_input_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = bin()
        .arg(golden_input("coffee.png"))
        .arg(golden_input("noise.png"))
        .arg("--protect")
        .arg(golden_input("coffee-cup.mask.png"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("noise.png: mask ")
            && stderr.contains("coffee-cup.mask.png is 60x40 but the image is 30x22"),
        "{stderr}"
    );
    // The matching input is carved; the other leaves no file behind.
    let names: Vec<String> = manifest(&out).files.into_keys().collect();
    assert!(names.iter().any(|n| n == "coffee.carved.png"), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("noise.")), "{names:?}");
    assert!(!out.join("noise.carved.png").exists());
}

#[test]
fn mask_usage_errors_exit_2_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (args, message) in [
        (
            vec!["--protect", "no/such/mask.png"],
            "no/such/mask.png: cannot read mask",
        ),
        (vec!["--keep-size"], "--remove"),
        (
            vec!["--energy", "forward", "--seams", "imageproc"],
            "optimal rule",
        ),
        (vec!["--energy", "sideways"], "unknown energy 'sideways'"),
    ] {
        let output = bin()
            .arg(golden_input("coffee.png"))
            .args(&args)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr_of(&output).contains(message),
            "{args:?}: {}",
            stderr_of(&output)
        );
    }
    assert!(!out.exists(), "no output directory after a usage error");
}

#[test]
fn masks_inside_an_input_directory_are_not_carved() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    fs::create_dir(&inputs).unwrap();
    for name in ["coffee.png", "coffee-spoon.mask.png"] {
        fs::copy(golden_input(name), inputs.join(name)).unwrap();
    }
    let out = dir.path().join("out");
    let output = bin()
        .arg(&inputs)
        .arg("--remove")
        .arg(inputs.join("coffee-spoon.mask.png"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("coffee-spoon.mask.png: a mask"), "{stderr}");
    assert!(
        stderr.contains("removing the 107 pixels of mask"),
        "{stderr}"
    );
    let names: Vec<String> = manifest(&out).files.into_keys().collect();
    assert!(names.iter().all(|n| !n.contains("spoon")), "{names:?}");
}

#[test]
fn enlargement_is_refused_under_the_imageproc_rule() {
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .arg(golden_input("noise.png"))
        .args(["--width", "+5", "--seams", "imageproc", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    // A usage error, as with forward energy: it does not depend on the image.
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("optimal rule"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn a_closed_stderr_does_not_stop_the_carve() {
    // `seam-carver ... 2>&1 | head -1`: once the reader is gone, progress lines fail to
    // write; the carve must go on and finish its files.
    let out = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("seam-carver"))
        .arg(golden_input("chelsea.png"))
        .arg("-o")
        .arg(out.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert!(out.path().join("chelsea.carved.png").is_file());
    assert!(out.path().join("manifest.json").is_file());
}

/// A folder with the golden photos, a broken file, and two inputs sharing output names
/// of which the first is broken (so the second carves).
fn mixed_batch(dir: &Path) -> std::path::PathBuf {
    let batch = dir.join("batch");
    fs::create_dir(&batch).unwrap();
    for name in [
        "astronaut.png",
        "camera.png",
        "chelsea.png",
        "coffee.png",
        "noise.png",
        "rocket.jpg",
        "stripes.png",
        "gradient.png",
    ] {
        fs::copy(golden_input(name), batch.join(name)).unwrap();
    }
    fs::write(batch.join("broken.png"), b"\x89PNG\r\n\x1a\nbroken").unwrap();
    fs::write(batch.join("twin.jpg"), b"not a jpeg").unwrap();
    fs::copy(golden_input("noise.png"), batch.join("twin.png")).unwrap();
    batch
}

#[test]
fn jobs_carve_in_parallel_with_the_same_files_and_lines_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let batch = mixed_batch(dir.path());
    let run = |jobs: &str| {
        let out = dir.path().join(format!("out-{jobs}"));
        // Few seams: no seam progress lines, so the whole of stderr can be compared.
        let output = bin()
            .arg(&batch)
            .args(["--width", "-3", "--jobs", jobs, "-o"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
        (
            support::read_flat_dir(&out),
            stderr_of(&output).replace(&out.display().to_string(), "OUT"),
        )
    };
    let (one, one_log) = run("1");
    assert!(one_log.contains("broken.png: cannot decode"), "{one_log}");
    assert!(
        one.contains_key("twin.carved.png"),
        "the second twin carves when the first fails"
    );
    assert_eq!(one.len(), 9 * 6 + 1);
    for jobs in ["2", "4"] {
        let (many, many_log) = run(jobs);
        assert_eq!(
            one.keys().collect::<Vec<_>>(),
            many.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &one {
            assert!(many[name] == *bytes, "--jobs {jobs}: {name} differs");
        }
        assert_eq!(one_log, many_log, "--jobs {jobs}");
    }
}

#[test]
fn partitions_split_a_batch_into_disjoint_shares_with_their_own_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let batch = mixed_batch(dir.path());
    let whole = dir.path().join("whole");
    bin()
        .arg(&batch)
        .args(["-q", "--width", "-3", "-o"])
        .arg(&whole)
        .output()
        .unwrap();
    let whole = support::read_flat_dir(&whole);
    let mut merged = std::collections::BTreeMap::new();
    let mut listed = std::collections::BTreeMap::new();
    for index in 0..3 {
        let out = dir.path().join(format!("share-{index}"));
        let output = bin()
            .arg(&batch)
            .args(["--width", "-3", "--partition", &format!("{index}/3"), "-o"])
            .arg(&out)
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains(&format!("(partition {index}/3;")),
            "{stderr}"
        );
        let files = support::read_flat_dir(&out);
        let manifest_name = format!("manifest-{index}-of-3.json");
        let manifest: Manifest = serde_json::from_slice(&files[&manifest_name]).unwrap();
        assert!(!files.contains_key("manifest.json"));
        for (name, bytes) in files {
            if name == manifest_name {
                continue;
            }
            assert_eq!(manifest.files[&name], sha256_hex(&bytes));
            assert!(
                merged.insert(name.clone(), bytes).is_none(),
                "{name} written by two shares"
            );
        }
        listed.extend(manifest.files);
    }
    // Together the shares wrote exactly what one run writes, byte for byte.
    let whole_manifest: Manifest = serde_json::from_slice(&whole["manifest.json"]).unwrap();
    assert_eq!(listed, whole_manifest.files);
    for (name, bytes) in &merged {
        assert!(whole[name] == *bytes, "{name}");
    }
    assert_eq!(merged.len() + 1, whole.len());
}

#[test]
fn bacalhau_partition_variables_choose_the_share_and_none_turns_it_off() {
    let dir = tempfile::tempdir().unwrap();
    let batch = mixed_batch(dir.path());
    let out = dir.path().join("out");
    let output = bin()
        .arg(&batch)
        .args(["-q", "--width", "-3", "-o"])
        .arg(&out)
        .env("BACALHAU_PARTITION_INDEX", "1")
        .env("BACALHAU_PARTITION_COUNT", "2")
        .output()
        .unwrap();
    assert!(
        out.join("manifest-1-of-2.json").is_file(),
        "{}",
        stderr_of(&output)
    );
    let out = dir.path().join("none");
    bin()
        .arg(&batch)
        .args(["-q", "--width", "-3", "--partition", "none", "-o"])
        .arg(&out)
        .env("BACALHAU_PARTITION_INDEX", "1")
        .env("BACALHAU_PARTITION_COUNT", "2")
        .output()
        .unwrap();
    assert!(out.join("manifest.json").is_file());
    let output = bin()
        .arg(&batch)
        .env("BACALHAU_PARTITION_COUNT", "2")
        .env_remove("BACALHAU_PARTITION_INDEX")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("BACALHAU_PARTITION_INDEX is not set"));
}

#[test]
fn timing_lines_only_when_asked_for() {
    let out = tempfile::tempdir().unwrap();
    let run = |timing: Option<&str>| {
        let mut cmd = bin();
        cmd.arg(golden_input("noise.png"))
            .args(["-j", "1", "-o"])
            .arg(out.path());
        match timing {
            Some(v) => cmd.env("SEAM_CARVER_TIMING", v),
            None => cmd.env_remove("SEAM_CARVER_TIMING"),
        };
        stderr_of(&cmd.output().unwrap())
    };
    let with = run(Some("1"));
    assert!(
        with.contains("timing: read and decode") && with.contains("draw, encode and write"),
        "{with}"
    );
    assert!(!run(None).contains("timing:"));
    assert!(!run(Some("0")).contains("timing:"));
}

#[test]
fn a_run_into_its_input_folder_skips_its_own_outputs_and_never_overwrites_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    fs::create_dir(&d).unwrap();
    fs::copy(golden_input("noise.png"), d.join("x.png")).unwrap();
    // Twice into the same folder: the second run carves x.png again, not the outputs.
    for _ in 0..2 {
        let output = bin().arg(&d).arg("-o").arg(&d).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    }
    let output = bin().arg(&d).arg("-o").arg(&d).output().unwrap();
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("skipping")
            && stderr.contains("x.carved.png: named as seam-carver's outputs"),
        "{stderr}"
    );
    assert_eq!(fs::read_dir(&d).unwrap().count(), 1 + 6 + 1);

    // An input named as another input's output is never replaced by it.
    let e = dir.path().join("e");
    fs::create_dir(&e).unwrap();
    fs::copy(golden_input("noise.png"), e.join("y.png")).unwrap();
    fs::copy(golden_input("camera.png"), e.join("y.carved.png")).unwrap();
    let before = fs::read(e.join("y.carved.png")).unwrap();
    let output = bin()
        .arg(e.join("y.png"))
        .arg(e.join("y.carved.png"))
        .arg("-o")
        .arg(&e)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("would overwrite the input"), "{stderr}");
    assert_eq!(fs::read(e.join("y.carved.png")).unwrap(), before);
    assert!(
        !e.join("y.original.png").exists(),
        "nothing of y.png was written"
    );
}

#[test]
fn a_failed_input_leaves_the_earlier_files_of_its_names_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (r1, r2, out) = (
        dir.path().join("r1"),
        dir.path().join("r2"),
        dir.path().join("out"),
    );
    fs::create_dir(&r1).unwrap();
    fs::create_dir(&r2).unwrap();
    fs::copy(golden_input("noise.png"), r1.join("cat.png")).unwrap();
    fs::copy(golden_input("camera.png"), r2.join("cat.png")).unwrap();
    bin()
        .arg(r1.join("cat.png"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let first = support::read_flat_dir(&out);
    // Something is in the way of one of run 2's files.
    fs::remove_file(out.join("cat.carved.png")).unwrap();
    fs::create_dir(out.join("cat.carved.png")).unwrap();
    let output = bin()
        .arg(r2.join("cat.png"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("cat.carved.png"),
        "{}",
        stderr_of(&output)
    );
    for name in [
        "cat.original.png",
        "cat.annotated.png",
        "cat.gradients.png",
        "cat.seams.json",
    ] {
        assert_eq!(
            fs::read(out.join(name)).unwrap(),
            first[name],
            "{name} was replaced"
        );
    }
    // The manifest still lists them (the one in the way is gone from it).
    let listed: Vec<String> = manifest(&out).files.into_keys().collect();
    assert_eq!(
        listed,
        [
            "cat.annotated.png",
            "cat.annotated_gradients.png",
            "cat.gradients.png",
            "cat.original.png",
            "cat.seams.json"
        ]
    );
    let leftovers: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_fifo_is_refused_without_blocking_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    fs::create_dir(&d).unwrap();
    fs::copy(golden_input("noise.png"), d.join("a.png")).unwrap();
    fs::copy(golden_input("camera.png"), d.join("c.png")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(d.join("b.png"))
        .status()
        .unwrap();
    assert!(status.success());
    let out = dir.path().join("out");
    let output = bin()
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("b.png: not a regular file (a FIFO)"),
        "{}",
        stderr_of(&output)
    );
    assert!(out.join("a.carved.png").is_file() && out.join("c.carved.png").is_file());
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // 600 MiB, sparse: nothing is written to disk, and reading it would take a while.
    let big = dir.path().join("big.png");
    let file = fs::File::create(&big).unwrap();
    file.set_len(600 << 20).unwrap();
    let output = bin()
        .arg(&big)
        .arg("-o")
        .arg(dir.path().join("out"))
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("big.png: the file is 629145600 bytes, over the limit of 536870912"),
        "{stderr}"
    );
    // A smaller limit applies to smaller files too.
    let output = bin()
        .arg(golden_input("noise.png"))
        .args(["--max-file-size", "100", "-o"])
        .arg(dir.path().join("out2"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("over the limit of 100 bytes"));
}

/// A batch long enough to be interrupted at half their width, one at a time: twelve
/// 1600x1200 noise images `n0.png` ... `n11.png` in `dir/in`.
fn long_batch(dir: &Path) -> std::path::PathBuf {
    let inputs = dir.join("in");
    fs::create_dir(&inputs).unwrap();
    support::noise(1600, 1200, 3)
        .save(inputs.join("n0.png"))
        .unwrap();
    for i in 1..12 {
        fs::copy(inputs.join("n0.png"), inputs.join(format!("n{i}.png"))).unwrap();
    }
    inputs
}

#[test]
fn an_interrupt_leaves_no_partial_or_temporary_files_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = long_batch(dir.path());
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let out = dir.path().join(signal);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_seam-carver"))
            .arg(&inputs)
            .args(["--width", "50%", "-q", "-j", "1", "-o"])
            .arg(&out)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let sent = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "SIG{signal}");
        // No temporary file, no manifest, and whatever is there is whole.
        for entry in fs::read_dir(&out).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                !name.ends_with(".tmp") && name != "manifest.json",
                "SIG{signal}: {name}"
            );
            if name.ends_with(".png") {
                image::open(&path).unwrap_or_else(|e| panic!("SIG{signal}: {name}: {e}"));
            }
        }
    }
}

#[test]
fn a_bad_output_folder_or_no_inputs_is_a_usage_error_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    // -o naming a regular file.
    let file = dir.path().join("out.txt");
    fs::write(&file, b"x").unwrap();
    let output = bin()
        .arg(golden_input("noise.png"))
        .arg("-o")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("error: -o "),
        "{}",
        stderr_of(&output)
    );
    assert!(
        !stderr_of(&output).contains("noise.png"),
        "no input was started"
    );
    // No INPUT and no ./inputs: a hint, and no outputs/ made.
    let output = bin().current_dir(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("no INPUT given and ./inputs does not exist"),
        "{}",
        stderr_of(&output)
    );
    assert!(!dir.path().join("outputs").exists());
    // A mistyped input alone: the same, naming it.
    let output = bin()
        .current_dir(dir.path())
        .arg("phot.png")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("no such file or directory: phot.png"));
    assert!(!dir.path().join("outputs").exists());
}

#[test]
fn the_same_file_twice_is_carved_once_and_clashes_suggest_another_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    fs::create_dir(&d).unwrap();
    fs::copy(golden_input("noise.png"), d.join("x.png")).unwrap();
    let out = dir.path().join("out");
    let output = bin()
        .arg(&d)
        .arg(d.join("x.png"))
        .arg(d.join("x.png"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("carved 1 of 1 input into"),
        "{}",
        stderr_of(&output)
    );
    fs::copy(golden_input("camera.png"), d.join("x.jpg")).unwrap();
    let output = bin()
        .arg(&d)
        .arg("-o")
        .arg(dir.path().join("out2"))
        .output()
        .unwrap();
    assert!(stderr_of(&output).contains("carve it into another folder with its own -o"));
}

#[test]
fn formats_seam_carver_does_not_read_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    fs::create_dir(&d).unwrap();
    fs::write(d.join("empty.png"), b"").unwrap();
    fs::write(d.join("photo.heic"), b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").unwrap();
    fs::write(
        d.join("drawing.png"),
        b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    fs::write(d.join("scan.jpg"), b"\0\0\0\x0cjP  \r\n\x87\n rest").unwrap();
    let output = bin()
        .arg(&d)
        .args(fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()))
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("empty.png: empty file"), "{stderr}");
    assert!(
        stderr.contains("photo.heic: not an image format seam-carver reads (it is HEIC)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("drawing.png: not an image format seam-carver reads (it is SVG)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("scan.jpg: not an image format seam-carver reads (it is JPEG 2000)"),
        "{stderr}"
    );
    assert!(stderr.contains("it reads PNG, JPEG"), "{stderr}");
}

#[test]
fn lines_read_naturally() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    fs::create_dir(&d).unwrap();
    for name in ["10.png", "2.png", "1.png", "100.png"] {
        fs::copy(golden_input("noise.png"), d.join(name)).unwrap();
    }
    fs::copy(golden_input("noise.png"), d.join(".hidden.png")).unwrap();
    let output = bin()
        .arg(&d)
        .args(["--width", "-1", "-j", "1", "-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    let order: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("-> "))
        .map(|l| l.split(": ").next().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(order, ["1.png", "2.png", "10.png", "100.png"], "{stderr}");
    assert!(stderr.contains("removing 1 seam\n"), "{stderr}");
    assert!(stderr.contains(".hidden.png: a hidden file"), "{stderr}");
    // A folder without images says so.
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let output = bin()
        .arg(&empty)
        .arg("-o")
        .arg(dir.path().join("out3"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr_of(&output).contains("no images to carve in"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn natural_order_compares_numbers_as_numbers() {
    use seam_carver_cli::inputs::natural_order;
    use std::cmp::Ordering::*;
    let o = |a: &str, b: &str| natural_order(Path::new(a), Path::new(b));
    assert_eq!(o("2.png", "10.png"), Less);
    assert_eq!(o("img9", "img10"), Less);
    assert_eq!(o("a.png", "b.png"), Less);
    assert_eq!(o("x01", "x1"), Less);
    assert_eq!(o("x1", "x1"), Equal);
    assert_eq!(o("x10y2", "x10y10"), Less);
}

#[test]
fn a_one_pixel_wide_image_passes_through_when_no_vertical_seam_is_needed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("col.png");
    image::RgbImage::from_fn(1, 10, |_, y| image::Rgb([y as u8 * 20, 0, 0]))
        .save(&input)
        .unwrap();
    let out = dir.path().join("out");
    let output = bin()
        .arg(&input)
        .args(["--height", "5", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let carved = image::open(out.join("col.carved.png")).unwrap();
    assert_eq!((carved.width(), carved.height()), (1, 5));
    // A vertical seam it cannot give is still refused, naming why.
    let output = bin()
        .arg(&input)
        .args(["--width", "-1", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn tga_is_read_by_its_extension_since_it_has_no_signature() {
    let dir = tempfile::tempdir().unwrap();
    let tga = dir.path().join("photo.tga");
    image::RgbImage::from_fn(20, 10, |x, y| image::Rgb([x as u8 * 10, y as u8 * 20, 90]))
        .save(&tga)
        .unwrap();
    let out = dir.path().join("out");
    let output = bin().arg(&tga).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(out.join("photo.carved.png").is_file());
    // The same bytes under a name that says nothing are not guessed at.
    let unnamed = dir.path().join("photo.png");
    fs::copy(&tga, &unnamed).unwrap();
    let output = bin().arg(&unnamed).arg("-o").arg(&out).output().unwrap();
    assert!(
        stderr_of(&output).contains("not an image format"),
        "{}",
        stderr_of(&output)
    );
}

/// A mask the size of noise.png (30x22) from a function of the pixel.
fn noise_mask(dir: &Path, name: &str, set: impl Fn(u32, u32) -> bool) -> std::path::PathBuf {
    let path = dir.join(name);
    image::GrayImage::from_fn(30, 22, |x, y| {
        image::Luma([if set(x, y) { 255 } else { 0 }])
    })
    .save(&path)
    .unwrap();
    path
}

#[test]
fn object_removal_never_cuts_through_what_is_protected() {
    let dir = tempfile::tempdir().unwrap();
    let object = noise_mask(dir.path(), "object.png", |x, y| {
        (10..14).contains(&x) && y < 5
    });
    for (name, protect) in [
        ("all.png", noise_mask(dir.path(), "all.png", |_, _| true)),
        (
            "half.png",
            noise_mask(dir.path(), "half.png", |x, _| x >= 8),
        ),
    ] {
        let output = bin()
            .arg(golden_input("noise.png"))
            .arg("--remove")
            .arg(&object)
            .arg("--protect")
            .arg(&protect)
            .arg("-o")
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{name}");
        assert!(
            stderr_of(&output).contains("crosses a protected pixel"),
            "{name}: {}",
            stderr_of(&output)
        );
    }
}

#[test]
fn checks_that_need_no_carving_come_before_it() {
    let dir = tempfile::tempdir().unwrap();
    // A mask covering a whole row: refused at once, not after 29 seams.
    let full = noise_mask(dir.path(), "full.png", |_, y| y == 3);
    let output = bin()
        .arg(golden_input("noise.png"))
        .arg("--remove")
        .arg(&full)
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("covers row 3 across the whole width"),
        "{stderr}"
    );
    // A name too long for its outputs: refused before it is decoded.
    let long = dir.path().join(format!("{}.png", "x".repeat(236)));
    fs::copy(golden_input("noise.png"), &long).unwrap();
    let output = bin()
        .arg(&long)
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("over the 255 bytes a file name may have"),
        "{stderr}"
    );
    assert!(!stderr.contains("removing"), "{stderr}");
}

#[test]
fn a_jpeg_mask_counts_only_its_light_pixels() {
    let dir = tempfile::tempdir().unwrap();
    let png = noise_mask(dir.path(), "m.png", |x, y| {
        (5..20).contains(&x) && (4..15).contains(&y)
    });
    let jpg = dir.path().join("m.jpg");
    image::open(&png).unwrap().to_luma8().save(&jpg).unwrap();
    let count = |path: &Path| {
        seam_carver_cli::decode::decode_mask("m", &fs::read(path).unwrap(), u64::MAX)
            .unwrap()
            .count()
    };
    // The JPEG's ringing around the square is near black, and not counted.
    assert_eq!(count(&png), 15 * 11);
    assert_eq!(count(&jpg), count(&png));
}

#[test]
fn transparent_pixels_show_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.png");
    // Magenta stored under alpha 0 in the left half, opaque blue on the right.
    image::RgbaImage::from_fn(12, 6, |x, _| {
        if x < 6 {
            image::Rgba([255, 0, 255, 0])
        } else {
            image::Rgba([0, 0, 200, 255])
        }
    })
    .save(&input)
    .unwrap();
    let original = |args: &[&str], out: &str| {
        let out = dir.path().join(out);
        bin()
            .arg(&input)
            .args(args)
            .args(["--only", "original", "-o"])
            .arg(&out)
            .assert()
            .success();
        image::open(out.join("t.original.png")).unwrap().to_rgb8()
    };
    let white = original(&[], "white");
    assert_eq!(white.get_pixel(0, 0).0, [255, 255, 255]);
    assert_eq!(white.get_pixel(11, 0).0, [0, 0, 200]);
    let black = original(&["--background", "#000000"], "black");
    assert_eq!(black.get_pixel(0, 0).0, [0, 0, 0]);
    // The example's rule keeps the stored colours, as the example did.
    let example = original(&["--seams", "imageproc"], "example");
    assert_eq!(example.get_pixel(0, 0).0, [255, 0, 255]);
    let output = bin()
        .arg(&input)
        .args(["--background", "mauve"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn background_none_keeps_transparency_through_the_carve() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("logo.png");
    // Alpha of every kind, and colours stored under clear pixels.
    let rgba = image::RgbaImage::from_fn(40, 24, |x, y| {
        let a = match (x / 5 + y / 4) % 3 {
            0 => 255,
            1 => 0,
            _ => (x * 9 + y * 5) as u8,
        };
        image::Rgba([(x * 6) as u8, (y * 10) as u8, ((x * y) % 256) as u8, a])
    });
    rgba.save(&input).unwrap();
    let out = dir.path().join("out");
    bin()
        .arg(&input)
        .args([
            "--background",
            "none",
            "--width",
            "30",
            "--height",
            "-3",
            "-q",
        ])
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let original = image::open(out.join("logo.original.png")).unwrap();
    assert_eq!(
        original.as_rgba8(),
        Some(&rgba),
        "the original as it was, alpha kept"
    );
    let carved = image::open(out.join("logo.carved.png")).unwrap();
    let carved = carved.as_rgba8().expect("an RGBA carve");
    assert_eq!(carved.dimensions(), (30, 21));
    // The same pixels as the library's own RGBA carve with the same request.
    let want = seam_carver::resize(&rgba, &seam_carver::Request::to(30, 21)).unwrap();
    assert_eq!(carved, &want.image);
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("logo.seams.json")).unwrap()).unwrap();
    assert_eq!(report["output_width"], 30);
    // Not with the example's rule, which keeps the stored colours.
    let output = bin()
        .arg(&input)
        .args(["--background", "none", "--seams", "imageproc", "-o"])
        .arg(dir.path().join("example"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("--background none keeps transparency"));
}

#[test]
fn a_rerun_with_only_removes_the_input_s_stale_artifacts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    bin()
        .arg(golden_input("noise.png"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    bin()
        .arg(golden_input("noise.png"))
        .args(["--width", "-2", "--only", "carved", "-o"])
        .arg(&out)
        .assert()
        .success();
    let names: Vec<String> = support::read_flat_dir(&out).into_keys().collect();
    assert_eq!(names, ["manifest.json", "noise.carved.png"]);
}

#[test]
fn animated_images_say_only_their_first_frame_is_carved_and_rgb_icons_decode() {
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("anim.gif");
    {
        let file = fs::File::create(&gif).unwrap();
        let mut encoder = image::codecs::gif::GifEncoder::new(file);
        for shade in [40u8, 200] {
            let frame =
                image::RgbaImage::from_fn(10, 8, |x, _| image::Rgba([shade, x as u8 * 20, 0, 255]));
            encoder.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    let out = dir.path().join("out");
    let output = bin().arg(&gif).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("(an animated image: its first frame only)"),
        "{}",
        stderr_of(&output)
    );
    // An icon whose PNG image is RGB (the image crate reads only RGBA ones).
    let mut png = Vec::new();
    image::RgbImage::from_fn(16, 16, |x, y| image::Rgb([x as u8 * 10, y as u8 * 10, 99]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let mut ico = vec![0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 24, 0];
    ico.extend((png.len() as u32).to_le_bytes());
    ico.extend(22u32.to_le_bytes());
    ico.extend(&png);
    let icon = dir.path().join("icon.ico");
    fs::write(&icon, ico).unwrap();
    let output = bin().arg(&icon).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(out.join("icon.carved.png").is_file());
}

#[test]
fn an_input_or_mask_named_manifest_json_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // An image named manifest.json (read by its bytes), carved into its own folder.
    fs::copy(golden_input("noise.png"), d.join("manifest.json")).unwrap();
    let before = fs::read(d.join("manifest.json")).unwrap();
    let output = bin()
        .arg(d.join("manifest.json"))
        .arg("-o")
        .arg(d)
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_ne!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("would overwrite the input"), "{stderr}");
    assert_eq!(fs::read(d.join("manifest.json")).unwrap(), before);
}

#[test]
fn only_removes_nothing_the_folder_s_manifest_does_not_list() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    // The user's own files named like artifacts, with no manifest of ours beside them.
    fs::write(out.join("noise.original.png"), "the user's own").unwrap();
    let output = bin()
        .arg(golden_input("noise.png"))
        .args(["--only", "carved", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(
        fs::read_to_string(out.join("noise.original.png")).unwrap(),
        "the user's own"
    );
    // Files a run of ours wrote and listed are removed by a narrower rerun, as before;
    // one the user changed since is kept.
    let output = bin()
        .arg(golden_input("noise.png"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    fs::write(out.join("noise.gradients.png"), "edited by hand").unwrap();
    let output = bin()
        .arg(golden_input("noise.png"))
        .args(["--only", "carved", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(!out.join("noise.annotated.png").exists());
    assert!(out.join("noise.gradients.png").exists());
}

#[test]
fn earlier_manifest_entries_outside_the_folder_are_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let secret = dir.path().join("secret.txt");
    fs::write(&secret, "secret").unwrap();
    let mut files = std::collections::BTreeMap::new();
    for name in ["../secret.txt".to_string(), secret.display().to_string()] {
        files.insert(name, sha256_hex(b"secret"));
    }
    fs::write(
        out.join("manifest.json"),
        serde_json::to_vec(&Manifest { files }).unwrap(),
    )
    .unwrap();
    let output = bin()
        .arg(golden_input("noise.png"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let listed = manifest(&out);
    assert!(
        listed.files.keys().all(|n| !n.contains("secret")),
        "{listed:?}"
    );
    assert_eq!(fs::read_to_string(&secret).unwrap(), "secret");
}

#[cfg(unix)]
#[test]
fn outputs_are_created_with_the_umask_s_mode() {
    use std::os::unix::fs::PermissionsExt;
    let out = tempfile::tempdir().unwrap();
    // The test process's umask is inherited; the files must be as open as a new file
    // made with it (0644 under the common 022), not tempfile's private 0600.
    let probe = out.path().join("probe");
    fs::write(&probe, "").unwrap();
    let expected = fs::metadata(&probe).unwrap().permissions().mode() & 0o777;
    fs::remove_file(&probe).unwrap();
    let output = bin()
        .arg(golden_input("noise.png"))
        .arg("-o")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    for entry in fs::read_dir(out.path()).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, expected, "{:?}", entry.file_name());
    }
}

#[test]
fn a_long_thin_image_is_refused_in_moments_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    // 1000000x1 would take minutes (the carve costs seams times pixels); 300x1 carves.
    image::RgbImage::from_fn(1_000_000, 1, |x, _| image::Rgb([(x % 251) as u8, 0, 0]))
        .save(dir.path().join("long.png"))
        .unwrap();
    fs::copy(golden_input("noise.png"), dir.path().join("noise.png")).unwrap();
    let output = bin()
        .arg(dir.path().join("long.png"))
        .arg(dir.path().join("noise.png"))
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("long.png: carving 166666 seams from a 1000000x1 image"),
        "{stderr}"
    );
    assert!(dir.path().join("out/noise.carved.png").exists());
    assert!(!dir.path().join("out/long.carved.png").exists());
    // How soon the refusal comes is measured in `just bench`, not here.
}

#[test]
fn runs_into_one_folder_take_turns_and_the_manifest_lists_both() {
    // A run into a folder another run holds waits, saying so, until that run ends; two
    // runs at once then leave a manifest that lists every file of both, rightly hashed.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for (folder, golden) in [(&a, "coffee.png"), (&b, "noise.png")] {
        fs::create_dir(folder).unwrap();
        fs::copy(golden_input(golden), folder.join(golden)).unwrap();
    }
    fs::create_dir(&out).unwrap();
    let spawn = |input: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_seam-carver"))
            .arg(input)
            .arg("-o")
            .arg(&out)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    // This test holds the folder as a run would.
    let held = fs::File::open(&out).unwrap();
    held.lock().unwrap();
    let mut waiting = spawn(&a);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(waiting.try_wait().unwrap().is_none(), "it did not wait");
    assert!(
        fs::read_dir(&out).unwrap().next().is_none(),
        "it wrote while waiting"
    );
    drop(held);
    let other = spawn(&b);
    let outputs: Vec<_> = [waiting, other]
        .into_iter()
        .map(|child| child.wait_with_output().unwrap())
        .collect();
    for output in &outputs {
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(output));
    }
    assert!(
        stderr_of(&outputs[0]).contains("waiting for another seam-carver run into"),
        "{}",
        stderr_of(&outputs[0])
    );
    let listed = manifest(&out);
    let present = support::read_flat_dir(&out);
    assert_eq!(listed.files.len(), 12, "{listed:?}");
    assert_eq!(present.len(), 13);
    for (name, hash) in &listed.files {
        assert_eq!(sha256_hex(&present[name]), *hash, "{name}");
    }
}

#[cfg(unix)]
#[test]
fn a_dangling_link_alone_is_a_missing_input() {
    // As a missing name: exit 2 before any work, naming it, and no output folder made.
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("gone.png");
    std::os::unix::fs::symlink(dir.path().join("nothing.png"), &link).unwrap();
    let out = dir.path().join("out");
    let output = bin().arg(&link).arg("-o").arg(&out).output().unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("gone.png (a link to nothing)"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn inputs_that_cannot_be_read_say_why_and_a_mask_is_no_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // A name longer than a file name may be is not "missing".
    let long = dir.path().join(format!("{}.png", "a".repeat(300)));
    let output = bin().arg(&long).arg("-o").arg(&out).output().unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot read any INPUT"), "{stderr}");
    assert!(stderr.contains("name too long"), "{stderr}");
    assert!(!stderr.contains("no such file"), "{stderr}");
    assert!(!out.exists());
    // A file given as the input and as its own mask: said so, before any work.
    let image = dir.path().join("p.png");
    fs::copy(golden_input("noise.png"), &image).unwrap();
    for flag in ["--remove", "--protect"] {
        let output = bin()
            .arg(&image)
            .arg(flag)
            .arg(&image)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("named both as an INPUT and as the {flag} mask")),
            "{stderr}"
        );
        assert!(!stderr.contains("no images to carve"), "{stderr}");
        assert!(!out.exists());
    }
}

#[test]
fn an_output_folder_no_file_can_be_created_in_is_a_usage_error_before_any_work() {
    // /proc/self is a folder in which no file can be made, even by root (the tests may
    // run as root, to whom a mode of 0555 is no obstacle).
    let output = bin()
        .arg(golden_input("noise.png"))
        .args(["-o", "/proc/self"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: -o /proc/self: cannot create a file in it"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        !stderr.contains("noise.png"),
        "no input was started: {stderr}"
    );
}

#[test]
fn an_interrupted_rerun_leaves_a_true_manifest_and_leftovers_are_swept() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = long_batch(dir.path());
    let out = dir.path().join("out");
    // A first run, quick, writes every file and a manifest of them; its extra input is
    // not carved again, so its entry stays.
    let extra = dir.path().join("extra.png");
    fs::copy(golden_input("noise.png"), &extra).unwrap();
    bin()
        .arg(&inputs)
        .arg(&extra)
        .args(["--width", "-2", "--only", "carved", "-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let first = fs::read(out.join("n0.carved.png")).unwrap();
    // A killed run's temporary file, and a user's file that only looks like one.
    let leftover = out.join(".seam-carver-4000000-AbCdEf.tmp");
    let users = out.join(".seam-carver-notes.tmp");
    fs::write(&leftover, b"half").unwrap();
    fs::write(&users, b"mine").unwrap();
    // A re-run with another width, hung up once it has replaced n0's file.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_seam-carver"))
        .arg(&inputs)
        .args(["--width", "50%", "--only", "carved", "-j", "1", "-o"])
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    use std::io::BufRead;
    let mut seen = String::new();
    for line in stderr.split(b'\n').chain(std::iter::once(Ok(Vec::new()))) {
        let line = String::from_utf8_lossy(&line.unwrap()).into_owned();
        seen.push_str(&line);
        seen.push('\n');
        // n1's plan line comes once n0's files are renamed into place.
        if line.contains("n1.png:") {
            break;
        }
    }
    assert!(seen.contains("n1.png:"), "{seen}");
    let sent = std::process::Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    assert_eq!(child.wait().unwrap().code(), Some(129));
    assert!(!leftover.exists(), "a killed run's temporary file is swept");
    assert_eq!(fs::read(&users).unwrap(), b"mine");
    let replaced = fs::read(out.join("n0.carved.png")).unwrap();
    assert_ne!(replaced, first, "the re-run replaced n0's file");
    // Every file the manifest lists has the bytes it says; none is a temporary file.
    let listed = manifest(&out);
    assert!(listed.files.contains_key("extra.carved.png"), "{listed:?}");
    for (name, hash) in &listed.files {
        let bytes = fs::read(out.join(name)).unwrap();
        assert_eq!(&sha256_hex(&bytes), hash, "{name}");
    }
    for entry in fs::read_dir(&out).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.ends_with(".tmp") || name == ".seam-carver-notes.tmp",
            "{name}"
        );
    }
}

#[test]
fn only_the_files_written_need_names_a_file_system_takes() {
    // A 240-byte stem: NAME.annotated_gradients.png would be 264 bytes, NAME.carved.png 251.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(format!("{}.png", "n".repeat(240)));
    fs::copy(golden_input("noise.png"), &input).unwrap();
    let out = dir.path().join("out");
    let output = bin().arg(&input).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("output names would be up to 264 bytes"));
    bin()
        .arg(&input)
        .args(["--only", "carved", "-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert!(out.join(format!("{}.carved.png", "n".repeat(240))).exists());
}

/// The input pixels each seam of a report took out, replayed from its paths (vertical
/// seams only: the columns of every row, each seam removing the one at its path's index).
fn removed_by_vertical_seams(report: &SeamsReport) -> Vec<(u32, u32)> {
    let mut rows: Vec<Vec<u32>> = (0..report.height)
        .map(|_| (0..report.width).collect())
        .collect();
    let mut removed = Vec::new();
    for seam in &report.seams {
        assert_eq!(seam.orientation, "vertical");
        for (y, &x) in seam.path.iter().enumerate() {
            removed.push((rows[y].remove(x as usize), y as u32));
        }
    }
    removed
}

#[test]
fn protect_faces_keeps_every_seam_out_of_the_face_found() {
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .arg(golden_input("astronaut-face.png"))
        .args(["--protect-faces", "--width", "40%", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("keeping 1 face whole"),
        "{}",
        stderr_of(&output)
    );
    let report: SeamsReport =
        serde_json::from_slice(&fs::read(out.path().join("astronaut-face.seams.json")).unwrap())
            .unwrap();
    let faces = report.faces.clone().expect("seams.json lists the faces");
    assert_eq!(faces.len(), 1, "{faces:?}");
    let face = &faces[0];
    // Eileen Collins' face, centred near (72, 37) in the 160x160 picture.
    assert!(
        (face.x..face.x + face.width).contains(&72)
            && (face.y..face.y + face.height).contains(&37)
            && (20..50).contains(&face.width),
        "{face:?}"
    );
    let removed = removed_by_vertical_seams(&report);
    assert_eq!(removed.len() as u32, 96 * 160);
    let inside = |&(x, y): &(u32, u32)| {
        x >= face.x && x < face.x + face.width && y >= face.y && y < face.y + face.height
    };
    assert!(!removed.iter().any(inside), "a seam crossed the face");
    // The annotated picture outlines the face; without the flag seams go through it.
    let plain = tempfile::tempdir().unwrap();
    bin()
        .arg(golden_input("astronaut-face.png"))
        .args(["--width", "40%", "-q", "-o"])
        .arg(plain.path())
        .assert()
        .success();
    let plain: SeamsReport =
        serde_json::from_slice(&fs::read(plain.path().join("astronaut-face.seams.json")).unwrap())
            .unwrap();
    assert!(plain.faces.is_none());
    assert!(removed_by_vertical_seams(&plain).iter().any(inside));
}

#[test]
fn protect_skin_keeps_every_seam_out_of_the_skin_around_the_face() {
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .arg(golden_input("astronaut-face.png"))
        .args(["--protect-skin", "--width", "40%", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    let report: SeamsReport =
        serde_json::from_slice(&fs::read(out.path().join("astronaut-face.seams.json")).unwrap())
            .unwrap();
    // The skin is the library's, from the faces the report lists.
    let faces: Vec<seam_carver::Face> = report
        .faces
        .clone()
        .expect("--protect-skin finds faces")
        .iter()
        .map(|f| seam_carver::Face {
            x: f.x,
            y: f.y,
            width: f.width,
            height: f.height,
            score: f.score,
        })
        .collect();
    assert_eq!(faces.len(), 1, "{faces:?}");
    let input = image::open(golden_input("astronaut-face.png")).unwrap();
    let skin = seam_carver::Mask::skin(&input, &faces);
    assert_eq!(report.skin_pixels, Some(skin.count()));
    assert!(
        stderr.contains(&format!(
            "keeping 1 face and {} pixels of skin around it whole",
            skin.count()
        )),
        "{stderr}"
    );
    // Skin reaches past the face's box (the cheeks the detector's box cuts), and no
    // removed pixel lies in it or in the box.
    let face = faces[0];
    let outside = (0..160)
        .flat_map(|y| (0..160).map(move |x| (x, y)))
        .filter(|&(x, y)| skin.is_set(x, y) && !face.contains(x, y))
        .count();
    assert!(outside > 20, "{outside} skin pixels outside the box");
    let removed = removed_by_vertical_seams(&report);
    assert!(
        !removed
            .iter()
            .any(|&(x, y)| skin.is_set(x, y) || face.contains(x, y))
    );
    // The annotated picture outlines the skin: its edge pixels are drawn in blue.
    let annotated = image::open(out.path().join("astronaut-face.annotated.png"))
        .unwrap()
        .to_rgb8();
    let (x, y) = (0..160)
        .flat_map(|y| (0..160).map(move |x| (x, y)))
        .find(|&(x, y)| skin.is_set(x, y) && !face.contains(x, y) && !skin.is_set(x + 1, y))
        .expect("an edge of the skin outside the box");
    assert_eq!(
        annotated.get_pixel(x, y).0,
        seam_carver::annotate::PROTECTED.0
    );
}

#[test]
fn protect_faces_and_skin_change_nothing_in_a_photo_without_faces() {
    for name in ["coffee.png", "chelsea.png", "camera.png"] {
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        for (dir, flags) in dirs.iter().zip([&[][..], &["--protect-faces"][..]]) {
            bin()
                .arg(golden_input(name))
                .args(flags)
                .args(["--width", "60%", "--height", "90%", "-q", "-o"])
                .arg(dir.path())
                .assert()
                .success();
        }
        let [without, with] = dirs.map(|d| support::read_flat_dir(d.path()));
        for (file, bytes) in &without {
            if file.ends_with(".seams.json") || file == "manifest.json" {
                continue;
            }
            assert!(with[file] == *bytes, "{name}: {file} differs");
        }
        let report: SeamsReport =
            serde_json::from_slice(&with[&name.replace(".png", ".seams.json")]).unwrap();
        assert_eq!(report.faces, Some(vec![]), "{name}");
    }
    // camera.png has a face but no colour: --protect-skin finds no skin in it, and keeps
    // the face as --protect-faces does.
    for name in ["coffee.png", "camera.png"] {
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        let without = if name == "camera.png" {
            &["--protect-faces"][..]
        } else {
            &[][..]
        };
        for (dir, flags) in dirs.iter().zip([without, &["--protect-skin"][..]]) {
            bin()
                .arg(golden_input(name))
                .args(flags)
                .args(["--width", "60%", "-q", "-o"])
                .arg(dir.path())
                .assert()
                .success();
        }
        let [without, with] = dirs.map(|d| support::read_flat_dir(d.path()));
        for (file, bytes) in &without {
            if !(file.ends_with(".seams.json") || file == "manifest.json") {
                assert!(
                    with[file] == *bytes,
                    "{name} with --protect-skin: {file} differs"
                );
            }
        }
        let report: SeamsReport =
            serde_json::from_slice(&with[&name.replace(".png", ".seams.json")]).unwrap();
        assert_eq!(report.skin_pixels, Some(0), "{name}");
    }
}

#[test]
fn a_bad_face_model_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake.bin");
    fs::write(&fake, vec![7u8; 5000]).unwrap();
    let out = dir.path().join("out");
    for (model, message) in [
        (
            fake.clone(),
            "fake.bin: not the face model seeta_fd_frontal_v1.0.bin",
        ),
        (
            dir.path().join("missing.bin"),
            "missing.bin: cannot read face model",
        ),
    ] {
        let output = bin()
            .arg(golden_input("coffee.png"))
            .arg("--protect-faces")
            .arg("--face-model")
            .arg(&model)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(stderr.contains(message), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    // --face-model means nothing without --protect-faces.
    let output = bin()
        .arg(golden_input("coffee.png"))
        .arg("--face-model")
        .arg(&fake)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_of(&output).trim(),
        format!(
            "error: --face-model {}: the face model is only used with --protect-faces or --protect-skin",
            fake.display()
        )
    );
    assert!(!out.exists(), "no output directory after a usage error");
}

#[test]
fn the_plan_line_says_when_seams_must_cross_a_face() {
    // The 160x160 astronaut's face is 31 pixels wide: removing 140 columns leaves room
    // for 129 seams beside it, so 11 must cross it.
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .arg(golden_input("astronaut-face.png"))
        .args(["--protect-faces", "--width", "20", "--only", "carved", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains(
            "1 face found, but only 129 columns are free of them: 11 of the 140 seams cross them"
        ),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn aspect_gives_the_exact_shape_on_every_golden_and_shared_photo() {
    // The expected size from the ratio in floating point, rounded half up: the long axis
    // carved (or, with --enlarge, the short one grown), the other kept.
    let want = |(w, h): (u32, u32), (a, b): (f64, f64), enlarge: bool| {
        let (w, h) = (f64::from(w), f64::from(h));
        let round = |v: f64| (v + 0.5).floor().max(1.0) as u32;
        if (w / h - a / b).abs() < 1e-12 {
            (w as u32, h as u32)
        } else if (w / h > a / b) != enlarge {
            (round(h * a / b), h as u32)
        } else {
            (w as u32, round(w * b / a))
        }
    };
    let dir = tempfile::tempdir().unwrap();
    // The golden photos, and the full-size ones SEAM_CARVER_PARITY_DIR names (CI sets
    // ../shared/images).
    let mut photos = support::golden_photos();
    if let Some(shared) = std::env::var_os("SEAM_CARVER_PARITY_DIR") {
        let mut paths: Vec<_> = fs::read_dir(shared)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "png" || e == "jpg"))
            .collect();
        paths.sort();
        assert!(!paths.is_empty(), "no images in SEAM_CARVER_PARITY_DIR");
        for path in paths {
            let name = format!("shared-{}", support::file_name(&path));
            photos.push((name, image::open(&path).unwrap().to_rgb8()));
        }
    }
    for (name, photo) in photos {
        let input = dir.path().join(format!("{name}.png"));
        photo.save(&input).unwrap();
        for (text, ratio) in [
            ("16:9", (16.0, 9.0)),
            ("1:1", (1.0, 1.0)),
            ("9:16", (9.0, 16.0)),
            ("1.91:1", (1.91, 1.0)),
        ] {
            for enlarge in [false, true] {
                let out = dir.path().join("out");
                let mut cmd = bin();
                cmd.arg(&input)
                    .args(["--aspect", text, "--only", "seams", "-q", "-o"])
                    .arg(&out);
                if enlarge {
                    cmd.arg("--enlarge");
                }
                let output = cmd.output().unwrap();
                assert!(
                    output.status.success(),
                    "{name} {text}: {}",
                    stderr_of(&output)
                );
                let report: SeamsReport = serde_json::from_slice(
                    &fs::read(out.join(format!("{name}.seams.json"))).unwrap(),
                )
                .unwrap();
                assert_eq!(
                    (report.output_width, report.output_height),
                    want(photo.dimensions(), ratio, enlarge),
                    "{name} {:?} --aspect {text} enlarge={enlarge}",
                    photo.dimensions()
                );
            }
        }
    }
}

#[test]
fn aspect_usage_errors_name_the_problem() {
    for (args, message) in [
        (
            vec!["--aspect", "16/9"],
            "invalid aspect '16/9': expected WIDTH:HEIGHT",
        ),
        (vec!["--aspect", "0:1"], "both parts must be above 0"),
        (
            vec!["--aspect", "1:1", "--width", "50"],
            "cannot be used with",
        ),
        (vec!["--enlarge"], "--aspect"),
        (
            vec!["--width", "150%", "--enlarge"],
            "--enlarge only changes --aspect",
        ),
        (
            vec!["--height", "80%", "--enlarge"],
            "--enlarge only changes --aspect",
        ),
        (
            vec!["--aspect", "2:1", "--enlarge", "--seams", "imageproc"],
            "enlarging uses the optimal rule",
        ),
    ] {
        let output = bin()
            .arg(golden_input("coffee.png"))
            .args(&args)
            .arg("-o")
            .arg(tempfile::tempdir().unwrap().path().join("out"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr_of(&output).contains(message),
            "{args:?}: {}",
            stderr_of(&output)
        );
    }
}

#[test]
fn help_names_the_face_model_s_download_address() {
    // The --face-model help quotes the address the library pins: one rule, checked here.
    let output = bin().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        help.contains(seam_carver::FaceDetector::MODEL_URL),
        "--help does not give {}",
        seam_carver::FaceDetector::MODEL_URL
    );
}

#[test]
fn progress_json_is_one_event_per_line_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.png");
    fs::write(&bad, b"not a png").unwrap();
    let noise = dir.path().join("noise.png");
    support::noise(400, 40, 3).save(&noise).unwrap();
    let output = bin()
        .arg(&noise)
        .arg(&bad)
        .args(["--progress", "json", "--width", "50%", "-j", "1", "-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    // People still get the error line, and only it.
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("bad.png"),
        "{stderr}"
    );
    let events: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    let seams = kinds.iter().filter(|&&k| k == "seam").count();
    assert_eq!(kinds[0], "started", "{kinds:?}");
    assert_eq!(events[0]["seams"], 200);
    assert!(
        events[0]["plan"]
            .as_str()
            .unwrap()
            .starts_with("400x40 -> 200x40")
    );
    // One a hundredth of the 200 seams (1, 3, ..., 199), and the last.
    assert_eq!(seams, 101, "{kinds:?}");
    assert_eq!(&kinds[1 + seams..], ["finished", "failed", "summary"]);
    let last = &events[seams];
    assert_eq!(
        (last["done"].as_u64(), last["total"].as_u64()),
        (Some(200), Some(200))
    );
    assert_eq!(last["left_s"].as_f64(), Some(0.0));
    assert_eq!(events[1 + seams]["files"].as_array().unwrap().len(), 6);
    assert!(
        events[2 + seams]["error"]
            .as_str()
            .unwrap()
            .contains("bad.png")
    );
    let summary = &events[3 + seams];
    assert_eq!(
        (summary["succeeded"].as_u64(), summary["failed"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn only_shrink_and_only_enlarge_leave_the_other_images_alone() {
    // chelsea (72x48) and camera (48x48) against 70x60, each way.
    let dir = tempfile::tempdir().unwrap();
    let sizes = |geometry: &str| -> Vec<(u32, u32)> {
        let out = dir.path().join(geometry.replace(['>', '<'], "_"));
        bin()
            .arg(golden_input("chelsea.png"))
            .arg(golden_input("camera.png"))
            .args(["--width", geometry, "--only", "carved", "-q", "-o"])
            .arg(&out)
            .assert()
            .success();
        ["chelsea", "camera"]
            .map(|n| image::image_dimensions(out.join(format!("{n}.carved.png"))).unwrap())
            .to_vec()
    };
    assert_eq!(sizes("70x60"), [(70, 60), (70, 60)]);
    assert_eq!(sizes("70x60>"), [(70, 48), (48, 48)]);
    assert_eq!(sizes("70x60<"), [(72, 60), (70, 60)]);
}

#[test]
fn amount_0_is_plain_scaling_and_100_is_the_carve() {
    let dir = tempfile::tempdir().unwrap();
    let run = |amount: Option<&str>| {
        let out = dir.path().join(amount.unwrap_or("default"));
        let mut cmd = bin();
        cmd.arg(golden_input("coffee.png"))
            .args(["--width", "70%", "--height", "90%", "-q", "-o"])
            .arg(&out);
        if let Some(a) = amount {
            cmd.args(["--amount", a]);
        }
        cmd.assert().success();
        support::read_flat_dir(&out)
    };
    let (default, full, none) = (run(None), run(Some("100")), run(Some("0")));
    assert!(full == default, "--amount 100 is today's carve, every file");
    let input = image::open(golden_input("coffee.png")).unwrap().to_rgb8();
    let (w, h) = input.dimensions();
    let scaled = seam_carver::scale(&input, (w * 7 + 5) / 10, (h * 9 + 5) / 10);
    let carved = image::load_from_memory(&none["coffee.carved.png"])
        .unwrap()
        .to_rgb8();
    assert!(carved == scaled, "--amount 0 is plain scaling");
    let report: SeamsReport = serde_json::from_slice(&none["coffee.seams.json"]).unwrap();
    assert!(report.seams.is_empty());
    assert_eq!((report.amount, report.carved_size), (Some(0), Some([w, h])));
    // Refused with an object removal, and above 100.
    for args in [
        &["--amount", "50", "--remove", "m.png"][..],
        &["--amount", "101"],
    ] {
        let out = bin()
            .arg(golden_input("coffee.png"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn fill_scales_to_cover_the_box_then_carves_the_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let stderr = succeed(
        bin()
            .arg(golden_input("chelsea.png"))
            .arg(golden_input("camera.png"))
            .args(["--width", "40x40^", "-j", "1", "-o"])
            .arg(&out),
    );
    // chelsea, 72x48: scaled to 60x40 (the height binds), then 20 columns carved.
    assert!(
        stderr.contains("72x48 scaled to 60x40 to fill 40x40, 60x40 -> 40x40, removing 20 seams"),
        "{stderr}"
    );
    let report: SeamsReport =
        serde_json::from_slice(&fs::read(out.join("chelsea.seams.json")).unwrap()).unwrap();
    assert_eq!(
        (
            report.scaled_from,
            report.width,
            report.height,
            report.seams.len()
        ),
        (Some([72, 48]), 60, 40, 20)
    );
    let input = image::open(golden_input("chelsea.png")).unwrap().to_rgb8();
    let want = seam_carver::resize(
        &seam_carver::scale(&input, 60, 40),
        &seam_carver::Request::to(40, 40),
    )
    .unwrap()
    .image;
    let got = image::open(out.join("chelsea.carved.png"))
        .unwrap()
        .to_rgb8();
    assert!(got == want, "the scaled image's carve");
    // camera, 48x48: scaling alone fills the box.
    let report: SeamsReport =
        serde_json::from_slice(&fs::read(out.join("camera.seams.json")).unwrap()).unwrap();
    assert_eq!(
        (report.scaled_from, report.seams.len()),
        (Some([48, 48]), 0)
    );
    assert_eq!(
        image::image_dimensions(out.join("camera.carved.png")).unwrap(),
        (40, 40)
    );
    // A box needs both sides.
    let one = bin()
        .arg(golden_input("camera.png"))
        .args(["--width", "40^", "-o"])
        .arg(dir.path().join("one"))
        .output()
        .unwrap();
    assert_eq!(one.status.code(), Some(2));
    assert!(
        stderr_of(&one).contains("^ fills a box"),
        "{}",
        stderr_of(&one)
    );
}

#[test]
fn both_axes_shrunk_past_the_share_seams_take_are_scaled_first_with_their_masks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mask = golden_input("coffee-cup.mask.png");
    let stderr = succeed(
        bin()
            .arg(golden_input("coffee.png"))
            .arg("--protect")
            .arg(&mask)
            .args(["--width", "30%", "--height", "35%", "-o"])
            .arg(&out),
    );
    // 60x40 to 18x14: seams alone would take 70 % of the width; scaled by half first,
    // they take 40 % of it.
    assert!(
        stderr.contains(
            "60x40 scaled to 30x20 first (seams alone would take 70 % of the width, \
             over --carve-at-most 40), 30x20 -> 18x14, removing 18 seams"
        ),
        "{stderr}"
    );
    let report = seams_report(&out.join("coffee.seams.json"));
    assert_eq!(
        (report.scaled_from, report.width, report.height),
        (Some([60, 40]), 30, 20)
    );
    // The library's carve of the scaled photo, under the mask scaled with it.
    let input = image::open(golden_input("coffee.png")).unwrap().to_rgb8();
    let cup = seam_carver::Mask::from_image("cup", &image::open(&mask).unwrap()).scaled(30, 20);
    let want = seam_carver::resize(
        &seam_carver::scale(&input, 30, 20),
        &seam_carver::Request {
            protect: Some(&cup),
            ..seam_carver::Request::to(18, 14)
        },
    )
    .unwrap()
    .image;
    let got = image::open(out.join("coffee.carved.png"))
        .unwrap()
        .to_rgb8();
    assert!(
        got == want,
        "the scaled image's carve under the scaled mask"
    );
    // 100: seams alone; one axis, or a removal within the share: no scaling.
    for args in [
        &[
            "--width",
            "30%",
            "--height",
            "35%",
            "--carve-at-most",
            "100",
        ][..],
        &["--width", "30%"],
        &["--width", "70%", "--height", "65%"],
    ] {
        let stderr = succeed(
            bin()
                .arg(golden_input("coffee.png"))
                .args(args)
                .args(["--only", "seams", "-o"])
                .arg(dir.path().join("plain")),
        );
        assert!(!stderr.contains("scaled"), "{args:?}");
        let report = seams_report(&dir.path().join("plain/coffee.seams.json"));
        assert_eq!(report.scaled_from, None, "{args:?}");
    }
    // With --amount 50 seams do half the change: 60 to 39 columns is 35 %, within 40 %.
    let stderr = succeed(
        bin()
            .arg(golden_input("coffee.png"))
            .args([
                "--width", "30%x35%", "--amount", "50%", "--only", "seams", "-o",
            ])
            .arg(dir.path().join("half")),
    );
    assert!(
        stderr.contains("60x40 -> 18x14, removing 34 seams to 39x27, then scaling"),
        "{stderr}"
    );
    // ImageMagick's `!` is taken and changes nothing.
    let stderr = succeed(
        bin()
            .arg(golden_input("coffee.png"))
            .args(["--width", "50x30!", "--only", "seams", "-o"])
            .arg(dir.path().join("bang")),
    );
    assert!(
        stderr.contains("60x40 -> 50x30, removing 20 seams"),
        "{stderr}"
    );
    // Percentages out of range, negative or not whole: one line each, exit 2.
    for args in [
        ["--carve-at-most", "0"],
        ["--carve-at-most", "-5"],
        ["--amount", "-1"],
        ["--amount", "33.3"],
    ] {
        let bad = bin()
            .arg(golden_input("coffee.png"))
            .args(args)
            .arg("-o")
            .arg(dir.path().join("bad"))
            .output()
            .unwrap();
        assert_eq!(bad.status.code(), Some(2), "{args:?}");
        let stderr = stderr_of(&bad);
        assert!(
            stderr.starts_with(&format!("error: invalid value '{}'", args[1]))
                && stderr.contains("is not a whole percentage"),
            "{args:?}: {stderr}"
        );
        assert!(!dir.path().join("bad").exists());
    }
}

#[test]
fn seam_paths_in_the_input_name_the_pixels_each_seam_removed() {
    // --seam-paths input: each seam's path in the input's own columns (rows across), so
    // the first k removed from the original are the carve to k fewer (the page's slider).
    let dir = tempfile::tempdir().unwrap();
    let (as_removed, input) = (dir.path().join("as-removed"), dir.path().join("input"));
    let chelsea = golden_input("chelsea.png");
    for (out, paths) in [(&as_removed, "as-removed"), (&input, "input")] {
        succeed(
            bin()
                .arg(&chelsea)
                .args(["--width", "-30", "--seam-paths", paths])
                .arg("-o")
                .arg(out),
        );
    }
    let before = seams_report(&as_removed.join("chelsea.seams.json"));
    let after = seams_report(&input.join("chelsea.seams.json"));
    assert_eq!(before.paths, None);
    assert_eq!(after.paths.as_deref(), Some("input"));
    assert_eq!(after.seams.len(), 30);
    // The same seams and costs; only where the paths are counted from differs.
    let costs = |r: &SeamsReport| r.seams.iter().map(|s| s.cost).collect::<Vec<_>>();
    assert_eq!(costs(&before), costs(&after));
    assert_ne!(before.seams[5].path, after.seams[5].path);
    let original = image::open(input.join("chelsea.original.png"))
        .unwrap()
        .to_rgb8();
    let paths: Vec<Vec<u32>> = after.seams.iter().map(|s| s.path.clone()).collect();
    let carved = image::open(input.join("chelsea.carved.png"))
        .unwrap()
        .to_rgb8();
    // Each pixel named once, and the rest is the carved picture.
    assert!(support::without(&original, &paths) == carved);
    // Only a one-axis removal has them: both axes, or an insertion, is refused.
    for (width, height) in [("-3", "-2"), ("+3", "100%")] {
        let out = dir.path().join(width);
        let output = bin()
            .arg(&chelsea)
            .args(["--width", width, "--height", height])
            .args(["--seam-paths", "input", "--progress", "json"])
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stdout = String::from_utf8(output.stdout).unwrap();
        let failed = stdout.lines().find(|l| l.contains("\"failed\"")).unwrap();
        assert!(
            failed.contains("--seam-paths input gives the seams"),
            "{failed}"
        );
        assert!(failed.contains("\"kind\":\"carve\""), "{failed}");
        // Refused from the plan, before any carving or file.
        assert!(!stdout.contains("\"started\""), "{stdout}");
        assert!(!out.join("chelsea.carved.png").exists());
    }
}
