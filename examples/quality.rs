//! The quality benchmark (`just quality`): every method at 80% and 60% width and 130%
//! and 200% enlargement, on the sample photos and on generated hard cases, measured from
//! each method's output alone, so that liblqr (ImageMagick's `-liquid-rescale`) is
//! measured exactly as ours is.
//!
//! `cargo run --release --example quality -- [--gallery DIR] [--cases DIR] IMAGE...`
//! prints a Markdown table; `--gallery DIR` writes, for each image, the default carve at
//! 60% and 200% width beside liblqr's (`NAME-60.jpg`, `NAME-200.jpg`); `--cases DIR`
//! writes the generated cases.
//!
//! How a result is tied back to its input: each result row is aligned with its input row
//! by dynamic programming, as an ordered subsequence (for removal: which input pixels
//! were kept; for enlargement: which result pixels are the input's), choosing the
//! alignment with the least colour difference. Removal by any of these methods keeps
//! pixels unchanged, so the alignment is exact (the table's `exact` column says how many
//! result pixels matched an input pixel exactly); no seam list is needed.
//!
//! The measures:
//! - `added`: the new edges a carve creates. The Sobel energy of each result pixel beyond
//!   the highest energy any input pixel it can come from had, summed, as a percentage of
//!   the input's total energy. Seams along outlines and through textures join pixels that
//!   were not neighbours and raise it.
//! - `broken`: the share (per mille) of result pixels whose 3x3 neighbourhood appears
//!   nowhere near its source in the input: the smallest mean absolute difference to an
//!   input patch centred on the source pixel or a neighbour of it in the same row is
//!   above 24 levels. A stair-step in an outline, a notch in a rim or a kinked line makes
//!   such pixels; a clean carve of flat or smoothly varying areas does not.
//! - `kinks`: outlines bent. An outline (a colour step of at least 150, summed over R, G
//!   and B, followed from row to row or from column to column) is sampled at three points
//!   4 rows (or columns) apart; how far the middle one leaves the line through the outer
//!   two in the result, beyond what it did in the input (times the enlargement factor),
//!   in hundredths of a pixel per point. Stair-steps, waves, notches and kinked lines.

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{Rgb, RgbImage};
use seam_carver::annotate::energy_map;
use seam_carver::{EnergyKind, Request, SeamRule, resize};

/// The patch difference (mean absolute difference per value) above which a result pixel
/// counts as broken.
const BROKEN_LEVELS: u32 = 24;

/// Rows over which an outline's bend is measured: steps of this many rows are compared,
/// so that waves and notches a few rows tall count, not only one-row jogs.
const SPAN: i64 = 4;

/// The colour difference (summed over R, G, B) between neighbours that makes an outline.
const OUTLINE: u32 = 150;

/// A way to resize an image.
#[derive(Clone, Copy, PartialEq)]
enum Method {
    /// The Bacalhau example: imageproc's seams, backward energy (removal only).
    Example,
    /// Optimal seams, backward energy.
    Backward,
    /// Optimal seams, forward energy.
    Forward,
    /// Optimal seams, salient energy (the default).
    Salient,
    /// ImageMagick's `-liquid-rescale` (liblqr), its defaults.
    Liblqr,
}

impl Method {
    const ALL: [Method; 5] = [
        Method::Example,
        Method::Backward,
        Method::Forward,
        Method::Salient,
        Method::Liblqr,
    ];

    fn name(self) -> &'static str {
        match self {
            Method::Example => "example",
            Method::Backward => "backward",
            Method::Forward => "forward",
            Method::Salient => "salient",
            Method::Liblqr => "liblqr",
        }
    }

    /// `image` at `width` columns, or `None` where the method cannot do it.
    fn run(self, image: &RgbImage, width: u32) -> Option<RgbImage> {
        let request = |rule, energy| Request {
            energy,
            ..Request::new(width, image.height(), rule)
        };
        match self {
            Method::Example if width > image.width() => None,
            Method::Example => Some(
                resize(image, &request(SeamRule::Imageproc, EnergyKind::Backward))
                    .ok()?
                    .image,
            ),
            Method::Backward => Some(
                resize(image, &request(SeamRule::Optimal, EnergyKind::Backward))
                    .ok()?
                    .image,
            ),
            Method::Forward => Some(
                resize(image, &request(SeamRule::Optimal, EnergyKind::Forward))
                    .ok()?
                    .image,
            ),
            Method::Salient => Some(
                resize(image, &request(SeamRule::Optimal, EnergyKind::Salient))
                    .ok()?
                    .image,
            ),
            Method::Liblqr => liblqr(image, width),
        }
    }
}

/// ImageMagick's `-liquid-rescale` to `width` columns, or `None` without ImageMagick.
fn liblqr(image: &RgbImage, width: u32) -> Option<RgbImage> {
    let dir = tempfile::tempdir().ok()?;
    let (input, output) = (dir.path().join("in.png"), dir.path().join("out.png"));
    image.save(&input).ok()?;
    let status = Command::new("convert")
        .arg(&input)
        .args(["-liquid-rescale", &format!("{width}x{}!", image.height())])
        .arg(&output)
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    let out = image::open(&output).ok()?.to_rgb8();
    (out.dimensions() == (width, image.height())).then_some(out)
}

/// For one row: where each element of `short` sits in `long`, as an ordered subsequence
/// with the least total colour difference. Where several alignments are as good (a run
/// of equal pixels: which of them were removed cannot be told from the output), the
/// earliest and the latest position of each element; and how many matched exactly.
fn align(short: &[Rgb<u8>], long: &[Rgb<u8>]) -> (Vec<usize>, Vec<usize>, u32) {
    let (m, n) = (short.len(), long.len());
    let width = n - m + 1;
    let diff =
        |a: &Rgb<u8>, b: &Rgb<u8>| -> u64 { (0..3).map(|c| a.0[c].abs_diff(b.0[c]) as u64).sum() };
    // cost[i][k]: the least cost of short[..i] placed in long[..i + k].
    let mut cost = vec![u64::MAX; (m + 1) * width];
    cost[..width].fill(0);
    for i in 1..=m {
        for k in 0..width {
            let skip = if k > 0 {
                cost[i * width + k - 1]
            } else {
                u64::MAX
            };
            let take = cost[(i - 1) * width + k] + diff(&short[i - 1], &long[i + k - 1]);
            cost[i * width + k] = take.min(skip);
        }
    }
    let trace = |late: bool| {
        let mut at = vec![0; m];
        let (mut i, mut k) = (m, width - 1);
        while i > 0 {
            let here = cost[i * width + k];
            let take = cost[(i - 1) * width + k] + diff(&short[i - 1], &long[i + k - 1]) == here;
            let skip = k > 0 && cost[i * width + k - 1] == here;
            if take && (late || !skip) {
                at[i - 1] = i + k - 1;
                i -= 1;
            } else {
                k -= 1;
            }
        }
        at
    };
    let (early, late) = (trace(false), trace(true));
    let exact = (0..m)
        .filter(|&i| diff(&short[i], &long[late[i]]) == 0)
        .count() as u32;
    (early, late, exact)
}

/// What the measures say of one result.
struct Scores {
    added: f64,
    kinks: f64,
    broken: f64,
    exact: f64,
}

/// Measures `result` against `input` (same height).
fn score(input: &RgbImage, result: &RgbImage) -> Scores {
    let (w, h) = input.dimensions();
    let rw = result.width();
    let row = |img: &RgbImage, y: u32| -> Vec<Rgb<u8>> {
        (0..img.width()).map(|x| *img.get_pixel(x, y)).collect()
    };
    // window[y][x]: the input columns result pixel (x, y) may come from: those its
    // equally good alignments give a kept pixel; those between its kept neighbours'
    // for an inserted one.
    let mut window: Vec<Vec<(u32, u32)>> = Vec::with_capacity(h as usize);
    // place[y][i]: where input pixel i of row y is in the result, as early as its
    // alignments allow (for a removed pixel, where its kept left neighbour is): at the
    // first pixel after a colour transition, where it is read, that is where the
    // transition is.
    let mut place: Vec<Vec<i64>> = Vec::with_capacity(h as usize);
    let mut exact = 0u64;
    for y in 0..h {
        let (a, b) = (row(input, y), row(result, y));
        if rw <= w {
            let (early, late, e) = align(&b, &a);
            exact += e as u64;
            window.push(
                early
                    .iter()
                    .zip(&late)
                    .map(|(&lo, &hi)| (lo as u32, hi as u32))
                    .collect(),
            );
            let mut moved = vec![-1i64; w as usize];
            for (j, &x) in early.iter().enumerate() {
                moved[x] = j as i64;
            }
            let mut last = 0;
            for slot in &mut moved {
                if *slot < 0 {
                    *slot = last;
                } else {
                    last = *slot;
                }
            }
            place.push(moved);
        } else {
            let (early, late, e) = align(&a, &b);
            exact += e as u64;
            place.push((0..w as usize).map(|i| early[i] as i64).collect());
            // Input pixel i sits somewhere in early[i]..=late[i] of the result.
            let mut win = vec![(u32::MAX, 0u32); rw as usize];
            for i in 0..w as usize {
                for slot in &mut win[early[i]..=late[i]] {
                    *slot = (slot.0.min(i as u32), slot.1.max(i as u32));
                }
            }
            // A pixel no input pixel can be is inserted: between its neighbours' sources.
            let mut last = 0u32;
            for x in 0..rw as usize {
                if win[x].0 == u32::MAX {
                    let next = win[x + 1..]
                        .iter()
                        .find(|s| s.0 != u32::MAX)
                        .map_or(w - 1, |s| s.1);
                    win[x] = (last, next);
                } else {
                    last = win[x].0;
                }
            }
            window.push(win);
        }
    }
    let e_in = energy_map(input).into_raw();
    let e_out = energy_map(result).into_raw();
    let total_in: u64 = e_in.iter().map(|&e| e as u64).sum();
    let at = |img: &RgbImage, x: i64, y: i64| -> Rgb<u8> {
        let x = x.clamp(0, img.width() as i64 - 1) as u32;
        let y = y.clamp(0, img.height() as i64 - 1) as u32;
        *img.get_pixel(x, y)
    };
    let mut added = 0u64;
    let mut broken = 0u64;
    for y in 0..h as i64 {
        for x in 0..rw as i64 {
            let (lo, hi) = window[y as usize][x as usize];
            let row_in = &e_in[y as usize * w as usize..][..w as usize];
            let explained = row_in[lo as usize..=hi as usize]
                .iter()
                .max()
                .copied()
                .unwrap_or(0);
            added += e_out[(y * rw as i64 + x) as usize].saturating_sub(explained) as u64;
            let best = (lo as i64 - 1..=hi as i64 + 1)
                .map(|c| {
                    let mut sad = 0u32;
                    for dy in -1..=1 {
                        for dx in -1..=1 {
                            let p = at(result, x + dx, y + dy);
                            let q = at(input, c + dx, y + dy);
                            sad += (0..3).map(|i| p.0[i].abs_diff(q.0[i]) as u32).sum::<u32>();
                        }
                    }
                    sad
                })
                .min()
                .unwrap_or(0);
            if best > BROKEN_LEVELS * 27 {
                broken += 1;
            }
        }
    }
    // Kinks: an outline crossing rows y, y + 1 and y + 2 (a strong colour transition
    // between columns x and x + 1, then within a column of it in each next row) bends by
    // the change of its step from one row to the next; what the result's bend exceeds
    // the input's (times the enlargement factor) by, in pixels, summed.
    let transition = |y: i64, x: i64| -> u32 {
        let (l, r) = (at(input, x, y), at(input, x + 1, y));
        (0..3).map(|c| l.0[c].abs_diff(r.0[c]) as u32).sum()
    };
    let next = |y: i64, x: i64| {
        (x - 1..=x + 1)
            .filter(|&b| b >= 0 && b < w as i64 - 1 && transition(y, b) >= OUTLINE)
            .min_by_key(|&b| (b - x).abs())
    };
    let (mut kinked, mut crossings) = (0i64, 0u64);
    for y in 0..h as i64 - 2 * SPAN {
        for x in 0..w as i64 - 1 {
            if transition(y, x) < OUTLINE {
                continue;
            }
            // Follow the outline down 2 * SPAN rows.
            let mut path = vec![x];
            for dy in 1..=2 * SPAN {
                match next(y + dy, path[path.len() - 1]) {
                    Some(b) => path.push(b),
                    None => break,
                }
            }
            if path.len() as i64 <= 2 * SPAN {
                continue;
            }
            let (a, b, c) = (path[0], path[SPAN as usize], path[2 * SPAN as usize]);
            let p = |y: i64, x: i64| place[y as usize][x as usize + 1];
            let bend_out =
                ((p(y + 2 * SPAN, c) - p(y + SPAN, b)) - (p(y + SPAN, b) - p(y, a))).abs();
            // Enlarging by a factor stretches every bend by it at most.
            let bend_in =
                ((((c - b) - (b - a)).unsigned_abs() * rw.max(w) as u64).div_ceil(w as u64)) as i64;
            kinked += (bend_out - bend_in).max(0);
            crossings += 1;
        }
    }
    // The same along outlines that run across columns (a strong colour step between rows
    // r and r + 1): followed SPAN columns at a time, the middle point should stay on the
    // line between the outer two, wherever the carve moved them; how far it leaves it
    // beyond the input's own bend, in rows.
    let step = |r: i64, x: i64| -> u32 {
        let (a, b) = (at(input, x, r), at(input, x, r + 1));
        (0..3).map(|c| a.0[c].abs_diff(b.0[c]) as u32).sum()
    };
    let across = |r: i64, x: i64| {
        (r - 1..=r + 1)
            .filter(|&b| b >= 0 && b < h as i64 - 1 && step(b, x) >= OUTLINE)
            .min_by_key(|&b| (b - r).abs())
    };
    let mut bent = 0f64;
    for r in 0..h as i64 - 1 {
        for x in 0..w as i64 - 2 * SPAN {
            if step(r, x) < OUTLINE {
                continue;
            }
            let mut rows = vec![r];
            for dx in 1..=2 * SPAN {
                match across(rows[rows.len() - 1], x + dx) {
                    Some(b) => rows.push(b),
                    None => break,
                }
            }
            if rows.len() as i64 <= 2 * SPAN {
                continue;
            }
            let (ya, yb, yc) = (rows[0], rows[SPAN as usize], rows[2 * SPAN as usize]);
            let p = |y: i64, x: i64| place[y as usize][x as usize] as f64;
            let (pa, pb, pc) = (p(ya, x), p(yb, x + SPAN), p(yc, x + 2 * SPAN));
            let line = if pc == pa {
                (ya + yc) as f64 / 2.0
            } else {
                ya as f64 + (yc - ya) as f64 * (pb - pa) / (pc - pa)
            };
            let folded = pb < pa || pb > pc;
            let out = if folded {
                (yc - ya).abs().max(1) as f64
            } else {
                (yb as f64 - line).abs()
            };
            let inside = (yb as f64 - (ya + yc) as f64 / 2.0).abs();
            bent += (out - inside).max(0.0);
            crossings += 1;
        }
    }
    let kinked = kinked as f64 + bent;
    let pixels = (rw as u64 * h as u64) as f64;
    Scores {
        added: added as f64 / total_in.max(1) as f64 * 100.0,
        kinks: kinked / crossings.max(1) as f64 * 100.0,
        broken: broken as f64 / pixels * 1000.0,
        exact: exact as f64 / (rw.min(w) as u64 * h as u64) as f64 * 100.0,
    }
}

/// The generated hard cases.
fn cases() -> Vec<(String, RgbImage)> {
    vec![
        ("silhouette".into(), silhouette()),
        ("lines".into(), lines()),
        ("text".into(), text()),
        ("face".into(), face()),
    ]
}

/// Whether `(x, y)` is inside the ellipse centred at `(cx, cy)` with radii `rx`, `ry`,
/// turned by `angle` radians.
fn in_ellipse(x: f64, y: f64, cx: f64, cy: f64, rx: f64, ry: f64, angle: f64) -> bool {
    let (s, c) = angle.sin_cos();
    let (dx, dy) = (x - cx, y - cy);
    let (u, v) = (dx * c + dy * s, -dx * s + dy * c);
    (u / rx).powi(2) + (v / ry).powi(2) <= 1.0
}

/// A black horse-like silhouette on white, 400x328: outlines that seams run along.
fn silhouette() -> RgbImage {
    RgbImage::from_fn(400, 328, |x, y| {
        let (x, y) = (x as f64 + 0.5, y as f64 + 0.5);
        let body = in_ellipse(x, y, 190.0, 150.0, 95.0, 45.0, 0.0);
        let neck = in_ellipse(x, y, 285.0, 105.0, 22.0, 55.0, 0.6);
        let head = in_ellipse(x, y, 320.0, 70.0, 42.0, 17.0, 0.45);
        let ear = in_ellipse(x, y, 300.0, 45.0, 5.0, 14.0, -0.3);
        let tail = in_ellipse(x, y, 95.0, 170.0, 10.0, 50.0, -0.5);
        let leg = |x0: f64, lean: f64| {
            let top = 170.0;
            y >= top && y <= 300.0 && (x - (x0 + lean * (y - top))).abs() <= 8.0
        };
        let legs = leg(120.0, -0.15) || leg(150.0, 0.1) || leg(235.0, -0.1) || leg(262.0, 0.18);
        if body || neck || head || ear || tail || legs {
            Rgb([0, 0, 0])
        } else {
            Rgb([255, 255, 255])
        }
    })
}

/// Thin straight lines at several angles and a box outline on a lightly textured
/// background, 400x300: lines that carving should not kink.
fn lines() -> RgbImage {
    let mut seed = 7u32;
    RgbImage::from_fn(400, 300, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let (fx, fy) = (x as f64, y as f64);
        let on_line = |angle_deg: f64, through: (f64, f64)| {
            let (s, c) = angle_deg.to_radians().sin_cos();
            ((fx - through.0) * s - (fy - through.1) * c).abs() <= 1.0
        };
        let boxed = (x == 250 || x == 251 || x == 350 || x == 351) && (60..=200).contains(&y)
            || (y == 60 || y == 61 || y == 200 || y == 201) && (250..=351).contains(&x);
        if on_line(15.0, (0.0, 40.0))
            || on_line(40.0, (30.0, 0.0))
            || on_line(70.0, (150.0, 0.0))
            || on_line(100.0, (230.0, 0.0))
            || boxed
        {
            Rgb([30, 30, 40])
        } else {
            let v = 215 + (seed % 12) as u8;
            Rgb([v, v, v - 5])
        }
    })
}

/// "SEAM CARVING" in block letters (a 5x7 font drawn at 7 pixels a dot) over two lines
/// on a pale background, 360x200: at 80% width the carve must go through letters.
fn text() -> RgbImage {
    const FONT: [(char, [u8; 7]); 10] = [
        ('S', [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E]),
        ('E', [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F]),
        ('A', [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11]),
        ('M', [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11]),
        ('C', [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E]),
        ('R', [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11]),
        ('V', [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04]),
        ('I', [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E]),
        ('N', [0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11]),
        ('G', [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F]),
    ];
    let dot = 7;
    let lines = [("SEAM", 30u32, 20u32), ("CARVING", 10, 120)];
    RgbImage::from_fn(360, 200, |x, y| {
        for (word, left, top) in lines {
            if y < top || y >= top + 7 * dot || x < left {
                continue;
            }
            let (col, row) = ((x - left) / dot, (y - top) / dot);
            let (letter, within) = ((col / 6) as usize, col % 6);
            let Some(ch) = word.chars().nth(letter) else {
                continue;
            };
            if within < 5 {
                let glyph = FONT.iter().find(|(c, _)| *c == ch).map(|(_, g)| g);
                if glyph.is_some_and(|g| g[row as usize] & (0x10 >> within) != 0) {
                    return Rgb([20, 20, 90]);
                }
            }
        }
        Rgb([250, 246, 235])
    })
}

/// A face-like ellipse with eyes and a mouth on a soft gradient, 360x300.
fn face() -> RgbImage {
    RgbImage::from_fn(360, 300, |x, y| {
        let (fx, fy) = (x as f64 + 0.5, y as f64 + 0.5);
        let eye = |cx: f64| in_ellipse(fx, fy, cx, 125.0, 14.0, 9.0, 0.0);
        let pupil = |cx: f64| in_ellipse(fx, fy, cx, 125.0, 5.0, 5.0, 0.0);
        let mouth = in_ellipse(fx, fy, 180.0, 200.0, 40.0, 12.0, 0.0)
            && !in_ellipse(fx, fy, 180.0, 193.0, 40.0, 10.0, 0.0);
        let hair = in_ellipse(fx, fy, 180.0, 95.0, 92.0, 60.0, 0.0) && fy < 95.0;
        if pupil(145.0) || pupil(215.0) {
            Rgb([20, 15, 10])
        } else if eye(145.0) || eye(215.0) {
            Rgb([245, 245, 240])
        } else if mouth {
            Rgb([150, 40, 50])
        } else if hair {
            Rgb([70, 45, 25])
        } else if in_ellipse(fx, fy, 180.0, 150.0, 85.0, 110.0, 0.0) {
            Rgb([225, 180, 150])
        } else {
            let v = (90.0 + fx / 4.0 + fy / 6.0) as u8;
            Rgb([v / 2, v, v + 40])
        }
    })
}

/// Side by side with a white gap, for the gallery.
fn beside(left: &RgbImage, right: &RgbImage) -> RgbImage {
    let gap = 8;
    let h = left.height().max(right.height());
    let mut out = RgbImage::from_pixel(left.width() + gap + right.width(), h, Rgb([255; 3]));
    image::imageops::replace(&mut out, left, 0, 0);
    image::imageops::replace(&mut out, right, (left.width() + gap) as i64, 0);
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut gallery: Option<PathBuf> = None;
    let mut cases_dir: Option<PathBuf> = None;
    let mut inputs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--gallery" => gallery = args.next().map(PathBuf::from),
            "--cases" => cases_dir = args.next().map(PathBuf::from),
            _ => inputs.push(PathBuf::from(arg)),
        }
    }
    let mut images: Vec<(String, RgbImage)> = Vec::new();
    for path in &inputs {
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let image = image::open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .to_rgb8();
        images.push((name, image));
    }
    let generated = cases();
    if let Some(dir) = &cases_dir {
        std::fs::create_dir_all(dir)?;
        for (name, image) in &generated {
            image.save(dir.join(format!("{name}.png")))?;
        }
    }
    images.extend(generated);
    if liblqr(&RgbImage::from_pixel(8, 4, Rgb([0; 3])), 6).is_none() {
        eprintln!("ImageMagick's convert with liblqr is missing: the liblqr columns are empty");
    }
    let sizes = [80u32, 60, 130, 200];
    println!(
        "| image | width | {} |",
        Method::ALL
            .iter()
            .map(|m| m.name().to_string())
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("|---|---|{}", "---|".repeat(Method::ALL.len()));
    let mut totals = vec![[0.0f64; 4]; Method::ALL.len() * sizes.len()];
    for (name, image) in &images {
        for (s, &percent) in sizes.iter().enumerate() {
            let width = (image.width() * percent).div_ceil(100);
            let mut cells = Vec::new();
            for (m, method) in Method::ALL.iter().enumerate() {
                match method.run(image, width) {
                    Some(result) => {
                        let scores = score(image, &result);
                        if scores.exact < 99.0 {
                            eprintln!(
                                "{name} {percent}% {}: only {:.1}% of pixels aligned exactly",
                                method.name(),
                                scores.exact
                            );
                        }
                        let t = &mut totals[s * Method::ALL.len() + m];
                        t[0] += scores.added;
                        t[1] += scores.broken;
                        t[2] += scores.kinks;
                        t[3] += 1.0;
                        cells.push(format!(
                            "{:.2} · {:.2} · {:.1}",
                            scores.added, scores.broken, scores.kinks
                        ));
                        if let Some(dir) = &gallery
                            && (percent == 60 || percent == 200)
                            && *method == Method::Liblqr
                        {
                            write_pair(dir, &format!("{name}-{percent}"), image, &result)?;
                        }
                    }
                    None => cells.push("—".into()),
                }
            }
            println!("| {name} | {percent}% | {} |", cells.join(" | "));
        }
    }
    for (s, percent) in sizes.iter().enumerate() {
        let cells: Vec<String> = (0..Method::ALL.len())
            .map(|m| {
                let [a, b, c, n] = totals[s * Method::ALL.len() + m];
                if n == 0.0 {
                    "—".into()
                } else {
                    format!("**{:.2} · {:.2} · {:.1}**", a / n, b / n, c / n)
                }
            })
            .collect();
        println!("| **mean** | {percent}% | {} |", cells.join(" | "));
    }
    Ok(())
}

/// Writes `DIR/NAME.jpg`: the default carve (left) beside liblqr's at the same size
/// (right).
fn write_pair(
    dir: &Path,
    name: &str,
    image: &RgbImage,
    liblqr: &RgbImage,
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let ours = resize(
        image,
        &Request::new(liblqr.width(), image.height(), SeamRule::Optimal),
    )?;
    beside(&ours.image, liblqr).save(dir.join(format!("{name}.jpg")))?;
    Ok(())
}
