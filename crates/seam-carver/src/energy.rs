//! Pixel energy: imageproc 0.27's Sobel gradient magnitude, computed in integers.
//!
//! For every channel of an 8-bit RGB pixel the 3x3 Sobel responses `gx` and `gy`
//! are taken with border pixels repeated, the magnitude is `floor(sqrt(gx² + gy²))`,
//! and the energy is the integer mean of the three magnitudes. imageproc takes the
//! root in `f32` and truncates; for every reachable `(gx, gy)` that equals the
//! integer square root, which keeps every target bit-identical.

use crate::rows::Rows;

/// The integer square root of a Sobel magnitude's square `n = gx² + gy²` (at most
/// `2 * 1020²`, below 2^24): exact as an `f32`, whose root is correctly rounded on every
/// target (IEEE 754, `f32.sqrt` in WebAssembly), and whose truncation is the largest `r`
/// with `r * r <= n` for every such `n` (tested), as imageproc takes it.
#[inline]
fn sobel_root(n: u32) -> u32 {
    debug_assert!(n <= 2 * 1020 * 1020);
    // The root rounded to the nearest integer, read from the bits of `root + 2^23`
    // (whose mantissa is that integer, as root < 2^12), less one when that is above the
    // root: the same as `as u32`, without its rules for NaN and overflow, which keep the
    // compiler from converting eight at a time in vector units.
    let root = ((n as i32) as f32).sqrt();
    let nearest = (root + 8_388_608.0).to_bits() & 0x7f_ffff;
    nearest - (nearest * nearest > n) as u32
}

/// One channel's Sobel magnitude (its integer root, [`sobel_root`]) at the centre of a
/// 3x3 window: the row above, the centre's left and right neighbours, the row below,
/// each left to right.
#[inline(always)]
fn sobel_channel([a, b, c]: [i32; 3], [d, f]: [i32; 2], [g, h, i]: [i32; 3]) -> u32 {
    let gx = (c - a) + 2 * (f - d) + (i - g);
    let gy = (g - a) + 2 * (h - b) + (i - c);
    sobel_root((gx * gx + gy * gy) as u32)
}

/// Rows `y - 1`, `y` and `y + 1` of `rgb`, the border row repeated at the edges.
#[inline]
pub fn neighbour_rows<'a>(rgb: &'a [[u8; 3]], rows: &Rows, y: usize) -> [&'a [[u8; 3]]; 3] {
    let below = if y + 1 < rows.height() { y + 1 } else { y };
    [
        rows.row(rgb, y.saturating_sub(1)),
        rows.row(rgb, y),
        rows.row(rgb, below),
    ]
}

/// Energy of column `x` of the row `mid`, between the rows `up` and `down` (the rows of
/// [`neighbour_rows`]).
#[inline]
pub fn energy_between(up: &[[u8; 3]], mid: &[[u8; 3]], down: &[[u8; 3]], x: usize) -> u16 {
    let width = mid.len();
    let xl = x.saturating_sub(1);
    let xr = if x + 1 < width { x + 1 } else { x };
    let mut sum = 0u32;
    for c in 0..3 {
        let three = |row: &[[u8; 3]]| [xl, x, xr].map(|at| row[at][c] as i32);
        sum += sobel_channel(
            three(up),
            [mid[xl][c] as i32, mid[xr][c] as i32],
            three(down),
        );
    }
    (sum / 3) as u16
}

/// Energy map of a whole `width` x `height` image stored row by row.
/// An energy map: a value for each pixel (imageproc's Sobel gradient magnitude for
/// backward energy), as an image of 16-bit gray values, so that it is indexed, iterated
/// and saved as any `image` buffer is. [`annotate::gradients`](crate::annotate::gradients)
/// draws it as the example's picture.
pub type EnergyMap = image::ImageBuffer<image::Luma<u16>, Vec<u16>>;

pub fn energy_map(rgb: &[[u8; 3]], width: usize, height: usize) -> Vec<u16> {
    energy_map_on(rgb, width, height, 1)
}

/// [`energy_map`] in bands of rows on up to `threads` threads.
pub(crate) fn energy_map_on(
    rgb: &[[u8; 3]],
    width: usize,
    height: usize,
    threads: usize,
) -> Vec<u16> {
    let rows = Rows::packed(width, height);
    let mut energy = vec![0u16; width * height];
    if width == 0 {
        return energy;
    }
    crate::parallel::rows(&mut energy, width, threads, |first, band| {
        for (i, row) in band.chunks_exact_mut(width).enumerate() {
            let [up, mid, down] = neighbour_rows(rgb, &rows, first + i);
            energy_row(up, mid, down, row);
        }
    });
    energy
}

/// The energy of every column of the row `mid` (between `up` and `down`) into `out`:
/// [`energy_between`] at the two edges; between them the Sobel root of every byte (a
/// channel of a pixel: the same sums over the bytes three either side of it), a loop
/// without edge cases that the compiler turns into vector code (eight square roots at a
/// time with AVX2), then each pixel's three summed: the same values.
#[multiversion::multiversion(targets("x86_64+avx2+fma", "x86_64+sse4.1",))]
fn energy_row(up: &[[u8; 3]], mid: &[[u8; 3]], down: &[[u8; 3]], out: &mut [u16]) {
    let width = out.len();
    if width < 3 {
        for (x, e) in out.iter_mut().enumerate() {
            *e = energy_between(up, mid, down, x);
        }
        return;
    }
    out[0] = energy_between(up, mid, down, 0);
    out[width - 1] = energy_between(up, mid, down, width - 1);
    let bytes = 3 * width;
    let (u, m, d) = (
        &up.as_flattened()[..bytes],
        &mid.as_flattened()[..bytes],
        &down.as_flattened()[..bytes],
    );
    // Byte j + 3 is channel j % 3 of pixel j / 3 + 1: its neighbours are the bytes j
    // (left) and j + 6 (right) of each row.
    let n = bytes - 6;
    let mut roots = vec![0u16; n];
    let (ul, uc, ur) = (&u[..n], &u[3..n + 3], &u[6..]);
    let (ml, mr) = (&m[..n], &m[6..]);
    let (dl, dc, dr) = (&d[..n], &d[3..n + 3], &d[6..]);
    for j in 0..n {
        roots[j] = sobel_channel(
            [ul[j], uc[j], ur[j]].map(i32::from),
            [ml[j], mr[j]].map(i32::from),
            [dl[j], dc[j], dr[j]].map(i32::from),
        ) as u16;
    }
    for (e, pixel) in out[1..width - 1].iter_mut().zip(roots.chunks_exact(3)) {
        *e = ((pixel[0] as u32 + pixel[1] as u32 + pixel[2] as u32) / 3) as u16;
    }
}

/// Which energy a seam's cost is measured in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EnergyKind {
    /// The energy of the pixels removed: imageproc's Sobel magnitude (the Bacalhau
    /// example's).
    Backward,
    /// The energy a removal creates (Rubinstein, Shamir and Avidan 2008): the RGB
    /// differences between the pixels that become neighbours, which avoids the broken
    /// outlines backward energy leaves where seams run along them.
    Forward,
    /// The default: forward energy measured on a smoothed copy of the image (noise and
    /// grain averaged away, outlines and thin lines kept), plus, for every pixel a seam
    /// takes, how far that pixel stands out from its surroundings. Plain objects on
    /// textured backgrounds (a person on sand, a face on a wall) survive, where forward
    /// energy alone takes them for the cheapest thing to remove; the original pixels are
    /// what is moved and kept. See the README's Quality section (`just quality`).
    #[default]
    Salient,
}

crate::names::named!(EnergyKind, "energy", {
    Backward => "backward",
    Forward => "forward",
    Salient => "salient",
});

impl EnergyKind {
    /// Whether seams are costed by the edges their removal creates (forward and salient).
    pub(crate) fn is_forward(self) -> bool {
        self != EnergyKind::Backward
    }
}

/// Sum of the absolute differences of two pixels' R, G and B (written out: no loop
/// header in the forward cost kernel, which calls it for every cell).
#[inline]
pub(crate) fn rgb_distance(a: [u8; 3], b: [u8; 3]) -> u32 {
    a[0].abs_diff(b[0]) as u32 + a[1].abs_diff(b[1]) as u32 + a[2].abs_diff(b[2]) as u32
}

/// The straight step of removing the pixel at column `x` of `row` (see
/// [`forward_steps`]): how far apart its left and right neighbours are.
#[inline]
pub(crate) fn across(row: &[[u8; 3]], x: usize) -> u32 {
    rgb_distance(row[x.saturating_sub(1)], row[(x + 1).min(row.len() - 1)])
}

/// Forward energy of removing the pixel at column `x` of `row`, for each parent the seam
/// may come from in the row above (`up`, `None` for the top row):
/// `[up-left, up, up-right]`.
///
/// Removing the pixel joins its left and right neighbours (`|R - L|`); coming from the
/// left parent also joins the pixel above with the left neighbour (`|U - L|`), from the
/// right parent the pixel above with the right neighbour (`|U - R|`). Neighbours outside
/// the image are the nearest border pixel; in the top row all three are `|R - L|`.
#[inline]
pub fn forward_steps(row: &[[u8; 3]], up: Option<&[[u8; 3]]>, x: usize) -> [u32; 3] {
    let left = row[x.saturating_sub(1)];
    let right = row[(x + 1).min(row.len() - 1)];
    let across = across(row, x);
    match up {
        None => [across; 3],
        Some(up) => [
            across + rgb_distance(up[x], left),
            across,
            across + rgb_distance(up[x], right),
        ],
    }
}

/// A cell's three step costs (`[up-left, up, up-right]`, see [`forward_steps`], its
/// weight added) packed in one `u32`, as a carve keeps them: one buffer to shift per
/// removed pixel instead of three, and 4 bytes a cell instead of 6. The straight step
/// takes the low 12 bits (at most 765 plus a weight of at most `salient::WEIGHT_MAX`), what
/// the up-left and the up-right steps add to it 10 bits each (a colour distance, at most
/// 765).
#[inline]
pub(crate) fn pack_steps([left, straight, right]: [u32; 3]) -> u32 {
    debug_assert!(straight < 1 << 12, "straight step {straight}");
    debug_assert!(left - straight < 1 << 10 && right - straight < 1 << 10);
    straight | (left - straight) << 12 | (right - straight) << 22
}

/// The straight step of packed step costs (see [`pack_steps`]).
#[inline]
pub(crate) fn straight_step(packed: u32) -> u32 {
    packed & 0xfff
}

/// The `[up-left, up, up-right]` step costs packed by [`pack_steps`].
#[inline]
pub(crate) fn unpack_steps(packed: u32) -> [u32; 3] {
    let straight = straight_step(packed);
    [
        straight + (packed >> 12 & 0x3ff),
        straight,
        straight + (packed >> 22),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integer square root: the largest `r` with `r * r <= n` (the reference [`sobel_root`] is tested against).
    fn isqrt(n: u32) -> u32 {
        // f64 has 53 bits of mantissa, so its root of a u32 is off by at most one; the
        // corrections are branch-free (no loop: each loop header costs a call under wazero
        // as Bacalhau runs it, and this runs for every pixel).
        let n = n as u64;
        let mut r = (n as f64).sqrt() as u64;
        r -= (r * r > n) as u64;
        r += ((r + 1) * (r + 1) <= n) as u64;
        r as u32
    }

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
    fn sobel_root_is_the_integer_root_of_every_sobel_square() {
        for n in 0..=2 * 1020 * 1020 {
            assert_eq!(sobel_root(n), isqrt(n), "n={n}");
        }
    }

    #[test]
    fn a_row_at_once_is_every_cell_on_its_own() {
        // Rows of every width from 1 to 40 (the vector loop's remainders), random colours
        // and the extremes (the largest roots).
        let mut state = 0x2545_f491_u32;
        let mut byte = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            match state % 5 {
                0 => 0,
                1 => 255,
                _ => (state >> 8) as u8,
            }
        };
        for width in 1..=40 {
            let rows: Vec<Vec<[u8; 3]>> = (0..3)
                .map(|_| (0..width).map(|_| [byte(), byte(), byte()]).collect())
                .collect();
            let mut row = vec![0u16; width];
            energy_row(&rows[0], &rows[1], &rows[2], &mut row);
            let cells: Vec<u16> = (0..width)
                .map(|x| energy_between(&rows[0], &rows[1], &rows[2], x))
                .collect();
            assert_eq!(row, cells, "width {width}");
        }
    }

    /// Largest possible energy value: `floor(sqrt(2) * 4 * 255)` (it fits in a `u16`).
    const MAX_ENERGY: u16 = 1442;

    #[test]
    fn max_energy_is_reachable_bound() {
        assert_eq!(isqrt(2 * 1020 * 1020), MAX_ENERGY as u32);
    }

    #[test]
    fn forward_steps_measure_the_new_edges() {
        // Row 0: 10 20 40; row 1: 0 30 90 (gray, so each distance is 3x the difference).
        let g = |v: u8| [v; 3];
        let rgb = [g(10), g(20), g(40), g(0), g(30), g(90)];
        let (top, bottom) = rgb.split_at(3);
        assert_eq!(forward_steps(top, None, 1), [90; 3]);
        // Removing (1,1): left 0 and right 90 meet (270); above is 20.
        assert_eq!(
            forward_steps(bottom, Some(top), 1),
            [270 + 60, 270, 270 + 210]
        );
        // At the left border the left neighbour is the pixel itself.
        assert_eq!(forward_steps(bottom, Some(top), 0), [90 + 30, 90, 90 + 60]);
        assert_eq!("forward".parse::<EnergyKind>(), Ok(EnergyKind::Forward));
        assert!("sobel".parse::<EnergyKind>().is_err());
    }

    #[test]
    fn packed_steps_unpack_to_themselves_at_every_bound() {
        for straight in [0, 1, 765, 765 + crate::salient::WEIGHT_MAX, (1 << 12) - 1] {
            for left in [0, 1, 500, 765, 1023] {
                for right in [0, 3, 765, 1023] {
                    let steps = [straight + left, straight, straight + right];
                    let packed = pack_steps(steps);
                    assert_eq!(unpack_steps(packed), steps);
                    assert_eq!(straight_step(packed), straight);
                }
            }
        }
    }

    #[test]
    fn flat_image_has_zero_energy() {
        let rgb = vec![[7u8, 8, 9]; 12];
        assert!(energy_map(&rgb, 4, 3).iter().all(|&e| e == 0));
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
        let e = energy_map(&rgb, 4, 3);
        assert_eq!(&e[0..4], &[0, 1020, 1020, 0]);
    }
}
