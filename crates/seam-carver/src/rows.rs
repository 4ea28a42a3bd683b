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
    /// The cells each row's slot holds (the width the rows were packed at): row `y`'s
    /// cells stay within `y * slot .. (y + 1) * slot`.
    slot: usize,
}

impl Rows {
    /// Rows of `width` cells stored one after another (`y * width`).
    pub fn packed(width: usize, height: usize) -> Self {
        Rows {
            starts: (0..height).map(|y| y * width).collect(),
            width,
            slot: width,
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

    /// Removes column `x` of row `y`: returns how to move the cells of each buffer, the
    /// shorter side of the row towards the gap. Call [`Rows::narrow`] first, then this
    /// once per row: until then, row `y` is still one cell wider than [`Rows::width`].
    #[inline]
    pub fn remove(&mut self, y: usize, x: usize) -> Move {
        let start = self.starts[y];
        if x < self.width - x {
            self.starts[y] += 1;
            Move {
                from: start..start + x,
                to: start + 1,
            }
        } else {
            Move {
                from: start + x + 1..start + self.width + 1,
                to: start + x,
            }
        }
    }

    /// Every row is to be one cell narrower: [`Rows::remove`] a cell from each.
    pub fn narrow(&mut self) {
        self.width -= 1;
    }

    /// Where row `y`'s slot starts in the buffers: they split there (with
    /// `split_at_mut`) into bands of whole rows, which threads can work on at once.
    pub fn slot_start(&self, y: usize) -> usize {
        y * self.slot
    }

    /// The rows `band` as rows of their own, laid out in the buffers' cells from the
    /// start of the first one's slot on (see [`Rows::slot_start`]). [`Rows::rejoin`]
    /// takes their starts back once they are worked on.
    pub fn band(&self, band: std::ops::Range<usize>) -> Rows {
        let first = self.slot_start(band.start);
        Rows {
            starts: self.starts[band].iter().map(|&s| s - first).collect(),
            width: self.width,
            slot: self.slot,
        }
    }

    /// Takes back the starts of the rows `at ..` from `band`, made by [`Rows::band`]
    /// from rows starting at `at` and worked on since.
    pub fn rejoin(&mut self, at: usize, band: &Rows) {
        let first = self.slot_start(at);
        for (start, &s) in self.starts[at..].iter_mut().zip(&band.starts) {
            *start = s + first;
        }
    }

    /// Fills a whole map (costs or keys) laid out as these rows, row by row:
    /// `cells(y, above, out)` computes row `y` into `out` from row `y - 1` (`above`,
    /// empty for the top row).
    pub fn fill<T>(&self, buf: &mut [T], mut cells: impl FnMut(usize, &[T], &mut [T])) {
        for y in 0..self.height() {
            // Each row lives in its own slot, after the slot of the row above.
            let (head, tail) = buf.split_at_mut(self.starts[y]);
            let above = if y > 0 { self.row(head, y - 1) } else { &[] };
            cells(y, above, &mut tail[..self.width]);
        }
    }

    /// All rows, row by row, as one packed vector.
    pub fn collect<T: Copy>(&self, data: &[T]) -> Vec<T> {
        let mut out = Vec::with_capacity(self.width * self.height());
        for y in 0..self.height() {
            out.extend_from_slice(self.row(data, y));
        }
        out
    }
}

/// The cells a removal moves in every buffer of a carve: `from` goes to start at `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    /// The cells that move.
    pub from: std::ops::Range<usize>,
    /// Where the first of them goes.
    pub to: usize,
}

impl Move {
    /// Moves the cells in `buffer`; an empty buffer (one not in use) is left alone.
    #[inline]
    pub fn apply<T: Copy>(&self, buffer: &mut [T]) {
        if !buffer.is_empty() {
            buffer.copy_within(self.from.clone(), self.to);
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
        rows.narrow();
        rows.remove(0, 1).apply(&mut data); // left side is shorter
        rows.remove(1, 3).apply(&mut data); // right side is shorter
        assert_eq!(rows.start(0), 1);
        assert_eq!(rows.row(&data, 0), &[0, 2, 3, 4]);
        assert_eq!(rows.row(&data, 1), &[5, 6, 7, 9]);
        assert_eq!(rows.collect(&data), vec![0, 2, 3, 4, 5, 6, 7, 9]);
    }

    #[test]
    fn bands_remove_as_the_whole_does() {
        let (width, height) = (6, 5);
        let columns = [0, 4, 2, 5, 1];
        let mut whole = Rows::packed(width, height);
        let mut one: Vec<u32> = (0..30).collect();
        whole.narrow();
        for (y, &x) in columns.iter().enumerate() {
            whole.remove(y, x).apply(&mut one);
        }
        for at in 0..=height {
            let mut rows = Rows::packed(width, height);
            let mut two: Vec<u32> = (0..30).collect();
            rows.narrow();
            let mut band = rows.band(at..height);
            let (head, tail) = two.split_at_mut(rows.slot_start(at));
            for (y, &x) in columns.iter().enumerate().take(at) {
                rows.remove(y, x).apply(head);
            }
            for (y, &x) in columns.iter().enumerate().skip(at) {
                band.remove(y - at, x).apply(tail);
            }
            rows.rejoin(at, &band);
            assert_eq!(rows, whole, "split at {at}");
            assert_eq!(rows.collect(&two), whole.collect(&one), "split at {at}");
        }
    }
}
