//! `--seams imageproc` against the Bacalhau example's own program, run here with
//! imageproc 0.27: all five pictures must be byte-identical.
//!
//! The example's `main` is reproduced below as it is published, with the one change
//! imageproc 0.27 forces (`map_colors` became `map_pixels`) and the paths made
//! parameters. The full-size photos compared are the bundled `inputs/`, or the directory
//! `SEAM_CARVER_PARITY_DIR` names (such as `../shared/images`, as CI sets).

use crate::support;

use std::path::{Path, PathBuf};

use image::{GrayImage, Luma, Pixel, open};
use imageproc::definitions::Clamp;
use imageproc::gradients::sobel_gradient_map;
use imageproc::map::map_pixels;
use imageproc::seam_carving::*;
use seam_carver::SeamRule;
use seam_carver_cli::batch::{Schedule, run};
use seam_carver_cli::plan::Options;
use seam_carver_cli::report::Silent;

/// The Bacalhau "Rust WASM" example's program.
fn example_main(input_path: &Path, output_dir: &Path) {
    // Load image and convert to grayscale
    let input_image = open(input_path)
        .unwrap_or_else(|_| panic!("Could not load image at {:?}", input_path))
        .to_rgb8();

    // Save original image in output directory
    let original_path = output_dir.join("original.png");
    input_image.save(&original_path).unwrap();

    // We will reduce the image width by this amount, removing one seam at a time.
    let seams_to_remove: u32 = input_image.width() / 6;

    let mut shrunk = input_image.clone();
    let mut seams = Vec::new();

    // Record each removed seam so that we can draw them on the original image later.
    for _ in 0..seams_to_remove {
        let vertical_seam = find_vertical_seam(&shrunk);
        shrunk = remove_vertical_seam(&shrunk, &vertical_seam);
        seams.push(vertical_seam);
    }

    // Draw the seams on the original image.
    let gray_image = map_pixels(&input_image, |p| p.to_luma());
    let annotated = draw_vertical_seams(&gray_image, &seams);
    let annotated_path = output_dir.join("annotated.png");
    annotated.save(&annotated_path).unwrap();

    // Draw the seams on the gradient magnitude image.
    let gradients = sobel_gradient_map(&input_image, |p| {
        let mean = (p[0] + p[1] + p[2]) / 3;
        Luma([mean as u32])
    });
    let clamped_gradients: GrayImage = map_pixels(&gradients, |p| Luma([Clamp::clamp(p[0])]));
    let annotated_gradients = draw_vertical_seams(&clamped_gradients, &seams);
    let gradients_path = output_dir.join("gradients.png");
    clamped_gradients.save(&gradients_path).unwrap();
    let annotated_gradients_path = output_dir.join("annotated_gradients.png");
    annotated_gradients.save(&annotated_gradients_path).unwrap();

    // Save the shrunk image.
    let shrunk_path = output_dir.join("shrunk.png");
    shrunk.save(&shrunk_path).unwrap();
}

fn assert_parity(input: &Path) {
    let example = tempfile::tempdir().unwrap();
    let ours = tempfile::tempdir().unwrap();
    example_main(input, example.path());
    let options = Options {
        rule: SeamRule::Imageproc,
        energy: seam_carver::EnergyKind::Backward,
        ..Options::default()
    };
    let summary = run(
        &[input.to_path_buf()],
        ours.path(),
        &options,
        Schedule::default(),
        &mut Silent,
    )
    .unwrap();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let stem = input.file_stem().unwrap().to_string_lossy();
    for (theirs, mine) in [
        ("original", "original"),
        ("annotated", "annotated"),
        ("gradients", "gradients"),
        ("annotated_gradients", "annotated_gradients"),
        ("shrunk", "carved"),
    ] {
        let a = std::fs::read(example.path().join(format!("{theirs}.png"))).unwrap();
        let b = std::fs::read(ours.path().join(format!("{stem}.{mine}.png"))).unwrap();
        assert!(
            a == b,
            "{}: our {stem}.{mine}.png differs from the example's {theirs}.png",
            input.display()
        );
    }
}

fn images_in(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| seam_carver_cli::inputs::has_image_extension(p))
        .collect();
    paths.sort();
    paths
}

#[test]
fn golden_inputs_match_the_example_byte_for_byte() {
    for path in images_in(&support::root().join("golden/inputs")) {
        assert_parity(&path);
    }
}

#[test]
fn bundled_photo_matches_the_example_byte_for_byte() {
    assert_parity(&support::root().join("inputs/coffee.png"));
}

#[test]
fn extra_images_match_the_example_byte_for_byte() {
    // The bundled full-size photo always; the folder SEAM_CARVER_PARITY_DIR names too
    // (CI sets ../shared/images).
    let dir = std::env::var_os("SEAM_CARVER_PARITY_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| support::root().join("inputs"));
    let paths = images_in(&dir);
    assert!(!paths.is_empty(), "no images in SEAM_CARVER_PARITY_DIR");
    for path in paths {
        eprintln!("parity: {}", path.display());
        assert_parity(&path);
    }
}
