//! The carving loop: find a seam, remove it, update the energy near it, repeat.

use image::RgbImage;

use crate::energy::EnergyMap;

use crate::energy::{
    EnergyKind, across, energy_between, energy_map, energy_map_on, forward_steps, neighbour_rows,
    pack_steps, straight_step,
};
use crate::error::{Axis, Error, Result};
use crate::guided::{Field, Key, PROTECT, REMOVE};
use crate::mask::{Mask, flags};
use crate::parallel::available;
use crate::rows::Rows;
use crate::seam::{LANES, SeamRule, cost_span, forward_cost_span, trace_forward, trace_seam};

/// What the seams a carver finds are for: salient energy weighs thin lines for removal
/// only (see `salient`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Seams to remove.
    Removal,
    /// Seams to insert pixels beside.
    Insertion,
}

/// One seam, in the coordinates of the image it was removed from (or, for an inserted
/// seam, of the image it was inserted into).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seam {
    /// Column of the seam in each row, top row first.
    pub path: Vec<u32>,
    /// Sum of the energy along the seam (or of the forward-energy steps).
    pub cost: u64,
    /// For an inserted seam, the insertion pass it belongs to (1, 2, ...): the seams of a
    /// pass are all given in the image as it was before that pass, and after each of their
    /// pixels a new one was inserted. `None` for a removed seam.
    pub inserted: Option<u32>,
}

/// Maps each seam (in removal order, each in the coordinates of the image it was removed
/// from) to columns of the original image; returns, per seam, the original column in each
/// row, top row first.
///
/// `Optimal` uses the exact mapping. `Imageproc` reproduces imageproc 0.27's
/// `draw_vertical_seams`, which shifts a column once for every earlier seam in that row
/// whose *original* column is left of the seam's *current* column, and so can map two
/// seams onto one column.
pub(crate) fn original_columns(
    seams: &[Seam],
    width: u32,
    height: u32,
    rule: SeamRule,
) -> Vec<Vec<u32>> {
    let h = height as usize;
    match rule {
        SeamRule::Optimal => {
            let mut alive: Vec<Vec<u32>> = vec![(0..width).collect(); h];
            seams
                .iter()
                .map(|seam| {
                    seam.path
                        .iter()
                        .zip(alive.iter_mut())
                        .map(|(&x, row)| row.remove(x as usize))
                        .collect()
                })
                .collect()
        }
        SeamRule::Imageproc => {
            let mut offsets: Vec<Vec<u32>> = vec![Vec::new(); h];
            seams
                .iter()
                .map(|seam| {
                    seam.path
                        .iter()
                        .zip(offsets.iter_mut())
                        .map(|(&x, row)| {
                            let original = x + row.iter().filter(|&&o| o < x).count() as u32;
                            row.push(original);
                            original
                        })
                        .collect()
                })
                .collect()
        }
    }
}

/// Removes vertical seams from an RGB image one at a time, keeping the energy map up to
/// date by recomputing it only next to each removed seam.
///
/// The cost map is updated incrementally too, under either energy; with masks
/// ([`Carver::with_masks`]) a map of lexicographic keys (protected pixels crossed, object
/// pixels missed, cost) takes its place, kept the same way.
///
/// ```
/// use seam_carver::{Carver, SeamRule};
/// let image = image::RgbImage::from_fn(8, 4, |x, y| image::Rgb([(x * 30) as u8, (y * 60) as u8, 0]));
/// let mut carver = Carver::new(&image);
/// let seam = carver.remove_seam(SeamRule::Optimal)?;
/// assert_eq!(seam.path.len(), 4);
/// assert_eq!(carver.width(), 7);
/// # Ok::<(), seam_carver::Error>(())
/// ```
pub struct Carver {
    rows: Rows,
    rgb: Vec<[u8; 3]>,
    /// Salient energy's smoothed copy of the pixels, which forward steps are measured
    /// on (see `salient`); empty under other energies.
    guide: Vec<[u8; 3]>,
    /// Under forward and salient energy, each pixel's step costs (`[up-left, up,
    /// up-right]`, its weight added, packed by `pack_steps`), kept like the energy:
    /// computed once, then only next to each removed seam. Empty otherwise. The
    /// weights are not kept: a cell's straight step less the distance between its
    /// neighbours gives its weight back (see [`weights_before_removal`]), one buffer
    /// fewer to shift with every removed pixel.
    steps: Vec<u32>,
    /// Sobel energy: kept under backward energy only, else empty.
    energy: Vec<u16>,
    cost: Vec<u32>,
    cost_valid: bool,
    scratch: Vec<u32>,
    kind: EnergyKind,
    flags: Vec<u8>,
    keys: Vec<Key>,
    key_scratch: Vec<Key>,
    to_remove: usize,
    /// Protected pixels the last seam removed crossed.
    protected_crossed: usize,
}

impl Carver {
    /// Starts a carve of `image` with backward energy and no masks.
    pub fn new(image: &RgbImage) -> Self {
        Self::guided(
            image,
            EnergyKind::Backward,
            Vec::new(),
            available(),
            Purpose::Removal,
        )
    }

    /// Starts a carve of `image` measured in `energy`, without masks.
    pub fn with_energy(image: &RgbImage, energy: EnergyKind) -> Self {
        Self::guided(image, energy, Vec::new(), available(), Purpose::Removal)
    }

    /// Starts a carve of `image` measured in `energy`, whose seams avoid the pixels set
    /// in `protect` while any other seam exists and go through those set in `remove`
    /// first. Fails when a mask's size differs from the image's.
    ///
    /// ```
    /// use seam_carver::{Carver, EnergyKind, Mask, SeamRule};
    /// let image = image::RgbImage::from_fn(6, 3, |x, _| image::Rgb([(x * 40) as u8; 3]));
    /// let object = Mask::from_fn("column 4", 6, 3, |x, _| x == 4);
    /// let mut carver = Carver::with_masks(&image, EnergyKind::Forward, None, Some(&object))?;
    /// assert_eq!(carver.remove_left(), 3);
    /// let seam = carver.remove_seam(SeamRule::Optimal)?;
    /// assert_eq!(seam.path, vec![4, 4, 4]);
    /// assert_eq!(carver.remove_left(), 0);
    /// # Ok::<(), seam_carver::Error>(())
    /// ```
    pub fn with_masks(
        image: &RgbImage,
        energy: EnergyKind,
        protect: Option<&Mask>,
        remove: Option<&Mask>,
    ) -> Result<Self> {
        let flags = flags(image.width(), image.height(), [protect, None], &[], remove)?;
        Ok(Self::guided(
            image,
            energy,
            flags,
            available(),
            Purpose::Removal,
        ))
    }

    /// Starts a carve of `image` under `kind` of energy, with per-pixel `flags`
    /// ([`crate::guided::PROTECT`], [`REMOVE`]; empty for none, else one per pixel),
    /// measuring the image on up to `threads` threads for seams to remove or to insert.
    pub(crate) fn guided(
        image: &RgbImage,
        kind: EnergyKind,
        flags: Vec<u8>,
        threads: usize,
        purpose: Purpose,
    ) -> Self {
        let (width, height) = (image.width() as usize, image.height() as usize);
        assert!(flags.is_empty() || flags.len() == width * height);
        // One copy of the raw bytes (a single memory.copy under wasm), not a loop.
        let rgb: Vec<[u8; 3]> = image.as_raw().as_chunks::<3>().0.to_vec();
        let energy = if kind == EnergyKind::Backward {
            energy_map_on(&rgb, width, height, threads)
        } else {
            Vec::new()
        };
        let (guide, weight) = if kind == EnergyKind::Salient {
            crate::salient::measure(&rgb, width, height, threads, purpose == Purpose::Removal)
        } else {
            (Vec::new(), Vec::new())
        };
        let fast = flags.is_empty();
        let rows = Rows::packed(width, height);
        let steps = if kind.is_forward() {
            step_map(measured(&rgb, &guide), &weight, &rows, threads)
        } else {
            Default::default()
        };
        Carver {
            rows,
            rgb,
            guide,
            steps,
            energy,
            cost: if fast {
                vec![0; width * height]
            } else {
                Vec::new()
            },
            cost_valid: false,
            scratch: Vec::new(),
            kind,
            to_remove: flags.iter().filter(|&&f| f & REMOVE != 0).count(),
            protected_crossed: 0,
            keys: if fast {
                Vec::new()
            } else {
                vec![Key::default(); width * height]
            },
            flags,
            key_scratch: Vec::new(),
        }
    }

    /// Whether the carve has masks (seams are then found by the key map, not the cost map).
    fn has_masks(&self) -> bool {
        !self.flags.is_empty()
    }

    /// Protected pixels the last seam removed crossed (0 without masks).
    pub fn protected_crossed(&self) -> usize {
        self.protected_crossed
    }

    /// Pixels of the remove mask that are still in the image (0 without one).
    pub fn remove_left(&self) -> usize {
        self.to_remove
    }

    /// The current flags of every pixel, row by row (empty without masks).
    pub(crate) fn flags(&self) -> Vec<u8> {
        if self.flags.is_empty() {
            return Vec::new();
        }
        self.rows.collect(&self.flags)
    }

    /// Current width in pixels.
    pub fn width(&self) -> u32 {
        self.rows.width() as u32
    }

    /// Current height in pixels.
    pub fn height(&self) -> u32 {
        self.rows.height() as u32
    }

    /// The current (Sobel) energy of every pixel, row by row (`width * height` values).
    /// Only a backward-energy carve keeps it; under other energies it is computed afresh
    /// from the current pixels.
    pub fn energy(&self) -> EnergyMap {
        let raw = if self.energy.is_empty() {
            let (w, h) = (self.rows.width(), self.rows.height());
            energy_map(&self.rows.collect(&self.rgb), w, h)
        } else {
            self.rows.collect(&self.energy)
        };
        EnergyMap::from_raw(self.width(), self.height(), raw).expect("a value a pixel")
    }

    /// The cumulative cost map the next seam will be traced through, row by row
    /// (`width * height` values); `None` for a carve with masks, whose map holds
    /// lexicographic keys instead of costs.
    pub fn cost(&mut self) -> Option<Vec<u32>> {
        if self.has_masks() {
            return None;
        }
        self.ensure_cost();
        Some(self.rows.collect(&self.cost))
    }

    /// The guided view of the current pixels, energy and flags.
    fn field(&self) -> Field<'_> {
        Field {
            steps: &self.steps,
            energy: &self.energy,
            flags: &self.flags,
            rows: &self.rows,
            kind: self.kind,
        }
    }

    /// Computes the whole cost map (or key map, when guided) once, before the first seam.
    fn ensure_cost(&mut self) {
        if self.cost_valid {
            return;
        }
        self.cost_valid = true;
        if self.has_masks() {
            let mut keys = std::mem::take(&mut self.keys);
            let field = self.field();
            self.rows
                .fill(&mut keys, |y, above, out| field.cells(y, above, 0, out));
            self.keys = keys;
        } else {
            let Carver {
                rows,
                steps,
                energy,
                cost,
                kind,
                ..
            } = self;
            let inputs = CostInputs {
                kind: *kind,
                steps,
                energy,
                rows,
            };
            rows.fill(cost, |y, above, out| inputs.cells(y, above, 0, out));
        }
    }

    /// Finds the next seam with `rule`, removes it and returns it; refused with
    /// [`Error::TooManySeams`] when the image is 1 pixel wide. Forward energy and masks
    /// always take the optimal rule.
    pub fn remove_seam(&mut self, rule: SeamRule) -> Result<Seam> {
        if self.rows.width() < 2 {
            return Err(Error::TooManySeams {
                seams: 1,
                axis: Axis::Width,
                len: self.width(),
            });
        }
        Ok(self.take_seam(rule))
    }

    /// [`Carver::remove_seam`] where the width is known to be at least 2.
    pub(crate) fn take_seam(&mut self, rule: SeamRule) -> Seam {
        debug_assert!(self.rows.width() >= 2, "a seam from a width below 2");
        let guided = self.has_masks();
        self.ensure_cost();
        let (path, cost) = if guided {
            let (path, key) = self.field().trace(&self.keys);
            (path, key.energy())
        } else if self.kind.is_forward() {
            trace_forward(&self.cost, &self.steps, &self.rows)
        } else {
            let path = trace_seam(&self.cost, &self.rows, rule);
            let cost = path
                .iter()
                .enumerate()
                .map(|(y, &x)| self.energy[self.rows.start(y) + x as usize] as u64)
                .sum();
            (path, cost)
        };
        let backward = self.kind == EnergyKind::Backward;
        if !self.flags.is_empty() {
            self.protected_crossed = 0;
            for (y, &x) in path.iter().enumerate() {
                let removed = self.flags[self.rows.start(y) + x as usize];
                self.to_remove -= (removed & REMOVE != 0) as usize;
                self.protected_crossed += (removed & PROTECT != 0) as usize;
            }
        }
        let forward_steps = !self.steps.is_empty();
        // One sweep down the rows, so that each row is still in cache for every step:
        // row y is compacted, then the energy of row y - 1 (whose neighbours are now
        // all compacted) is updated, then the cost of row y - 2 (whose energy and the
        // costs above are final).
        let (w, h) = (self.rows.width() - 1, self.rows.height());
        self.rows.narrow();
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut key_scratch = std::mem::take(&mut self.key_scratch);
        scratch.resize(w, 0);
        key_scratch.resize(w, Key::default());
        let mut changed = None;
        let mut weights = Vec::new();
        for y in 0..h + 2 {
            if let Some(&x) = path.get(y) {
                let band = seam_band(&path, y, w);
                if forward_steps {
                    let measured = measured(&self.rgb, &self.guide);
                    let x = x as usize;
                    weights_before_removal(
                        measured,
                        &self.steps,
                        &self.rows,
                        y,
                        x,
                        band,
                        &mut weights,
                    );
                }
                let moved = self.rows.remove(y, x as usize);
                moved.apply(&mut self.rgb);
                moved.apply(&mut self.guide);
                moved.apply(&mut self.steps);
                moved.apply(&mut self.energy);
                moved.apply(&mut self.cost);
                moved.apply(&mut self.flags);
                moved.apply(&mut self.keys);
                if forward_steps {
                    let measured = measured(&self.rgb, &self.guide);
                    fill_steps(measured, &self.rows, &mut self.steps, y, band.0, &weights);
                }
            }
            if backward && (1..=h).contains(&y) {
                self.update_energy_row(&path, y - 1);
            }
            if (2..h + 2).contains(&y) {
                changed = if guided {
                    self.update_key_row(&path, y - 2, changed, &mut key_scratch)
                } else {
                    self.update_cost_row(&path, y - 2, changed, &mut scratch)
                };
            }
        }
        self.scratch = scratch;
        self.key_scratch = key_scratch;
        Seam {
            path,
            cost,
            inserted: None,
        }
    }

    /// Brings row `y` of the cost map up to date after the removal of `path` (see
    /// [`update_row`]).
    fn update_cost_row(
        &mut self,
        path: &[u32],
        y: usize,
        changed: Option<(usize, usize)>,
        scratch: &mut [u32],
    ) -> Option<(usize, usize)> {
        let Carver {
            rows,
            steps,
            energy,
            cost,
            kind,
            ..
        } = self;
        let inputs = CostInputs {
            kind: *kind,
            steps,
            energy,
            rows,
        };
        update_row(rows, cost, path, y, changed, scratch, |above, from, out| {
            inputs.cells(y, above, from, out)
        })
    }

    /// Brings row `y` of the key map of a guided carve up to date (see [`update_row`]).
    fn update_key_row(
        &mut self,
        path: &[u32],
        y: usize,
        changed: Option<(usize, usize)>,
        scratch: &mut [Key],
    ) -> Option<(usize, usize)> {
        let mut keys = std::mem::take(&mut self.keys);
        let field = self.field();
        let changed = update_row(
            &self.rows,
            &mut keys,
            path,
            y,
            changed,
            scratch,
            |above, from, out| field.cells(y, above, from, out),
        );
        self.keys = keys;
        changed
    }

    /// Recomputes the energy of the pixels of row `y` whose 3x3 neighbourhood the
    /// removal of `path` changed: the columns from `min - 1` to `max` of the seam's
    /// columns in rows `y - 1 ..= y + 1`.
    fn update_energy_row(&mut self, path: &[u32], y: usize) {
        let (lo, hi) = seam_band(path, y, self.rows.width());
        let [up, mid, down] = neighbour_rows(&self.rgb, &self.rows, y);
        let row = self.rows.row_mut(&mut self.energy, y);
        for (x, e) in row.iter_mut().enumerate().take(hi + 1).skip(lo) {
            *e = energy_between(up, mid, down, x);
        }
    }

    /// The image as it is now.
    pub fn image(&self) -> RgbImage {
        let mut raw = Vec::with_capacity(self.rows.width() * self.rows.height() * 3);
        for y in 0..self.rows.height() {
            raw.extend_from_slice(self.rows.row(&self.rgb, y).as_flattened());
        }
        RgbImage::from_raw(self.width(), self.height(), raw)
            .expect("buffer length matches dimensions")
    }
}

/// Brings row `y` of a cost (or key) map up to date after the removal of `path`,
/// recomputing only the cells whose inputs may have changed: the band the seam touched
/// (new energy, or new neighbours above) and the cells below any cell of row `y - 1`
/// whose cost really changed (`changed`, the range returned for that row). Costs are
/// compared exactly, so a change that dies out stops spreading. `cells(above, from,
/// out)` computes cells `from ..` of the row into `out` from the row above.
fn update_row<T: Copy + PartialEq>(
    rows: &Rows,
    buf: &mut [T],
    path: &[u32],
    y: usize,
    changed: Option<(usize, usize)>,
    scratch: &mut [T],
    cells: impl FnOnce(&[T], usize, &mut [T]),
) -> Option<(usize, usize)> {
    let w = rows.width();
    let (mut from, mut to) = seam_band(path, y, w);
    if let Some((a, b)) = changed {
        from = from.min(a.saturating_sub(1));
        to = to.max((b + 1).min(w - 1));
    }
    let fresh = &mut scratch[from..=to];
    let above = if y > 0 { rows.row(buf, y - 1) } else { &[] };
    cells(above, from, fresh);
    let here = &mut rows.row_mut(buf, y)[from..=to];
    let (first, last) = differing_range(fresh, here)?;
    here[first..=last].copy_from_slice(&fresh[first..=last]);
    Some((from + first, from + last))
}

/// The first and last index where two rows of equal length differ, if any. Rows of at
/// least [`LANES`] cells are compared a block at a time (the last block overlapping
/// the one before when the length is not a multiple), each giving a bit mask of the
/// cells that differ: from the front for the first, from the back for the last, so that
/// long equal stretches take few loop iterations.
fn differing_range<T: Copy + PartialEq>(a: &[T], b: &[T]) -> Option<(usize, usize)> {
    let n = a.len();
    if n < LANES {
        let first = a.iter().zip(b).position(|(p, q)| p != q)?;
        let last = a.iter().zip(b).rposition(|(p, q)| p != q)?;
        return Some((first, last));
    }
    let mask = |at: usize| -> u32 {
        let x: &[T; LANES] = a[at..at + LANES].try_into().expect("a block");
        let y: &[T; LANES] = b[at..at + LANES].try_into().expect("a block");
        (0..LANES).fold(0, |m, i| m | (((x[i] != y[i]) as u32) << i))
    };
    let mut at = 0;
    let first = loop {
        let m = mask(at);
        if m != 0 {
            break at + m.trailing_zeros() as usize;
        }
        if at + LANES == n {
            return None;
        }
        at = (at + LANES).min(n - LANES);
    };
    let mut end = n;
    let last = loop {
        let at = end.saturating_sub(LANES);
        let m = mask(at);
        if m != 0 {
            break at + 31 - m.leading_zeros() as usize;
        }
        end = at;
    };
    Some((first, last))
}

/// The pixels forward steps are measured on: the `guide` when there is one (salient
/// energy), else the pixels `rgb` themselves.
fn measured<'a>(rgb: &'a [[u8; 3]], guide: &'a [[u8; 3]]) -> &'a [[u8; 3]] {
    if guide.is_empty() { rgb } else { guide }
}

/// What a cost map is computed from: the energy kind, the step costs of each pixel
/// (forward and salient energy), their Sobel energy (backward) and the layout.
struct CostInputs<'a> {
    kind: EnergyKind,
    steps: &'a [u32],
    energy: &'a [u16],
    rows: &'a Rows,
}

impl CostInputs<'_> {
    /// Costs of the cells `from ..` of row `y` (`out.len()` of them), from the costs
    /// `above` of row `y - 1` (unused in the top row).
    fn cells(&self, y: usize, above: &[u32], from: usize, out: &mut [u32]) {
        let rows = self.rows;
        let to = from + out.len();
        if self.kind == EnergyKind::Backward {
            let energy = &rows.row(self.energy, y)[from..to];
            if y == 0 {
                for (c, &e) in out.iter_mut().zip(energy) {
                    *c = e as u32;
                }
            } else {
                cost_span(energy, above, from, out);
            }
            return;
        }
        let steps = &rows.row(self.steps, y)[from..to];
        if y == 0 {
            for (c, &s) in out.iter_mut().zip(steps) {
                *c = straight_step(s);
            }
        } else {
            forward_cost_span(steps, above, from, out);
        }
    }
}

/// The step costs of every cell (see [`RowSteps::at`]), in bands of rows on up to
/// `threads` threads; `weight` is empty (none) or one a pixel.
fn step_map(measured: &[[u8; 3]], weight: &[u16], rows: &Rows, threads: usize) -> Vec<u32> {
    let width = rows.width();
    let mut all = vec![0; width * rows.height()];
    if width > 0 {
        crate::parallel::rows(&mut all, width, threads, |first, band| {
            for (i, out) in band.chunks_exact_mut(width).enumerate() {
                let y = first + i;
                let row = RowSteps::new(measured, rows, y);
                let weight = (!weight.is_empty()).then(|| rows.row(weight, y));
                for (x, o) in out.iter_mut().enumerate() {
                    *o = row.at(x, weight.map_or(0, |w| w[x] as u32));
                }
            }
        });
    }
    all
}

/// What the step costs of a row are computed from: its pixels and those of the row above
/// (none for the top row).
pub(crate) struct RowSteps<'a> {
    row: &'a [[u8; 3]],
    up: Option<&'a [[u8; 3]]>,
}

impl<'a> RowSteps<'a> {
    pub(crate) fn new(measured: &'a [[u8; 3]], rows: &Rows, y: usize) -> Self {
        RowSteps {
            row: rows.row(measured, y),
            up: (y > 0).then(|| rows.row(measured, y - 1)),
        }
    }

    /// The step costs of cell `x`: its forward steps (see [`forward_steps`]) plus its
    /// `weight`, packed (see [`pack_steps`]).
    #[inline]
    pub(crate) fn at(&self, x: usize, weight: u32) -> u32 {
        pack_steps(forward_steps(self.row, self.up, x).map(|s| s + weight))
    }
}

/// The weights of the cells `lo ..= hi` of row `y` once the pixel at column `seam` is
/// removed, read before it is (row `y` still one cell wider than `rows` says, the rows
/// above already narrowed): each cell's straight step less the distance between its
/// neighbours then (see [`crate::energy::across`]), which is what its weight was added
/// to. Written into `weights`, cell `lo` first.
fn weights_before_removal(
    measured: &[[u8; 3]],
    steps: &[u32],
    rows: &Rows,
    y: usize,
    seam: usize,
    (lo, hi): (usize, usize),
    weights: &mut Vec<u32>,
) {
    let start = rows.start(y);
    let old = start..start + rows.width() + 1;
    let (pixels, steps) = (&measured[old.clone()], &steps[old]);
    weights.clear();
    weights.extend((lo..=hi).map(|x| {
        let before = x + (x >= seam) as usize;
        straight_step(steps[before]) - across(pixels, before)
    }));
}

/// Computes the step costs of the cells `from ..` of row `y` into `steps`, from the
/// pixels forward steps are `measured` on and the cells' `weights` (one a cell, cell
/// `from` first; see [`RowSteps::at`]).
fn fill_steps(
    measured: &[[u8; 3]],
    rows: &Rows,
    steps: &mut [u32],
    y: usize,
    from: usize,
    weights: &[u32],
) {
    let row = RowSteps::new(measured, rows, y);
    let out = &mut rows.row_mut(steps, y)[from..from + weights.len()];
    for (i, (o, &weight)) in out.iter_mut().zip(weights).enumerate() {
        *o = row.at(from + i, weight);
    }
}

/// The columns of row `y` (in the narrowed image, `width` wide) next to a removed
/// seam: from one left of the seam's leftmost column in rows `y - 1 ..= y + 1` to its
/// rightmost. Their energy may have changed (their 3x3 neighbourhood did), and so may
/// the cells above them in the cost map.
fn seam_band(path: &[u32], y: usize, width: usize) -> (usize, usize) {
    // The seam's columns in rows y - 1, y and y + 1, those outside the image repeating
    // row y's (written out: this runs for every row of every seam).
    let at = |row: usize| path.get(row).copied().unwrap_or(path[y]) as usize;
    let (a, b, c) = (at(y.wrapping_sub(1)), at(y), at(y + 1));
    let (lo, hi) = (a.min(b).min(c), a.max(b).max(c));
    (lo.saturating_sub(1), hi.min(width - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small xorshift generator for test rows.
    fn rows(seed: u64) -> impl FnMut(usize, u32) -> Vec<u32> {
        let mut state = seed | 1;
        move |len, values| {
            (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state % values as u64) as u32
                })
                .collect()
        }
    }

    #[test]
    fn differing_range_matches_a_plain_scan() {
        let mut random = rows(7);
        for len in [1, 2, 15, 16, 17, 31, 32, 33, 47, 100, 257] {
            for _ in 0..200 {
                let a = random(len, 4);
                let mut b = a.clone();
                // Change a few cells, often none, sometimes in one block only.
                let changes = random(3, len as u32);
                let how_many = random(1, 4)[0] as usize;
                for &i in changes.iter().take(how_many) {
                    b[i as usize] ^= 1;
                }
                let plain = a
                    .iter()
                    .zip(&b)
                    .position(|(p, q)| p != q)
                    .map(|f| (f, a.iter().zip(&b).rposition(|(p, q)| p != q).unwrap()));
                assert_eq!(differing_range(&a, &b), plain, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn leftmost_min_matches_a_plain_scan() {
        let mut random = rows(11);
        for len in [1, 2, 15, 16, 17, 40, 64, 65, 300] {
            for _ in 0..200 {
                let row = random(len, 5);
                let min = *row.iter().min().unwrap();
                let plain = row.iter().position(|&c| c == min).unwrap();
                assert_eq!(crate::seam::leftmost_min(&row), plain, "{row:?}");
            }
        }
    }
}
