//! The Python package (`crates/seam-carver-py`): built with maturin into a virtual
//! environment in the target folder (tools/ensure-python.sh), then its pytest suite,
//! which checks it against the CLI (this build's binary) and against seam-carving 1.1.0
//! installed beside it.

use crate::support;

#[test]
fn the_python_package_passes_its_tests() {
    let root = support::root();
    let venv = support::target_dir().join("python");
    let built = std::process::Command::new(root.join("tools/ensure-python.sh"))
        .arg(&venv)
        .env("CARGO_TARGET_DIR", support::target_dir())
        .output()
        .expect("tools/ensure-python.sh runs");
    assert!(
        built.status.success(),
        "tools/ensure-python.sh failed:\n{}{}",
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );
    let mut pytest = std::process::Command::new(venv.join("bin/python"));
    pytest
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(root.join("crates/seam-carver-py/tests"))
        .env("SEAM_CARVER_BIN", env!("CARGO_BIN_EXE_seam-carver"));
    let output = pytest.output().expect("pytest runs");
    assert!(
        output.status.success(),
        "pytest failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
