//! What the default energy measures besides the new edges: a smoothed copy of the image,
//! each pixel's distinctness from its surroundings and, for removal, how seams crowd,
//! all computed once, in integers, from the image a carve starts with, and then carried
//! with the pixels (the weights raised by crowding as seams are taken).
//!
//! - The *guide*: the image with noise and fine texture averaged away and outlines kept,
//!   by two passes of a 3x3 sigma filter (Lee, 1983): each pixel becomes the rounded
//!   mean of the pixels around it, itself included, whose colour is within a threshold
//!   of its own (R, G and B differences summed). The threshold follows the image's noise
//!   ([`threshold`], within [`SIGMA`]), so grain on sand or a wall becomes flat, while an
//!   object's outline and a one-pixel cable, far more than that from what is beside
//!   them, stay as they are.
//! - The *weight*: how distinct each guide pixel's colour is from the mean of a wide
//!   window around it ([`surround_radius`], a box blur taken twice), in brightness and,
//!   more, in hue (see `distinctness`), times 2/10. A plain object on a textured
//!   background is far from its surroundings' mean all through, so seams that would cross
//!   it pay for every pixel, where forward energy alone sees a flat region that is free
//!   to remove. Plus, for removal, twice its *ridge*: the smaller of its colour differences from its
//!   left and right neighbours, less twice the filter's threshold (what grain and
//!   texture reach), zero in flat regions and on a step between two regions, the line's
//!   contrast on a thin line running the seams' way. Removing such a line joins like with
//!   like (sky with sky), which forward energy counts as free, so without it a seam
//!   follows a cable and cuts it to pieces.
//! - For removal only, the *crowding*: how much a pixel's weight grows each time a seam
//!   takes a pixel beside it in its row, so that seams spread out instead of piling into
//!   one place, which squashes what is there (a face's skin is smooth and little
//!   distinct from its surroundings, so every seam might otherwise cross it between the
//!   eyes and the mouth). It follows the pixel's *detail*, up to [`CROWD_MAX`]: the
//!   density of outlines around it, the guide's gradient beyond twice the noise
//!   threshold after a 3x3 median (which removes 1-pixel lines, so that cables across a
//!   plain sky leave it free), box-blurred twice with radius [`detail_radius`]. Nothing
//!   grows in a flat or softly shaded region (a wall, a sky, a blurred background),
//!   where piling seams changes nothing to see.

use crate::energy::rgb_distance;

/// The least and the most colour difference (R, G and B differences summed) within which
/// the guide's filter averages neighbours; between them it follows the image's noise
/// (see [`threshold`]).
pub const SIGMA: (u32, u32) = (40, 160);

/// The weight is the distinctness times `WEIGHT_NUM / WEIGHT_DEN`, plus the ridge times
/// `RIDGE`: at most 459 + 1530 = 1989, below [`WEIGHT_MAX`], up to which crowding
/// raises it.
const WEIGHT_NUM: u32 = 2;
const WEIGHT_DEN: u32 = 10;
const RIDGE: u32 = 2;

/// The radius of the surround window: an eighth of the longer side, at least 1.
pub fn surround_radius(width: usize, height: usize) -> usize {
    (width.max(height) / 8).max(1)
}

/// The radius of the window a pixel's detail is averaged over: a 32nd of the longer
/// side, at least 1.
pub fn detail_radius(width: usize, height: usize) -> usize {
    (width.max(height) / 32).max(1)
}

/// The most a pixel's weight grows when a seam takes a pixel beside it: its detail (the
/// mean gradient around it, see [`crowding`]) times [`CROWD_PER_DETAIL`], up to this.
pub const CROWD_MAX: u8 = 100;

/// What a pixel's weight grows by per unit of its detail when a seam takes a pixel
/// beside it.
const CROWD_PER_DETAIL: u32 = 20;

/// The most a weight grows to with crowding: a straight step (a distance of at most
/// 765) plus the weight must fit the 12 bits `energy::pack_steps` gives it.
pub const WEIGHT_MAX: u32 = (1 << 12) - 1 - 765;

/// What salient energy carries with each pixel of an image (see the module's
/// documentation), row by row; all empty for an image without pixels.
#[derive(Default)]
pub struct Salience {
    /// The smoothed copy forward steps are measured on.
    pub guide: Vec<[u8; 3]>,
    /// What taking the pixel costs besides its forward steps, at most 1989.
    pub weight: Vec<u16>,
    /// How much the weight grows each time a seam takes a pixel beside it, at most
    /// [`CROWD_MAX`].
    pub crowd: Vec<u8>,
}

/// The guide, weights and crowding of a `width` x `height` image stored row by row,
/// computed in bands of rows on up to `threads` threads (the same values on any number).
/// Only for `removal` do the weights count thin lines' contrast and is there crowding
/// (else it is empty): duplicating pixels beside a line does not cut it, and insertion
/// seams pushed off lines or spread out bend the outlines they are moved to (at 200 %,
/// crowding doubled the outline benchmark's kinks on every photo).
pub fn measure(
    rgb: &[[u8; 3]],
    width: usize,
    height: usize,
    threads: usize,
    removal: bool,
) -> Salience {
    if width == 0 || height == 0 {
        return Salience::default();
    }
    let t = threshold(rgb, width, height, threads);
    let smooth = |image: &[[u8; 3]]| sigma_filter(image, width, height, t, threads);
    let guide = smooth(&smooth(rgb));
    let r = surround_radius(width, height);
    let blur = |image: &[[u8; 3]]| box_blur(image, width, height, r, threads);
    let surround = blur(&blur(&guide));
    let mut weight = vec![0u16; width * height];
    crate::parallel::rows(&mut weight, width, threads, |first, band| {
        let mut padded = Vec::with_capacity(width + 2);
        for (i, out) in band.chunks_exact_mut(width).enumerate() {
            let at = (first + i) * width;
            let (row, around) = (&guide[at..at + width], &surround[at..at + width]);
            let (left, right) = beside(row, &mut padded);
            let pixels = out.iter_mut().zip(row).zip(left).zip(right).zip(around);
            for ((((w, &g), &left), &right), &around) in pixels {
                // Within twice the noise threshold it is texture, not a line.
                let line = match removal {
                    true => rgb_distance(g, left)
                        .min(rgb_distance(g, right))
                        .saturating_sub(2 * t),
                    false => 0,
                };
                *w = (distinctness(g, around) * WEIGHT_NUM / WEIGHT_DEN + RIDGE * line) as u16;
            }
        }
    });
    // The surround's buffer goes before crowding's are made: this is where a carve of a
    // large image peaks in memory, which the command line's job budget per pixel covers.
    drop(surround);
    let crowd = match removal {
        true => crowding(&guide, width, height, t, threads),
        false => Vec::new(),
    };
    Salience {
        guide,
        weight,
        crowd,
    }
}

/// Each pixel's crowding (see the module's documentation): [`CROWD_PER_DETAIL`] times its
/// detail, up to [`CROWD_MAX`]. The detail is the mean over a window of radius
/// [`detail_radius`] (a box blur taken twice) of the gradient of the `guide`'s 3x3 median:
/// the RGB distance between the left and right neighbours plus that between those above
/// and below (borders repeated), less twice the filter's threshold `t`, in sixths.
fn crowding(guide: &[[u8; 3]], width: usize, height: usize, t: u32, threads: usize) -> Vec<u8> {
    // Within twice the noise threshold it is texture or shading, not an outline.
    let floor = 2 * t;
    let median = median_filter(guide, width, height, threads);
    let mut gradient = vec![[0u8; 1]; width * height];
    crate::parallel::rows(&mut gradient, width, threads, |first, band| {
        let mut padded = Vec::with_capacity(width + 2);
        for (i, out) in band.chunks_exact_mut(width).enumerate() {
            let y = first + i;
            let row = |y: usize| &median[y * width..(y + 1) * width];
            let (up, mid, down) = (
                row(y.saturating_sub(1)),
                row(y),
                row((y + 1).min(height - 1)),
            );
            let (left, right) = beside(mid, &mut padded);
            for ((((g, &l), &r), &u), &d) in out.iter_mut().zip(left).zip(right).zip(up).zip(down) {
                g[0] = ((rgb_distance(l, r) + rgb_distance(u, d)).saturating_sub(floor) / 6) as u8;
            }
        }
    });
    drop(median);
    let r = detail_radius(width, height);
    let blur = |image: &[[u8; 1]]| box_blur(image, width, height, r, threads);
    blur(&blur(&gradient))
        .iter()
        .map(|&[detail]| (CROWD_PER_DETAIL * detail as u32).min(CROWD_MAX as u32) as u8)
        .collect()
}

/// Each pixel's left and right neighbours along `row`, the end pixels repeated, as two
/// slices of `padded` (the row with its ends repeated, made here), so that a loop over
/// a row and its neighbours has no bounds to clamp and the compiler vectorises it.
fn beside<'a>(row: &[[u8; 3]], padded: &'a mut Vec<[u8; 3]>) -> (&'a [[u8; 3]], &'a [[u8; 3]]) {
    let width = row.len();
    padded.clear();
    padded.extend(row.first());
    padded.extend_from_slice(row);
    padded.extend(row.last());
    (&padded[..width], &padded[2.min(padded.len())..])
}

/// The per-channel median of each pixel's 3x3 neighbourhood, border pixels repeated:
/// a 1-pixel line is gone from it, while outlines and shapes two pixels wide or more stay
/// (their corners rounded off). Row by row, over padded channel planes (a band's at a
/// time, on up to `threads` threads), by the 19 exchanges of a median-of-9 network
/// (Paeth) on whole runs of pixels, which the compiler turns into vector instructions.
fn median_filter(rgb: &[[u8; 3]], width: usize, height: usize, threads: usize) -> Vec<[u8; 3]> {
    let mut out = vec![[0u8; 3]; rgb.len()];
    crate::parallel::rows(&mut out, width, threads, |first, band| {
        // The band's rows and one either side, each channel a plane with a border of one
        // repeated pixel around it: padded row `py` is image row `first + py - 1`.
        let (pw, ph) = (width + 2, band.len() / width + 2);
        let planes: [Vec<u8>; 3] = [0, 1, 2].map(|c| {
            let mut plane = vec![0u8; pw * ph];
            for (py, padded) in plane.chunks_exact_mut(pw).enumerate() {
                let y = (first + py).saturating_sub(1).min(height - 1);
                let row = &rgb[y * width..(y + 1) * width];
                for (d, p) in padded[1..=width].iter_mut().zip(row) {
                    *d = p[c];
                }
                (padded[0], padded[width + 1]) = (row[0][c], row[width - 1][c]);
            }
            plane
        });
        let mut v: [Vec<u8>; 9] = std::array::from_fn(|_| vec![0u8; width]);
        for (i, out) in band.chunks_exact_mut(width).enumerate() {
            for (c, plane) in planes.iter().enumerate() {
                for (k, lane) in v.iter_mut().enumerate() {
                    let at = (i + k / 3) * pw + k % 3;
                    lane.copy_from_slice(&plane[at..at + width]);
                }
                for (a, b) in MEDIAN_OF_9 {
                    let (lo, hi) = pair(&mut v, a, b);
                    exchange(lo, hi);
                }
                for (o, &m) in out.iter_mut().zip(&v[4]) {
                    o[c] = m;
                }
            }
        }
    });
    out
}

/// The exchanges (smaller to the first) after which the fifth of nine values is their
/// median (Paeth's network, as in Devillard's `opt_med9`).
const MEDIAN_OF_9: [(usize, usize); 19] = [
    (1, 2),
    (4, 5),
    (7, 8),
    (0, 1),
    (3, 4),
    (6, 7),
    (1, 2),
    (4, 5),
    (7, 8),
    (0, 3),
    (5, 8),
    (4, 7),
    (3, 6),
    (1, 4),
    (2, 5),
    (4, 7),
    (4, 2),
    (6, 4),
    (4, 2),
];

/// Puts the smaller of each pair of `lo` and `hi` in `lo`, the larger in `hi`. One
/// vectorised loop, called for each exchange of [`MEDIAN_OF_9`] rather than inlined 19
/// times: the WASI module travels inside every Bacalhau job, whose size is bounded.
#[inline(never)]
fn exchange(lo: &mut [u8], hi: &mut [u8]) {
    for (p, q) in lo.iter_mut().zip(hi.iter_mut()) {
        let (small, large) = ((*p).min(*q), (*p).max(*q));
        (*p, *q) = (small, large);
    }
}

/// Lanes `a` and `b` of `v`, both mutable.
fn pair(v: &mut [Vec<u8>; 9], a: usize, b: usize) -> (&mut Vec<u8>, &mut Vec<u8>) {
    if a < b {
        let (x, y) = v.split_at_mut(b);
        (&mut x[a], &mut y[0])
    } else {
        let (x, y) = v.split_at_mut(a);
        (&mut y[0], &mut x[b])
    }
}

/// How far colour `a` is from colour `b`: the R, G and B differences summed, plus the
/// differences of their hues' two axes, red against green (twice) and blue against green.
/// Texture varies mostly in brightness, which the hue terms ignore, while skin on sand or
/// a red sign on a brown wall differs mostly in hue.
fn distinctness(a: [u8; 3], b: [u8; 3]) -> u32 {
    let hue = |p: [u8; 3]| (p[0] as i32 - p[1] as i32, p[2] as i32 - p[1] as i32);
    let ((ar, ab), (br, bb)) = (hue(a), hue(b));
    rgb_distance(a, b) + 2 * ar.abs_diff(br) + ab.abs_diff(bb)
}

/// The filter's threshold for an image: six tenths of the mean absolute response of the
/// 3x3 kernel `[1 -2 1; -2 4 -2; 1 -2 1]` (Immerkaer's noise estimator, which smooth
/// shading and straight edges barely excite) on the R + G + B sums of the interior
/// pixels, clamped to [`SIGMA`]: about two standard deviations of the difference between
/// neighbours that noise or grain makes. The rows are summed in two halves, on two
/// threads when `threads` allows (an integer total: the same whatever the split).
pub fn threshold(rgb: &[[u8; 3]], width: usize, height: usize, threads: usize) -> u32 {
    if width < 3 || height < 3 {
        return SIGMA.0;
    }
    let half = height / 2;
    let (top, bottom) = crate::parallel::join(
        threads,
        || noise_response(rgb, width, 1..half.max(2)),
        || noise_response(rgb, width, half.max(2)..height - 1),
    );
    let pixels = ((width - 2) * (height - 2)) as u64;
    (((top + bottom) * 6 / (10 * pixels)) as u32).clamp(SIGMA.0, SIGMA.1)
}

/// The sum of the absolute responses of [`threshold`]'s kernel over the interior pixels
/// of the rows `rows` (each with a row above and below): row by row over the R + G + B
/// sums, three rows at a time, in lanes the compiler vectorises (every response fits in
/// 32 bits: at most 16 x 765).
fn noise_response(rgb: &[[u8; 3]], width: usize, rows: std::ops::Range<usize>) -> u64 {
    let sums = |y: usize| -> Vec<i32> {
        rgb[y * width..(y + 1) * width]
            .iter()
            .map(|p| p[0] as i32 + p[1] as i32 + p[2] as i32)
            .collect()
    };
    let n = width - 2;
    let mut total: u64 = 0;
    let (mut up, mut mid) = (sums(rows.start - 1), sums(rows.start));
    for y in rows {
        let down = sums(y + 1);
        let mut row: u64 = 0;
        for x in 0..n {
            let corners = up[x] + up[x + 2] + down[x] + down[x + 2];
            let sides = up[x + 1] + mid[x] + mid[x + 2] + down[x + 1];
            row += (corners - 2 * sides + 4 * mid[x + 1]).unsigned_abs() as u64;
        }
        total += row;
        (up, mid) = (mid, down);
    }
    total
}

/// The rounded mean of those of `pixels` within `t` of `centre` (which is among them).
#[inline]
fn mean_near(centre: [u8; 3], pixels: &[[u8; 3]], t: u32) -> [u8; 3] {
    let (mut r, mut g, mut b, mut n) = (0u32, 0u32, 0u32, 0u32);
    for &p in pixels {
        let take = (rgb_distance(p, centre) <= t) as u32;
        r += p[0] as u32 * take;
        g += p[1] as u32 * take;
        b += p[2] as u32 * take;
        n += take;
    }
    let half = n / 2;
    [
        ((r + half) / n) as u8,
        ((g + half) / n) as u8,
        ((b + half) / n) as u8,
    ]
}

/// `(v + n / 2) / n` for the sums and counts of a 3x3 window (`n` in 1..=9, `v` at most
/// n x 255): `v + n / 2` times `RECIPROCAL[n]`, shifted right by 16, which is exact over
/// that range (checked for every `v` and `n` in the tests).
const RECIPROCAL: [u32; 10] = {
    let mut table = [0; 10];
    let mut n = 1;
    while n < 10 {
        table[n] = 65536 / n as u32 + 1;
        n += 1;
    }
    table
};

#[inline]
fn rounded_div(v: u32, n: u32) -> u8 {
    (((v + n / 2) * RECIPROCAL[n as usize]) >> 16) as u8
}

/// One pass of the 3x3 sigma filter with threshold `t` (see the module's documentation).
/// The interior of each row is done channel by channel over whole rows (the nine
/// neighbours of a run of pixels are nine shifted runs), which the compiler turns into
/// vector instructions; the border pixels, with fewer neighbours, one at a time.
fn sigma_filter(
    rgb: &[[u8; 3]],
    width: usize,
    height: usize,
    t: u32,
    threads: usize,
) -> Vec<[u8; 3]> {
    let mut out = vec![[0u8; 3]; rgb.len()];
    if width == 0 {
        return out;
    }
    // A pixel with fewer than nine neighbours (on the border, or in an image under 3x3).
    let border = |x: usize, y: usize| -> [u8; 3] {
        let mut near = [[0u8; 3]; 9];
        let mut k = 0;
        for ny in y.saturating_sub(1)..=(y + 1).min(height - 1) {
            let row = &rgb[ny * width..(ny + 1) * width];
            for &p in &row[x.saturating_sub(1)..=(x + 1).min(width - 1)] {
                near[k] = p;
                k += 1;
            }
        }
        mean_near(rgb[y * width + x], &near[..k], t)
    };
    if width < 3 || height < 3 {
        for (i, o) in out.iter_mut().enumerate() {
            *o = border(i % width, i / width);
        }
        return out;
    }
    let n = width - 2;
    let t16 = t.min(u16::MAX as u32) as u16;
    crate::parallel::rows(&mut out, width, threads, |first, band| {
        // The band's rows and one either side as three planes of 16-bit values, for
        // lanes that do not overflow; `top` is the first of those rows.
        let top = first.saturating_sub(1);
        let end = (first + band.len() / width + 1).min(height);
        let cells = &rgb[top * width..end * width];
        let mut planes = [(); 3].map(|()| vec![0u16; cells.len()]);
        let [r, g, b] = &mut planes;
        for (((p, r), g), b) in cells.iter().zip(r).zip(g).zip(b) {
            (*r, *g, *b) = (p[0] as u16, p[1] as u16, p[2] as u16);
        }
        let mut sums = [vec![0u16; n], vec![0u16; n], vec![0u16; n]];
        let mut count = vec![0u16; n];
        for (i, out) in band.chunks_exact_mut(width).enumerate() {
            let y = first + i;
            if y == 0 || y + 1 == height {
                for (x, o) in out.iter_mut().enumerate() {
                    *o = border(x, y);
                }
                continue;
            }
            for s in &mut sums {
                s.fill(0);
            }
            count.fill(0);
            // The nine neighbours of the interior run are nine runs of n pixels: for each,
            // in one pass, the distance of every pixel to its centre, and the sums and the
            // count of those within t.
            let centre = (y - top) * width + 1;
            let [mr, mg, mb] = [0, 1, 2].map(|c| &planes[c][centre..centre + n]);
            for ny in y - 1..=y + 1 {
                for dx in 0..3 {
                    let at = (ny - top) * width + dx;
                    let near = [0, 1, 2].map(|c| &planes[c][at..at + n]);
                    add_near(near, [mr, mg, mb], t16, &mut sums, &mut count);
                }
            }
            for (i, o) in out[1..=n].iter_mut().enumerate() {
                let k = count[i] as u32;
                *o = [0, 1, 2].map(|c| rounded_div(sums[c][i] as u32, k));
            }
            out[0] = border(0, y);
            out[width - 1] = border(width - 1, y);
        }
    });
    out
}

/// Adds to `sums` (per channel) and `count` the pixels of the run `near` (three channel
/// planes) whose colour is within `t` of the same cell of the run `centre`: one
/// neighbour of a run of pixels in [`sigma_filter`], in one pass that the compiler turns
/// into vector instructions (as wide as the processor offers).
#[multiversion::multiversion(targets("x86_64+avx2", "x86_64+sse4.1"))]
fn add_near(
    near: [&[u16]; 3],
    centre: [&[u16]; 3],
    t: u16,
    sums: &mut [Vec<u16>; 3],
    count: &mut [u16],
) {
    let ([nr, ng, nb], [mr, mg, mb]) = (near, centre);
    let [sr, sg, sb] = sums;
    let n = count.len();
    let (nr, ng, nb, mr, mg, mb) = (&nr[..n], &ng[..n], &nb[..n], &mr[..n], &mg[..n], &mb[..n]);
    let (sr, sg, sb) = (&mut sr[..n], &mut sg[..n], &mut sb[..n]);
    for k in 0..n {
        let d = nr[k].abs_diff(mr[k]) + ng[k].abs_diff(mg[k]) + nb[k].abs_diff(mb[k]);
        let take = (d <= t) as u16;
        count[k] += take;
        sr[k] += nr[k] * take;
        sg[k] += ng[k] * take;
        sb[k] += nb[k] * take;
    }
}

/// The rounded mean of the `(2r + 1)`-wide window along rows, then along columns, the
/// border pixels repeated: running sums, so its cost does not grow with `r`; the column
/// pass keeps one running sum per column and walks down the rows, in memory order (each
/// band of rows starting its sums afresh, to the same values).
fn box_blur<const N: usize>(
    rgb: &[[u8; N]],
    width: usize,
    height: usize,
    r: usize,
    threads: usize,
) -> Vec<[u8; N]> {
    let span = RoundedMean::new((2 * r + 1) as u32);
    let add = |s: &mut [u32; N], p: [u8; N]| (0..N).for_each(|c| s[c] += p[c] as u32);
    let sub = |s: &mut [u32; N], p: [u8; N]| (0..N).for_each(|c| s[c] -= p[c] as u32);
    let mut across = vec![[0u8; N]; rgb.len()];
    let mut out = vec![[0u8; N]; rgb.len()];
    if width == 0 {
        return out;
    }
    crate::parallel::rows(&mut across, width, threads, |first, band| {
        let mut sums = vec![[0u32; N]; width];
        let mut padded = Vec::with_capacity(width + 2 * r + 1);
        for (i, out) in band.chunks_exact_mut(width).enumerate() {
            let y = first + i;
            let row = &rgb[y * width..(y + 1) * width];
            // The row with r + 1 copies of its last pixel after it and r of its first
            // before: the window of x = 0 is the first 2r + 1; then each step takes in
            // the pixel 2r + 1 further on and lets go of the first, running sums only,
            // the means all at once after.
            padded.clear();
            padded.extend(std::iter::repeat_n(row[0], r));
            padded.extend_from_slice(row);
            padded.extend(std::iter::repeat_n(row[width - 1], r + 1));
            let mut sum = [0u32; N];
            for &p in &padded[..2 * r + 1] {
                add(&mut sum, p);
            }
            let steps = sums
                .iter_mut()
                .zip(&padded[2 * r + 1..])
                .zip(&padded[..width]);
            for ((s, &incoming), &outgoing) in steps {
                *s = sum;
                add(&mut sum, incoming);
                sub(&mut sum, outgoing);
            }
            span.of_all(sums.as_flattened(), out.as_flattened_mut());
        }
    });
    let row = |i: isize| {
        let y = i.clamp(0, height as isize - 1) as usize;
        across[y * width..(y + 1) * width].as_flattened()
    };
    crate::parallel::rows(&mut out, width, threads, |first, band| {
        let first = first as isize;
        let mut sums = vec![0u32; width * N];
        for i in first - r as isize..=first + r as isize {
            for (s, &p) in sums.iter_mut().zip(row(i)) {
                *s += p as u32;
            }
        }
        for (i, out) in band.chunks_exact_mut(width).enumerate() {
            let y = first + i as isize;
            span.of_all(&sums, out.as_flattened_mut());
            let (incoming, outgoing) = (row(y + r as isize + 1), row(y - r as isize));
            for ((s, &p), &q) in sums.iter_mut().zip(incoming).zip(outgoing) {
                *s = *s + p as u32 - q as u32;
            }
        }
    });
    out
}

/// `(v + span / 2) / span`, the rounded mean of `span` pixels' channel summing to `v`
/// (at most `span * 255`), as a multiply and a shift in place of a division for every
/// channel of every pixel: with `l` the bits of `span - 1` and `m = ceil(2^(24 + l) /
/// span)`, `n * m >> (24 + l)` is `n / span` for every `n` below 2^24 (Granlund and
/// Montgomery), which every numerator is while `span` is below 2^16; beyond, the
/// division itself. Checked against the division in the tests.
struct RoundedMean {
    span: u32,
    /// `m`, or 0 for the division.
    multiplier: u64,
    shift: u32,
}

impl RoundedMean {
    fn new(span: u32) -> Self {
        let shift = 24 + (32 - (span - 1).leading_zeros());
        let multiplier = match span < 1 << 16 {
            true => (1u64 << shift).div_ceil(span as u64),
            false => 0,
        };
        RoundedMean {
            span,
            multiplier,
            shift,
        }
    }

    /// [`RoundedMean::of`] of every sum of `sums` into `out`, in a loop the compiler
    /// turns into vector instructions.
    fn of_all(&self, sums: &[u32], out: &mut [u8]) {
        let (half, shift) = (self.span / 2, self.shift);
        match self.multiplier {
            0 => (out.iter_mut().zip(sums)).for_each(|(o, &v)| *o = self.of(v)),
            m => (out.iter_mut().zip(sums))
                .for_each(|(o, &v)| *o = (((v + half) as u64 * m) >> shift) as u8),
        }
    }

    #[inline]
    fn of(&self, v: u32) -> u8 {
        let n = v + self.span / 2;
        match self.multiplier {
            0 => (n / self.span) as u8,
            m => ((n as u64 * m) >> self.shift) as u8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_means_divide_exactly() {
        let check = |span: u32, v: u32| {
            let mean = RoundedMean::new(span);
            assert_eq!(mean.of(v), ((v + span / 2) / span) as u8, "{v} over {span}");
        };
        for span in 1..=300 {
            for v in 0..=span * 255 {
                check(span, v);
            }
        }
        // Larger windows: every sum near a multiple of the span, and the largest.
        for span in (301u32..70_000)
            .step_by(97)
            .chain([65_535, 65_536, 1 << 20])
        {
            for k in 0..=255 {
                for v in [
                    k * span,
                    (k * span + span / 2).saturating_sub(1),
                    k * span + span / 2,
                ] {
                    check(span, v.min(span * 255));
                }
            }
        }
    }

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
        let guide = sigma_filter(&rgb, w, h, 40, 1);
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
        let weight = measure(&rgb, w, h, 1, true).weight;
        let inside = weight[20 * w + 20];
        let outside = (0..w * h)
            .filter(|i| i / w < 8)
            .map(|i| weight[i])
            .max()
            .unwrap();
        assert!(inside > 4 * outside, "inside {inside}, texture {outside}");
    }

    #[test]
    fn the_reciprocals_divide_exactly() {
        for n in 1..=9u32 {
            // A sum of n values of at most 255.
            for v in 0..=n * 255 {
                assert_eq!(rounded_div(v, n) as u32, (v + n / 2) / n, "{v}/{n}");
            }
        }
    }

    #[test]
    fn the_row_filter_is_the_filter_pixel_by_pixel() {
        // Every size from 1x1 up, every threshold kind, against mean_near on each pixel.
        let mut state = 7u32;
        for (w, h) in [(1, 1), (2, 5), (3, 3), (5, 2), (17, 9), (40, 6)] {
            let rgb: Vec<[u8; 3]> = (0..w * h)
                .map(|_| {
                    state = state.wrapping_mul(1103515245).wrapping_add(12345);
                    let v = (state >> 16) as u8;
                    [v, v / 2 + 60, 255 - v / 3]
                })
                .collect();
            for t in [0, 40, 90, 160, 800] {
                let got = sigma_filter(&rgb, w, h, t, 1);
                for y in 0..h {
                    for x in 0..w {
                        let mut near = Vec::new();
                        for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                            for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                                near.push(rgb[ny * w + nx]);
                            }
                        }
                        let want = mean_near(rgb[y * w + x], &near, t);
                        assert_eq!(got[y * w + x], want, "{w}x{h} t {t} at {x},{y}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_median_filter_is_each_neighbourhood_s_median() {
        let mut state = 5u32;
        for (w, h) in [
            (1, 1),
            (1, 5),
            (2, 3),
            (3, 1),
            (17, 9),
            (40, 33),
            (300, 450),
        ] {
            let rgb: Vec<[u8; 3]> = (0..w * h)
                .map(|_| {
                    state = state.wrapping_mul(1103515245).wrapping_add(12345);
                    let v = (state >> 16) as u8;
                    [v, v / 3 + 80, (state >> 8) as u8 & 0xf0]
                })
                .collect();
            for threads in [1, 3] {
                let got = median_filter(&rgb, w, h, threads);
                for y in 0..h {
                    for x in 0..w {
                        let want = [0, 1, 2].map(|c| {
                            let mut near = Vec::new();
                            for dy in [-1i64, 0, 1] {
                                for dx in [-1i64, 0, 1] {
                                    let ny = (y as i64 + dy).clamp(0, h as i64 - 1) as usize;
                                    let nx = (x as i64 + dx).clamp(0, w as i64 - 1) as usize;
                                    near.push(rgb[ny * w + nx][c]);
                                }
                            }
                            near.sort();
                            near[4]
                        });
                        assert_eq!(got[y * w + x], want, "{w}x{h} at {x},{y}");
                    }
                }
            }
        }
    }

    #[test]
    fn box_blur_is_each_window_s_rounded_mean() {
        let mut seed = 11u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) as u8
        };
        for (width, height, r) in [(1, 1, 0), (7, 5, 1), (13, 9, 3), (5, 40, 9), (30, 3, 2)] {
            let rgb: Vec<[u8; 3]> = (0..width * height).map(|_| [next(), next(), 255]).collect();
            let span = (2 * r + 1) as u32;
            let at = |x: isize, y: isize| {
                let (x, y) = (
                    x.clamp(0, width as isize - 1),
                    y.clamp(0, height as isize - 1),
                );
                rgb[y as usize * width + x as usize]
            };
            // Along rows first (rounded), then along columns of that (rounded again).
            let across: Vec<[u8; 3]> = (0..width * height)
                .map(|i| {
                    let (x, y) = ((i % width) as isize, (i / width) as isize);
                    std::array::from_fn(|c| {
                        let s: u32 = (-(r as isize)..=r as isize)
                            .map(|d| at(x + d, y)[c] as u32)
                            .sum();
                        ((s + span / 2) / span) as u8
                    })
                })
                .collect();
            let down = |x: isize, y: isize| {
                across[y.clamp(0, height as isize - 1) as usize * width + x as usize]
            };
            let expected: Vec<[u8; 3]> = (0..width * height)
                .map(|i| {
                    let (x, y) = ((i % width) as isize, (i / width) as isize);
                    std::array::from_fn(|c| {
                        let s: u32 = (-(r as isize)..=r as isize)
                            .map(|d| down(x, y + d)[c] as u32)
                            .sum();
                        ((s + span / 2) / span) as u8
                    })
                })
                .collect();
            for threads in [1, 3] {
                let out = box_blur(&rgb, width, height, r, threads);
                assert_eq!(out, expected, "{width}x{height}, r {r}, {threads} threads");
            }
        }
    }

    #[test]
    fn box_blur_is_the_rounded_window_mean() {
        let rgb: Vec<[u8; 3]> = (0..5u8).map(|v| [v * 10, 0, 255]).collect();
        // r = 1 along a 5x1 row: windows (0,0,10) (0,10,20) (10,20,30) (20,30,40) (30,40,40).
        let out = box_blur(&rgb, 5, 1, 1, 1);
        let firsts: Vec<u8> = out.iter().map(|p| p[0]).collect();
        assert_eq!(firsts, [3, 10, 20, 30, 37]);
        assert!(out.iter().all(|p| p[1] == 0 && p[2] == 255));
    }

    #[test]
    fn bands_on_threads_measure_what_one_thread_does() {
        // Large enough for three bands; a different surround radius than the smaller
        // tests, and an image with structure and noise.
        let (w, h) = (523, 397);
        let mut state = 11u32;
        let rgb: Vec<[u8; 3]> = (0..w * h)
            .map(|i| {
                state = state.wrapping_mul(1103515245).wrapping_add(12345);
                let noise = (state >> 27) as u8;
                let (x, y) = (i % w, i / w);
                let object = ((x as i32 - 260).pow(2) + (y as i32 - 200).pow(2)) < 90 * 90;
                if object {
                    [200, 40 + noise, 30]
                } else {
                    [(x / 3) as u8 ^ noise, (y / 2) as u8, 120 + noise]
                }
            })
            .collect();
        let layers = |s: Salience| (s.guide, s.weight, s.crowd);
        let one = layers(measure(&rgb, w, h, 1, true));
        assert!(one.2.iter().any(|&c| c > 0) && one.2.contains(&0));
        for threads in [2, 3, 5] {
            assert!(
                layers(measure(&rgb, w, h, threads, true)) == one,
                "{threads} threads"
            );
        }
    }

    #[test]
    fn a_thin_line_weighs_its_contrast_for_removal_only() {
        // A dark 1-pixel line down a grainy sky: the seams' way, so removing it would
        // join sky with sky. Its ridge (contrast less twice the threshold) counts for
        // removal, not for enlargement; the grain's does not count at all.
        let (w, h) = (41, 30);
        let rgb: Vec<[u8; 3]> = (0..w * h)
            .map(|i| match i % w {
                20 => [30, 30, 30],
                x => [150 + (x * 7 + i / w * 3) as u8 % 9, 180, 220],
            })
            .collect();
        let removal = measure(&rgb, w, h, 1, true).weight;
        let growth = measure(&rgb, w, h, 1, false).weight;
        let at = |y: usize, x: usize| y * w + x;
        let line = removal[at(15, 20)] - growth[at(15, 20)];
        assert!(line >= 400, "a line worth its contrast: {line}");
        for x in [3, 10, 30, 37] {
            assert_eq!(removal[at(15, x)], growth[at(15, x)], "grain at {x}");
        }
    }
}
