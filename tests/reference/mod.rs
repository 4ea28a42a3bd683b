//! The oracle: a deliberately naive seam carver, written straight from the definitions,
//! with nothing shared with the library. It recomputes everything for every seam, keeps
//! images as nested vectors and takes the square root in f32 as imageproc does.
#![allow(dead_code)]

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
