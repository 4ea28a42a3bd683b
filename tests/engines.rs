//! Determinism across engines: the same module on Node's `node:wasi` (V8) must write the
//! golden files too, and native, wasmtime and Node manifests must agree file by file on
//! the bundled photo (wazero's leg is `tests/job.rs`, from generated specs).

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use seam_carver_cli::output::Manifest;

fn node(inputs: &Path, outputs: &Path, args: &[String]) -> std::process::Output {
    Command::new("node")
        .arg("--no-warnings")
        .arg(support::root().join("tools/node-wasi.mjs"))
        .arg("--dir")
        .arg(format!(
            "{}::{}",
            support::model_dir().display(),
            support::GUEST_MODEL_DIR
        ))
        .arg(support::wasm_module())
        .arg(inputs)
        .arg(outputs)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run node ({e}): the node:wasi leg needs Node.js 20 or newer on PATH (apt-get install nodejs)")
        })
}

fn manifest(dir: &Path) -> BTreeMap<String, String> {
    let m: Manifest = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap())
        .unwrap_or_else(|e| panic!("{}: bad manifest: {e}", dir.display()));
    m.files
}

/// Fails naming every file whose hash differs between two engines' manifests.
fn assert_same_manifest(a: (&str, &Path), b: (&str, &Path)) {
    let (ma, mb) = (manifest(a.1), manifest(b.1));
    let mut problems = Vec::new();
    for name in ma
        .keys()
        .chain(mb.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        match (ma.get(name), mb.get(name)) {
            (Some(x), Some(y)) if x == y => {}
            (Some(_), Some(_)) => problems.push(format!("{name}: {} and {} differ", a.0, b.0)),
            (Some(_), None) => problems.push(format!("{name}: only {} wrote it", a.0)),
            (None, _) => problems.push(format!("{name}: only {} wrote it", b.0)),
        }
    }
    assert!(
        problems.is_empty(),
        "engines disagree:\n{}",
        problems.join("\n")
    );
}

#[test]
fn golden_cases_node() {
    for case in support::golden_cases() {
        let out = tempfile::tempdir().unwrap();
        let output = node(
            &support::root().join("golden/inputs"),
            out.path(),
            &case.guest_args(),
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "case {}: {}",
            case.name,
            String::from_utf8_lossy(&output.stderr)
        );
        support::check_against_golden(&case, out.path(), "node");
    }
}

#[test]
fn native_wasmtime_and_node_agree_on_the_bundled_photo() {
    let inputs = support::root().join("inputs");
    let args: Vec<String> = ["/inputs", "-o", "/outputs", "-q", "--width", "-40"]
        .map(String::from)
        .to_vec();
    let native = tempfile::tempdir().unwrap();
    assert_cmd::Command::cargo_bin("seam-carver")
        .unwrap()
        .arg(&inputs)
        .args(["-q", "--width", "-40", "-o"])
        .arg(native.path())
        .assert()
        .success();
    let wasmtime = tempfile::tempdir().unwrap();
    let output = support::run_wasmtime(&inputs, wasmtime.path(), &args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let node_out = tempfile::tempdir().unwrap();
    assert!(node(&inputs, node_out.path(), &args).status.success());
    assert_same_manifest(("native", native.path()), ("wasmtime", wasmtime.path()));
    assert_same_manifest(("native", native.path()), ("node", node_out.path()));
    assert_eq!(manifest(native.path()).len(), 6);
}
