//! The oracle: a deliberately naive seam carver, written straight from the definitions,
//! with nothing shared with the library. It recomputes everything for every seam, keeps
//! images as nested vectors and takes the square root in f32 as imageproc does.
// Written straight from the definitions, index by index, on purpose.
#![allow(clippy::needless_range_loop, clippy::manual_div_ceil)]

use image::RgbImage;

pub type Pixels = Vec<Vec<[u8; 3]>>;

/// A seam as the oracle finds it: columns top row first, and its energy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefSeam {
    pub path: Vec<u32>,
    pub cost: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    Optimal,
    Imageproc,
}

pub fn to_pixels(image: &RgbImage) -> Pixels {
    (0..image.height())
        .map(|y| {
            (0..image.width())
                .map(|x| image.get_pixel(x, y).0)
                .collect()
        })
        .collect()
}

pub fn to_image(pixels: &Pixels) -> RgbImage {
    let h = pixels.len() as u32;
    let w = pixels[0].len() as u32;
    RgbImage::from_fn(w, h, |x, y| image::Rgb(pixels[y as usize][x as usize]))
}

/// Sobel gradient magnitude per channel (border repeated), mean of the three.
pub fn energy(p: &Pixels) -> Vec<Vec<u32>> {
    let h = p.len() as i64;
    let w = p[0].len() as i64;
    let at = |x: i64, y: i64, c: usize| -> i64 {
        let x = x.clamp(0, w - 1) as usize;
        let y = y.clamp(0, h - 1) as usize;
        p[y][x][c] as i64
    };
    const KX: [[i64; 3]; 3] = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]];
    const KY: [[i64; 3]; 3] = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]];
    let mut out = vec![vec![0u32; w as usize]; h as usize];
    for y in 0..h {
        for x in 0..w {
            let mut sum = 0u32;
            for c in 0..3 {
                let (mut gx, mut gy) = (0i64, 0i64);
                for dy in 0..3 {
                    for dx in 0..3 {
                        let v = at(x + dx as i64 - 1, y + dy as i64 - 1, c);
                        gx += KX[dy][dx] * v;
                        gy += KY[dy][dx] * v;
                    }
                }
                sum += ((gx as f32).powi(2) + (gy as f32).powi(2)).sqrt() as u32;
            }
            out[y as usize][x as usize] = sum / 3;
        }
    }
    out
}

/// Cumulative minimum cost from the top row down.
pub fn cost_map(e: &[Vec<u32>]) -> Vec<Vec<u64>> {
    let h = e.len();
    let w = e[0].len();
    let mut m = vec![vec![0u64; w]; h];
    for x in 0..w {
        m[0][x] = e[0][x] as u64;
    }
    for y in 1..h {
        for x in 0..w {
            let mut best = m[y - 1][x];
            if x > 0 {
                best = best.min(m[y - 1][x - 1]);
            }
            if x + 1 < w {
                best = best.min(m[y - 1][x + 1]);
            }
            m[y][x] = e[y][x] as u64 + best;
        }
    }
    m
}

/// Traces a seam bottom to top by the rule; returns columns top row first.
pub fn trace(m: &[Vec<u64>], rule: Rule) -> Vec<u32> {
    let h = m.len();
    let w = m[0].len();
    let bottom = &m[h - 1];
    let min = *bottom.iter().min().unwrap();
    let mut x = bottom.iter().position(|&v| v == min).unwrap();
    let mut path = vec![x as u32];
    let mut running = min;
    for y in (1..h).rev() {
        let row = &m[y - 1];
        match rule {
            Rule::Optimal => {
                let mut candidates = vec![(row[x], 0, x)];
                if x > 0 {
                    candidates.push((row[x - 1], 1, x - 1));
                }
                if x + 1 < w {
                    candidates.push((row[x + 1], 2, x + 1));
                }
                // Cheapest first; ties: straight (0), left (1), right (2).
                candidates.sort();
                x = candidates[0].2;
            }
            Rule::Imageproc => {
                let start = x;
                if start > 0 && row[start - 1] < row[start] {
                    x = start - 1;
                    running = row[start - 1];
                }
                if start + 1 < w && row[start + 1] < running {
                    x = start + 1;
                    running = row[start + 1];
                }
            }
        }
        path.push(x as u32);
    }
    path.reverse();
    path
}

/// Removes `n` seams one at a time, recomputing everything each time.
pub fn carve(image: &RgbImage, n: u32, rule: Rule) -> (RgbImage, Vec<RefSeam>) {
    let mut p = to_pixels(image);
    let mut seams = Vec::new();
    for _ in 0..n {
        let e = energy(&p);
        let path = trace(&cost_map(&e), rule);
        let cost = path
            .iter()
            .enumerate()
            .map(|(y, &x)| e[y][x as usize] as u64)
            .sum();
        for (y, &x) in path.iter().enumerate() {
            p[y].remove(x as usize);
        }
        seams.push(RefSeam { path, cost });
    }
    (to_image(&p), seams)
}

/// The cheapest seam cost by trying every seam: only for tiny images.
pub fn brute_force_min_cost(e: &[Vec<u32>]) -> u64 {
    fn walk(e: &[Vec<u32>], y: usize, x: usize) -> u64 {
        let here = e[y][x] as u64;
        if y + 1 == e.len() {
            return here;
        }
        let w = e[0].len();
        let lo = x.saturating_sub(1);
        let hi = (x + 1).min(w - 1);
        here + (lo..=hi).map(|nx| walk(e, y + 1, nx)).min().unwrap()
    }
    (0..e[0].len()).map(|x| walk(e, 0, x)).min().unwrap()
}

/// Flags per pixel for the guided oracle: bit 1 protect, bit 2 remove.
pub type Flags = Vec<Vec<u8>>;

pub const PROTECT: u8 = 1;
pub const REMOVE: u8 = 2;

/// Which energy the guided oracle measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Energy {
    Backward,
    Forward,
    Salient,
}

/// What salient energy carries with each pixel, computed once from the image a carve (or
/// an enlargement pass) starts with: the guide its forward steps are measured on, the
/// weight of taking the pixel, and its crowding, what its weight gains each time a seam
/// takes a pixel beside it in its row. Empty under the other energies.
#[derive(Clone, Debug, Default)]
pub struct Layers {
    pub guide: Pixels,
    pub weight: Vec<Vec<u64>>,
    pub crowd: Vec<Vec<u64>>,
}

/// The most a weight grows to with crowding.
const WEIGHT_MAX: u64 = 4095 - 765;

/// Crowding per unit of detail.
const CROWD_PER_DETAIL: u64 = 20;

impl Layers {
    /// `ridge`: whether thin lines weigh their contrast and seams crowd (for removal; not
    /// enlargement).
    pub fn of(p: &Pixels, energy: Energy, ridge: bool) -> Layers {
        if energy != Energy::Salient {
            return Layers::default();
        }
        let h = p.len();
        let w = p[0].len();
        let d = |a: [u8; 3], b: [u8; 3]| -> u32 {
            (0..3)
                .map(|c| (a[c] as i32 - b[c] as i32).unsigned_abs())
                .sum()
        };
        // The threshold: 6/10 of the mean |[1 -2 1; -2 4 -2; 1 -2 1] * (R + G + B)| over
        // the interior pixels, within 40..=160 (40 for images under 3x3).
        let t: u32 = if w < 3 || h < 3 {
            40
        } else {
            let s = |x: usize, y: usize| p[y][x].iter().map(|&v| v as i64).sum::<i64>();
            let kernel = [[1i64, -2, 1], [-2, 4, -2], [1, -2, 1]];
            let mut total: u64 = 0;
            for y in 1..h - 1 {
                for x in 1..w - 1 {
                    let mut r = 0i64;
                    for j in 0..3 {
                        for i in 0..3 {
                            r += kernel[j][i] * s(x + i - 1, y + j - 1);
                        }
                    }
                    total += r.unsigned_abs();
                }
            }
            let mean = total * 6 / (10 * ((w - 2) * (h - 2)) as u64);
            mean.clamp(40, 160) as u32
        };
        // Twice: each pixel the rounded mean of its 3x3 neighbours inside the image that
        // are within t of it (R, G, B differences summed), itself included.
        let sigma = |p: &Pixels| -> Pixels {
            let mut out = p.clone();
            for y in 0..h {
                for x in 0..w {
                    let mut sum = [0u32; 3];
                    let mut n = 0;
                    for ny in y as i64 - 1..=y as i64 + 1 {
                        for nx in x as i64 - 1..=x as i64 + 1 {
                            if ny < 0 || nx < 0 || ny >= h as i64 || nx >= w as i64 {
                                continue;
                            }
                            let q = p[ny as usize][nx as usize];
                            if d(q, p[y][x]) <= t {
                                for c in 0..3 {
                                    sum[c] += q[c] as u32;
                                }
                                n += 1;
                            }
                        }
                    }
                    out[y][x] = [0, 1, 2].map(|c| ((sum[c] + n / 2) / n) as u8);
                }
            }
            out
        };
        let guide = sigma(&sigma(p));
        // Distinctness: the RGB distance plus twice the change of R - G and once that of
        // B - G.
        let distinct = |a: [u8; 3], b: [u8; 3]| -> u32 {
            let rg = |p: [u8; 3]| p[0] as i32 - p[1] as i32;
            let bg = |p: [u8; 3]| p[2] as i32 - p[1] as i32;
            d(a, b) + 2 * (rg(a) - rg(b)).unsigned_abs() + (bg(a) - bg(b)).unsigned_abs()
        };
        // The surround: the rounded mean over a (2r + 1) window along rows, then along
        // columns, border pixels repeated; twice, channel by channel. r is an eighth of the
        // longer side.
        let r = (w.max(h) / 8).max(1);
        let channel = |c: usize| -> Vec<Vec<u32>> {
            let plane = guide
                .iter()
                .map(|row| row.iter().map(|p| p[c] as u32).collect());
            window_mean(&window_mean(&plane.collect::<Vec<_>>(), r), r)
        };
        let [sr, sg, sb] = [0, 1, 2].map(channel);
        let surround: Pixels = (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| [sr[y][x], sg[y][x], sb[y][x]].map(|v| v as u8))
                    .collect()
            })
            .collect();
        let weight = (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| {
                        // The ridge: the smaller difference from the left and right
                        // neighbours (border pixels their own), less 2t, counted twice.
                        let g = guide[y][x];
                        let left = guide[y][x.saturating_sub(1)];
                        let right = guide[y][(x + 1).min(w - 1)];
                        let line = d(g, left).min(d(g, right)).saturating_sub(2 * t);
                        let line = if ridge { line } else { 0 };
                        (distinct(g, surround[y][x]) * 2 / 10 + 2 * line) as u64
                    })
                    .collect()
            })
            .collect();
        // The crowding (for removal only): 20 times the detail around each pixel, up to
        // 100, the detail being the guide's 3x3 median (per channel, borders repeated), its
        // gradient (the distance between the left and right neighbours plus that between
        // those above and below, borders repeated, less 2t, in sixths), and the rounded
        // mean of that over a (2r + 1) window along rows, then columns, twice, with r a
        // 32nd of the longer side.
        let clamped = |v: i64, n: usize| v.clamp(0, n as i64 - 1) as usize;
        let crowd = if !ridge {
            vec![vec![0; w]; h]
        } else {
            let median: Pixels = (0..h)
                .map(|y| {
                    (0..w)
                        .map(|x| {
                            [0, 1, 2].map(|c| {
                                let mut near = Vec::new();
                                for ny in y as i64 - 1..=y as i64 + 1 {
                                    for nx in x as i64 - 1..=x as i64 + 1 {
                                        near.push(guide[clamped(ny, h)][clamped(nx, w)][c]);
                                    }
                                }
                                near.sort();
                                near[4]
                            })
                        })
                        .collect()
                })
                .collect();
            let gradient: Vec<Vec<u32>> = (0..h)
                .map(|y| {
                    (0..w)
                        .map(|x| {
                            let at = |x: i64, y: i64| median[clamped(y, h)][clamped(x, w)];
                            let (x, y) = (x as i64, y as i64);
                            let g = d(at(x - 1, y), at(x + 1, y)) + d(at(x, y - 1), at(x, y + 1));
                            g.saturating_sub(2 * t) / 6
                        })
                        .collect()
                })
                .collect();
            let r = (w.max(h) / 32).max(1);
            let detail = window_mean(&window_mean(&gradient, r), r);
            detail
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|&v| (CROWD_PER_DETAIL * v as u64).min(100))
                        .collect()
                })
                .collect()
        };
        Layers {
            guide,
            weight,
            crowd,
        }
    }

    /// Takes the seam `path` out, its two neighbours in each row first gaining their
    /// crowding (up to `WEIGHT_MAX`).
    fn remove(&mut self, path: &[u32]) {
        if self.guide.is_empty() {
            return;
        }
        for (y, &x) in path.iter().enumerate() {
            let x = x as usize;
            for n in [x.wrapping_sub(1), x + 1] {
                if n < self.weight[y].len() {
                    self.weight[y][n] = (self.weight[y][n] + self.crowd[y][n]).min(WEIGHT_MAX);
                }
            }
            self.guide[y].remove(x);
            self.weight[y].remove(x);
            self.crowd[y].remove(x);
        }
    }
}

/// The rounded mean of each value over a (2r + 1) window along its row, then along its
/// column, border values repeated: windowed sums, no running sums.
fn window_mean(p: &[Vec<u32>], r: usize) -> Vec<Vec<u32>> {
    let (h, w, r) = (p.len(), p[0].len(), r as i64);
    let n = (2 * r + 1) as u32;
    let clamped = |v: i64, n: usize| v.clamp(0, n as i64 - 1) as usize;
    let mean = |sum: u32| (sum + n / 2) / n;
    let rows: Vec<Vec<u32>> = (0..h)
        .map(|y| {
            (0..w)
                .map(|x| {
                    mean(
                        (x as i64 - r..=x as i64 + r)
                            .map(|k| p[y][clamped(k, w)])
                            .sum(),
                    )
                })
                .collect()
        })
        .collect();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| {
                    mean(
                        (y as i64 - r..=y as i64 + r)
                            .map(|k| rows[clamped(k, h)][x])
                            .sum(),
                    )
                })
                .collect()
        })
        .collect()
}

/// Forward step costs into (x, y) from [up-left, up, up-right], straight from the paper:
/// C_U = |I(x+1,y) - I(x-1,y)|, C_L = C_U + |I(x,y-1) - I(x-1,y)|,
/// C_R = C_U + |I(x,y-1) - I(x+1,y)|, RGB summed, borders repeated.
pub fn forward_steps(p: &Pixels, x: usize, y: usize) -> [u64; 3] {
    let w = p[0].len() as i64;
    let at = |x: i64, y: usize| p[y][x.clamp(0, w - 1) as usize];
    let d = |a: [u8; 3], b: [u8; 3]| -> u64 {
        (0..3)
            .map(|c| (a[c] as i64 - b[c] as i64).unsigned_abs())
            .sum()
    };
    let xi = x as i64;
    let cu = d(at(xi + 1, y), at(xi - 1, y));
    if y == 0 {
        return [cu, cu, cu];
    }
    let up = p[y - 1][x];
    [cu + d(up, at(xi - 1, y)), cu, cu + d(up, at(xi + 1, y))]
}

/// A key as a tuple: (protected pixels, pixels not marked for removal, energy).
pub type Key = (u64, u64, u64);

/// The cheapest seam under masks and either energy, by the lexicographic key; ties go
/// straight, then left, then right; the leftmost cheapest bottom cell. Returns the path
/// (top first) and the seam's energy.
pub fn guided_seam(p: &Pixels, flags: &Flags, energy: Energy, layers: &Layers) -> (Vec<u32>, u64) {
    let h = p.len();
    let w = p[0].len();
    let sobel = self::energy(p);
    let step = |x: usize, y: usize| -> [u64; 3] {
        match energy {
            Energy::Backward => [sobel[y][x] as u64; 3],
            Energy::Forward => forward_steps(p, x, y),
            Energy::Salient => forward_steps(&layers.guide, x, y).map(|s| s + layers.weight[y][x]),
        }
    };
    let own = |x: usize, y: usize| -> Key {
        let f = flags[y][x];
        ((f & PROTECT != 0) as u64, (f & REMOVE == 0) as u64, 0)
    };
    let plus = |a: Key, b: Key, e: u64| (a.0 + b.0, a.1 + b.1, a.2 + b.2 + e);
    let mut m: Vec<Vec<Key>> = vec![vec![(0, 0, 0); w]; h];
    // choice[y][x]: parent column, for tracing.
    let mut choice = vec![vec![0usize; w]; h];
    for x in 0..w {
        m[0][x] = plus(own(x, 0), (0, 0, 0), step(x, 0)[1]);
    }
    for y in 1..h {
        for x in 0..w {
            let s = step(x, y);
            // (key, tie order, parent)
            let mut candidates = vec![(plus(m[y - 1][x], own(x, y), s[1]), 0, x)];
            if x > 0 {
                candidates.push((plus(m[y - 1][x - 1], own(x, y), s[0]), 1, x - 1));
            }
            if x + 1 < w {
                candidates.push((plus(m[y - 1][x + 1], own(x, y), s[2]), 2, x + 1));
            }
            candidates.sort();
            m[y][x] = candidates[0].0;
            choice[y][x] = candidates[0].2;
        }
    }
    let min = *m[h - 1].iter().min().unwrap();
    let mut x = m[h - 1].iter().position(|&k| k == min).unwrap();
    let mut path = vec![x as u32];
    for y in (1..h).rev() {
        x = choice[y][x];
        path.push(x as u32);
    }
    path.reverse();
    (path, min.2)
}

/// Removes one guided seam from pixels and flags; returns it.
fn remove_guided(
    p: &mut Pixels,
    flags: &mut Flags,
    energy: Energy,
    layers: &mut Layers,
) -> RefSeam {
    let (path, cost) = guided_seam(p, flags, energy, layers);
    for (y, &x) in path.iter().enumerate() {
        p[y].remove(x as usize);
        flags[y].remove(x as usize);
    }
    layers.remove(&path);
    RefSeam { path, cost }
}

/// Removes `n` guided seams, recomputing everything each time.
pub fn guided_carve(
    image: &RgbImage,
    n: u32,
    flags: &Flags,
    energy: Energy,
) -> (RgbImage, Vec<RefSeam>) {
    let mut p = to_pixels(image);
    let mut f = flags.clone();
    let mut layers = Layers::of(&p, energy, true);
    let seams = (0..n)
        .map(|_| remove_guided(&mut p, &mut f, energy, &mut layers))
        .collect();
    (to_image(&p), seams)
}

/// An enlarged image, its flags and per inserted seam: pass, columns, cost.
pub type Enlarged = (RgbImage, Flags, Vec<(u32, Vec<u32>, u64)>);

/// Inserts `k` seams: passes of at most the width less one; in each, the seams removal would
/// take (tracked to their columns before the pass), each doubled by the rounded average
/// of the pixel and its right neighbour, or a copy of one ([`new_pixel`]). In later
/// passes the pixels earlier passes doubled or inserted count as protected. Returns the image, the flags and, per seam, its
/// pass, its columns before the pass and its cost.
pub fn enlarge(image: &RgbImage, k: u32, flags: &Flags, energy: Energy) -> Enlarged {
    let mut p = to_pixels(image);
    let mut f = flags.clone();
    let mut seams = Vec::new();
    let mut left = k as usize;
    let mut pass = 0;
    let mut stretched: Vec<Vec<bool>> = p.iter().map(|row| vec![false; row.len()]).collect();
    while left > 0 {
        pass += 1;
        let w = p[0].len();
        let n = left.min(w - 1);
        // Work on a copy whose pixels remember their column.
        let mut copy = p.clone();
        let mut copy_flags: Flags = f
            .iter()
            .zip(&stretched)
            .map(|(row, s)| {
                row.iter()
                    .zip(s)
                    .map(|(&b, &s)| if s { b | PROTECT } else { b })
                    .collect()
            })
            .collect();
        let mut index: Vec<Vec<usize>> = p.iter().map(|row| (0..row.len()).collect()).collect();
        let mut doubled = vec![vec![false; w]; p.len()];
        let mut layers = Layers::of(&copy, energy, false);
        for _ in 0..n {
            let seam = remove_guided(&mut copy, &mut copy_flags, energy, &mut layers);
            let mut columns = Vec::new();
            for (y, &x) in seam.path.iter().enumerate() {
                let original = index[y].remove(x as usize);
                doubled[y][original] = true;
                columns.push(original as u32);
            }
            seams.push((pass, columns, seam.cost));
        }
        // The new pixels are made from the image before the pass.
        let before = p.clone();
        for y in 0..p.len() {
            let mut row = Vec::new();
            let mut frow = Vec::new();
            let mut srow = Vec::new();
            for x in 0..w {
                row.push(p[y][x]);
                frow.push(f[y][x]);
                srow.push(stretched[y][x] || doubled[y][x]);
                if doubled[y][x] {
                    srow.push(true);
                    row.push(new_pixel(&before, &doubled, x, y));
                    frow.push(f[y][x]);
                }
            }
            p[y] = row;
            f[y] = frow;
            stretched[y] = srow;
        }
        left -= n;
    }
    (to_image(&p), f, seams)
}

/// The pixel inserted after column `x` of row `y`: the rounded mean of the pixel `a` and
/// its right neighbour `b` (itself at the right edge), except where the two differ by at
/// least 96 (summed over R, G and B) and a one-pixel line steps a row at the gap.
/// A copy of `a` when, in a row beside (`y - 1` or `y + 1`, with a row on the other side
/// too), the pixel right of `a` is within a quarter of that difference of `a`, the pixel
/// beside `a` and the one on the other side of `a` are each at least half of it away, and
/// the pixel beside `a` is within a quarter of it of `b`. Else a copy of `b` when the same
/// holds mirrored (the pixel left of `b` in that row like `b`, the ones beside and across
/// `b` unlike it, the one beside `b` like `a`) and, with every row's new pixels in place,
/// the line's last pixel in that row (the pixel left of `b` there, or its own copy) ends
/// more than one column before `b`.
fn new_pixel(p: &[Vec<[u8; 3]>], doubled: &[Vec<bool>], x: usize, y: usize) -> [u8; 3] {
    let w = p[0].len();
    let a = p[y][x];
    let b = p[y][(x + 1).min(w - 1)];
    let mean = [0, 1, 2].map(|c| ((a[c] as u32 + b[c] as u32 + 1) / 2) as u8);
    let d = diff(a, b);
    if x + 1 == w || d < 96 {
        return mean;
    }
    if copies_left(p, x, y) {
        return a;
    }
    // Where column c of row r lands: c plus the pixels inserted before it.
    let lands = |r: usize, c: usize| c + doubled[r][..c].iter().filter(|&&t| t).count();
    for (v, o) in beside(p.len(), y) {
        let end = lands(v, x) + usize::from(doubled[v][x] && copies_left(p, x, v));
        if 4 * diff(b, p[v][x]) <= d
            && 2 * diff(b, p[v][x + 1]) >= d
            && 2 * diff(b, p[o][x + 1]) >= d
            && 4 * diff(p[v][x + 1], a) <= d
            && lands(y, x + 1) > end + 1
        {
            return b;
        }
    }
    mean
}

fn diff(u: [u8; 3], v: [u8; 3]) -> i64 {
    (0..3).map(|c| (u[c] as i64 - v[c] as i64).abs()).sum()
}

/// The rows beside row `y` of `h` (`v`) that have a row on `y`'s other side (`o`).
fn beside(h: usize, y: usize) -> Vec<(usize, usize)> {
    let (y, h) = (y as i64, h as i64);
    [(y - 1, y + 1), (y + 1, y - 1)]
        .into_iter()
        .filter(|&(v, o)| v >= 0 && o >= 0 && v < h && o < h)
        .map(|(v, o)| (v as usize, o as usize))
        .collect()
}

/// Whether the pixel inserted after column `x` of row `y` copies that pixel (see
/// [`new_pixel`]).
fn copies_left(p: &[Vec<[u8; 3]>], x: usize, y: usize) -> bool {
    let (a, b) = (p[y][x], p[y][x + 1]);
    let d = diff(a, b);
    d >= 96
        && beside(p.len(), y).into_iter().any(|(v, o)| {
            4 * diff(a, p[v][x + 1]) <= d
                && 2 * diff(a, p[v][x]) >= d
                && 2 * diff(a, p[o][x]) >= d
                && 4 * diff(p[v][x], b) <= d
        })
}

/// Object removal: guided seams until no pixel flagged REMOVE is left.
pub fn remove_object(
    image: &RgbImage,
    flags: &Flags,
    energy: Energy,
) -> Result<(RgbImage, Flags, Vec<RefSeam>), String> {
    let mut p = to_pixels(image);
    let mut f = flags.clone();
    let mut seams = Vec::new();
    let mut layers = Layers::of(&p, energy, true);
    if f.iter().any(|row| row.iter().all(|&b| b & REMOVE != 0)) {
        return Err("a row is to be removed across its whole width".into());
    }
    while f.iter().flatten().any(|&b| b & REMOVE != 0) {
        if p[0].len() < 2 {
            return Err("object pixels left in a 1-pixel-wide image".into());
        }
        let (path, _) = guided_seam(&p, &f, energy, &layers);
        let crossed = |bit: u8| {
            path.iter()
                .enumerate()
                .any(|(y, &x)| f[y][x as usize] & bit != 0)
        };
        if crossed(PROTECT) || !crossed(REMOVE) {
            return Err("the cheapest seam crosses a protected pixel or misses the object".into());
        }
        seams.push(remove_guided(&mut p, &mut f, energy, &mut layers));
    }
    Ok((to_image(&p), f, seams))
}
