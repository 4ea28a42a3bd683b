//! Golden outputs, native leg: every case in `golden/cases.json` is run through the
//! `seam-carver` binary and must reproduce `golden/expected/CASE/` byte for byte, with
//! insta snapshots of the seam coordinates and the manifest on top.
//!
//! Bless a deliberate change with `just bless`
//! (`SEAM_CARVER_BLESS=1 INSTA_UPDATE=always cargo test --test tests golden::`).

use crate::support;

use assert_cmd::Command;
use seam_carver_cli::output::SeamsReport;

#[test]
fn golden_cases_native() {
    let cases = support::golden_cases();
    assert!(cases.len() >= 8, "the golden set is unexpectedly small");
    for case in &cases {
        let out = tempfile::tempdir().unwrap();
        let inputs = case
            .inputs
            .iter()
            .map(|name| support::root().join("golden/inputs").join(name));
        Command::cargo_bin("seam-carver")
            .unwrap()
            .args(inputs)
            .args(case.native_options())
            .arg("--output-dir")
            .arg(out.path())
            .arg("--quiet")
            .assert()
            .success();
        support::check_against_golden(case, out.path(), "native");
        snapshot(case, out.path());
    }
}

/// Seam coordinates as readable text, and the manifest, under insta.
fn snapshot(case: &support::Case, out: &std::path::Path) {
    let files = support::read_flat_dir(out);
    let mut text = String::new();
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".seams.json")) {
        let report: SeamsReport = serde_json::from_slice(bytes).unwrap();
        text.push_str(&format!(
            "{name}: {} {}x{} -> {}x{} rule={} energy={}\n",
            report.input,
            report.width,
            report.height,
            report.output_width,
            report.output_height,
            report.seam_rule,
            report.energy
        ));
        for (i, seam) in report.seams.iter().enumerate() {
            let path: Vec<String> = seam.path.iter().map(|x| x.to_string()).collect();
            let kind = match seam.pass {
                Some(pass) => format!(" inserted in pass {pass},"),
                None => String::new(),
            };
            text.push_str(&format!(
                "  {i:3} {}{kind} cost {:5}: {}\n",
                seam.orientation,
                seam.cost,
                path.join(" ")
            ));
        }
    }
    insta::assert_snapshot!(format!("{}-seams", case.name), text);
    let manifest = String::from_utf8(files["manifest.json"].clone()).unwrap();
    insta::assert_snapshot!(format!("{}-manifest", case.name), manifest);
}
