//! Where each row of an image being carved starts in its buffers.
//!
//! Removing a pixel from a row shifts whichever side of it is shorter, so a row can lose
//! a cell at either end of its slot: each row keeps its own start. Every buffer of a
//! carve (pixels, energy, costs, mask flags) shares this layout.

/// The start of each row in the buffers, and the current width of every row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rows {
    starts: Vec<usize>,
    width: usize,
}

impl Rows {
    /// Rows of `width` cells stored one after another (`y * width`).
    pub fn packed(width: usize, height: usize) -> Self {
        Rows {
            starts: (0..height).map(|y| y * width).collect(),
            width,
        }
    }

    /// Current width of every row.
    #[inline]
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of rows.
    #[inline]
    pub fn height(&self) -> usize {
        self.starts.len()
    }

    /// Index of the first cell of row `y` in the buffers.
    #[inline]
    pub fn start(&self, y: usize) -> usize {
        self.starts[y]
    }

    /// Row `y` of `data`.
    #[inline]
    pub fn row<'a, T>(&self, data: &'a [T], y: usize) -> &'a [T] {
        &data[self.starts[y]..self.starts[y] + self.width]
    }

    /// Row `y` of `data`, mutable.
    #[inline]
    pub fn row_mut<'a, T>(&self, data: &'a mut [T], y: usize) -> &'a mut [T] {
        &mut data[self.starts[y]..self.starts[y] + self.width]
    }

    /// Removes column `x` of row `y` from each buffer, moving the shorter side of the row
    /// towards it. Call [`Rows::narrow`] first, then this once per row: until then, row
    /// `y` is still one cell wider than [`Rows::width`].
    #[inline]
    pub fn remove(&mut self, y: usize, x: usize, buffers: &mut [&mut dyn Shift]) {
        let start = self.starts[y];
        if x < self.width - x {
            for b in buffers.iter_mut() {
                b.shift(start..start + x, start + 1);
            }
            self.starts[y] += 1;
        } else {
            for b in buffers.iter_mut() {
                b.shift(start + x + 1..start + self.width + 1, start + x);
            }
        }
    }

    /// Every row is to be one cell narrower: [`Rows::remove`] a cell from each.
    pub fn narrow(&mut self) {
        self.width -= 1;
    }

    /// All rows, row by row, as one packed vector.
    pub fn collect<T: Copy>(&self, data: &[T]) -> Vec<T> {
        (0..self.height())
            .flat_map(|y| self.row(data, y).iter().copied())
            .collect()
    }
}

/// A buffer whose cells can be moved within itself (`copy_within`).
pub trait Shift {
    /// Copies the cells in `from` to start at `to`.
    fn shift(&mut self, from: std::ops::Range<usize>, to: usize);
}

impl<T: Copy> Shift for Vec<T> {
    #[inline]
    fn shift(&mut self, from: std::ops::Range<usize>, to: usize) {
        if !self.is_empty() {
            self.copy_within(from, to);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_moves_the_shorter_side() {
        let mut rows = Rows::packed(5, 2);
        let mut data: Vec<u8> = (0..10).collect();
        let mut none: Vec<u8> = Vec::new();
        rows.narrow();
        rows.remove(0, 1, &mut [&mut data, &mut none]); // left side is shorter
        rows.remove(1, 3, &mut [&mut data, &mut none]); // right side is shorter
        assert_eq!(rows.start(0), 1);
        assert_eq!(rows.row(&data, 0), &[0, 2, 3, 4]);
        assert_eq!(rows.row(&data, 1), &[5, 6, 7, 9]);
        assert_eq!(rows.collect(&data), vec![0, 2, 3, 4, 5, 6, 7, 9]);
    }
}
