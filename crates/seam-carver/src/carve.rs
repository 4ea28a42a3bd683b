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
use crate::parallel::{Helper, available};
use crate::rows::{Move, Rows};
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

/// The Optimal mapping of [`original_columns`] into `columns` (one of `height` per seam),
/// compiled also for CPUs that count bits in one instruction.
#[multiversion::multiversion(targets("x86_64+popcnt+bmi1"))]
fn map_rows(seams: &[Seam], width: u32, height: usize, columns: &mut [Vec<u32>]) {
    let words = (width as usize).div_ceil(64);
    let mut left = vec![0u64; words];
    for y in 0..height {
        left.fill(!0);
        if !width.is_multiple_of(64) {
            left[words - 1] = (1 << (width % 64)) - 1;
        }
        for (seam, out) in seams.iter().zip(columns.iter_mut()) {
            out[y] = take_set_bit(&mut left, seam.path[y]);
        }
    }
}

/// Clears the `x`-th set bit (from 0, lowest first) of `bits` and returns its position.
#[inline(always)]
fn take_set_bit(bits: &mut [u64], mut x: u32) -> u32 {
    let mut word = 0;
    while bits[word].count_ones() <= x {
        x -= bits[word].count_ones();
        word += 1;
    }
    let mut v = bits[word];
    let mut at = 0;
    while (v & 0xff).count_ones() <= x {
        x -= (v & 0xff).count_ones();
        v >>= 8;
        at += 8;
    }
    for _ in 0..x {
        v &= v - 1;
    }
    at += v.trailing_zeros();
    bits[word] &= !(1 << at);
    word as u32 * 64 + at
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
            // Row by row, each seam's column is the x-th column still there, found by
            // counting the bits of a bitset of the columns left (a word of 64 columns
            // at a time, then a byte, then a bit), where taking it out of a list of the
            // columns moved half the row each time.
            let mut columns: Vec<Vec<u32>> = vec![vec![0; h]; seams.len()];
            map_rows(seams, width, h, &mut columns);
            columns
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
    /// Salient energy's crowding: how much each pixel's weight grows when a seam takes a
    /// pixel beside it in its row (see `salient`); empty under other energies and for
    /// seams to insert.
    crowd: Vec<u8>,
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
    /// The second thread a removal hands bands of rows to, kept for the whole carve
    /// (none on one thread or for an image too small to cut into bands).
    helper: Helper,
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
        let crate::salient::Salience {
            guide,
            weight,
            crowd,
        } = match kind {
            EnergyKind::Salient => {
                let removal = purpose == Purpose::Removal;
                crate::salient::measure(&rgb, width, height, threads, removal)
            }
            _ => Default::default(),
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
            crowd,
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
            helper: if in_bands(width, height) {
                Helper::new(threads)
            } else {
                Helper::none()
            },
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
    /// lexicographic keys instead of costs, and for an image taller than
    /// [`crate::MAX_SEAM_LENGTH`], whose costs need not fit in 32 bits.
    pub fn cost(&mut self) -> Option<Vec<u32>> {
        if self.has_masks() || self.too_tall().is_err() {
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
            let mut cost = std::mem::take(&mut self.cost);
            let field = self.field();
            self.rows.fill(&mut cost, |y, above, out| {
                cost_cells(&field, y, above, 0, out)
            });
            self.cost = cost;
        }
    }

    /// Finds the next seam with `rule`, removes it and returns it; refused with
    /// [`Error::TooManySeams`] when the image is 1 pixel wide, with [`Error::TooSmall`]
    /// when it has no rows, and with [`Error::SeamTooLong`] when it has more than
    /// [`crate::MAX_SEAM_LENGTH`] (as [`crate::resize`] refuses them).
    /// Forward energy and masks always take the optimal rule.
    pub fn remove_seam(&mut self, rule: SeamRule) -> Result<Seam> {
        self.too_tall()?;
        if self.rows.height() == 0 {
            return Err(Error::TooSmall {
                width: self.width(),
                height: 0,
                axis: Axis::Width,
                operation: crate::error::Operation::Carve,
            });
        }
        if self.rows.width() < 2 {
            return Err(Error::TooManySeams {
                seams: 1,
                axis: Axis::Width,
                len: self.width(),
            });
        }
        Ok(self.take_seam(rule))
    }

    /// Refused when a seam would be longer than the costs are counted for.
    fn too_tall(&self) -> Result<()> {
        crate::resize::seam_length(self.height())
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
        if !self.flags.is_empty() {
            self.protected_crossed = 0;
            for (y, &x) in path.iter().enumerate() {
                let removed = self.flags[self.rows.start(y) + x as usize];
                self.to_remove -= (removed & REMOVE != 0) as usize;
                self.protected_crossed += (removed & PROTECT != 0) as usize;
            }
        }
        self.remove_path(&path);
        Seam {
            path,
            cost,
            inserted: None,
        }
    }

    /// Removes `path`, one pixel from each row, from every buffer, and brings the energy,
    /// the step costs and the cost (or key) map up to date next to it, in one sweep down
    /// the rows so that each row is still in cache for every step: row `y` is compacted
    /// (and its step costs recomputed), then the energy of row `y - 1` (whose neighbours
    /// are now all compacted), then the cost of row `y - 2` (whose energy and the costs
    /// above are final). For a large image on two threads or more the rows are cut into
    /// bands ([`Carver::band_starts`]): this thread sweeps the first while the carve's
    /// helper thread compacts the others one after another (all but the cost map, whose
    /// every row depends on the row above) and hands each over as it is done; this thread
    /// then joins it to the band above and brings its costs up to date, a band behind.
    /// The same values either way.
    fn remove_path(&mut self, path: &[u32]) {
        self.rows.narrow();
        let removal = Removal {
            path,
            width: self.rows.width(),
            kind: self.kind,
            steps: !self.steps.is_empty(),
        };
        let starts = self.band_starts();
        let mut costs = std::mem::take(&mut self.scratch);
        let mut keys = std::mem::take(&mut self.key_scratch);
        costs.resize(removal.width, 0);
        keys.resize(removal.width, Key::default());
        let (rows, shifted, helper) = self.parts();
        let mut bands = Band::split(rows, shifted, &starts);
        let head = bands.remove(0);
        let sweep = helper.pipeline(
            bands,
            |band| removal.band(band),
            || removal.head(head, costs, keys),
            |sweep, band| removal.next_band(sweep, band),
        );
        for band in &sweep.done {
            rows.rejoin(band.first, &band.rows);
        }
        (self.scratch, self.key_scratch) = (sweep.costs, sweep.keys);
    }

    /// The rows' layout, every buffer a removal shifts, and the helper thread.
    fn parts(&mut self) -> (&mut Rows, Shifted<'_>, &Helper) {
        let shifted = Shifted {
            rgb: &mut self.rgb,
            guide: &mut self.guide,
            steps: &mut self.steps,
            crowd: &mut self.crowd,
            energy: &mut self.energy,
            cost: &mut self.cost,
            flags: &mut self.flags,
            keys: &mut self.keys,
        };
        (&mut self.rows, shifted, &self.helper)
    }

    /// The first row of each band of rows a removal sweeps (see
    /// [`Carver::remove_path`]): one band, all rows, without a helper thread or for an
    /// image (narrowed) too small to gain from it; else a first band of
    /// [`HEAD_PERCENT`] of the rows for this thread, then [`BANDS`] for the helper.
    fn band_starts(&self) -> Vec<usize> {
        let h = self.rows.height();
        if !self.helper.has_thread() || !in_bands(self.rows.width(), h) {
            return vec![0];
        }
        let head = (h * HEAD_PERCENT / 100).max(2);
        let size = (h - head) / BANDS;
        let starts: Vec<usize> = std::iter::once(0)
            .chain((0..BANDS).map(|i| head + i * size))
            .collect();
        debug_assert!(starts.windows(2).all(|s| s[1] - s[0] >= 2) && h - starts[BANDS] >= 2);
        starts
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

/// The cells of row `y` of a cost (or key) map whose inputs the removal of `path` (the
/// image now `width` wide) may have changed: the band the seam touched (new energy, or
/// new neighbours above) and the cells below any cell of row `y - 1` whose cost really
/// changed (`changed`, the span [`settle`] returned for that row). Costs are compared
/// exactly, so a change that dies out stops spreading.
fn update_span(
    path: &[u32],
    y: usize,
    width: usize,
    changed: Option<(usize, usize)>,
) -> (usize, usize) {
    let (mut from, mut to) = seam_band(path, y, width);
    if let Some((a, b)) = changed {
        from = from.min(a.saturating_sub(1));
        to = to.max((b + 1).min(width - 1));
    }
    (from, to)
}

/// Copies the cells of `fresh` into `here` (cells `from ..` of a row) where they
/// differ; returns the span of the row that changed, if any.
fn settle<T: Copy + PartialEq>(fresh: &[T], here: &mut [T], from: usize) -> Option<(usize, usize)> {
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

/// Costs of the cells `from ..` of row `y` of `field` (`out.len()` of them), from the
/// costs `above` of the row above (empty for the image's top row): each cell's Sobel
/// energy (backward) or step costs (forward and salient energy) plus the cheapest way in
/// from above. The cost map's counterpart of [`Field::cells`], for carves without masks.
fn cost_cells(field: &Field, y: usize, above: &[u32], from: usize, out: &mut [u32]) {
    let rows = field.rows;
    let to = from + out.len();
    if field.kind == EnergyKind::Backward {
        let energy = &rows.row(field.energy, y)[from..to];
        if above.is_empty() {
            for (c, &e) in out.iter_mut().zip(energy) {
                *c = e as u32;
            }
        } else {
            cost_span(energy, above, from, out);
        }
        return;
    }
    let steps = &rows.row(field.steps, y)[from..to];
    if above.is_empty() {
        for (c, &s) in out.iter_mut().zip(steps) {
            *c = straight_step(s);
        }
    } else {
        forward_cost_span(steps, above, from, out);
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
                step_row(&row, weight, out);
            }
        });
    }
    all
}

/// The step costs of every cell of a row into `out` (see [`RowSteps::at`]): the two edge
/// cells as `at` has them; between them, the three distances of each channel (the bytes
/// three either side of it) in loops without edge cases that the compiler turns into
/// vector code, then each pixel's three channels summed and packed: the same values.
#[multiversion::multiversion(targets("x86_64+avx2", "x86_64+sse4.1"))]
fn step_row(row: &RowSteps, weight: Option<&[u16]>, out: &mut [u32]) {
    let width = out.len();
    let weight_at = |x: usize| weight.map_or(0, |w| w[x] as u32);
    if width < 3 {
        for (x, o) in out.iter_mut().enumerate() {
            *o = row.at(x, weight_at(x));
        }
        return;
    }
    out[0] = row.at(0, weight_at(0));
    out[width - 1] = row.at(width - 1, weight_at(width - 1));
    // Byte j + 3 is channel j % 3 of pixel j / 3 + 1: its left neighbour is byte j and
    // its right one byte j + 6 of the row; the pixel above it byte j + 3 of `up`.
    let n = 3 * width - 6;
    let here = row.row.as_flattened();
    let (left, right) = (&here[..n], &here[6..3 * width]);
    let mut across = vec![0u16; n];
    for ((a, l), r) in across.iter_mut().zip(left).zip(right) {
        *a = l.abs_diff(*r) as u16;
    }
    let (mut to_left, mut to_right) = (vec![0u16; n], vec![0u16; n]);
    if let Some(up) = row.up {
        let up = &up.as_flattened()[3..3 * width - 3];
        for (((tl, tr), u), (l, r)) in to_left
            .iter_mut()
            .zip(to_right.iter_mut())
            .zip(up)
            .zip(left.iter().zip(right))
        {
            (*tl, *tr) = (u.abs_diff(*l) as u16, u.abs_diff(*r) as u16);
        }
    }
    let sum = |v: &[u16]| v[0] as u32 + v[1] as u32 + v[2] as u32;
    for (x, (((o, a), tl), tr)) in out[1..width - 1]
        .iter_mut()
        .zip(across.chunks_exact(3))
        .zip(to_left.chunks_exact(3))
        .zip(to_right.chunks_exact(3))
        .enumerate()
    {
        let straight = sum(a) + weight_at(x + 1);
        *o = pack_steps([straight + sum(tl), straight, straight + sum(tr)]);
    }
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

/// The weights of the cells `lo ..= hi` of row `y` of `buffers` once the pixel at
/// column `seam` is removed, read before it is (row `y` still one cell wider than `rows`
/// says: only row `y` is read): each cell's straight step less the distance between its
/// neighbours then (see [`crate::energy::across`]), which is what its weight was added
/// to; the seam's two neighbours in the row gain their crowding (salient energy, see
/// `salient`), up to [`crate::salient::WEIGHT_MAX`]. Written into `weights`, cell `lo`
/// first.
fn weights_before_removal(
    buffers: &Shifted,
    rows: &Rows,
    y: usize,
    seam: usize,
    (lo, hi): (usize, usize),
    weights: &mut Vec<u32>,
) {
    let start = rows.start(y);
    let old = start..start + rows.width() + 1;
    let (pixels, steps) = (
        &buffers.measured()[old.clone()],
        &buffers.steps[old.clone()],
    );
    let crowd = buffers.crowd.get(old).unwrap_or_default();
    weights.clear();
    weights.extend((lo..=hi).map(|x| {
        let before = x + (x >= seam) as usize;
        let weight = straight_step(steps[before]) - across(pixels, before);
        match crowd.get(before) {
            Some(&more) if before + 1 == seam || before == seam + 1 => {
                (weight + more as u32).min(crate::salient::WEIGHT_MAX)
            }
            _ => weight,
        }
    }));
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

/// Whether an image of `width` x `height` is large enough to remove its seams in bands
/// of rows on two threads (see [`Carver::remove_path`]).
pub(crate) fn in_bands(width: usize, height: usize) -> bool {
    width * height >= MIN_SPLIT_CELLS && height >= MIN_SPLIT_ROWS
}

/// Images below this many cells remove each seam on one thread: handing bands to a
/// second one would cost more than it saves (tried down to 32 Ki pixels: a 600x400
/// photo no faster). (Any image of at least [`MIN_SPLIT_ROWS`] rows in the
/// unit tests, which check the bands against one thread.)
const MIN_SPLIT_CELLS: usize = if cfg!(test) { 1 } else { 512 * 1024 };

/// Images of fewer rows remove each seam on one thread: every band needs two rows at
/// least, since joining a band to the one above (`Removal::next_band`) recomputes the
/// energy of the upper band's last row from the row above it in that band.
const MIN_SPLIT_ROWS: usize = 4 * BANDS;

/// The share of the rows, in percent, in the first band of a removal on two threads,
/// the one this thread compacts itself (see [`Carver::remove_path`]) while the second
/// starts on the others. A third: this thread also updates every row's costs, but rows
/// it compacted itself are still in its own cache when it does, and the second thread's
/// are not (measured on two cores, 1411x1411, 1800x1200 and 1200x1800 photos, every
/// energy: 6 % left this thread waiting, the seams 1.2-1.7x slower than with 30-38 %).
const HEAD_PERCENT: usize = 33;

/// How many bands the second thread of a removal compacts, handing each over as it is
/// done: more bands, sooner handed over, but each costs a hand-over.
const BANDS: usize = 8;

/// The buffers of a carve that every removal shifts (each empty when not in use), or a
/// band of rows of them.
struct Shifted<'a> {
    rgb: &'a mut [[u8; 3]],
    guide: &'a mut [[u8; 3]],
    steps: &'a mut [u32],
    crowd: &'a mut [u8],
    energy: &'a mut [u16],
    cost: &'a mut [u32],
    flags: &'a mut [u8],
    keys: &'a mut [Key],
}

impl<'a> Shifted<'a> {
    /// The cells before `at` and those from `at` on, of every buffer in use.
    fn split_at(self, at: usize) -> (Self, Self) {
        fn cut<T>(buffer: &mut [T], at: usize) -> (&mut [T], &mut [T]) {
            let at = if buffer.is_empty() { 0 } else { at };
            buffer.split_at_mut(at)
        }
        let (rgb, rgb_tail) = cut(self.rgb, at);
        let (guide, guide_tail) = cut(self.guide, at);
        let (steps, steps_tail) = cut(self.steps, at);
        let (crowd, crowd_tail) = cut(self.crowd, at);
        let (energy, energy_tail) = cut(self.energy, at);
        let (cost, cost_tail) = cut(self.cost, at);
        let (flags, flags_tail) = cut(self.flags, at);
        let (keys, keys_tail) = cut(self.keys, at);
        let head = Shifted {
            rgb,
            guide,
            steps,
            crowd,
            energy,
            cost,
            flags,
            keys,
        };
        let tail = Shifted {
            rgb: rgb_tail,
            guide: guide_tail,
            steps: steps_tail,
            crowd: crowd_tail,
            energy: energy_tail,
            cost: cost_tail,
            flags: flags_tail,
            keys: keys_tail,
        };
        (head, tail)
    }

    /// Moves the cells of every buffer in use as `moved` says.
    fn shift(&mut self, moved: &Move) {
        moved.apply(self.rgb);
        moved.apply(self.guide);
        moved.apply(self.steps);
        moved.apply(self.crowd);
        moved.apply(self.energy);
        moved.apply(self.cost);
        moved.apply(self.flags);
        moved.apply(self.keys);
    }

    /// The pixels forward steps are measured on (see [`measured`]).
    fn measured(&self) -> &[[u8; 3]] {
        measured(self.rgb, self.guide)
    }
}

/// The removal of one seam's `path` from an image now `width` wide: what each row's
/// part of it does (see [`Carver::remove_path`]). A row is named twice: `y` in the
/// image, `local` in the `rows` (and buffers) given, a band that may start lower.
struct Removal<'p> {
    path: &'p [u32],
    width: usize,
    kind: EnergyKind,
    /// Whether the carve keeps step costs (forward and salient energy).
    steps: bool,
}

impl Removal<'_> {
    /// Shifts the pixel of the path out of row `local` of `band`, first reading the
    /// weights of the cells next to it into `weights` (when step costs are kept);
    /// returns those cells' columns (see [`seam_band`]).
    fn compact(&self, band: &mut Band, local: usize, weights: &mut Vec<u32>) -> (usize, usize) {
        let y = band.first + local;
        let x = self.path[y] as usize;
        let at = seam_band(self.path, y, self.width);
        let Band { rows, buffers, .. } = band;
        if self.steps {
            weights_before_removal(buffers, rows, local, x, at, weights);
        }
        buffers.shift(&rows.remove(local, x));
        at
    }

    /// Recomputes the step costs of the cells `at` of a row, compacted, as is the row
    /// above it (see [`RowSteps`]), into `steps`, that row's step costs, from the cells'
    /// `weights` (read by [`Removal::compact`]).
    fn step_cells(&self, row: RowSteps, steps: &mut [u32], at: (usize, usize), weights: &[u32]) {
        let out = &mut steps[at.0..at.0 + weights.len()];
        for (i, (o, &weight)) in out.iter_mut().zip(weights).enumerate() {
            *o = row.at(at.0 + i, weight);
        }
    }

    /// [`Removal::step_cells`] of row `local` of `band` (when step costs are kept),
    /// whose row above is in the band too (or which is the image's top row).
    fn step_costs_within(&self, band: &mut Band, local: usize, at: (usize, usize), w: &[u32]) {
        if self.steps {
            let Band { rows, buffers, .. } = band;
            let row = RowSteps::new(measured(buffers.rgb, buffers.guide), rows, local);
            self.step_cells(row, rows.row_mut(buffers.steps, local), at, w);
        }
    }

    /// Under backward energy, recomputes the energy of the pixels of row `y` whose 3x3
    /// neighbourhood the removal changed (see [`seam_band`]), between the compacted rows
    /// `up` and `down`, into `energy`, that row's energy.
    fn energy_cells(&self, y: usize, [up, mid, down]: [&[[u8; 3]]; 3], energy: &mut [u16]) {
        let (lo, hi) = seam_band(self.path, y, self.width);
        for (x, e) in energy.iter_mut().enumerate().take(hi + 1).skip(lo) {
            *e = energy_between(up, mid, down, x);
        }
    }

    /// [`Removal::energy_cells`] of row `local` of `band`, whose rows above and below are
    /// in the band (or which is the image's top or bottom row).
    fn energy_within(&self, band: &mut Band, local: usize) {
        if self.kind != EnergyKind::Backward {
            return;
        }
        let Band {
            first,
            rows,
            buffers,
            ..
        } = band;
        let around = neighbour_rows(buffers.rgb, rows, local);
        self.energy_cells(*first + local, around, rows.row_mut(buffers.energy, local));
    }

    /// Sweeps `band`, the first, on this thread: each row compacted, its step costs and
    /// the energy of the row above recomputed, then the costs of the row above that.
    /// Returns the sweep, with `costs` and `keys` a row each of scratch.
    fn head<'a>(&self, band: Band<'a>, costs: Vec<u32>, keys: Vec<Key>) -> Sweep<'a> {
        let rows = band.rows.height();
        let last = band.first + rows == self.path.len();
        let mut sweep = Sweep {
            done: vec![band],
            changed: None,
            next_cost: 0,
            costs,
            keys,
        };
        let mut weights = Vec::new();
        for local in 0..rows {
            let band = &mut sweep.done[0];
            let at = self.compact(band, local, &mut weights);
            self.step_costs_within(band, local, at, &weights);
            if local >= 1 {
                self.energy_within(band, local - 1);
            }
            if local >= 2 {
                sweep.costs_through(self, local - 2);
            }
        }
        if last {
            self.energy_within(&mut sweep.done[0], rows - 1);
            sweep.costs_through(self, rows - 1);
        }
        sweep
    }

    /// Compacts every row of `band` (at least two rows, not the first band), on the
    /// second thread: each row's step costs and the energy of the row above recomputed
    /// but for its first row (whose row above is in the band before), and the energy of
    /// its last row only if it is the image's. Its first row's weights are kept for
    /// [`Removal::next_band`].
    fn band(&self, band: &mut Band) {
        let mut weights = Vec::new();
        let mut first_weights = Vec::new();
        let rows = band.rows.height();
        self.compact(band, 0, &mut first_weights);
        for local in 1..rows {
            let at = self.compact(band, local, &mut weights);
            self.step_costs_within(band, local, at, &weights);
            if local >= 2 {
                self.energy_within(band, local - 1);
            }
        }
        if band.first + rows == self.path.len() {
            self.energy_within(band, rows - 1);
        }
        band.weights = first_weights;
    }

    /// Joins `band`, compacted by [`Removal::band`], to the sweep on this thread: the
    /// step costs of its first row and the energy of the rows either side of the cut,
    /// which need both bands; then the costs of every row whose energy is final.
    fn next_band<'a>(&self, sweep: &mut Sweep<'a>, mut band: Band<'a>) {
        let above = sweep.done.last_mut().expect("the first band is done");
        let up = above.rows.height() - 1;
        if self.steps {
            let at = seam_band(self.path, band.first, self.width);
            let Band {
                rows,
                buffers,
                weights,
                ..
            } = &mut band;
            let row = RowSteps {
                row: rows.row(measured(buffers.rgb, buffers.guide), 0),
                up: Some(above.rows.row(above.buffers.measured(), up)),
            };
            self.step_cells(row, rows.row_mut(buffers.steps, 0), at, weights);
        }
        if self.kind == EnergyKind::Backward {
            let below = 1.min(band.rows.height() - 1);
            let (a, b) = (&above.rows, &band.rows);
            let (a_rgb, b_rgb) = (&*above.buffers.rgb, &*band.buffers.rgb);
            let around = [a.row(a_rgb, up - 1), a.row(a_rgb, up), b.row(b_rgb, 0)];
            let energy = a.row_mut(above.buffers.energy, up);
            self.energy_cells(band.first - 1, around, energy);
            let around = [a.row(a_rgb, up), b.row(b_rgb, 0), b.row(b_rgb, below)];
            self.energy_cells(band.first, around, b.row_mut(band.buffers.energy, 0));
        }
        let end = band.first + band.rows.height();
        sweep.done.push(band);
        let last = if end == self.path.len() {
            end - 1
        } else {
            end - 2
        };
        sweep.costs_through(self, last);
    }
}

/// One band of rows of a carve's buffers, split off for a removal (see
/// [`Carver::remove_path`]).
struct Band<'a> {
    /// The band's first row in the image.
    first: usize,
    /// Its rows, numbered from 0 (see [`Rows::band`]).
    rows: Rows,
    buffers: Shifted<'a>,
    /// The weights of the cells next to the seam in its first row, read before it was
    /// compacted, for its step costs, which need the band above.
    weights: Vec<u32>,
}

impl<'a> Band<'a> {
    /// Cuts the `buffers` laid out as `rows` into bands starting at the rows `starts`
    /// (the first 0).
    fn split(rows: &Rows, buffers: Shifted<'a>, starts: &[usize]) -> Vec<Band<'a>> {
        let h = rows.height();
        let mut rest = buffers;
        let mut bands = Vec::with_capacity(starts.len());
        for (i, &first) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(h);
            let cells = rows.slot_start(end) - rows.slot_start(first);
            let (buffers, tail) = rest.split_at(cells);
            rest = tail;
            bands.push(Band {
                first,
                rows: rows.band(first..end),
                buffers,
                weights: Vec::new(),
            });
        }
        bands
    }
}

/// What this thread keeps as a removal sweeps down the bands (see
/// [`Carver::remove_path`]): the bands done so far, the span of the cost map's last
/// updated row that changed, the next row whose costs are due, and a row of scratch for
/// costs and one for keys.
struct Sweep<'a> {
    done: Vec<Band<'a>>,
    changed: Option<(usize, usize)>,
    next_cost: usize,
    costs: Vec<u32>,
    keys: Vec<Key>,
}

impl Sweep<'_> {
    /// Brings the cost (or key) map up to date through row `last` (see [`update_span`]),
    /// every row's energy and step costs up to it final.
    fn costs_through(&mut self, removal: &Removal, last: usize) {
        for y in self.next_cost..=last {
            self.changed = self.cost_row(removal, y);
        }
        self.next_cost = self.next_cost.max(last + 1);
    }

    /// Brings row `y` of the cost map (or, with masks, of the key map) up to date, the
    /// rows above it done: the cells [`update_span`] names are computed into scratch
    /// from the row above (in the same band or the one before), then copied where they
    /// differ; returns the span that changed.
    fn cost_row(&mut self, removal: &Removal, y: usize) -> Option<(usize, usize)> {
        let i = self
            .done
            .iter()
            .rposition(|b| b.first <= y)
            .expect("a band holds it");
        let local = y - self.done[i].first;
        let (from, to) = update_span(removal.path, y, removal.width, self.changed);
        let band = &self.done[i];
        // The row above: in this band, or the last of the band before (none for row 0).
        let above_at = match (local, i) {
            (0, 0) => None,
            (0, _) => Some((&self.done[i - 1], self.done[i - 1].rows.height() - 1)),
            _ => Some((band, local - 1)),
        };
        let field = Field {
            steps: band.buffers.steps,
            energy: band.buffers.energy,
            flags: band.buffers.flags,
            rows: &band.rows,
            kind: removal.kind,
        };
        if field.flags.is_empty() {
            let above = above_at.map_or(&[][..], |(b, at)| b.rows.row(b.buffers.cost, at));
            let fresh = &mut self.costs[from..=to];
            cost_cells(&field, local, above, from, fresh);
            let band = &mut self.done[i];
            let here = &mut band.rows.row_mut(band.buffers.cost, local)[from..=to];
            settle(&self.costs[from..=to], here, from)
        } else {
            let above = above_at.map_or(&[][..], |(b, at)| b.rows.row(b.buffers.keys, at));
            let fresh = &mut self.keys[from..=to];
            field.cells(local, above, from, fresh);
            let band = &mut self.done[i];
            let here = &mut band.rows.row_mut(band.buffers.keys, local)[from..=to];
            settle(&self.keys[from..=to], here, from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seams_longer_than_costs_are_counted_for_are_refused() {
        let len = crate::MAX_SEAM_LENGTH;
        // A checkerboard: the largest energy there is, on every pixel.
        let board =
            |h: u32| RgbImage::from_fn(2, h, |x, y| image::Rgb([((x + y) % 2 * 255) as u8; 3]));
        let mut carver = Carver::new(&board(len + 1));
        assert!(carver.cost().is_none());
        assert!(matches!(
            carver.remove_seam(SeamRule::Optimal),
            Err(Error::SeamTooLong { len: l, max }) if l == len + 1 && max == len
        ));
        let mut carver = Carver::new(&board(len));
        assert!(carver.cost().is_some());
        assert!(carver.remove_seam(SeamRule::Optimal).is_ok());
    }

    #[test]
    fn original_columns_are_the_columns_a_list_would_give() {
        // Any x below the row's current width is a seam's column there (the mapping does
        // not need neighbouring rows to touch): every width from 1 to 200 (one to four
        // words of columns), up to every column taken, against taking them out of a list.
        let mut random = rows(11);
        for width in 1..=200u32 {
            let taken = random(1, width + 1)[0];
            let seams: Vec<Seam> = (0..taken)
                .map(|i| Seam {
                    path: random(3, width - i),
                    cost: 0,
                    inserted: None,
                })
                .collect();
            let mut alive = vec![(0..width).collect::<Vec<u32>>(); 3];
            let want: Vec<Vec<u32>> = seams
                .iter()
                .map(|seam| {
                    (seam.path.iter().zip(alive.iter_mut()))
                        .map(|(&x, row)| row.remove(x as usize))
                        .collect()
                })
                .collect();
            assert_eq!(
                original_columns(&seams, width, 3, SeamRule::Optimal),
                want,
                "width {width}, {taken} seams"
            );
        }
    }

    #[test]
    fn a_row_of_steps_at_once_is_every_cell_on_its_own() {
        // Widths 1 to 40 (the vector loops' remainders), with a row above and without
        // (the top row), with weights and without; colours including the extremes.
        let mut random = rows(7);
        for width in 1..=40 {
            let colours = |values: Vec<u32>| -> Vec<[u8; 3]> {
                values
                    .chunks_exact(3)
                    .map(|c| [c[0], c[1], c[2]].map(|v| [0, 255, 17, 200, v as u8][v as usize % 5]))
                    .collect()
            };
            let up = colours(random(3 * width, 256));
            let here = colours(random(3 * width, 256));
            let weight: Vec<u16> = random(width, 3331).iter().map(|&w| w as u16).collect();
            for above in [None, Some(&up[..])] {
                for weight in [None, Some(&weight[..])] {
                    let row = RowSteps {
                        row: &here,
                        up: above,
                    };
                    let mut out = vec![0; width];
                    step_row(&row, weight, &mut out);
                    let cells: Vec<u32> = (0..width)
                        .map(|x| row.at(x, weight.map_or(0, |w| w[x] as u32)))
                        .collect();
                    assert_eq!(out, cells, "width {width}");
                }
            }
        }
    }

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
    fn images_without_a_column_or_a_row_are_refused_not_panicked_on() {
        use crate::seam::SeamRule;
        for (w, h) in [(0, 5), (0, 40), (5, 0), (1, 3), (0, 0)] {
            for kind in [
                EnergyKind::Backward,
                EnergyKind::Forward,
                EnergyKind::Salient,
            ] {
                let mut carver = Carver::with_energy(&RgbImage::new(w, h), kind);
                let refused = carver.remove_seam(SeamRule::Optimal);
                assert!(refused.is_err(), "{w}x{h} {kind:?}: {refused:?}");
            }
        }
    }

    #[test]
    fn removals_in_bands_on_two_threads_match_one_thread() {
        use crate::seam::SeamRule;
        // Sizes whose bands are as short as they get (32 rows: a first band of 2, then
        // 7 of 3 and a last of 9; only the first can be 2 rows), noise with flat patches,
        // every energy, with and without masks (a protected and a removed block).
        for (w, h, seed) in [
            (5, 32, 3),
            (24, 40, 5),
            (40, 37, 7),
            (3, 90, 9),
            (31, 33, 1),
        ] {
            let mut random = rows(seed);
            let values = random(w * h, 6);
            let image = RgbImage::from_fn(w as u32, h as u32, |x, y| {
                let v = values[y as usize * w + x as usize] as u8;
                image::Rgb([v * 40, if x < 3 { 9 } else { v * 13 }, 200 - v * 30])
            });
            for kind in [
                EnergyKind::Backward,
                EnergyKind::Forward,
                EnergyKind::Salient,
            ] {
                for masked in [false, true] {
                    let flags: Vec<u8> = match masked {
                        false => Vec::new(),
                        true => (0..w * h)
                            .map(|i| {
                                let (x, y) = (i % w, i / w);
                                let protect = (x == 1 && y > h / 2) as u8 * PROTECT;
                                protect | ((x == w - 1 && y < 10) as u8 * REMOVE)
                            })
                            .collect(),
                    };
                    let carver = |threads| {
                        Carver::guided(&image, kind, flags.clone(), threads, Purpose::Removal)
                    };
                    let (mut one, mut two) = (carver(1), carver(2));
                    assert!(two.band_starts().len() > 1, "{w}x{h} is cut into bands");
                    for seam in 0..w - 1 {
                        let label = format!("{w}x{h} {kind:?} masked {masked}, seam {seam}");
                        let rule = SeamRule::Optimal;
                        assert_eq!(one.take_seam(rule), two.take_seam(rule), "{label}");
                        assert_eq!(one.cost(), two.cost(), "{label}: costs");
                        if masked {
                            let keys = |c: &Carver| c.rows.collect(&c.keys);
                            assert!(keys(&one) == keys(&two), "{label}: keys");
                        }
                        assert_eq!(one.energy(), two.energy(), "{label}: energy");
                        assert_eq!(one.steps, two.steps, "{label}: step costs");
                        assert_eq!(one.crowd, two.crowd, "{label}: crowding");
                    }
                    assert_eq!(one.image(), two.image());
                }
            }
        }
    }

    #[test]
    fn a_carver_holding_its_helper_thread_is_send_and_unwind_safe() {
        // As it was before it held a thread pool: callers may move it between threads
        // and catch a panic around it.
        fn holds<T: Send + std::panic::UnwindSafe + std::panic::RefUnwindSafe>(_: &T) {}
        let image = RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8, y as u8, 7]));
        let carver = Carver::guided(&image, EnergyKind::Salient, Vec::new(), 2, Purpose::Removal);
        holds(&carver);
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
