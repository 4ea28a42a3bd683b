//! Object benchmark: do the things in a picture survive the carve?
//!
//! `cargo run --release --example objects -- [--set tuning|validation|holdout] [--extreme] [--gallery DIR]`
//!
//! Generated scenes (a person on a beach, a face on a wall, a building with a roof,
//! windows and cables, a logo's ring, a car) on backgrounds of several kinds (uniform,
//! gradient, two levels of noise, stripes, sand, grass); each generator also knows its
//! objects, drawn in flat colours of their own. Two seeds make two sets: `tuning`, to
//! look at while choosing a default, and `validation`, scored only at the end. A third,
//! `holdout` (seed 3), is for the next change to the default once `validation` has been
//! looked at: it is scored only at the end of that change.
//!
//! Every method (ours: backward, forward, the default, and the default's energy in the
//! interleaved and optimal orders; liblqr via ImageMagick's `-liquid-rescale`) resizes
//! each scene to 80 % and 60 % width, 80 % height, 130 % and 200 % width, and on both
//! axes to 80 % x 80 % and to 16:9 at 80 % width (the orders only there: with one axis
//! they are the same carve). Ours are run as the command line runs them, scaled first
//! when both axes shrink by more than `seam_carver::CARVE_AT_MOST`. With `--extreme`,
//! large removals instead (to 50 % .. 20 % of an axis or of both), the default beside
//! seams alone and other prescale shares, against plain scaling. The objects are
//! measured in the result by their colours:
//! - `kept`: for a removal, the smallest share of an object's extent along the carved
//!   axis that is left (of its area when both axes change), divided by the image's (1 is
//!   plain scaling, above 1 the object was spared, below 1 it was squashed harder than
//!   the image);
//! - `stretch`: for an enlargement, the largest growth of an object divided by the
//!   image's (1 is plain scaling; above 1 the object was stretched more);
//! - `breaks`: thin lines (cables) split into more pieces than they had;
//! - `bend`: how far a straight edge (the roof's) strays from a straight line, in px.
//!
//! A case is a win for the default over liblqr when it is better on some measure beyond
//! the tolerance and worse on none, a loss when it is worse on any, else a tie.

use std::path::PathBuf;
use std::process::Command;

use image::{Rgb, RgbImage};
use seam_carver::{EnergyKind, Order, Request, SeamRule, resize};

/// A small deterministic generator (xorshift64*).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0.0..1.0`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `lo..hi`.
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Roughly Gaussian, mean 0, deviation 1 (sum of four uniforms).
    fn gauss(&mut self) -> f64 {
        ((0..4).map(|_| self.unit()).sum::<f64>() - 2.0) * 1.732
    }
}

/// The backgrounds scenes are drawn on.
#[derive(Clone, Copy, Debug)]
enum Background {
    Uniform,
    Gradient,
    Noise(u8),
    Stripes,
    Sand,
    Grass,
}

impl Background {
    const ALL: [Background; 7] = [
        Background::Uniform,
        Background::Gradient,
        Background::Noise(10),
        Background::Noise(25),
        Background::Stripes,
        Background::Sand,
        Background::Grass,
    ];

    fn name(self) -> String {
        match self {
            Background::Uniform => "uniform".into(),
            Background::Gradient => "gradient".into(),
            Background::Noise(s) => format!("noise{s}"),
            Background::Stripes => "stripes".into(),
            Background::Sand => "sand".into(),
            Background::Grass => "grass".into(),
        }
    }

    /// Fills a `width` x `height` image.
    fn paint(self, width: u32, height: u32, random: &mut Random) -> RgbImage {
        let base = [
            random.range(120.0, 190.0),
            random.range(120.0, 190.0),
            random.range(110.0, 180.0),
        ];
        let clamp = |v: f64| v.round().clamp(0.0, 255.0) as u8;
        // Value noise on a coarse lattice, for sand and grass.
        let lattice: Vec<f64> = (0..64 * 64).map(|_| random.gauss()).collect();
        let smooth = |x: f64, y: f64| {
            let (x0, y0) = (x.floor(), y.floor());
            let (fx, fy) = (x - x0, y - y0);
            let at = |i: f64, j: f64| lattice[((j as usize) % 64) * 64 + (i as usize) % 64];
            let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1.0, y0) * fx;
            let bottom = at(x0, y0 + 1.0) * (1.0 - fx) + at(x0 + 1.0, y0 + 1.0) * fx;
            top * (1.0 - fy) + bottom * fy
        };
        let columns: Vec<f64> = (0..width).map(|_| random.gauss()).collect();
        let period = random.range(6.0, 11.0);
        let mut pixel = |x: u32, y: u32| -> [f64; 3] {
            let (fx, fy) = (x as f64, y as f64);
            match self {
                Background::Uniform => base,
                Background::Gradient => {
                    let t = fy / height as f64;
                    [base[0] - 60.0 * t, base[1] - 30.0 * t, base[2] + 50.0 * t]
                }
                Background::Noise(s) => {
                    let n = random.gauss() * s as f64;
                    [base[0] + n, base[1] + n, base[2] + n]
                }
                Background::Stripes => {
                    let stripe = if (fx / period).floor() as i64 % 2 == 0 {
                        28.0
                    } else {
                        -28.0
                    };
                    let n = random.gauss() * 12.0;
                    [
                        base[0] + stripe + n,
                        base[1] + stripe + n,
                        base[2] + stripe + n,
                    ]
                }
                Background::Sand => {
                    let v = 18.0 * smooth(fx / 9.0, fy / 9.0) + random.gauss() * 14.0;
                    [210.0 + v, 185.0 + v, 140.0 + v]
                }
                Background::Grass => {
                    let v = 14.0 * smooth(fx / 3.0, fy / 14.0)
                        + 10.0 * columns[x as usize]
                        + random.gauss() * 10.0;
                    [70.0 + v, 130.0 + v * 1.3, 50.0 + v * 0.7]
                }
            }
        };
        let mut image = RgbImage::new(width, height);
        for y in 0..height {
            for x in 0..width {
                let p = pixel(x, y);
                image.put_pixel(x, y, Rgb([clamp(p[0]), clamp(p[1]), clamp(p[2])]));
            }
        }
        image
    }
}

/// What is measured of an object.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// An object whose extent should survive (`kept`, `stretch`).
    Solid,
    /// A thin line that should stay in one piece (`breaks`).
    Line,
    /// A shape whose upper outline is two straight edges meeting at a peak (`bend`).
    Roof,
}

/// An object of a scene: its name, what is measured, and the colours it is drawn in
/// (no background uses them).
struct Object {
    name: &'static str,
    kind: Kind,
    colours: Vec<[u8; 3]>,
}

/// A generated scene.
struct Scene {
    name: String,
    image: RgbImage,
    objects: Vec<Object>,
}

const SKIN: [u8; 3] = [236, 176, 146];
const HAIR: [u8; 3] = [70, 40, 20];
const SHIRT: [u8; 3] = [30, 80, 215];
const TROUSERS: [u8; 3] = [40, 40, 90];
const EYE: [u8; 3] = [250, 250, 250];
const PUPIL: [u8; 3] = [20, 20, 20];
const MOUTH: [u8; 3] = [205, 30, 50];
const WALL: [u8; 3] = [245, 235, 200];
const ROOF: [u8; 3] = [150, 35, 25];
const GLASS: [u8; 3] = [30, 60, 110];
const CABLE: [u8; 3] = [10, 10, 10];
const RING: [u8; 3] = [220, 20, 120];
const CAR: [u8; 3] = [250, 210, 0];
const TYRE: [u8; 3] = [25, 25, 25];

fn ellipse(x: f64, y: f64, cx: f64, cy: f64, rx: f64, ry: f64) -> bool {
    let (dx, dy) = ((x - cx) / rx, (y - cy) / ry);
    dx * dx + dy * dy <= 1.0
}

/// Paints every pixel for which `inside(x, y)` holds.
fn fill(image: &mut RgbImage, colour: [u8; 3], inside: impl Fn(f64, f64) -> bool) {
    for y in 0..image.height() {
        for x in 0..image.width() {
            if inside(x as f64 + 0.5, y as f64 + 0.5) {
                image.put_pixel(x, y, Rgb(colour));
            }
        }
    }
}

/// The scenes of one set: every scene on every background, placed by `seed`.
fn scenes(seed: u64) -> Vec<Scene> {
    let mut out = Vec::new();
    let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    for background in Background::ALL {
        for scene in ["person", "face", "building", "ring", "car"] {
            let w = random.range(340.0, 420.0).round() as u32;
            let h = random.range(260.0, 320.0).round() as u32;
            let mut image = background.paint(w, h, &mut random);
            let (fw, fh) = (w as f64, h as f64);
            let cx = random.range(0.3, 0.7) * fw;
            let objects = match scene {
                "person" => {
                    let s = random.range(0.8, 1.15);
                    let top = fh * 0.25;
                    let (hr, bw, bh) = (15.0 * s, 30.0 * s, 80.0 * s);
                    fill(&mut image, TROUSERS, |x, y| {
                        y >= top + 2.0 * hr + bh - 4.0
                            && y < top + 2.0 * hr + bh + 60.0 * s
                            && ((x - (cx - bw * 0.28)).abs() < bw * 0.2
                                || (x - (cx + bw * 0.28)).abs() < bw * 0.2)
                    });
                    fill(&mut image, SHIRT, |x, y| {
                        let t = (y - (top + 2.0 * hr)) / bh;
                        (0.0..1.0).contains(&t) && (x - cx).abs() < bw * (0.5 + 0.1 * t)
                    });
                    fill(&mut image, SKIN, |x, y| {
                        ellipse(x, y, cx, top + hr + 2.0, hr * 0.85, hr)
                    });
                    fill(&mut image, HAIR, |x, y| {
                        ellipse(x, y, cx, top + hr * 0.75, hr * 0.9, hr * 0.7) && y < top + hr
                    });
                    vec![
                        Object {
                            name: "face",
                            kind: Kind::Solid,
                            colours: vec![SKIN],
                        },
                        Object {
                            name: "hair",
                            kind: Kind::Solid,
                            colours: vec![HAIR],
                        },
                        Object {
                            name: "body",
                            kind: Kind::Solid,
                            colours: vec![SHIRT],
                        },
                    ]
                }
                "face" => {
                    let cy = fh * random.range(0.45, 0.55);
                    let (rx, ry) = (fw * 0.2, fh * 0.36);
                    fill(&mut image, SKIN, |x, y| ellipse(x, y, cx, cy, rx, ry));
                    for side in [-1.0, 1.0] {
                        let ex = cx + side * rx * 0.42;
                        let ey = cy - ry * 0.25;
                        fill(&mut image, EYE, |x, y| {
                            ellipse(x, y, ex, ey, rx * 0.24, ry * 0.12)
                        });
                        fill(&mut image, PUPIL, |x, y| {
                            ellipse(x, y, ex, ey, rx * 0.08, ry * 0.08)
                        });
                    }
                    fill(&mut image, MOUTH, |x, y| {
                        ellipse(x, y, cx, cy + ry * 0.45, rx * 0.45, ry * 0.1)
                    });
                    vec![
                        Object {
                            name: "face",
                            kind: Kind::Solid,
                            colours: vec![SKIN, EYE, PUPIL, MOUTH],
                        },
                        Object {
                            name: "eyes",
                            kind: Kind::Solid,
                            colours: vec![EYE, PUPIL],
                        },
                        Object {
                            name: "mouth",
                            kind: Kind::Solid,
                            colours: vec![MOUTH],
                        },
                    ]
                }
                "building" => {
                    let (bw, base) = (fw * random.range(0.25, 0.35), fh * 0.92);
                    let eaves = fh * 0.45;
                    let peak = fh * random.range(0.15, 0.25);
                    fill(&mut image, WALL, |x, y| {
                        (x - cx).abs() < bw / 2.0 && y >= eaves && y < base
                    });
                    fill(&mut image, ROOF, |x, y| {
                        let half = (bw / 2.0 + 8.0) * (y - peak) / (eaves - peak);
                        y >= peak && y < eaves && (x - cx).abs() < half
                    });
                    for row in 0..3 {
                        for col in 0..3 {
                            let wx = cx - bw / 2.0 + bw * (col as f64 + 0.5) / 3.0;
                            let wy = eaves + (base - eaves) * (row as f64 + 0.5) / 3.5;
                            fill(&mut image, GLASS, |x, y| {
                                (x - wx).abs() < bw * 0.1 && (y - wy).abs() < (base - eaves) * 0.08
                            });
                        }
                    }
                    // Two cables across the sky, one pixel thick, gently sloping.
                    for (y0, slope) in [(fh * 0.08, 0.12), (fh * 0.3, -0.07)] {
                        for x in 0..w {
                            let y = (y0 + slope * x as f64).round();
                            if y >= 0.0
                                && y < fh
                                && !image_is(&image, x, y as u32, &[ROOF, WALL, GLASS])
                            {
                                image.put_pixel(x, y as u32, Rgb(CABLE));
                            }
                        }
                    }
                    vec![
                        Object {
                            name: "building",
                            kind: Kind::Solid,
                            colours: vec![WALL, ROOF, GLASS],
                        },
                        Object {
                            name: "roof",
                            kind: Kind::Roof,
                            colours: vec![ROOF],
                        },
                        Object {
                            name: "cables",
                            kind: Kind::Line,
                            colours: vec![CABLE],
                        },
                    ]
                }
                "ring" => {
                    let cy = fh * 0.5;
                    let r = fh * random.range(0.25, 0.35);
                    fill(&mut image, RING, |x, y| {
                        let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
                        (r - 9.0..r).contains(&d)
                    });
                    vec![Object {
                        name: "ring",
                        kind: Kind::Solid,
                        colours: vec![RING],
                    }]
                }
                _ => {
                    let (cw, ch) = (fw * random.range(0.25, 0.33), fh * 0.14);
                    let base = fh * 0.75;
                    fill(&mut image, CAR, |x, y| {
                        ((x - cx).abs() < cw / 2.0 && y >= base - ch && y < base)
                            || ((x - cx).abs() < cw * 0.3 && y >= base - ch * 1.8 && y < base - ch)
                    });
                    for side in [-1.0, 1.0] {
                        let wx = cx + side * cw * 0.3;
                        fill(&mut image, TYRE, |x, y| {
                            ellipse(x, y, wx, base, ch * 0.45, ch * 0.45)
                        });
                    }
                    vec![Object {
                        name: "car",
                        kind: Kind::Solid,
                        colours: vec![CAR, TYRE],
                    }]
                }
            };
            out.push(Scene {
                name: format!("{scene}-{}", background.name()),
                image,
                objects,
            });
        }
    }
    out
}

fn image_is(image: &RgbImage, x: u32, y: u32, colours: &[[u8; 3]]) -> bool {
    colours.contains(&image.get_pixel(x, y).0)
}

/// Whether a pixel has one of `colours` (within a few levels: resampling by liblqr and
/// averaging when enlarging keep flat colours flat).
fn is_one_of(p: [u8; 3], colours: &[[u8; 3]]) -> bool {
    colours
        .iter()
        .any(|c| (0..3).map(|i| p[i].abs_diff(c[i]) as u32).sum::<u32>() <= 12)
}

/// Pixels of an object (by colour) in `image`.
fn area(image: &RgbImage, colours: &[[u8; 3]]) -> f64 {
    image.pixels().filter(|p| is_one_of(p.0, colours)).count() as f64
}

/// 8-connected pieces of an object of at least 3 pixels.
fn pieces(image: &RgbImage, colours: &[[u8; 3]]) -> u32 {
    let (w, h) = (image.width() as i64, image.height() as i64);
    let mut seen = vec![false; (w * h) as usize];
    let mut count = 0;
    for start in 0..w * h {
        if seen[start as usize]
            || !is_one_of(
                image.get_pixel((start % w) as u32, (start / w) as u32).0,
                colours,
            )
        {
            continue;
        }
        let mut stack = vec![start];
        seen[start as usize] = true;
        let mut size = 0;
        while let Some(i) = stack.pop() {
            size += 1;
            let (x, y) = (i % w, i / w);
            for dy in -1..=1 {
                for dx in -1..=1 {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx < 0 || ny < 0 || nx >= w || ny >= h {
                        continue;
                    }
                    let j = ny * w + nx;
                    if !seen[j as usize]
                        && is_one_of(image.get_pixel(nx as u32, ny as u32).0, colours)
                    {
                        seen[j as usize] = true;
                        stack.push(j);
                    }
                }
            }
        }
        count += (size >= 3) as u32;
    }
    count
}

/// How far the roof's upper outline strays from two straight edges: the RMS distance, in
/// pixels, of each column's topmost roof pixel from the least-squares line of its side
/// of the peak.
fn bend(image: &RgbImage, colours: &[[u8; 3]]) -> f64 {
    let tops: Vec<(f64, f64)> = (0..image.width())
        .filter_map(|x| {
            (0..image.height())
                .find(|&y| is_one_of(image.get_pixel(x, y).0, colours))
                .map(|y| (x as f64, y as f64))
        })
        .collect();
    if tops.len() < 6 {
        return 0.0;
    }
    let peak = tops
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.1.total_cmp(&b.1.1))
        .map(|(i, _)| i)
        .unwrap_or(0);
    let residual = |points: &[(f64, f64)]| -> (f64, usize) {
        // The outer columns are the eaves' corners: the edges proper lie between.
        let n = points.len();
        if n < 4 {
            return (0.0, 0);
        }
        let points = &points[1..n - 1];
        let m = points.len() as f64;
        let (sx, sy) = points
            .iter()
            .fold((0.0, 0.0), |(a, b), p| (a + p.0, b + p.1));
        let (mx, my) = (sx / m, sy / m);
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
        let ss: f64 = points
            .iter()
            .map(|p| (p.1 - (my + slope * (p.0 - mx))).powi(2))
            .sum();
        (ss, points.len())
    };
    let (a, n) = residual(&tops[..=peak]);
    let (b, k) = residual(&tops[peak..]);
    if n + k == 0 {
        0.0
    } else {
        ((a + b) / (n + k) as f64).sqrt()
    }
}

/// A resize: which axes, by how much (percent).
#[derive(Clone, Copy, PartialEq)]
enum Size {
    /// The width to this percentage.
    Width(u32),
    /// The height to this percentage.
    Height(u32),
    /// Both axes to this percentage.
    Both(u32),
    /// The width to this percentage and the height to make it 16:9.
    Wide(u32),
}

impl Size {
    /// Removals well beyond the usual, for `--extreme`.
    const EXTREME: [Size; 10] = [
        Size::Width(50),
        Size::Width(40),
        Size::Width(30),
        Size::Width(20),
        Size::Height(50),
        Size::Height(30),
        Size::Both(50),
        Size::Both(30),
        Size::Both(20),
        Size::Wide(50),
    ];

    const ALL: [Size; 7] = [
        Size::Width(80),
        Size::Width(60),
        Size::Height(80),
        Size::Width(130),
        Size::Width(200),
        Size::Both(80),
        Size::Wide(80),
    ];

    fn label(self) -> String {
        match self {
            Size::Width(p) => format!("{p}% width"),
            Size::Height(p) => format!("{p}% height"),
            Size::Both(p) => format!("{p}%x{p}%"),
            Size::Wide(p) => format!("16:9 at {p}% width"),
        }
    }

    /// A short name for the gallery's files.
    fn tag(self) -> String {
        match self {
            Size::Width(p) => format!("{p}"),
            Size::Height(p) => format!("{p}h"),
            Size::Both(p) => format!("{p}x{p}"),
            Size::Wide(p) => format!("{p}-16x9"),
        }
    }

    /// Whether both axes change, so that the order of their seams matters.
    fn two_axes(self) -> bool {
        matches!(self, Size::Both(_) | Size::Wide(_))
    }

    fn target(self, image: &RgbImage) -> (u32, u32) {
        let (w, h) = image.dimensions();
        let scale = |v: u32, p: u32| (v * p).div_ceil(100);
        match self {
            Size::Width(p) => (scale(w, p), h),
            Size::Height(p) => (w, scale(h, p)),
            Size::Both(p) => (scale(w, p), scale(h, p)),
            Size::Wide(p) => {
                let width = scale(w, p);
                (width, (width * 9 + 8) / 16)
            }
        }
    }

    /// How much the image grew (below 1: shrank): along the carved axis, or in area when
    /// both change.
    fn factor(self, (w, h): (u32, u32), (rw, rh): (u32, u32)) -> f64 {
        match self {
            Size::Width(_) => rw as f64 / w as f64,
            Size::Height(_) => rh as f64 / h as f64,
            Size::Both(_) | Size::Wide(_) => (rw * rh) as f64 / (w * h) as f64,
        }
    }
}

/// A way to resize.
#[derive(Clone, Copy, PartialEq)]
enum Method {
    Ours(EnergyKind, Order),
    Liblqr,
    /// Plain scaling (Lanczos3), the baseline of `--extreme`.
    Scale,
    /// The default energy and order after scaling first so that seams take at most this
    /// percentage of either axis ([`seam_carver::prescale`]; 100: seams alone).
    Prescaled(u8),
}

impl Method {
    fn name(self) -> String {
        match self {
            Method::Ours(kind, Order::WidthFirst) => kind.to_string(),
            Method::Ours(kind, order) => format!("{kind} {order}"),
            Method::Liblqr => "liblqr".into(),
            Method::Scale => "scaling".into(),
            Method::Prescaled(100) => "seams alone".into(),
            Method::Prescaled(most) => format!("scaled to {most} %"),
        }
    }

    /// Whether this method is tried at `size`: other orders only where both axes change.
    fn tried_at(self, size: Size) -> bool {
        match self {
            Method::Ours(_, order) => order == Order::WidthFirst || size.two_axes(),
            Method::Liblqr | Method::Scale | Method::Prescaled(_) => true,
        }
    }

    fn run(self, image: &RgbImage, (width, height): (u32, u32)) -> Option<RgbImage> {
        match self {
            // As the command line does: scaled first when both axes shrink by more than
            // `CARVE_AT_MOST`.
            Method::Ours(energy, order) => {
                let request = Request {
                    energy,
                    order,
                    ..Request::new(width, height, SeamRule::Optimal)
                };
                scaled_first(image, &request, seam_carver::CARVE_AT_MOST)
            }
            Method::Liblqr => liblqr(image, width, height),
            Method::Scale => Some(seam_carver::scale(image, width, height)),
            Method::Prescaled(most) => scaled_first(image, &Request::to(width, height), most),
        }
    }
}

/// `request`'s carve of `image`, scaled first when seams would take more than `most`
/// percent of either axis ([`Request::prescale`], as the command line's
/// `--carve-at-most`).
fn scaled_first(image: &RgbImage, request: &Request, most: u8) -> Option<RgbImage> {
    let (w, h) = image.dimensions();
    let scaled = match request.prescale(w, h, most) {
        Some((sw, sh)) => seam_carver::scale(image, sw, sh),
        None => image.clone(),
    };
    resize(&scaled, request).ok().map(|c| c.image)
}

/// ImageMagick's `-liquid-rescale` to `width` x `height`, or `None` without ImageMagick.
fn liblqr(image: &RgbImage, width: u32, height: u32) -> Option<RgbImage> {
    let dir = tempfile::tempdir().ok()?;
    let (input, output) = (dir.path().join("in.png"), dir.path().join("out.png"));
    image.save(&input).ok()?;
    let status = Command::new("convert")
        .arg(&input)
        .args(["-liquid-rescale", &format!("{width}x{height}!")])
        .arg(&output)
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    let out = image::open(&output).ok()?.to_rgb8();
    (out.dimensions() == (width, height)).then_some(out)
}

/// The measures of one result: `(kept or stretch, breaks, bend)`, the first with the
/// object it comes from.
#[derive(Clone, Debug)]
struct Measures {
    /// Removal: the smallest kept share (higher is better); enlargement: the largest
    /// stretch (lower is better).
    extent: f64,
    worst: &'static str,
    breaks: i64,
    bend: f64,
}

fn measure(scene: &Scene, size: Size, result: &RgbImage) -> Measures {
    let factor = size.factor(scene.image.dimensions(), result.dimensions());
    let grows = factor > 1.0;
    let mut m = Measures {
        extent: if grows { 0.0 } else { f64::MAX },
        worst: "",
        breaks: 0,
        bend: 0.0,
    };
    for object in &scene.objects {
        match object.kind {
            Kind::Solid => {
                let before = area(&scene.image, &object.colours);
                if before == 0.0 {
                    continue;
                }
                let share = area(result, &object.colours) / before / factor;
                if (grows && share > m.extent) || (!grows && share < m.extent) {
                    m.extent = share;
                    m.worst = object.name;
                }
            }
            Kind::Line => {
                m.breaks += pieces(result, &object.colours) as i64
                    - pieces(&scene.image, &object.colours) as i64;
            }
            Kind::Roof => m.bend = bend(result, &object.colours),
        }
    }
    m
}

/// Tolerances within which two measures tie.
const EXTENT_TIE: f64 = 0.05;
const BEND_TIE: f64 = 0.5;

/// `Some(true)` when `ours` is better, `Some(false)` worse, `None` a tie, on each measure;
/// the verdict: "win", "tie" or "loss".
fn verdict(ours: &Measures, theirs: &Measures, grows: bool) -> &'static str {
    let extent = if grows {
        theirs.extent - ours.extent
    } else {
        ours.extent - theirs.extent
    };
    let mut better = false;
    let mut worse = false;
    let mut judge = |gain: f64, tie: f64| {
        if gain > tie {
            better = true;
        } else if gain < -tie {
            worse = true;
        }
    };
    judge(extent, EXTENT_TIE);
    // Pieces of a cable: a tie within 5 % of the larger count, any single break counting
    // where there are few (at 200 %
    // both carves leave some 60 fragments of anti-aliased cable that look the same).
    let pieces = theirs.breaks.abs().max(ours.breaks.abs()) as f64;
    judge(
        (theirs.breaks.abs() - ours.breaks.abs()) as f64,
        (pieces * 0.05).max(0.5),
    );
    judge(theirs.bend - ours.bend, BEND_TIE);
    match (better, worse) {
        (_, true) => "loss",
        (true, false) => "win",
        _ => "tie",
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut set = "tuning".to_string();
    let mut gallery: Option<PathBuf> = None;
    let mut only: Option<String> = None;
    let mut extreme = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--set" => {
                set = args
                    .next()
                    .ok_or("--set needs tuning, validation or holdout")?
            }
            "--extreme" => extreme = true,
            "--gallery" => gallery = args.next().map(PathBuf::from),
            "--only" => only = args.next(),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let seed = match set.as_str() {
        "tuning" => 1,
        "validation" => 2,
        "holdout" => 3,
        other => return Err(format!("--set {other}: tuning, validation or holdout").into()),
    };
    if liblqr(&RgbImage::from_pixel(8, 4, Rgb([0; 3])), 6, 4).is_none() {
        return Err(
            "ImageMagick's convert with liblqr is needed (apt-get install imagemagick)".into(),
        );
    }
    let default = Method::Ours(EnergyKind::default(), Order::default());
    // The sizes, and the methods compared with the last of them.
    let (sizes, methods): (&[Size], Vec<Method>) = if extreme {
        // Large removals: where does carving lose to plain scaling?
        let mut methods = vec![default];
        methods.extend([100, 50, 70].map(Method::Prescaled));
        methods.extend([Method::Liblqr, Method::Scale]);
        (&Size::EXTREME, methods)
    } else {
        let mut methods: Vec<Method> = EnergyKind::ALL
            .iter()
            .map(|&k| Method::Ours(k, Order::WidthFirst))
            .collect();
        // The orders, tried where both axes change.
        for order in [Order::Interleaved, Order::Optimal] {
            methods.push(Method::Ours(EnergyKind::default(), order));
        }
        methods.push(Method::Liblqr);
        (&Size::ALL, methods)
    };
    let l = methods.len() - 1;
    let d = methods
        .iter()
        .position(|m| *m == default)
        .expect("the default is listed");
    println!(
        "Object measures, {set} set: kept (removal, higher is better) or stretch \
         (enlargement, lower is better) of the worst object (along the carved axis; in area \
         when both change) · cable breaks · roof bend (px)\n"
    );
    println!(
        "| scene | size | {} | {} vs {} |",
        methods
            .iter()
            .map(|m| m.name())
            .collect::<Vec<_>>()
            .join(" | "),
        default.name(),
        methods[l].name()
    );
    println!("|---|---|{}---|", "---|".repeat(methods.len()));
    // Per size, per method: wins, ties and losses against liblqr, and the extents' sum.
    let mut tally = vec![vec![[0u32; 3]; methods.len()]; sizes.len()];
    let mut sums = vec![vec![0.0f64; methods.len()]; sizes.len()];
    let mut counts = vec![0u32; sizes.len()];
    for scene in scenes(seed) {
        if only
            .as_ref()
            .is_some_and(|o| !scene.name.contains(o.as_str()))
        {
            continue;
        }
        for (s, &size) in sizes.iter().enumerate() {
            let target = size.target(&scene.image);
            let results: Vec<Option<RgbImage>> = methods
                .iter()
                .map(|m| {
                    m.tried_at(size)
                        .then(|| m.run(&scene.image, target))
                        .flatten()
                })
                .collect();
            let measures: Vec<Option<Measures>> = results
                .iter()
                .map(|r| r.as_ref().map(|r| measure(&scene, size, r)))
                .collect();
            let cells: Vec<String> = measures
                .iter()
                .map(|m| match m {
                    Some(m) => {
                        format!("{:.2} {} · {} · {:.1}", m.extent, m.worst, m.breaks, m.bend)
                    }
                    None => "·".into(),
                })
                .collect();
            let grows = target.0 > scene.image.width();
            let calls: Vec<&str> = measures
                .iter()
                .map(|m| match (m, &measures[l]) {
                    (Some(a), Some(b)) => verdict(a, b, grows),
                    _ => "—",
                })
                .collect();
            for (m, call) in calls.iter().enumerate() {
                if let Some(i) = ["win", "tie", "loss"].iter().position(|v| v == call) {
                    tally[s][m][i] += 1;
                }
            }
            counts[s] += 1;
            for (i, m) in measures.iter().enumerate() {
                sums[s][i] += m.as_ref().map_or(0.0, |m| m.extent);
            }
            println!(
                "| {} | {} | {} | {} |",
                scene.name,
                size.label(),
                cells.join(" | "),
                calls[d]
            );
            if let Some(dir) = &gallery
                && let (Some(a), Some(b)) = (&results[d], &results[l])
            {
                std::fs::create_dir_all(dir)?;
                let name = format!("{}-{}", scene.name, size.tag());
                // The input, the default, then (with --extreme, every method) the last.
                let mut shown = vec![&scene.image, a];
                if extreme {
                    shown.extend(results[d + 1..l].iter().flatten());
                }
                shown.push(b);
                beside(&shown).save(dir.join(format!("{name}.png")))?;
            }
        }
    }
    println!();
    for (s, &size) in sizes.iter().enumerate() {
        let tried: Vec<usize> = (0..methods.len())
            .filter(|&m| methods[m].tried_at(size))
            .collect();
        let means: Vec<String> = tried
            .iter()
            .map(|&m| format!("{:.2}", sums[s][m] / counts[s].max(1) as f64))
            .collect();
        let names: Vec<String> = tried.iter().map(|&m| methods[m].name()).collect();
        let verdicts: Vec<String> = tried
            .iter()
            .filter(|&&m| m != l && (m == d || size.two_axes() || extreme))
            .map(|&m| {
                let [w, t, x] = tally[s][m];
                format!(
                    "{} vs {}: {w} wins, {t} ties, {x} losses",
                    methods[m].name(),
                    methods[l].name()
                )
            })
            .collect();
        println!(
            "{}: mean extent {} ({}); {}",
            size.label(),
            means.join(" / "),
            names.join(" / "),
            verdicts.join("; ")
        );
    }
    Ok(())
}

/// Images side by side with white gaps: the input, ours, liblqr's.
fn beside(images: &[&RgbImage]) -> RgbImage {
    let gap = 8;
    let width = images.iter().map(|i| i.width() + gap).sum::<u32>() - gap;
    let height = images.iter().map(|i| i.height()).max().unwrap_or(0);
    let mut out = RgbImage::from_pixel(width, height, Rgb([255; 3]));
    let mut x = 0;
    for image in images {
        image::imageops::replace(&mut out, *image, x as i64, 0);
        x += image.width() + gap;
    }
    out
}
