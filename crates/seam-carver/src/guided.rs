//! Seams guided by masks (under either energy): a lexicographic cost per cell.
//!
//! A seam's [`Key`] counts, in this order of importance, the protected pixels it crosses,
//! the pixels it crosses that are *not* marked for removal, and its energy. The cheapest
//! key therefore avoids protected pixels whenever any seam can, then takes as many
//! pixels of the object being removed as it can, and only then looks at energy. Keys
//! never overflow and need no magic weights. The [`crate::Carver`] keeps the key map up
//! to date like its cost map, with [`Field::cells`] computing the cells that changed.

use crate::energy::{EnergyKind, unpack_steps};
use crate::rows::Rows;
use crate::seam::leftmost_min;

/// Flag of a pixel that seams avoid (`--protect`).
pub const PROTECT: u8 = 1;
/// Flag of a pixel that seams go through until none is left (`--remove`).
pub const REMOVE: u8 = 2;

/// The lexicographic cost of a seam or of a path to a cell: protected pixels crossed,
/// then pixels crossed that are not marked for removal, then the sum of the energy
/// (backward) or of the step costs (forward). Packed in one `u128` (32, 32 and 64 bits,
/// most significant first), so that comparing keys compares the three in that order
/// with one integer comparison; no field can overflow into the next (a seam has fewer
/// than 2^32 pixels, each costing less than 2^16).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(u128);

const PROTECTED_SHIFT: u32 = 96;
const KEPT_SHIFT: u32 = 64;

impl Key {
    /// The key of those three counts.
    #[cfg(test)]
    pub fn new(protected: u32, kept: u32, energy: u64) -> Key {
        Key((u128::from(protected) << PROTECTED_SHIFT)
            | (u128::from(kept) << KEPT_SHIFT)
            | u128::from(energy))
    }

    /// Protected pixels crossed.
    #[cfg(test)]
    pub fn protected(self) -> u32 {
        (self.0 >> PROTECTED_SHIFT) as u32
    }

    /// Pixels crossed that are not marked for removal.
    #[cfg(test)]
    pub fn kept(self) -> u32 {
        (self.0 >> KEPT_SHIFT) as u32
    }

    /// Sum of the energy or step costs.
    pub fn energy(self) -> u64 {
        self.0 as u64
    }

    /// This key extended by one pixel with `flags` (its energy step already added).
    #[inline]
    fn then(self, flags: u8) -> Key {
        Key(self.0
            + (u128::from(flags & PROTECT != 0) << PROTECTED_SHIFT)
            + (u128::from(flags & REMOVE == 0) << KEPT_SHIFT))
    }
}

/// The pixels and their state a guided seam is found in, all laid out as `rows` say;
/// `flags` is empty when no mask is in use.
pub struct Field<'a> {
    /// Their Sobel energy (read for backward energy only).
    pub energy: &'a [u16],
    /// Each pixel's `[up-left, up, up-right]` step costs, weight included, packed (read
    /// for forward and salient energy only; see `carve::RowSteps::at`).
    pub steps: &'a [u32],
    /// [`PROTECT`] and [`REMOVE`] bits per pixel, or empty.
    pub flags: &'a [u8],
    /// Where each row starts, and the size.
    pub rows: &'a Rows,
    /// Backward (pixel energy) or forward (new edges) cost.
    pub kind: EnergyKind,
}

impl Field<'_> {
    /// Step costs into `(x, y)` from its `[up-left, up, up-right]` parents.
    #[inline]
    fn steps(&self, x: usize, y: usize) -> [u32; 3] {
        let i = self.rows.start(y) + x;
        match self.kind {
            EnergyKind::Backward => [self.energy[i] as u32; 3],
            EnergyKind::Forward | EnergyKind::Salient => unpack_steps(self.steps[i]),
        }
    }

    #[inline]
    fn flags(&self, x: usize, y: usize) -> u8 {
        self.flags.get(self.rows.start(y) + x).copied().unwrap_or(0)
    }

    /// The cheapest way into `(x, y)`, `y >= 1`, from the row above in `above`: the
    /// parent's column and the key before this pixel's flags. Ties go straight up, then
    /// left, then right.
    #[inline]
    fn best_parent(&self, above: &[Key], x: usize, y: usize) -> (usize, Key) {
        let [left, up, right] = self.steps(x, y);
        let mut best = (x, add(above[x], up));
        if x > 0 {
            let k = add(above[x - 1], left);
            if k < best.1 {
                best = (x - 1, k);
            }
        }
        if x + 1 < self.rows.width() {
            let k = add(above[x + 1], right);
            if k < best.1 {
                best = (x + 1, k);
            }
        }
        best
    }

    /// Keys of the cells `from ..` of row `y` (`out.len()` of them), from the keys
    /// `above` of the row above (empty for the image's top row).
    pub fn cells(&self, y: usize, above: &[Key], from: usize, out: &mut [Key]) {
        for (i, cell) in out.iter_mut().enumerate() {
            let x = from + i;
            let key = if above.is_empty() {
                add(Key::default(), self.steps(x, y)[1])
            } else {
                self.best_parent(above, x, y).1
            };
            *cell = key.then(self.flags(x, y));
        }
    }

    /// Traces the cheapest seam through a finished key map laid out as the field's rows:
    /// from the leftmost cheapest bottom cell, the parent each cell's key came from.
    /// Returns the columns, top row first, and the seam's key.
    pub fn trace(&self, keys: &[Key]) -> (Vec<u32>, Key) {
        let h = self.rows.height();
        let bottom = self.rows.row(keys, h - 1);
        let mut x = leftmost_min(bottom);
        let key = bottom[x];
        let mut path = vec![0u32; h];
        path[h - 1] = x as u32;
        for y in (1..h).rev() {
            x = self.best_parent(self.rows.row(keys, y - 1), x, y).0;
            path[y - 1] = x as u32;
        }
        (path, key)
    }

    /// Finds the cheapest seam with a fresh key map in `keys`; returns its column in each
    /// row (top row first) and its key.
    #[cfg(test)]
    pub fn seam(&self, keys: &mut Vec<Key>) -> (Vec<u32>, Key) {
        let (w, h) = (self.rows.width(), self.rows.height());
        keys.resize(self.rows.start(h - 1) + w, Key::default());
        self.rows
            .fill(keys, |y, above, out| self.cells(y, above, 0, out));
        self.trace(keys)
    }
}

#[inline]
fn add(key: Key, step: u32) -> Key {
    Key(key.0 + u128::from(step))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(energy: &'a [u16], flags: &'a [u8], rows: &'a Rows) -> Field<'a> {
        Field {
            steps: &[],
            energy,
            flags,
            rows,
            kind: EnergyKind::Backward,
        }
    }

    #[test]
    fn keys_order_protection_then_removal_then_energy() {
        let k = Key::new;
        assert!(k(0, 9, 9999) < k(1, 0, 0));
        assert!(k(0, 1, 9999) < k(0, 2, 0));
        assert!(k(0, 1, 5) < k(0, 1, 6));
    }

    #[test]
    fn protected_pixels_are_avoided_even_when_cheap() {
        // Column 0 is free but protected; column 2 costs 100 a pixel.
        let energy = [0u16, 500, 100, 0, 500, 100];
        let flags = [PROTECT, 0, 0, PROTECT, 0, 0];
        let (path, key) = field(&energy, &flags, &Rows::packed(3, 2)).seam(&mut Vec::new());
        assert_eq!(path, vec![2, 2]);
        assert_eq!(key.energy(), 200);
        assert_eq!(key.protected(), 0);
    }

    #[test]
    fn removal_pixels_attract_the_seam() {
        // Column 1 is expensive but marked for removal in both rows.
        let energy = [0u16, 900, 0, 0, 900, 0];
        let flags = [0, REMOVE, 0, 0, REMOVE, 0];
        let (path, key) = field(&energy, &flags, &Rows::packed(3, 2)).seam(&mut Vec::new());
        assert_eq!(path, vec![1, 1]);
        assert_eq!((key.kept(), key.energy()), (0, 1800));
        // Each count reads back alone.
        let key = Key::new(u32::MAX, 7, u64::MAX);
        assert_eq!(
            (key.protected(), key.kept(), key.energy()),
            (u32::MAX, 7, u64::MAX)
        );
    }
}
