//! The browser page (`web/`) in Debian's Chromium, driven by playwright-core
//! (`web/test/browser.mjs`): golden files byte for byte from the page, a protect mask
//! painted with the mouse, a bad file's error line, and the width slider exact at several
//! widths without running the module again. Installs what it needs (Chromium with
//! apt-get as root, the page's npm packages from its lock file) or fails saying how.

use std::process::Command;

use crate::support;

#[test]
fn the_page_carves_like_the_cli_in_chromium() {
    let module = support::wasm_module();
    let root = support::root();
    let web = root.join("web");
    let deps = Command::new(root.join("tools/ensure-web-deps.sh"))
        .status()
        .expect("tools/ensure-web-deps.sh runs");
    assert!(deps.success(), "installing web/'s npm packages failed");
    let chromium = Command::new(root.join("tools/ensure-chromium.sh"))
        .output()
        .expect("tools/ensure-chromium.sh runs");
    assert!(
        chromium.status.success(),
        "{}",
        String::from_utf8_lossy(&chromium.stderr)
    );
    let chromium = String::from_utf8(chromium.stdout)
        .unwrap()
        .trim()
        .to_string();
    let artifacts = support::target_dir().join("web-test");
    let output = Command::new("node")
        .arg(web.join("test/browser.mjs"))
        .env("CHROMIUM", &chromium)
        .env("SEAM_CARVER_WASM", &module)
        .env("SEAM_CARVER_WEB_ARTIFACTS", &artifacts)
        .output()
        .expect("node runs the browser test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser test failed:\n{stdout}\n{stderr}"
    );
    // Every check printed its line; the last ones are the slider's.
    assert!(
        stdout.lines().filter(|l| l.starts_with("ok - ")).count() >= 25,
        "{stdout}"
    );
    assert!(
        artifacts.join("web.png").exists(),
        "no screenshot in {}",
        artifacts.display()
    );
}

#[test]
fn the_slider_draws_the_carve_exactly_after_any_moves() {
    // web/test/multisize.mjs: Slider.draw against atWidth on generated orders.
    let output = Command::new("node")
        .arg(support::root().join("web/test/multisize.mjs"))
        .output()
        .expect("node runs the slider's check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok - ")).count(),
        8,
        "{stdout}"
    );
}
