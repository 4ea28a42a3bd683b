//! Skin: the pixels near a face whose colour matches that face's skin, kept whole as a
//! protect mask keeps its pixels ([`Mask::skin`], [`Request::skin`](crate::Request::skin)).
//!
//! The rule, and why it is tied to faces, is documented on [`Mask::skin`].

use image::GenericImageView;

use crate::faces::Face;
use crate::mask::Mask;

/// Tolerance bounds, per chroma channel.
const MIN_TOLERANCE: i32 = 6;
const MAX_TOLERANCE: i32 = 12;
/// A raw chroma error of 1.5, in per-luma units times the luma (`256 * 1.5`).
const NOISE: i32 = 384;

/// A pixel's luma, Cb and Cr (JPEG's full-range BT.601 in 8-bit fixed point, unclamped:
/// pure red has Cr 256).
fn ycc([r, g, b]: [u8; 3]) -> [i32; 3] {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    [
        (77 * r + 150 * g + 29 * b + 128) >> 8,
        ((-43 * r - 85 * g + 128 * b + 128) >> 8) + 128,
        ((128 * r - 107 * g - 21 * b + 128) >> 8) + 128,
    ]
}

/// A pixel's colour as the rule compares it: luma, Cb, Cr, and the chroma per unit of
/// luma, `256 (Cb - 128) / Y` and `256 (Cr - 128) / Y` (0 for black), which shade does
/// not change: an arm half in shadow has half the luma and half the chroma.
fn colour(rgb: [u8; 3]) -> [i32; 5] {
    let [y, cb, cr] = ycc(rgb);
    let per_luma = |c: i32| if y == 0 { 0 } else { 256 * (c - 128) / y };
    [y, cb, cr, per_luma(cb), per_luma(cr)]
}

/// Whether a colour can be skin at all (step 2's gate).
fn may_be_skin([y, cb, cr, _, _]: [i32; 5]) -> bool {
    y >= 40 && cr >= 128 && cr >= cb + 8 && cb <= 128
}

/// One face's skin colour (step 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tone {
    cb: i32,
    cr: i32,
    cb_tolerance: i32,
    cr_tolerance: i32,
    min_luma: i32,
}

impl Tone {
    /// Whether a colour is this skin: per-luma chroma within the tolerance, widened by
    /// what a raw chroma error of 1.5 (noise, rounding) becomes at this pixel's luma,
    /// `384 / Y`, which matters in the dark: 8 at luma 48, 2 at 192.
    fn matches(&self, [y, _, _, cb, cr]: [i32; 5]) -> bool {
        let near = |d: i32, tolerance: i32| d.abs() * y <= tolerance * y + NOISE;
        y >= self.min_luma
            && near(cb - self.cb, self.cb_tolerance)
            && near(cr - self.cr, self.cr_tolerance)
    }
}

/// The median of `values` (the lower one of an even count); they get sorted.
fn median(values: &mut [i32]) -> i32 {
    values.sort_unstable();
    values[(values.len() - 1) / 2]
}

/// The median and the clamped tolerance of one channel.
fn centre(values: &mut [i32]) -> (i32, i32) {
    let m = median(values);
    let mut deviations: Vec<i32> = values.iter().map(|v| (v - m).abs()).collect();
    let tolerance = (2 * median(&mut deviations)).clamp(MIN_TOLERANCE, MAX_TOLERANCE);
    (m, tolerance)
}

/// The skin colour of the face whose box is `columns` x `rows`, if it shows one.
fn tone(
    colours: &[[i32; 5]],
    width: usize,
    columns: (usize, usize),
    rows: (usize, usize),
) -> Option<Tone> {
    let (fw, fh) = (columns.1 - columns.0, rows.1 - rows.0);
    let (x0, x1) = (columns.0 + fw / 4, columns.0 + (3 * fw).div_ceil(4));
    let (y0, y1) = (rows.0 + 3 * fh / 8, rows.0 + (7 * fh).div_ceil(8));
    let window = (x1 - x0) * (y1 - y0);
    let samples: Vec<[i32; 5]> = (y0..y1)
        .flat_map(|y| colours[y * width + x0..y * width + x1].iter().copied())
        .filter(|&c| may_be_skin(c))
        .collect();
    if samples.is_empty() || samples.len() * 4 < window {
        return None;
    }
    let channel = |i: usize| samples.iter().map(|c| c[i]).collect::<Vec<i32>>();
    let luma = median(&mut channel(0));
    let (cb, cb_tolerance) = centre(&mut channel(3));
    let (cr, cr_tolerance) = centre(&mut channel(4));
    Some(Tone {
        cb,
        cr,
        cb_tolerance,
        cr_tolerance,
        min_luma: (2 * luma / 5).max(30),
    })
}

/// The skin around `faces` in `image` (see the module's rule), as a mask named "skin".
pub(crate) fn mask<I: GenericImageView>(image: &I, faces: &[Face]) -> Mask {
    // No face, no skin: a batch's photos without people cost nothing here.
    if faces.is_empty() {
        let (width, height) = image.dimensions();
        return Mask::from_bits(
            "skin",
            width,
            height,
            vec![false; width as usize * height as usize],
        );
    }
    let rgb = crate::pixels::measured(image);
    let (width, height) = rgb.dimensions();
    let (w, h) = (width as usize, height as usize);
    let colours: Vec<[i32; 5]> = rgb.pixels().map(|p| colour(p.0)).collect();
    let mut skin = vec![false; w * h];
    for (columns, rows) in faces.iter().filter_map(|f| f.clipped(width, height)) {
        let columns = (columns.start as usize, columns.end as usize);
        let rows = (rows.start as usize, rows.end as usize);
        let Some(tone) = tone(&colours, w, columns, rows) else {
            continue;
        };
        let (fw, fh) = (columns.1 - columns.0, rows.1 - rows.0);
        let centre = columns.0 + fw / 2;
        let area = (
            centre.saturating_sub(3 * fw),
            (centre + 3 * fw).min(w),
            rows.0.saturating_sub(fh / 2),
            (rows.0 + 8 * fh).min(h),
        );
        keep_groups(&colours, w, area, tone, (fw * fh / 16).max(1), &mut skin);
    }
    Mask::from_bits("skin", width, height, skin)
}

/// Sets in `skin` every 4-connected group of at least `min_group` pixels of `tone`
/// inside `area` (columns `area.0..area.1`, rows `area.2..area.3`).
fn keep_groups(
    colours: &[[i32; 5]],
    width: usize,
    (x0, x1, y0, y1): (usize, usize, usize, usize),
    tone: Tone,
    min_group: usize,
    skin: &mut [bool],
) {
    let aw = x1 - x0;
    let index = |x: usize, y: usize| (y - y0) * aw + (x - x0);
    let matching: Vec<bool> = (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .map(|(x, y)| tone.matches(colours[y * width + x]))
        .collect();
    let mut candidate = open(&matching, aw, y1 - y0);
    let mut group = Vec::new();
    let mut stack = Vec::new();
    for y in y0..y1 {
        for x in x0..x1 {
            if !candidate[index(x, y)] {
                continue;
            }
            // Flood the group from here, clearing candidates as they are taken.
            candidate[index(x, y)] = false;
            stack.push((x, y));
            group.clear();
            while let Some((px, py)) = stack.pop() {
                group.push((px, py));
                let neighbours = [
                    (px > x0).then(|| (px - 1, py)),
                    (px + 1 < x1).then(|| (px + 1, py)),
                    (py > y0).then(|| (px, py - 1)),
                    (py + 1 < y1).then(|| (px, py + 1)),
                ];
                for (nx, ny) in neighbours.into_iter().flatten() {
                    if candidate[index(nx, ny)] {
                        candidate[index(nx, ny)] = false;
                        stack.push((nx, ny));
                    }
                }
            }
            if group.len() >= min_group {
                for &(gx, gy) in &group {
                    skin[gy * width + gx] = true;
                }
            }
        }
    }
}

/// The morphological opening of a `width` x `height` grid by a 3x3 square: the pixels of
/// some 3x3 block set throughout (threads and grains one or two pixels wide go).
fn open(set: &[bool], width: usize, height: usize) -> Vec<bool> {
    let mut eroded = vec![false; set.len()];
    for y in 1..height.saturating_sub(1) {
        for x in 1..width.saturating_sub(1) {
            eroded[y * width + x] = (y - 1..=y + 1).all(|ny| {
                set[ny * width + x - 1..=ny * width + x + 1]
                    .iter()
                    .all(|&b| b)
            });
        }
    }
    let mut opened = vec![false; set.len()];
    for y in 0..height {
        for x in 0..width {
            let rows = y.saturating_sub(1)..=(y + 1).min(height - 1);
            let columns = x.saturating_sub(1)..=(x + 1).min(width - 1);
            opened[y * width + x] = rows.into_iter().any(|ny| {
                eroded[ny * width + columns.start()..=ny * width + columns.end()]
                    .iter()
                    .any(|&b| b)
            });
        }
    }
    opened
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn colours_are_jpegs_ycbcr() {
        assert_eq!(ycc([0, 0, 0]), [0, 128, 128]);
        assert_eq!(ycc([255, 255, 255]), [255, 128, 128]);
        assert_eq!(ycc([255, 0, 0]), [77, 85, 256]);
        assert_eq!(ycc([0, 0, 255]), [29, 256, 107]);
    }

    /// A 64x64 flat "face" of `face` colour at (40, 20) over `background`, with a 20x80
    /// "arm" of `arm` colour below-left of it and a 3-pixel speck of it far right.
    fn scene(face: [u8; 3], arm: [u8; 3], background: [u8; 3]) -> (RgbImage, Face) {
        let image = RgbImage::from_fn(300, 260, |x, y| {
            if (40..104).contains(&x) && (20..84).contains(&y) {
                Rgb(face)
            } else if ((10..30).contains(&x) && (100..180).contains(&y))
                || ((250..253).contains(&x) && y == 150)
            {
                Rgb(arm)
            } else {
                Rgb(background)
            }
        });
        let face = Face {
            x: 40,
            y: 20,
            width: 64,
            height: 64,
            score: 9.0,
        };
        (image, face)
    }

    #[test]
    fn the_faces_colour_near_it_is_skin_and_specks_are_not() {
        let skin = [198, 134, 66];
        let (image, face) = scene(skin, skin, [40, 90, 160]);
        let mask = mask(&image, &[face]);
        assert_eq!(mask.count(), 64 * 64 + 20 * 80);
        assert!(mask.is_set(45, 25) && mask.is_set(10, 179) && !mask.is_set(251, 150));
        // The same image with no face: no skin.
        assert_eq!(mask_count(&image, &[]), 0);
    }

    fn mask_count(image: &RgbImage, faces: &[Face]) -> usize {
        mask(image, faces).count()
    }

    #[test]
    fn a_face_without_skin_colour_gives_no_skin() {
        // Gray, or blue: outside the gate.
        for face in [[128, 128, 128], [60, 90, 200]] {
            let (image, f) = scene(face, face, [0, 0, 0]);
            assert_eq!(mask_count(&image, &[f]), 0, "{face:?}");
        }
    }

    #[test]
    fn sand_wood_and_brick_beside_skin_are_not_skin() {
        // Light, medium and dark skin (a common palette) against sand, pine, oak and brick.
        let skins = [
            [241, 194, 125],
            [224, 172, 105],
            [198, 134, 66],
            [141, 85, 36],
            [92, 58, 38],
        ];
        let backgrounds = [
            [194, 178, 128],
            [230, 190, 140],
            [160, 82, 45],
            [150, 75, 60],
            [178, 34, 34],
        ];
        for skin in skins {
            for background in backgrounds {
                let (image, face) = scene(skin, skin, background);
                let count = mask_count(&image, &[face]);
                assert_eq!(count, 64 * 64 + 20 * 80, "skin {skin:?} on {background:?}");
            }
        }
    }
}

/// Real skin (a face the detector finds, recoloured to several skin tones) beside
/// generated arms, on generated sand, wood and brick of similar hues.
#[cfg(all(test, feature = "face-model"))]
mod scenes {
    use image::{Rgb, RgbImage};

    use super::*;
    use crate::FaceDetector;

    /// A small deterministic generator (SplitMix64).
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        /// Uniform in -n..=n.
        fn noise(&mut self, n: i32) -> i32 {
            (self.next() % (2 * n as u64 + 1)) as i32 - n
        }
    }

    /// The astronaut's skin in the golden crop, roughly: what tones scale from.
    const ASTRONAUT: [f64; 3] = [204.0, 168.0, 146.0];

    fn shade(colour: [u8; 3], by: f64, noise: i32, random: &mut Random) -> Rgb<u8> {
        Rgb(colour
            .map(|c| (f64::from(c) * by).round() as i32 + random.noise(noise))
            .map(|c| c.clamp(0, 255) as u8))
    }

    /// Textured backgrounds: sand (grain), wood (stripes) and brick (courses and mortar).
    fn background(kind: &str, colour: [u8; 3], x: u32, y: u32, random: &mut Random) -> Rgb<u8> {
        match kind {
            "sand" => shade(colour, 1.0, 14, random),
            "wood" => {
                let grain = ((f64::from(y) * 0.35 + f64::from(x) * 0.02).sin() * 0.12) + 0.95;
                shade(colour, grain, 5, random)
            }
            _ => {
                let course = y / 18;
                let offset = if course.is_multiple_of(2) { 0 } else { 22 };
                let mortar = y % 18 < 3 || (x + offset) % 44 < 3;
                let brick = ((x + offset) / 44 * 7 + course * 13) % 5;
                if mortar {
                    shade([205, 200, 190], 1.0, 6, random)
                } else {
                    shade(colour, 0.9 + 0.05 * f64::from(brick), 6, random)
                }
            }
        }
    }

    /// The scene: the face crop at (160, 30) with its colours scaled to `tone`, two arms of
    /// that tone (shaded), on `kind` of `colour`. Also whether each pixel is arm.
    fn scene(tone: [u8; 3], kind: &str, colour: [u8; 3]) -> (RgbImage, Vec<bool>) {
        let face = image::open(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../golden/inputs/astronaut-face.png"
        ))
        .unwrap()
        .to_rgb8();
        let scale: Vec<f64> = (0..3).map(|i| f64::from(tone[i]) / ASTRONAUT[i]).collect();
        let mut random = Random(7);
        let (w, h) = (480, 420);
        let mut arm = vec![false; (w * h) as usize];
        let image = RgbImage::from_fn(w, h, |x, y| {
            // The face is about 30 pixels wide around column 236, its top at row 52:
            // arms 1.3 to 2 face widths either side, below the pasted crop.
            let in_arm =
                (190..300).contains(&y) && ((176..196).contains(&x) || (276..296).contains(&x));
            if (160..320).contains(&x) && (30..190).contains(&y) {
                let p = face.get_pixel(x - 160, y - 30).0;
                Rgb([0, 1, 2].map(|i| (f64::from(p[i]) * scale[i]).round().min(255.0) as u8))
            } else if in_arm {
                arm[(y * w + x) as usize] = true;
                // Lit from the left: 1.0 down to 0.7 across each arm.
                let across = if x < 236 { x - 176 } else { x - 276 };
                shade(tone, 1.0 - 0.3 * f64::from(across) / 20.0, 3, &mut random)
            } else {
                background(kind, colour, x, y, &mut random)
            }
        });
        (image, arm)
    }

    type Ground = (&'static str, [u8; 3]);

    /// For each skin tone on each ground: the share of the arms found as skin and of the
    /// ground (all but the pasted crop and the arms) taken for it.
    fn measure(tones: &[[u8; 3]], grounds: &[Ground]) -> Vec<(String, f64, f64)> {
        let detector = FaceDetector::bundled();
        let mut rows = Vec::new();
        for &tone in tones {
            for &(kind, colour) in grounds {
                let label = format!("{tone:?} on {kind} {colour:?}");
                let (image, arm) = scene(tone, kind, colour);
                let faces = detector.detect(&image);
                assert!(!faces.is_empty(), "{label}: no face");
                let skin = mask(&image, &faces);
                let width = image.width();
                let at = |i: usize| (i as u32 % width, i as u32 / width);
                let is_skin = |i: usize| skin.is_set(at(i).0, at(i).1);
                let (mut arms, mut kept, mut ground, mut swallowed) = (0, 0, 0, 0);
                for (i, &a) in arm.iter().enumerate() {
                    let (x, y) = at(i);
                    if a {
                        arms += 1;
                        kept += usize::from(is_skin(i));
                    } else if !((160..320).contains(&x) && (30..190).contains(&y)) {
                        ground += 1;
                        swallowed += usize::from(is_skin(i));
                    }
                }
                rows.push((
                    label,
                    kept as f64 / arms as f64,
                    swallowed as f64 / ground as f64,
                ));
            }
        }
        rows
    }

    fn check(rows: &[(String, f64, f64)], least_kept: f64, most_swallowed: f64) {
        for (label, kept, swallowed) in rows {
            assert!(
                *kept >= least_kept && *swallowed <= most_swallowed,
                "{label}: {:.1} % of the arms kept, {:.2} % of the ground",
                100.0 * kept,
                100.0 * swallowed
            );
        }
    }

    /// The cases the rule was tuned on: every arm at least 98 % found, at most 0.21 % of
    /// any ground taken (pale sand beside the astronaut's own pale skin).
    #[test]
    fn arms_are_kept_and_sand_wood_and_brick_are_not() {
        let tones = [
            [204, 168, 146],
            [224, 172, 105],
            [198, 134, 66],
            [141, 85, 36],
        ];
        let grounds = [
            ("sand", [194, 178, 128]),
            ("sand", [220, 190, 150]),
            ("wood", [222, 184, 135]),
            ("wood", [160, 82, 45]),
            ("wood", [193, 120, 70]),
            ("brick", [150, 75, 60]),
            ("brick", [178, 90, 60]),
        ];
        check(&measure(&tones, &grounds), 0.98, 0.0025);
    }

    /// Cases not looked at while tuning, measured once: the rule's known limits. 24 of
    /// the 28 take at most 0.02 % of the ground; porcelain skin takes 7.0 % of a pale sand
    /// and 2.9 % of khaki sand of nearly its own colour, the darkest skin 2.9 % of a
    /// pinkish oak, reddish-brown skin 0.9 % of a brick of its hue; the darkest skin's
    /// arms are 81.5 % found (their shaded side is lost).
    #[test]
    fn the_rules_limits_on_cases_it_was_not_tuned_on() {
        let tones = [
            [255, 224, 189],
            [241, 194, 125],
            [161, 102, 94],
            [60, 46, 40],
        ];
        let grounds = [
            ("sand", [246, 215, 176]),
            ("sand", [203, 189, 147]),
            ("wood", [164, 116, 73]),
            ("wood", [222, 170, 136]),
            ("brick", [132, 31, 39]),
            ("brick", [181, 101, 29]),
            ("brick", [170, 110, 90]),
        ];
        let rows = measure(&tones, &grounds);
        check(&rows, 0.81, 0.07);
        let clean = rows
            .iter()
            .filter(|(_, _, swallowed)| *swallowed <= 0.0002)
            .count();
        assert_eq!(clean, 24);
    }
}
