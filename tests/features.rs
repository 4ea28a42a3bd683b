//! Forward energy, masks, enlargement and object removal against the naive oracle in
//! `tests/reference`, bit for bit: every seam's path and cost and the final pixels, on
//! generated images with generated masks and on the golden photos.

use crate::{reference, support};

use crate::support::transpose;
use image::RgbImage;
use reference::{Energy, Flags, PROTECT, REMOVE};
use seam_carver::{EnergyKind, Mask, Request, SeamRule, resize};

fn kinds() -> [(EnergyKind, Energy); 3] {
    [
        (EnergyKind::Backward, Energy::Backward),
        (EnergyKind::Forward, Energy::Forward),
        (EnergyKind::Salient, Energy::Salient),
    ]
}

/// Images of at least 2x2 (enlargement and masks need room), generated and real.
fn images() -> Vec<(String, RgbImage)> {
    support::generated()
        .into_iter()
        .chain(support::golden_photos())
        .filter(|(_, image)| image.width() >= 2 && image.height() >= 2)
        .collect()
}

/// A blob mask: a filled ellipse around a point chosen by `seed`.
fn blob(image: &RgbImage, seed: u64, name: &str) -> Mask {
    let (w, h) = image.dimensions();
    let mut rng = support::Rng::new(seed);
    let cx = rng.below(w as u64) as i64;
    let cy = rng.below(h as u64) as i64;
    let rx = (w as i64 / 6).max(1);
    let ry = (h as i64 / 4).max(1);
    Mask::from_fn(name, w, h, |x, y| {
        let (dx, dy) = (x as i64 - cx, y as i64 - cy);
        dx * dx * ry * ry + dy * dy * rx * rx <= rx * rx * ry * ry
    })
}

fn to_flags(image: &RgbImage, masks: &[(&Mask, u8)]) -> Flags {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut flags = vec![vec![0u8; w]; h];
    for (mask, bit) in masks {
        for (y, row) in flags.iter_mut().enumerate() {
            for (x, flag) in row.iter_mut().enumerate() {
                if mask.is_set(x as u32, y as u32) {
                    *flag |= bit;
                }
            }
        }
    }
    flags
}

fn request<'a>(width: u32, height: u32, kind: EnergyKind) -> Request<'a> {
    Request {
        energy: kind,
        ..Request::new(width, height, SeamRule::Optimal)
    }
}

#[test]
fn forward_energy_and_protection_match_reference_when_removing() {
    for (name, image) in images() {
        let (w, h) = image.dimensions();
        let protect = blob(&image, w as u64 * 31 + h as u64, "protect.png");
        let seams = w / 2;
        for (kind, energy) in kinds() {
            for masked in [false, true] {
                let mut req = request(w - seams, h, kind);
                let mut flags = vec![vec![0u8; w as usize]; h as usize];
                if masked {
                    req.protect = Some(&protect);
                    flags = to_flags(&image, &[(&protect, PROTECT)]);
                }
                let got = resize(&image, &req).unwrap();
                let (want, want_seams) = reference::guided_carve(&image, seams, &flags, energy);
                let label = format!("{name} {kind} masked={masked}");
                for (i, (g, r)) in got.vertical.iter().zip(&want_seams).enumerate() {
                    assert_eq!(g.path, r.path, "{label}: path of seam {i}");
                    assert_eq!(g.cost, r.cost, "{label}: cost of seam {i}");
                }
                assert_eq!(got.vertical.len(), want_seams.len(), "{label}");
                assert_eq!(got.image, want, "{label}: pixels");
            }
        }
    }
}

#[test]
fn protected_pixels_survive_while_other_seams_exist() {
    // A protected rectangle, the middle third of each axis; removing half the width and
    // then a quarter of the height must keep every protected pixel, as seams can pass
    // around it.
    for (name, image) in images() {
        let (w, h) = image.dimensions();
        if w < 6 || h < 6 {
            continue;
        }
        let middle = |v: u32, len: u32| v >= len / 3 && v < 2 * len / 3;
        let protect = Mask::from_fn("rectangle", w, h, |x, y| middle(x, w) && middle(y, h));
        let mut req = request(w - w / 2, h - h / 4, EnergyKind::Backward);
        req.protect = Some(&protect);
        let got = resize(&image, &req).unwrap();
        assert_eq!(got.horizontal.len() as u32, h / 4, "{name}");
        let marks = seam_carver::annotate::marks(
            &got.vertical,
            &got.horizontal,
            &got.order,
            w,
            h,
            SeamRule::Optimal,
        );
        let (cw, ch) = got.image.dimensions();
        assert_eq!(marks.removed.len() as u32, w * h - cw * ch, "{name}");
        for (x, y) in marks.removed {
            assert!(!protect.is_set(x, y), "{name}: removed protected ({x},{y})");
        }
    }
}

fn assert_enlarged(label: &str, got: &seam_carver::Carved, want: &reference::Enlarged) {
    let (want_image, _, want_seams) = want;
    assert_eq!(got.vertical.len(), want_seams.len(), "{label}: seams");
    for (i, (g, (pass, path, cost))) in got.vertical.iter().zip(want_seams).enumerate() {
        assert_eq!(g.inserted, Some(*pass), "{label}: pass of seam {i}");
        assert_eq!(&g.path, path, "{label}: path of seam {i}");
        assert_eq!(g.cost, *cost, "{label}: cost of seam {i}");
    }
    assert_eq!(
        got.image.dimensions(),
        want_image.dimensions(),
        "{label}: size"
    );
    if let Some((i, (g, w))) = got
        .image
        .pixels()
        .zip(want_image.pixels())
        .enumerate()
        .find(|(_, (g, w))| g != w)
    {
        let width = want_image.width() as usize;
        panic!(
            "{label}: pixel ({}, {}) is {g:?}, the reference's {w:?}",
            i % width,
            i / width
        );
    }
}

#[test]
fn enlargement_matches_reference_in_one_and_several_passes() {
    for (name, image) in images() {
        let (w, h) = image.dimensions();
        let flags = vec![vec![0u8; w as usize]; h as usize];
        // A third more (one pass), then 2.5 times the width (several passes).
        for grow in [w.div_ceil(3), w * 3 / 2] {
            for (kind, energy) in kinds() {
                let got = resize(&image, &request(w + grow, h, kind)).unwrap();
                let want = reference::enlarge(&image, grow, &flags, energy);
                assert_enlarged(&format!("{name} +{grow} {kind}"), &got, &want);
            }
        }
    }
}

#[test]
fn height_enlargement_is_width_enlargement_of_the_transpose() {
    for (name, image) in images().into_iter().take(12) {
        let (w, h) = image.dimensions();
        let turned = transpose(&image);
        let flags = vec![vec![0u8; h as usize]; w as usize];
        let grow = h.div_ceil(2);
        for (kind, energy) in kinds().into_iter().skip(1) {
            let got = resize(&image, &request(w, h + grow, kind)).unwrap();
            let (want, _, want_seams) = reference::enlarge(&turned, grow, &flags, energy);
            assert_eq!(got.image, transpose(&want), "{name} {kind}: pixels");
            let paths: Vec<_> = got.horizontal.iter().map(|s| s.path.clone()).collect();
            let want_paths: Vec<_> = want_seams.into_iter().map(|s| s.1).collect();
            assert_eq!(paths, want_paths, "{name} {kind}: horizontal paths");
        }
    }
}

#[test]
fn object_removal_with_keep_size_matches_reference() {
    let (mut carved, mut refused) = (0, 0);
    for (name, image) in images() {
        let (w, h) = image.dimensions();
        let remove = blob(&image, w as u64 + 7 * h as u64, "remove.png");
        if remove.count() == 0 {
            continue;
        }
        let protect = blob(&image, w as u64 * 3 + h as u64, "protect.png");
        // Protected pixels that are also to be removed are left out of the protection,
        // so the object can always be reached.
        let protect = Mask::from_fn(protect.name(), w, h, |x, y| {
            protect.is_set(x, y) && !remove.is_set(x, y)
        });
        for (kind, energy) in kinds() {
            let mut req = request(w, h, kind);
            req.remove = Some(&remove);
            req.protect = Some(&protect);
            req.keep_size = true;
            let label = format!("{name} {kind}");
            let flags = to_flags(&image, &[(&protect, PROTECT), (&remove, REMOVE)]);
            let oracle = reference::remove_object(&image, &flags, energy);
            let got = match resize(&image, &req) {
                Ok(got) => got,
                Err(e) => {
                    // Refused (blocked by protection, or too narrow): the oracle, which
                    // checks each seam it takes, must refuse too.
                    assert!(e.to_string().contains("remove.png"), "{label}: {e}");
                    assert!(
                        oracle.is_err(),
                        "{label}: refused ({e}), but the oracle carves"
                    );
                    refused += 1;
                    continue;
                }
            };
            let (narrow, narrow_flags, removed) =
                oracle.unwrap_or_else(|e| panic!("{label}: carved, but the oracle refuses: {e}"));
            carved += 1;
            let taken = removed.len();
            for (i, (g, r)) in got.vertical[..taken].iter().zip(&removed).enumerate() {
                assert_eq!(g.path, r.path, "{label}: path of removed seam {i}");
                assert_eq!(g.cost, r.cost, "{label}: cost of removed seam {i}");
            }
            let mut rest = got.clone();
            rest.vertical.drain(..taken);
            let want = reference::enlarge(&narrow, taken as u32, &narrow_flags, energy);
            assert_enlarged(&label, &rest, &want);
            assert_eq!(got.image.dimensions(), (w, h), "{label}: size kept");
        }
    }
    // Both outcomes are exercised, so neither branch passes by default.
    eprintln!("object removal: {carved} carved, {refused} refused with the oracle agreeing");
    assert!(
        carved > 0 && refused > 0,
        "{carved} carved, {refused} refused"
    );
}

#[test]
fn seams_longer_than_costs_can_count_are_refused() {
    // The dearest step a pixel can add (a salient straight step at its 12-bit bound,
    // 4,095, plus a diagonal's 10-bit extra, 1,023) times the longest seam fits 32 bits.
    let longest = seam_carver::MAX_SEAM_LENGTH;
    assert!(5_118 * longest as u64 <= u32::MAX as u64);
    // An 800,001-pixel-high strip, never allocated: the check comes first.
    let req = Request::new(1, longest + 1, SeamRule::Optimal);
    let err = req.check(2, longest + 1).unwrap_err().to_string();
    assert!(err.contains("longer than the 800000 pixels"), "{err}");
    assert!(
        Request::new(1, longest, SeamRule::Optimal)
            .check(2, longest)
            .is_ok()
    );
    assert!(
        Request::new(2, 5, SeamRule::Optimal)
            .check(longest + 1, 5)
            .is_ok()
    );
}

#[test]
fn a_photo_carved_on_several_threads_is_the_oracle_s_carve() {
    // The bundled photo (600x400) enlarged to 1000x560 is large enough to be measured
    // in two and three bands of rows, and for each seam's removal to be swept in bands
    // on two threads; the one-thread carve is checked against the oracle, and every
    // other count against it: seams, pixels and energy map, removal, both axes and
    // growth.
    let photo = image::open(support::root().join("inputs/coffee.png"))
        .unwrap()
        .to_rgb8();
    let image = image::imageops::resize(&photo, 1000, 560, image::imageops::FilterType::Triangle);
    let (w, h) = image.dimensions();
    for (kind, energy) in kinds() {
        let flags = vec![vec![0u8; w as usize]; h as usize];
        let one = resize(
            &image,
            &Request {
                threads: 1,
                ..request(w - 4, h, kind)
            },
        )
        .unwrap();
        let (want, want_seams) = reference::guided_carve(&image, 4, &flags, energy);
        let paths = |s: &[seam_carver::Seam]| {
            s.iter()
                .map(|s| (s.path.clone(), s.cost))
                .collect::<Vec<_>>()
        };
        let want_paths: Vec<_> = want_seams
            .iter()
            .map(|s| (s.path.clone(), s.cost))
            .collect();
        assert_eq!(paths(&one.vertical), want_paths, "{kind}: seams");
        assert_eq!(one.image, want, "{kind}: pixels");
        for (tw, th) in [(w - 4, h), (w - 30, h - 20), (w + 25, h)] {
            let on = |threads| {
                resize(
                    &image,
                    &Request {
                        threads,
                        ..request(tw, th, kind)
                    },
                )
                .unwrap()
            };
            let one = on(1);
            for threads in [2, 3] {
                let many = on(threads);
                let label = format!("{kind} to {tw}x{th} on {threads} threads");
                assert_eq!(
                    paths(&many.vertical),
                    paths(&one.vertical),
                    "{label}: seams"
                );
                assert_eq!(paths(&many.horizontal), paths(&one.horizontal), "{label}");
                assert!(many.image == one.image, "{label}: pixels");
                assert!(many.energy == one.energy, "{label}: energy map");
            }
        }
    }
}

#[test]
fn detected_faces_and_skin_protect_as_masks_of_them_do() {
    // The faces SeetaFace finds in the golden astronaut, as a protection source: the
    // carve is the oracle's with every pixel of their boxes protected, alone and beside
    // a protect mask and an object to remove.
    let image = image::open(support::root().join("golden/inputs/astronaut-face.png"))
        .unwrap()
        .to_rgb8();
    let (w, h) = image.dimensions();
    let faces = seam_carver::FaceDetector::bundled().detect(&image);
    assert_eq!(faces.len(), 1, "{faces:?}");
    let boxes = Mask::from_fn("faces", w, h, |x, y| faces.iter().any(|f| f.contains(x, y)));
    let mut req = request(w * 3 / 5, h, EnergyKind::Salient);
    req.faces = &faces;
    let got = resize(&image, &req).unwrap();
    let flags = to_flags(&image, &[(&boxes, PROTECT)]);
    let (want, want_seams) =
        reference::guided_carve(&image, w - w * 3 / 5, &flags, Energy::Salient);
    for (i, (g, r)) in got.vertical.iter().zip(&want_seams).enumerate() {
        assert_eq!((&g.path, g.cost), (&r.path, r.cost), "seam {i}");
    }
    assert_eq!(got.image, want);

    // Beside masks: the spoon-like blob to remove lies left of the face.
    let remove = Mask::from_fn("remove.png", w, h, |x, y| {
        (10..20).contains(&x) && (100..130).contains(&y)
    });
    let protect = Mask::from_fn("protect.png", w, h, |x, y| {
        (120..140).contains(&x) && y > 60
    });
    // And the skin around the face, protected as a mask of it is.
    let skin = Mask::skin(&image, &faces);
    assert!(skin.count() > 300, "{}", skin.count());
    let mut req = request(w, h, EnergyKind::Forward);
    req.faces = &faces;
    req.skin = Some(&skin);
    req.protect = Some(&protect);
    req.remove = Some(&remove);
    req.keep_size = true;
    let got = resize(&image, &req).unwrap();
    let flags = to_flags(
        &image,
        &[
            (&boxes, PROTECT),
            (&skin, PROTECT),
            (&protect, PROTECT),
            (&remove, REMOVE),
        ],
    );
    let (narrow, narrow_flags, removed) =
        reference::remove_object(&image, &flags, Energy::Forward).unwrap();
    for (i, (g, r)) in got.vertical.iter().zip(&removed).enumerate() {
        assert_eq!((&g.path, g.cost), (&r.path, r.cost), "removed seam {i}");
    }
    let mut rest = got.clone();
    rest.vertical.drain(..removed.len());
    let want = reference::enlarge(
        &narrow,
        removed.len() as u32,
        &narrow_flags,
        Energy::Forward,
    );
    assert_enlarged("faces beside masks", &rest, &want);
}

#[test]
fn an_amount_blends_the_carve_with_plain_scaling() {
    let image = image::open(support::root().join("golden/inputs/chelsea.png"))
        .unwrap()
        .to_rgb8();
    let (w, h) = image.dimensions();
    let (tw, th) = (w * 3 / 5, h * 4 / 5);
    let with = |amount: u8| Request {
        amount,
        ..request(tw, th, EnergyKind::Salient)
    };
    // 100: today's carve, the same seams and pixels.
    let full = resize(&image, &with(100)).unwrap();
    let plain = resize(&image, &request(tw, th, EnergyKind::Salient)).unwrap();
    assert!(full.image == plain.image && full.vertical == plain.vertical && full.carved.is_none());
    // 0: plain scaling, no seam.
    let none = resize(&image, &with(0)).unwrap();
    assert!(none.vertical.is_empty() && none.horizontal.is_empty());
    assert!(none.image == seam_carver::scale(&image, tw, th));
    // 60: the carve to 60 % of the way, then scaled; another image follows the same way.
    let part = resize(&image, &with(60)).unwrap();
    let (cw, ch) = with(60).carve_to(w, h);
    assert_eq!((cw, ch), (w - (w - tw) * 3 / 5, h - (h - th) * 3 / 5));
    assert_eq!(part.carved, Some((cw, ch)));
    let carved = resize(&image, &request(cw, ch, EnergyKind::Salient)).unwrap();
    assert!(part.vertical == carved.vertical && part.horizontal == carved.horizontal);
    assert!(part.image == seam_carver::scale(&carved.image, tw, th));
    assert!(part.apply_to(&image).unwrap() == part.image);
    // Growing: 60 % of the growth by seams.
    let grown = resize(
        &image,
        &Request {
            amount: 60,
            ..request(w + 10, h, EnergyKind::Salient)
        },
    )
    .unwrap();
    assert_eq!(
        (grown.carved, grown.image.dimensions()),
        (Some((w + 6, h)), (w + 10, h))
    );
    // Refused: over 100, or with an object removal.
    let err = resize(&image, &with(101)).unwrap_err();
    assert!(
        matches!(err, seam_carver::Error::AmountOutOfRange { amount: 101 }),
        "{err}"
    );
    let object = blob(&image, 3, "object.png");
    let err = resize(
        &image,
        &Request {
            remove: Some(&object),
            ..with(50)
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, seam_carver::Error::AmountWithRemoval),
        "{err}"
    );
}

#[test]
fn an_energy_map_left_out_changes_nothing_else() {
    for (name, image) in images() {
        let (w, h) = image.dimensions();
        let drawn = resize(&image, &request(w - w / 3, h - h / 4, EnergyKind::Salient)).unwrap();
        let left_out = resize(
            &image,
            &Request {
                energy_map: false,
                ..request(w - w / 3, h - h / 4, EnergyKind::Salient)
            },
        )
        .unwrap();
        assert_eq!(
            drawn.energy.as_ref().unwrap().dimensions(),
            (w, h),
            "{name}"
        );
        assert!(left_out.energy.is_none(), "{name}");
        assert_eq!(left_out.image, drawn.image, "{name}");
        assert_eq!(left_out.vertical, drawn.vertical, "{name}");
        assert_eq!(left_out.horizontal, drawn.horizontal, "{name}");
    }
}

#[test]
fn seams_named_in_the_input_give_every_narrower_carve() {
    // The multi-size image: the first k seams of one carve, removed from the input by
    // their input columns, are the carve to k seams fewer, for every k; and across the
    // other axis likewise (rows for each column).
    for (name, image) in images().into_iter().filter(|(_, i)| i.width() >= 3) {
        for (kind, _) in kinds() {
            let (w, h) = image.dimensions();
            let n = (w / 3).max(1);
            let carved = resize(&image, &request(w - n, h, kind)).unwrap();
            let paths = carved.removed_in_input().unwrap();
            assert_eq!(paths.len(), n as usize, "{name}");
            for k in [0, 1, n / 2, n] {
                let want = resize(&image, &request(w - k, h, kind)).unwrap().image;
                assert!(
                    support::without(&image, &paths[..k as usize]) == want,
                    "{name} {kind:?}: {k} seams"
                );
            }
            if h >= 3 {
                let m = (h / 3).max(1);
                let across = resize(&image, &request(w, h - m, kind)).unwrap();
                let rows = across.removed_in_input().unwrap();
                let narrower = support::without(&transpose(&image), &rows);
                assert!(
                    transpose(&narrower) == across.image,
                    "{name} {kind:?}: rows"
                );
            }
        }
    }
    // Both axes, or an insertion: no single input path per seam.
    let image = support::noise(9, 7, 3);
    let both = resize(&image, &request(7, 5, EnergyKind::Forward)).unwrap();
    assert!(both.removed_in_input().is_none());
    let grown = resize(&image, &request(11, 7, EnergyKind::Forward)).unwrap();
    assert!(grown.removed_in_input().is_none());
}
