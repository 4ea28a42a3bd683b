//! Masks: one bit per pixel marking what seams must avoid (protect) or take (remove).

use image::DynamicImage;

use crate::error::{Error, Result};
use crate::faces::Face;
use crate::guided::{PROTECT, REMOVE};

/// The luma and alpha (0..255) from which a mask pixel is set.
pub(crate) const THRESHOLD: u8 = 128;

/// A mask the size of the image it guides: one bit per pixel, row by row, and a name
/// for messages (usually its file's).
///
/// ```
/// use seam_carver::Mask;
/// let mask = Mask::from_fn("left half", 4, 2, |x, _| x < 2);
/// assert_eq!((mask.width(), mask.height(), mask.count()), (4, 2, 4));
/// assert!(mask.is_set(1, 1) && !mask.is_set(2, 0));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mask {
    name: String,
    width: u32,
    height: u32,
    bits: Vec<bool>,
}

impl Mask {
    /// A `width` x `height` mask set where `set(x, y)` is true.
    pub fn from_fn(
        name: &str,
        width: u32,
        height: u32,
        mut set: impl FnMut(u32, u32) -> bool,
    ) -> Self {
        Mask {
            name: name.to_string(),
            width,
            height,
            bits: (0..height)
                .flat_map(|y| (0..width).map(move |x| (x, y)))
                .map(|(x, y)| set(x, y))
                .collect(),
        }
    }

    /// The name messages call it by.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Whether the pixel at column `x`, row `y` is set (false outside the mask).
    pub fn is_set(&self, x: u32, y: u32) -> bool {
        x < self.width && y < self.height && self.bits[(y * self.width + x) as usize]
    }

    /// The most pixels set in one row.
    pub(crate) fn widest_row(&self) -> u32 {
        self.bits
            .chunks(self.width.max(1) as usize)
            .map(|row| row.iter().filter(|&&b| b).count() as u32)
            .max()
            .unwrap_or(0)
    }

    /// A mask from an image: a pixel is set when its luma is at least 128 and its alpha
    /// at least 128, so white (or light) on black marks, a painted opaque layer marks,
    /// and the near-black ringing a JPEG leaves around edges does not.
    pub fn from_image(name: &str, image: &DynamicImage) -> Self {
        let la = image.to_luma_alpha8();
        Mask {
            name: name.to_string(),
            width: la.width(),
            height: la.height(),
            bits: la
                .pixels()
                .map(|p| p.0[0] >= THRESHOLD && p.0[1] >= THRESHOLD)
                .collect(),
        }
    }

    /// The first row whose every pixel is set, if any.
    pub(crate) fn full_row(&self) -> Option<u32> {
        let w = self.width as usize;
        (0..self.height).find(|&y| {
            let start = y as usize * w;
            self.bits[start..start + w].iter().all(|&b| b)
        })
    }

    /// How many pixels are set.
    pub fn count(&self) -> usize {
        self.bits.iter().filter(|&&b| b).count()
    }

    /// Checks that the mask matches an image of `width` x `height`.
    pub fn check_size(&self, width: u32, height: u32) -> Result<()> {
        if (self.width, self.height) != (width, height) {
            return Err(Error::MaskSize {
                mask: self.name.clone(),
                mask_width: self.width,
                mask_height: self.height,
                width,
                height,
            });
        }
        Ok(())
    }
}

/// Per-pixel flags for the guided carver from the masks and boxes given, after checking
/// the masks' sizes; empty when there are none.
pub(crate) fn flags(
    width: u32,
    height: u32,
    protect: Option<&Mask>,
    faces: &[Face],
    remove: Option<&Mask>,
) -> Result<Vec<u8>> {
    if protect.is_none() && faces.is_empty() && remove.is_none() {
        return Ok(Vec::new());
    }
    let mut flags = vec![0u8; width as usize * height as usize];
    for (mask, bit) in [(protect, PROTECT), (remove, REMOVE)] {
        if let Some(mask) = mask {
            mask.check_size(width, height)?;
            for (f, &set) in flags.iter_mut().zip(&mask.bits) {
                if set {
                    *f |= bit;
                }
            }
        }
    }
    for (columns, rows) in faces.iter().filter_map(|f| f.clipped(width, height)) {
        for row in rows {
            let start = row as usize * width as usize;
            for f in &mut flags[start + columns.start as usize..start + columns.end as usize] {
                *f |= PROTECT;
            }
        }
    }
    Ok(flags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Rgba, RgbaImage};

    #[test]
    fn light_opaque_pixels_are_set() {
        // Luma 0, 100 (JPEG ringing near black stays unset), 127, 128, 200.
        let gray = GrayImage::from_fn(5, 1, |x, _| {
            image::Luma([[0, 100, 127, 128, 200][x as usize]])
        });
        let mask = Mask::from_image("m.png", &DynamicImage::ImageLuma8(gray));
        assert_eq!(mask.bits, vec![false, false, false, true, true]);
        // Alpha 0, 127, 128, 255.
        let rgba = RgbaImage::from_fn(4, 1, |x, _| {
            Rgba([255, 255, 255, [0, 127, 128, 255][x as usize]])
        });
        let mask = Mask::from_image("m.png", &DynamicImage::ImageRgba8(rgba));
        assert_eq!(mask.bits, vec![false, false, true, true]);
    }

    #[test]
    fn size_mismatch_names_the_mask() {
        let mask = Mask {
            name: "hole.png".into(),
            width: 2,
            height: 2,
            bits: vec![true; 4],
        };
        let err = flags(3, 2, Some(&mask), &[], None).unwrap_err().to_string();
        assert!(
            err.contains("hole.png is 2x2 but the image is 3x2"),
            "{err}"
        );
        assert_eq!(
            flags(2, 2, None, &[], Some(&mask)).unwrap(),
            vec![REMOVE; 4]
        );
        assert!(flags(2, 2, None, &[], None).unwrap().is_empty());
    }
}
