//! The library against the naive oracle in `tests/reference`, bit for bit: energy maps,
//! every seam's path and cost, and the carved pixels, for both seam rules, on generated
//! images and real photos.

use crate::{reference, support};

use crate::support::{carve_width, transpose};
use image::RgbImage;
use reference::{Rule, brute_force_min_cost};
use seam_carver::{Carver, Mask, Request, SeamRule, resize};

fn rule_pair() -> [(SeamRule, Rule); 2] {
    [
        (SeamRule::Optimal, Rule::Optimal),
        (SeamRule::Imageproc, Rule::Imageproc),
    ]
}

fn assert_matches_reference(name: &str, image: &RgbImage, seams: u32) {
    for (rule, ref_rule) in rule_pair() {
        let carved = carve_width(image, seams, rule).unwrap();
        let (expected, expected_seams) = reference::carve(image, seams, ref_rule);
        assert_eq!(carved.vertical.len(), expected_seams.len());
        for (i, (got, want)) in carved.vertical.iter().zip(&expected_seams).enumerate() {
            assert_eq!(got.path, want.path, "{name} {rule}: path of seam {i}");
            assert_eq!(got.cost, want.cost, "{name} {rule}: cost of seam {i}");
        }
        assert_eq!(carved.image, expected, "{name} {rule}: carved pixels");
    }
}

#[test]
fn energy_map_matches_reference() {
    for (name, image) in support::generated()
        .into_iter()
        .chain(support::golden_photos())
    {
        let expected: Vec<u16> = reference::energy(&reference::to_pixels(&image))
            .into_iter()
            .flatten()
            .map(|e| e as u16)
            .collect();
        assert_eq!(Carver::new(&image).energy().into_raw(), expected, "{name}");
    }
}

#[test]
fn generated_images_match_reference_down_to_one_column() {
    for (name, image) in support::generated() {
        assert_matches_reference(&name, &image, image.width() - 1);
    }
}

#[test]
fn golden_photos_match_reference() {
    for (name, image) in support::golden_photos() {
        assert_matches_reference(&name, &image, image.width() / 2);
    }
}

#[test]
fn full_size_photo_matches_reference() {
    let image = image::open(support::root().join("inputs/coffee.png"))
        .unwrap()
        .to_rgb8();
    assert_matches_reference("coffee.png", &image, 12);
}

#[test]
fn energy_after_removal_matches_a_fresh_computation() {
    // The incremental update must leave exactly the energy of the smaller image.
    for (name, image) in support::generated() {
        let mut carver = Carver::new(&image);
        while carver.width() > 1 {
            carver.remove_seam(SeamRule::Imageproc).unwrap();
            let fresh = Carver::new(&carver.image()).energy();
            assert_eq!(carver.energy(), fresh, "{name} at width {}", carver.width());
        }
        // One pixel wide: no seam left to remove, refused (no panic).
        assert!(
            matches!(
                carver.remove_seam(SeamRule::Optimal),
                Err(seam_carver::Error::TooManySeams {
                    seams: 1,
                    len: 1,
                    ..
                })
            ),
            "{name}"
        );
    }
}

#[test]
fn optimal_seams_are_minimal_by_exhaustive_search() {
    let mut rng = support::Rng::new(7);
    for case in 0..60 {
        let (w, h) = (2 + rng.below(5) as u32, 1 + rng.below(6) as u32);
        let levels = 2 + rng.below(4);
        let image = RgbImage::from_fn(w, h, |_, _| {
            let v = (rng.below(levels) * 255 / (levels - 1)) as u8;
            image::Rgb([v, v / 2, 255 - v])
        });
        let mut carver = Carver::new(&image);
        while carver.width() > 1 {
            let e: Vec<Vec<u32>> = carver
                .energy()
                .as_raw()
                .chunks(carver.width() as usize)
                .map(|row| row.iter().map(|&v| v as u32).collect())
                .collect();
            let best = brute_force_min_cost(&e);
            let seam = carver.remove_seam(SeamRule::Optimal).unwrap();
            assert_eq!(seam.cost, best, "case {case}: {w}x{h}");
        }
    }
}

#[test]
fn imageproc_rule_can_be_worse_than_optimal() {
    // The quirk is real: on real photos its seams cost more in total.
    let image = image::open(support::root().join("inputs/coffee.png"))
        .unwrap()
        .to_rgb8();
    let total = |rule| -> u64 {
        carve_width(&image, 20, rule)
            .unwrap()
            .vertical
            .iter()
            .map(|s| s.cost)
            .sum()
    };
    let (optimal, imageproc) = (total(SeamRule::Optimal), total(SeamRule::Imageproc));
    assert!(
        optimal < imageproc,
        "optimal {optimal} vs imageproc {imageproc}"
    );
}

#[test]
fn cost_map_after_removal_matches_a_fresh_computation() {
    // The incremental cost update must leave exactly the cost map of the smaller image.
    for (name, image) in support::generated()
        .into_iter()
        .chain(support::golden_photos())
    {
        for rule in [SeamRule::Optimal, SeamRule::Imageproc] {
            let mut carver = Carver::new(&image);
            while carver.width() > 1 {
                carver.remove_seam(rule).unwrap();
                let fresh = Carver::new(&carver.image()).cost().expect("no masks");
                assert_eq!(
                    carver.cost().expect("no masks"),
                    fresh,
                    "{name} {rule} at width {}",
                    carver.width()
                );
            }
        }
    }
}

#[test]
fn horizontal_seams_match_the_reference_on_the_transpose() {
    // A horizontal seam is a vertical seam of the transposed image; the reference carves
    // the width first, then the transpose of what is left.
    let images = support::generated()
        .into_iter()
        .chain(support::golden_photos());
    for (name, image) in images.filter(|(_, i)| i.height() >= 2 && i.width() >= 2) {
        for (rule, ref_rule) in rule_pair() {
            let (v, h) = (image.width() / 3, image.height() / 2);
            let carved = resize(
                &image,
                &Request {
                    energy: seam_carver::EnergyKind::Backward,
                    ..Request::new(image.width() - v, image.height() - h, rule)
                },
            )
            .unwrap();
            let (narrow, ref_vertical) = reference::carve(&image, v, ref_rule);
            let (ref_t, ref_horizontal) = reference::carve(&transpose(&narrow), h, ref_rule);
            let paths = |s: &[seam_carver::Seam]| {
                s.iter()
                    .map(|s| (s.path.clone(), s.cost))
                    .collect::<Vec<_>>()
            };
            let ref_paths = |s: &[reference::RefSeam]| {
                s.iter()
                    .map(|s| (s.path.clone(), s.cost))
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                paths(&carved.vertical),
                ref_paths(&ref_vertical),
                "{name} {rule}: vertical"
            );
            assert_eq!(
                paths(&carved.horizontal),
                ref_paths(&ref_horizontal),
                "{name} {rule}: horizontal"
            );
            assert_eq!(carved.image, transpose(&ref_t), "{name} {rule}: pixels");
            assert_eq!(
                carved.image.dimensions(),
                (image.width() - v, image.height() - h)
            );
        }
    }
}

#[test]
fn energy_is_current_under_forward_energy_and_cost_is_none_with_masks() {
    use seam_carver::EnergyKind;
    for (name, image) in support::generated()
        .into_iter()
        .filter(|(_, i)| i.width() > 3)
    {
        let mut carver = Carver::with_energy(&image, EnergyKind::Forward);
        for _ in 0..2 {
            carver.remove_seam(SeamRule::Optimal).unwrap();
            let fresh = Carver::new(&carver.image()).energy();
            assert_eq!(carver.energy(), fresh, "{name}");
        }
        let (w, h) = image.dimensions();
        let all = Mask::from_fn("all", w, h, |_, _| true);
        let mut masked =
            Carver::with_masks(&image, EnergyKind::Backward, Some(&all), None).unwrap();
        assert_eq!(masked.cost(), None, "{name}");
        masked.remove_seam(SeamRule::Optimal).unwrap();
        assert_eq!(masked.cost(), None, "{name}");
    }
}
