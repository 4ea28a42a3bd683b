//! The two output folders, natively: the WASI module's write-once folder (the one a
//! Bacalhau node gives) writes the same files as the native staged folder, and neither
//! replaces an input or mask. The engines' tests run the write-once folder under WASI.

use std::fs;
use std::path::{Path, PathBuf};

use seam_carver_cli::batch::{Schedule, run_into};
use seam_carver_cli::decode::decode_mask;
use seam_carver_cli::error::Error;
use seam_carver_cli::output::native::Staged;
use seam_carver_cli::output::wasi::WriteOnce;
use seam_carver_cli::output::{Manifest, Output};
use seam_carver_cli::plan::Options;
use seam_carver_cli::report::Silent;

use crate::cli::golden_input;
use crate::support::read_flat_dir;

fn carve_into<O: Output>(inputs: &[PathBuf], dir: &Path, options: &Options) {
    let summary = run_into::<O>(inputs, dir, options, Schedule::default(), &mut Silent).unwrap();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
}

#[test]
fn write_once_and_staged_folders_write_the_same_read_flat_dir() {
    let inputs = [golden_input("coffee.png"), golden_input("chelsea.png")];
    let mask = golden_input("coffee-cup.mask.png");
    let options = Options {
        width: Some("-12".parse().unwrap()),
        height: Some("-5".parse().unwrap()),
        ..Options::default()
    };
    let masked = Options {
        protect: Some(decode_mask("cup", &fs::read(&mask).unwrap(), u64::MAX).unwrap()),
        mask_files: vec![mask],
        ..options.clone()
    };
    // The mask is coffee's: with it, coffee alone.
    for (inputs, options, count) in [(&inputs[..], options, 13), (&inputs[..1], masked, 7)] {
        let (staged, once) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        carve_into::<Staged>(inputs, staged.path(), &options);
        carve_into::<WriteOnce>(inputs, once.path(), &options);
        let written = read_flat_dir(once.path());
        assert_eq!(
            written.len(),
            count,
            "six artifacts an input, and the manifest"
        );
        assert_eq!(read_flat_dir(staged.path()), written);
    }
}

#[test]
fn neither_folder_replaces_a_mask_named_as_an_output() {
    let input = golden_input("coffee.png");
    for staged in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        // A mask kept where this run's carved picture would go.
        let mask = dir.path().join("coffee.carved.png");
        fs::copy(golden_input("coffee-cup.mask.png"), &mask).unwrap();
        let before = fs::read(&mask).unwrap();
        let options = Options {
            protect: Some(decode_mask("cup", &before, u64::MAX).unwrap()),
            mask_files: vec![mask.clone()],
            ..Options::default()
        };
        let run = if staged {
            run_into::<Staged>
        } else {
            run_into::<WriteOnce>
        };
        let summary = run(
            std::slice::from_ref(&input),
            dir.path(),
            &options,
            Schedule::default(),
            &mut Silent,
        )
        .unwrap();
        assert_eq!(summary.failed.len(), 1, "staged: {staged}");
        assert!(
            matches!(summary.failed[0].error, Error::WouldOverwriteInput { .. }),
            "staged: {staged}: {}",
            summary.failed[0]
        );
        assert_eq!(fs::read(&mask).unwrap(), before, "staged: {staged}");
    }
}

#[test]
fn only_the_staged_folder_keeps_track_of_an_earlier_run() {
    // A Bacalhau result folder starts empty: the write-once folder lists only its own
    // files, where a native folder keeps an earlier run's that are still there.
    let options = Options {
        width: Some("-3".parse().unwrap()),
        ..Options::default()
    };
    let manifest = |dir: &Path| -> Manifest {
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
    };
    let (staged, once) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [staged.path(), once.path()] {
        carve_into::<Staged>(&[golden_input("chelsea.png")], dir, &options);
    }
    carve_into::<Staged>(&[golden_input("camera.png")], staged.path(), &options);
    carve_into::<WriteOnce>(&[golden_input("camera.png")], once.path(), &options);
    assert_eq!(manifest(staged.path()).files.len(), 12);
    assert_eq!(manifest(once.path()).files.len(), 6);
}
