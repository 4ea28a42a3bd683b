//! The example's pictures: seams drawn on the grayscale original and on the gradient
//! image (removed ones in red, inserted ones in green), mapped back to original pixels.

use image::{GrayImage, Luma, Pixel, Rgb, RgbImage};

use crate::carve::{Seam, original_columns};
use crate::energy::EnergyMap;
use crate::error::Axis;
use crate::faces::Face;
use crate::mask::Mask;
use crate::seam::SeamRule;

/// Colour of a removed seam in the annotated images.
pub const REMOVED: Rgb<u8> = Rgb([255, 0, 0]);

/// Colour of an inserted seam (the pixels it doubled) in the annotated images.
pub const INSERTED: Rgb<u8> = Rgb([0, 255, 0]);

/// Colour of the outline of what was kept whole automatically (a detected face, skin).
pub const PROTECTED: Rgb<u8> = Rgb([0, 160, 255]);

/// The original in grayscale, with the image crate's luma weights (as the example does).
pub fn grayscale(image: &RgbImage) -> GrayImage {
    GrayImage::from_fn(image.width(), image.height(), |x, y| {
        image.get_pixel(x, y).to_luma()
    })
}

/// The (backward, Sobel) energy of every pixel of `image`, row by row: what
/// [`gradients`] draws, and what [`crate::Carved::energy`] holds for a carve's input.
///
/// ```
/// use seam_carver::annotate::{energy_map, gradients};
/// let image = image::RgbImage::from_fn(4, 3, |x, _| image::Rgb([if x < 2 { 0 } else { 255 }; 3]));
/// let energy = energy_map(&image);
/// assert_eq!(energy.as_raw()[..4], [0, 1020, 1020, 0]);
/// assert_eq!(gradients(&energy).get_pixel(1, 0).0, [255]);
/// ```
pub fn energy_map(image: &RgbImage) -> EnergyMap {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let raw = crate::energy::energy_map(image.as_raw().as_chunks::<3>().0, w, h);
    EnergyMap::from_raw(image.width(), image.height(), raw).expect("a value a pixel")
}

/// The energy map clamped to 0..=255, the example's `gradients.png`.
pub fn gradients(energy: &EnergyMap) -> GrayImage {
    let raw = energy.as_raw().iter().map(|&e| e.min(255) as u8).collect();
    GrayImage::from_raw(energy.width(), energy.height(), raw).expect("a value a pixel")
}

/// Pixels of the original that the carve touched, in original coordinates `(x, y)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// Pixels removed by a seam.
    pub removed: Vec<(u32, u32)>,
    /// Pixels that were duplicated by an inserted seam (each as the original pixel the
    /// new one copies; a pixel doubled in several passes appears once per pass).
    pub inserted: Vec<(u32, u32)>,
}

/// Maps every seam back to the pixels of the original `width` x `height` image, in the
/// order they were taken ([`crate::Carved::order`]): each run of vertical seams (removed
/// ones of a first run mapped as `rule` maps them: `Imageproc` as imageproc 0.27's
/// `draw_vertical_seams` does, which can map two seams onto one column) and of
/// horizontal seams, each taken from the image the runs before it left and mapped back
/// exactly through them.
///
/// ```
/// use seam_carver::{Axis, SeamRule, Seam, annotate::marks};
/// let seam = |path: &[u32]| Seam { path: path.to_vec(), cost: 0, inserted: None };
/// // A 3x2 image: its middle column, then its bottom row.
/// let marks = marks(&[seam(&[1, 1])], &[seam(&[1, 1])], &[(Axis::Width, 1), (Axis::Height, 1)], 3, 2, SeamRule::Optimal);
/// assert_eq!(marks.removed, [(1, 0), (1, 1), (0, 1), (2, 1)]);
/// ```
pub fn marks(
    vertical: &[Seam],
    horizontal: &[Seam],
    order: &[(Axis, u32)],
    width: u32,
    height: u32,
    rule: SeamRule,
) -> Marks {
    let mut marks = Marks::default();
    // The original pixel at every place of the image as the seams go, row by row.
    let mut rows: Vec<Vec<(u32, u32)>> = (0..height)
        .map(|y| (0..width).map(|x| (x, y)).collect())
        .collect();
    let mut mark = |(x, y): (u32, u32), inserted: bool| {
        let list = if inserted {
            &mut marks.inserted
        } else {
            &mut marks.removed
        };
        list.push((x, y));
    };
    let (mut across, mut down) = (vertical, horizontal);
    for (i, &(axis, n)) in order.iter().enumerate() {
        let n = n as usize;
        match axis {
            Axis::Width => {
                let (run, rest) = across.split_at(n.min(across.len()));
                across = rest;
                if i == 0 && rule == SeamRule::Imageproc {
                    // Only removal is possible with this rule; draw it as imageproc does.
                    for seam in original_columns(run, width, height, rule) {
                        for (y, x) in seam.into_iter().enumerate() {
                            mark((x, y as u32), false);
                        }
                    }
                    replay(run, &mut rows, &mut |_, _, _| {});
                } else {
                    replay(run, &mut rows, &mut |_, pixel, inserted| {
                        mark(pixel, inserted)
                    });
                }
            }
            Axis::Height => {
                let (run, rest) = down.split_at(n.min(down.len()));
                down = rest;
                // Horizontal seams are vertical seams of the transpose: a line per column.
                let mut lines = transpose_grid(&rows);
                replay(run, &mut lines, &mut |_, pixel, inserted| {
                    mark(pixel, inserted)
                });
                rows = transpose_grid(&lines);
            }
        }
    }
    marks
}

/// Rows of a grid as its columns.
fn transpose_grid<T: Copy>(rows: &[Vec<T>]) -> Vec<Vec<T>> {
    let width = rows.first().map_or(0, Vec::len);
    (0..width)
        .map(|x| rows.iter().map(|row| row[x]).collect())
        .collect()
}

/// Replays `seams` on `lines` (for each line of the image, the original position of each
/// of its pixels), calling `mark(line, original position, inserted)` for every pixel a
/// seam removes or doubles. Removed seams are taken one by one; the seams of one
/// insertion pass are all in the coordinates from before the pass.
fn replay<T: Copy>(seams: &[Seam], lines: &mut [Vec<T>], mark: &mut dyn FnMut(usize, T, bool)) {
    let mut i = 0;
    while i < seams.len() {
        let Some(pass) = seams[i].inserted else {
            for (l, (line, &x)) in lines.iter_mut().zip(&seams[i].path).enumerate() {
                mark(l, line.remove(x as usize), false);
            }
            i += 1;
            continue;
        };
        let end = i + seams[i..]
            .iter()
            .take_while(|s| s.inserted == Some(pass))
            .count();
        for (l, line) in lines.iter_mut().enumerate() {
            let mut doubled = vec![false; line.len()];
            for seam in &seams[i..end] {
                let x = seam.path[l] as usize;
                doubled[x] = true;
                mark(l, line[x], true);
            }
            *line = line
                .iter()
                .zip(&doubled)
                .flat_map(|(&v, &d)| std::iter::repeat_n(v, 1 + d as usize))
                .collect();
        }
        i = end;
    }
}

/// `base` in RGB with the marked pixels painted: removed ones [`REMOVED`], then inserted
/// ones [`INSERTED`].
pub fn draw_seams(base: &GrayImage, marks: &Marks) -> RgbImage {
    let mut out = RgbImage::from_fn(base.width(), base.height(), |x, y| {
        let Luma([l]) = *base.get_pixel(x, y);
        Rgb([l, l, l])
    });
    for &(x, y) in &marks.removed {
        out.put_pixel(x, y, REMOVED);
    }
    for &(x, y) in &marks.inserted {
        out.put_pixel(x, y, INSERTED);
    }
    out
}

/// Outlines each box (clipped to the image) in [`PROTECTED`], one pixel wide, on its
/// border pixels: drawn after the seams, so what was kept automatically shows.
///
/// ```
/// use seam_carver::{Face, annotate::{PROTECTED, outline}};
/// let mut picture = image::RgbImage::new(6, 5);
/// outline(&mut picture, &[Face { x: 1, y: 1, width: 3, height: 3, score: 9.0 }]);
/// assert_eq!(*picture.get_pixel(1, 3), PROTECTED);
/// assert_eq!(picture.get_pixel(2, 2).0, [0, 0, 0]);
/// ```
pub fn outline(picture: &mut RgbImage, boxes: &[Face]) {
    let (width, height) = picture.dimensions();
    for (columns, rows) in boxes.iter().filter_map(|b| b.clipped(width, height)) {
        let (right, bottom) = (columns.end - 1, rows.end - 1);
        for x in columns.clone() {
            picture.put_pixel(x, rows.start, PROTECTED);
            picture.put_pixel(x, bottom, PROTECTED);
        }
        for y in rows {
            picture.put_pixel(columns.start, y, PROTECTED);
            picture.put_pixel(right, y, PROTECTED);
        }
    }
}

/// Outlines `mask` on `picture` (of its size) in [`PROTECTED`]: each set pixel with an
/// unset 4-neighbour, or on the picture's edge.
///
/// ```
/// let mut picture = image::RgbImage::new(5, 5);
/// let mask = seam_carver::Mask::from_fn("square", 5, 5, |x, y| x >= 1 && y >= 1 && x <= 3 && y <= 3);
/// seam_carver::annotate::outline_mask(&mut picture, &mask);
/// assert_eq!(picture.pixels().filter(|p| p.0 != [0; 3]).count(), 8);
/// ```
pub fn outline_mask(picture: &mut RgbImage, mask: &Mask) {
    let (width, height) = picture.dimensions();
    for y in 0..height.min(mask.height()) {
        for x in 0..width.min(mask.width()) {
            let edge = x == 0 || y == 0 || x + 1 == width || y + 1 == height;
            if mask.is_set(x, y)
                && (edge
                    || !mask.is_set(x - 1, y)
                    || !mask.is_set(x + 1, y)
                    || !mask.is_set(x, y - 1)
                    || !mask.is_set(x, y + 1))
            {
                picture.put_pixel(x, y, PROTECTED);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seam(path: &[u32]) -> Seam {
        Seam {
            path: path.to_vec(),
            cost: 0,
            inserted: None,
        }
    }

    #[test]
    fn exact_mapping_tracks_removed_columns() {
        let seams = [seam(&[0]), seam(&[0]), seam(&[1])];
        assert_eq!(
            original_columns(&seams, 5, 1, SeamRule::Optimal),
            vec![vec![0], vec![1], vec![3]]
        );
    }

    #[test]
    fn horizontal_seams_map_back_through_the_vertical_ones() {
        // 4x3 image: remove column 1 everywhere, then the middle row of what is left.
        let vertical = [seam(&[1, 1, 1])];
        let horizontal = [seam(&[1, 1, 1])];
        let order = [(Axis::Width, 1), (Axis::Height, 1)];
        let marks = marks(&vertical, &horizontal, &order, 4, 3, SeamRule::Optimal);
        assert_eq!(
            marks.removed,
            vec![(1, 0), (1, 1), (1, 2), (0, 1), (2, 1), (3, 1)]
        );
    }

    #[test]
    fn inserted_passes_map_through_the_pixels_they_doubled() {
        // 3x1 image: pass 1 doubles column 2; pass 2 doubles columns 3 (the copy of 2)
        // and 0; then a removed seam takes column 1.
        let pass = |n, x| Seam {
            path: vec![x],
            cost: 0,
            inserted: Some(n),
        };
        let seams = [pass(1, 2), pass(2, 3), pass(2, 0), seam(&[1])];
        let marks = marks(&seams, &[], &[(Axis::Width, 4)], 3, 1, SeamRule::Optimal);
        assert_eq!(marks.inserted, vec![(2, 0), (2, 0), (0, 0)]);
        assert_eq!(marks.removed, vec![(0, 0)]);
    }

    #[test]
    fn imageproc_mapping_reproduces_its_collision() {
        // Removing column 0 twice: the second seam is really original column 1, but
        // imageproc's count of offsets below the current column maps it to 0 again.
        let seams = [seam(&[0]), seam(&[0])];
        assert_eq!(
            original_columns(&seams, 5, 1, SeamRule::Imageproc),
            vec![vec![0], vec![0]]
        );
    }
}
