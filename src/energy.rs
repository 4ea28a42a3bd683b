//! Pixel energy: imageproc 0.27's Sobel gradient magnitude, computed in integers.
//!
//! For every channel of an 8-bit RGB pixel the 3x3 Sobel responses `gx` and `gy`
//! are taken with border pixels repeated, the magnitude is `floor(sqrt(gx² + gy²))`,
//! and the energy is the integer mean of the three magnitudes. imageproc takes the
//! root in `f32` and truncates; for every reachable `(gx, gy)` that equals the
//! integer square root, which keeps every target bit-identical.

/// Largest possible energy value: `floor(sqrt(2) * 4 * 255)`.
pub const MAX_ENERGY: u16 = 1442;

/// Integer square root: the largest `r` with `r * r <= n`.
///
/// ```
/// assert_eq!(seam_carver::energy::isqrt(0), 0);
/// assert_eq!(seam_carver::energy::isqrt(15), 3);
/// assert_eq!(seam_carver::energy::isqrt(16), 4);
/// ```
pub fn isqrt(n: u32) -> u32 {
    // f64 has 53 bits of mantissa, so its root of a u32 is off by at most one.
    let mut r = (n as f64).sqrt() as u32;
    while r * r > n {
        r -= 1;
    }
    while (r + 1) * (r + 1) <= n {
        r += 1;
    }
    r
}

/// Energy of the pixel at `(x, y)` of a `width` x `height` RGB image stored row by row
/// with `stride` pixels per row.
///
/// Neighbours outside the image are replaced by the nearest border pixel.
#[inline]
pub fn pixel_energy(
    rgb: &[[u8; 3]],
    stride: usize,
    width: usize,
    height: usize,
    x: usize,
    y: usize,
) -> u16 {
    let xl = x.saturating_sub(1);
    let xr = if x + 1 < width { x + 1 } else { x };
    let yu = y.saturating_sub(1);
    let yd = if y + 1 < height { y + 1 } else { y };
    let up = &rgb[yu * stride..];
    let mid = &rgb[y * stride..];
    let down = &rgb[yd * stride..];
    let mut sum = 0u32;
    for c in 0..3 {
        let (a, b, cc) = (up[xl][c] as i32, up[x][c] as i32, up[xr][c] as i32);
        let (d, f) = (mid[xl][c] as i32, mid[xr][c] as i32);
        let (g, h, i) = (down[xl][c] as i32, down[x][c] as i32, down[xr][c] as i32);
        let gx = (cc - a) + 2 * (f - d) + (i - g);
        let gy = (g - a) + 2 * (h - b) + (i - cc);
        sum += isqrt((gx * gx + gy * gy) as u32);
    }
    (sum / 3) as u16
}

/// Energy map of a whole image, row by row with the same `stride` as `rgb`.
pub fn energy_map(rgb: &[[u8; 3]], stride: usize, width: usize, height: usize) -> Vec<u16> {
    let mut energy = vec![0u16; stride * height];
    for y in 0..height {
        for x in 0..width {
            energy[y * stride + x] = pixel_energy(rgb, stride, width, height, x, y);
        }
    }
    energy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isqrt_matches_imageproc_f32_root_for_every_sobel_response() {
        // Each Sobel response lies in -1020..=1020; the sign does not matter.
        for gx in 0..=1020u32 {
            for gy in 0..=1020u32 {
                let n = gx * gx + gy * gy;
                let imageproc = ((gx as f32).powi(2) + (gy as f32).powi(2)).sqrt() as u16;
                assert_eq!(isqrt(n), imageproc as u32, "gx={gx} gy={gy}");
            }
        }
    }

    #[test]
    fn max_energy_is_reachable_bound() {
        assert_eq!(isqrt(2 * 1020 * 1020), MAX_ENERGY as u32);
    }

    #[test]
    fn flat_image_has_zero_energy() {
        let rgb = vec![[7u8, 8, 9]; 12];
        assert!(energy_map(&rgb, 4, 4, 3).iter().all(|&e| e == 0));
    }

    #[test]
    fn vertical_edge_energy() {
        // Left half black, right half white: gx = 4 * 255 at the edge columns.
        let mut rgb = vec![[0u8; 3]; 4 * 3];
        for y in 0..3 {
            for x in 2..4 {
                rgb[y * 4 + x] = [255; 3];
            }
        }
        let e = energy_map(&rgb, 4, 4, 3);
        assert_eq!(&e[0..4], &[0, 1020, 1020, 0]);
    }
}
