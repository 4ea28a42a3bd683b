//! The example's pictures: seams drawn in red on the grayscale original and on the
//! gradient image, with seams mapped back to the columns of the original image.

use image::{GrayImage, Luma, Pixel, Rgb, RgbImage};

use crate::carve::Seam;
use crate::seam::SeamRule;

/// Colour of a removed seam in the annotated images.
pub const REMOVED: Rgb<u8> = Rgb([255, 0, 0]);

/// The original in grayscale, with the image crate's luma weights (as the example does).
pub fn grayscale(image: &RgbImage) -> GrayImage {
    GrayImage::from_fn(image.width(), image.height(), |x, y| {
        image.get_pixel(x, y).to_luma()
    })
}

/// The energy map clamped to 0..=255, the example's `gradients.png`.
pub fn gradients(energy: &[u16], width: u32, height: u32) -> GrayImage {
    let raw = energy.iter().map(|&e| e.min(255) as u8).collect();
    GrayImage::from_raw(width, height, raw).expect("energy map matches the image size")
}

/// Maps each seam (in removal order, each in the coordinates of the image it was removed
/// from) to columns of the original image; returns, per seam, the original column in each
/// row, top row first.
///
/// `Optimal` uses the exact mapping. `Imageproc` reproduces imageproc 0.27's
/// `draw_vertical_seams`, which shifts a column once for every earlier seam in that row
/// whose *original* column is left of the seam's *current* column, and so can map two
/// seams onto one column.
pub fn original_columns(seams: &[Seam], width: u32, height: u32, rule: SeamRule) -> Vec<Vec<u32>> {
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

/// Every removed pixel, in original coordinates `(x, y)`: the vertical seams (mapped as
/// `rule` maps them, see [`original_columns`]), then the horizontal seams, which were
/// removed from the image left after the vertical ones and are mapped back exactly.
pub fn removed_pixels(
    vertical: &[Seam],
    horizontal: &[Seam],
    width: u32,
    height: u32,
    rule: SeamRule,
) -> Vec<(u32, u32)> {
    let mut pixels: Vec<(u32, u32)> = original_columns(vertical, width, height, rule)
        .iter()
        .flat_map(|seam| seam.iter().enumerate().map(|(y, &x)| (x, y as u32)))
        .collect();
    if !horizontal.is_empty() {
        // Original columns that survived the vertical seams, per row.
        let mut alive: Vec<Vec<u32>> = vec![(0..width).collect(); height as usize];
        for seam in vertical {
            for (row, &x) in alive.iter_mut().zip(&seam.path) {
                row.remove(x as usize);
            }
        }
        let narrowed = width - vertical.len() as u32;
        // Horizontal seams are vertical seams of the transpose: map their rows back.
        for seam in original_columns(horizontal, height, narrowed, SeamRule::Optimal) {
            for (column, &y) in seam.iter().enumerate() {
                pixels.push((alive[y as usize][column], y));
            }
        }
    }
    pixels
}

/// `base` in RGB with the given pixels painted `REMOVED`.
pub fn draw_seams(base: &GrayImage, pixels: &[(u32, u32)]) -> RgbImage {
    let mut out = RgbImage::from_fn(base.width(), base.height(), |x, y| {
        let Luma([l]) = *base.get_pixel(x, y);
        Rgb([l, l, l])
    });
    for &(x, y) in pixels {
        out.put_pixel(x, y, REMOVED);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seam(path: &[u32]) -> Seam {
        Seam {
            path: path.to_vec(),
            cost: 0,
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
        let pixels = removed_pixels(&vertical, &horizontal, 4, 3, SeamRule::Optimal);
        assert_eq!(pixels, vec![(1, 0), (1, 1), (1, 2), (0, 1), (2, 1), (3, 1)]);
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
