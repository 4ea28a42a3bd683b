//! The carving loop: find a seam, remove it, update the energy near it, repeat.

use image::RgbImage;

use crate::energy::{energy_map, pixel_energy};
use crate::error::{Error, Result};
use crate::seam::{SeamRule, cost_span, cumulative_cost, trace_seam};

/// One removed seam, in the coordinates of the image it was removed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seam {
    /// Column of the seam in each row, top row first.
    pub path: Vec<u32>,
    /// Sum of the energy along the seam.
    pub cost: u64,
}

/// The result of a carve: the smaller image and the seams taken, in removal order.
#[derive(Clone, Debug)]
pub struct Carved {
    /// The carved image.
    pub image: RgbImage,
    /// The vertical seams, first removed first, each in the image it was removed from.
    pub seams: Vec<Seam>,
    /// The horizontal seams, removed after the vertical ones: each `path` holds the seam's
    /// row in each column, left to right.
    pub horizontal: Vec<Seam>,
    /// The energy map of the input, row by row (the example's gradients picture).
    pub energy: Vec<u16>,
}

/// Removes vertical seams from an RGB image one at a time, keeping the energy map up to
/// date by recomputing it only next to each removed seam.
///
/// ```
/// use seam_carver::{Carver, SeamRule};
/// let image = image::RgbImage::from_fn(8, 4, |x, y| image::Rgb([(x * 30) as u8, (y * 60) as u8, 0]));
/// let mut carver = Carver::new(&image);
/// let seam = carver.remove_seam(SeamRule::Optimal);
/// assert_eq!(seam.path.len(), 4);
/// assert_eq!(carver.width(), 7);
/// ```
pub struct Carver {
    width: usize,
    height: usize,
    stride: usize,
    rgb: Vec<[u8; 3]>,
    energy: Vec<u16>,
    cost: Vec<u32>,
    cost_valid: bool,
    scratch: Vec<u32>,
}

impl Carver {
    /// Starts a carve of `image`.
    pub fn new(image: &RgbImage) -> Self {
        let (width, height) = (image.width() as usize, image.height() as usize);
        let rgb: Vec<[u8; 3]> = image.pixels().map(|p| p.0).collect();
        let energy = energy_map(&rgb, width, width, height);
        Carver {
            width,
            height,
            stride: width,
            rgb,
            energy,
            cost: vec![0; width * height],
            cost_valid: false,
            scratch: Vec::new(),
        }
    }

    /// Current width in pixels.
    pub fn width(&self) -> u32 {
        self.width as u32
    }

    /// Current height in pixels.
    pub fn height(&self) -> u32 {
        self.height as u32
    }

    /// The current energy of every pixel, row by row (`width * height` values).
    pub fn energy(&self) -> Vec<u16> {
        (0..self.height)
            .flat_map(|y| self.energy[y * self.stride..y * self.stride + self.width].iter())
            .copied()
            .collect()
    }

    /// The cumulative cost map the next seam will be traced through, row by row
    /// (`width * height` values).
    pub fn cost(&mut self) -> Vec<u32> {
        self.ensure_cost();
        (0..self.height)
            .flat_map(|y| self.cost[y * self.stride..y * self.stride + self.width].iter())
            .copied()
            .collect()
    }

    fn ensure_cost(&mut self) {
        if !self.cost_valid {
            let (w, h, s) = (self.width, self.height, self.stride);
            cumulative_cost(&self.energy, s, w, h, &mut self.cost);
            self.cost_valid = true;
        }
    }

    /// Finds the next seam with `rule`, removes it and returns it. The width must be at
    /// least 2.
    pub fn remove_seam(&mut self, rule: SeamRule) -> Seam {
        assert!(self.width >= 2, "cannot remove a seam from a width below 2");
        self.ensure_cost();
        let (w, h, s) = (self.width, self.height, self.stride);
        let path = trace_seam(&self.cost, s, w, h, rule);
        let cost = path
            .iter()
            .enumerate()
            .map(|(y, &x)| self.energy[y * s + x as usize] as u64)
            .sum();
        for (y, &x) in path.iter().enumerate() {
            let x = x as usize;
            let row = y * s;
            self.rgb.copy_within(row + x + 1..row + w, row + x);
            self.energy.copy_within(row + x + 1..row + w, row + x);
            self.cost.copy_within(row + x + 1..row + w, row + x);
        }
        self.width -= 1;
        self.update_energy(&path);
        self.update_cost(&path);
        Seam { path, cost }
    }

    /// Brings the cost map up to date after the removal of `path`, recomputing only the
    /// cells whose inputs may have changed: in row `y`, the band the seam touched (new
    /// energy, or new neighbours above) and the cells below any cell of row `y - 1`
    /// whose cost really changed. Costs are compared exactly, so a change that dies out
    /// stops spreading.
    fn update_cost(&mut self, path: &[u32]) {
        let (w, h, s) = (self.width, self.height, self.stride);
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.resize(w, 0);
        let mut changed: Option<(usize, usize)> = None;
        for y in 0..h {
            let (mut from, mut to) = seam_band(path, y, w);
            if let Some((a, b)) = changed {
                from = from.min(a.saturating_sub(1));
                to = to.max((b + 1).min(w - 1));
            }
            let row = y * s;
            let fresh = &mut scratch[from..=to];
            let energy = &self.energy[row + from..=row + to];
            if y == 0 {
                for (c, &e) in fresh.iter_mut().zip(energy) {
                    *c = e as u32;
                }
            } else {
                cost_span(energy, &self.cost[row - s..row - s + w], from, fresh);
            }
            let here = &mut self.cost[row + from..=row + to];
            changed = match fresh.iter().zip(here.iter()).position(|(a, b)| a != b) {
                None => None,
                Some(first) => {
                    let last = fresh
                        .iter()
                        .zip(here.iter())
                        .rposition(|(a, b)| a != b)
                        .unwrap_or(first);
                    here[first..=last].copy_from_slice(&fresh[first..=last]);
                    Some((from + first, from + last))
                }
            };
        }
        self.scratch = scratch;
    }

    /// Recomputes the energy of the pixels whose 3x3 neighbourhood the removal of `path`
    /// changed: in row `y`, the columns from `min - 1` to `max` of the seam's columns in
    /// rows `y - 1 ..= y + 1`.
    fn update_energy(&mut self, path: &[u32]) {
        let (w, h, s) = (self.width, self.height, self.stride);
        for y in 0..h {
            let (lo, hi) = seam_band(path, y, w);
            for x in lo..=hi {
                self.energy[y * s + x] = pixel_energy(&self.rgb, s, w, h, x, y);
            }
        }
    }

    /// The image as it is now.
    pub fn image(&self) -> RgbImage {
        let mut raw = Vec::with_capacity(self.width * self.height * 3);
        for y in 0..self.height {
            for p in &self.rgb[y * self.stride..y * self.stride + self.width] {
                raw.extend_from_slice(p);
            }
        }
        RgbImage::from_raw(self.width as u32, self.height as u32, raw)
            .expect("buffer length matches dimensions")
    }
}

/// The columns of row `y` (in the narrowed image, `width` wide) next to a removed
/// seam: from one left of the seam's leftmost column in rows `y - 1 ..= y + 1` to its
/// rightmost. Their energy may have changed (their 3x3 neighbourhood did), and so may
/// the cells above them in the cost map.
fn seam_band(path: &[u32], y: usize, width: usize) -> (usize, usize) {
    let rows = &path[y.saturating_sub(1)..(y + 2).min(path.len())];
    let lo = *rows.iter().min().expect("a seam has a row") as usize;
    let hi = *rows.iter().max().expect("a seam has a row") as usize;
    (lo.saturating_sub(1), hi.min(width - 1))
}

/// Checks that `seams` vertical seams can be removed from an image of this size.
pub fn check_removal(width: u32, height: u32, seams: u32) -> Result<()> {
    if width < 2 || height < 1 {
        return Err(Error::Size(format!(
            "image is {width}x{height}; seam carving needs a width of at least 2"
        )));
    }
    if seams >= width {
        return Err(Error::Size(format!(
            "cannot remove {seams} seams from an image {width} pixels wide (at least 1 column must remain)"
        )));
    }
    Ok(())
}

/// Checks that `seams` horizontal seams can be removed from an image of this size.
pub fn check_height_removal(width: u32, height: u32, seams: u32) -> Result<()> {
    if seams == 0 {
        return Ok(());
    }
    if height < 2 {
        return Err(Error::Size(format!(
            "image is {width}x{height}; carving its height needs a height of at least 2"
        )));
    }
    if seams >= height {
        return Err(Error::Size(format!(
            "cannot remove {seams} seams from an image {height} pixels high (at least 1 row must remain)"
        )));
    }
    Ok(())
}

/// The image mirrored along its diagonal: rows become columns. A horizontal seam of an
/// image is a vertical seam of its transpose (Sobel energy is the same, transposed).
pub fn transpose(image: &RgbImage) -> RgbImage {
    RgbImage::from_fn(image.height(), image.width(), |x, y| *image.get_pixel(y, x))
}

/// Removes `vertical` seams, then `horizontal` seams (as vertical seams of the
/// transpose, so ties go straight, then up, then down), calling `progress(done, total)`
/// after each.
pub fn carve(
    image: &RgbImage,
    vertical: u32,
    horizontal: u32,
    rule: SeamRule,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<Carved> {
    check_removal(image.width(), image.height(), vertical)?;
    check_height_removal(image.width() - vertical, image.height(), horizontal)?;
    let total = vertical + horizontal;
    let mut carver = Carver::new(image);
    let energy = carver.energy();
    let mut seams = Vec::with_capacity(vertical as usize);
    for i in 0..vertical {
        seams.push(carver.remove_seam(rule));
        progress(i + 1, total);
    }
    let mut result = carver.image();
    drop(carver);
    let mut horizontal_seams = Vec::with_capacity(horizontal as usize);
    if horizontal > 0 {
        let mut carver = Carver::new(&transpose(&result));
        for i in 0..horizontal {
            horizontal_seams.push(carver.remove_seam(rule));
            progress(vertical + i + 1, total);
        }
        result = transpose(&carver.image());
    }
    Ok(Carved {
        image: result,
        seams,
        horizontal: horizontal_seams,
        energy,
    })
}

/// Removes `seams` vertical seams from `image` with `rule`, calling `progress(done, total)`
/// after each one.
pub fn carve_width(
    image: &RgbImage,
    seams: u32,
    rule: SeamRule,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<Carved> {
    carve(image, seams, 0, rule, progress)
}
