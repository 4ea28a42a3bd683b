//! What the default energy measures besides the new edges: a smoothed copy of the image
//! and each pixel's distinctness from its surroundings, both computed once, in integers,
//! from the image a carve starts with, and then carried with the pixels.
//!
//! - The *guide*: the image with noise and fine texture averaged away and outlines kept,
//!   by two passes of a 3x3 sigma filter (Lee, 1983): each pixel becomes the rounded
//!   mean of the pixels around it, itself included, whose colour is within
//!   [`SIGMA`] of its own (R, G and B differences summed). Grain on sand or a wall
//!   becomes flat; an object's outline and a one-pixel cable, far more than [`SIGMA`]
//!   from what is beside them, stay as they are.
//! - The *weight*: how far each guide pixel's colour is from the mean of a wide window
//!   around it ([`surround_radius`], a box blur taken twice), times 2/10. A plain object
//!   on a textured background is far from its surroundings' mean all through, so seams
//!   that would cross it pay for every pixel, where forward energy alone sees a flat
//!   region that is free to remove.

/// The colour difference (R, G, B summed) within which the guide's filter averages
/// neighbours.
pub const SIGMA: u32 = 40;

/// The weight is the distinctness times `WEIGHT_NUM / WEIGHT_DEN`.
const WEIGHT_NUM: u32 = 2;
const WEIGHT_DEN: u32 = 10;

/// The radius of the surround window: an eighth of the longer side, at least 1.
pub fn surround_radius(width: usize, height: usize) -> usize {
    (width.max(height) / 8).max(1)
}

/// The guide and the weights of a `width` x `height` image stored row by row.
pub fn measure(rgb: &[[u8; 3]], width: usize, height: usize) -> (Vec<[u8; 3]>, Vec<u16>) {
    let guide = sigma_filter(&sigma_filter(rgb, width, height), width, height);
    let r = surround_radius(width, height);
    let surround = box_blur(&box_blur(&guide, width, height, r), width, height, r);
    let weight = guide
        .iter()
        .zip(&surround)
        .map(|(&g, &s)| (crate::energy::rgb_distance(g, s) * WEIGHT_NUM / WEIGHT_DEN) as u16)
        .collect();
    (guide, weight)
}

/// One pass of the 3x3 sigma filter (see the module's documentation).
fn sigma_filter(rgb: &[[u8; 3]], width: usize, height: usize) -> Vec<[u8; 3]> {
    let mut out = vec![[0u8; 3]; rgb.len()];
    for y in 0..height {
        let ys = y.saturating_sub(1)..=(y + 1).min(height - 1);
        for x in 0..width {
            let centre = rgb[y * width + x];
            let (mut sum, mut n) = ([0u32; 3], 0u32);
            for ny in ys.clone() {
                let row = &rgb[ny * width..(ny + 1) * width];
                for &p in &row[x.saturating_sub(1)..=(x + 1).min(width - 1)] {
                    if crate::energy::rgb_distance(p, centre) <= SIGMA {
                        sum[0] += p[0] as u32;
                        sum[1] += p[1] as u32;
                        sum[2] += p[2] as u32;
                        n += 1;
                    }
                }
            }
            out[y * width + x] = sum.map(|s| ((s + n / 2) / n) as u8);
        }
    }
    out
}

/// The rounded mean of the `(2r + 1)`-wide window along rows, then along columns, the
/// border pixels repeated: running sums, so its cost does not grow with `r`.
fn box_blur(rgb: &[[u8; 3]], width: usize, height: usize, r: usize) -> Vec<[u8; 3]> {
    let span = (2 * r + 1) as u32;
    // Along one line of `len` pixels at `at(i)`, written by `put(i, pixel)`.
    let line = |len: usize, at: &dyn Fn(usize) -> [u8; 3], put: &mut dyn FnMut(usize, [u8; 3])| {
        let clamp = |i: isize| at(i.clamp(0, len as isize - 1) as usize);
        let mut sum = [0u32; 3];
        for i in -(r as isize)..=(r as isize) {
            let p = clamp(i);
            (0..3).for_each(|c| sum[c] += p[c] as u32);
        }
        for i in 0..len {
            put(i, sum.map(|s| ((s + span / 2) / span) as u8));
            let (add, drop) = (
                clamp(i as isize + r as isize + 1),
                clamp(i as isize - r as isize),
            );
            (0..3).for_each(|c| sum[c] = sum[c] + add[c] as u32 - drop[c] as u32);
        }
    };
    let mut across = vec![[0u8; 3]; rgb.len()];
    for y in 0..height {
        line(width, &|x| rgb[y * width + x], &mut |x, p| {
            across[y * width + x] = p
        });
    }
    let mut out = vec![[0u8; 3]; rgb.len()];
    for x in 0..width {
        line(height, &|y| across[y * width + x], &mut |y, p| {
            out[y * width + x] = p
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_flattens_grain_and_keeps_a_thin_line() {
        // Grain of +-6 around 120 on 7x5, with a black line along row 2.
        let (w, h) = (7, 5);
        let rgb: Vec<[u8; 3]> = (0..w * h)
            .map(|i| {
                if i / w == 2 {
                    [0; 3]
                } else {
                    [if i % 2 == 0 { 114 } else { 126 }; 3]
                }
            })
            .collect();
        let guide = sigma_filter(&rgb, w, h);
        for (i, p) in guide.iter().enumerate() {
            if i / w == 2 {
                assert_eq!(*p, [0; 3], "the line stays");
            } else {
                assert!((116..=124).contains(&p[0]), "grain at {i} smoothed: {p:?}");
            }
        }
    }

    #[test]
    fn a_plain_object_on_texture_outweighs_the_texture() {
        // 40x40 grain around 150 with a 8x8 blue square in the middle.
        let (w, h) = (40, 40);
        let rgb: Vec<[u8; 3]> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                if (16..24).contains(&x) && (16..24).contains(&y) {
                    [30, 80, 215]
                } else {
                    [(150 + (i * 7919 % 21)) as u8 - 10; 3]
                }
            })
            .collect();
        let (_, weight) = measure(&rgb, w, h);
        let inside = weight[20 * w + 20];
        let outside = (0..w * h)
            .filter(|i| i / w < 8)
            .map(|i| weight[i])
            .max()
            .unwrap();
        assert!(inside > 4 * outside, "inside {inside}, texture {outside}");
    }

    #[test]
    fn box_blur_is_the_rounded_window_mean() {
        let rgb: Vec<[u8; 3]> = (0..5u8).map(|v| [v * 10, 0, 255]).collect();
        // r = 1 along a 5x1 row: windows (0,0,10) (0,10,20) (10,20,30) (20,30,40) (30,40,40).
        let out = box_blur(&rgb, 5, 1, 1);
        let firsts: Vec<u8> = out.iter().map(|p| p[0]).collect();
        assert_eq!(firsts, [3, 10, 20, 30, 37]);
        assert!(out.iter().all(|p| p[1] == 0 && p[2] == 255));
    }
}
