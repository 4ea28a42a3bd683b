//! Masks: images whose non-zero pixels mark what seams must avoid or must remove.

use image::DynamicImage;

use crate::error::{Error, Result};
use crate::guided::{PROTECT, REMOVE};

/// The luma and alpha (0..255) from which a mask pixel is set.
pub const THRESHOLD: u8 = 128;

/// A mask the size of the image it guides: one bit per pixel, row by row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mask {
    /// Where the mask came from, for messages (usually its file name).
    pub name: String,
    /// The file it was read from, if any: a batch does not carve its own masks.
    pub source: Option<std::path::PathBuf>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `true` where the mask is set.
    pub bits: Vec<bool>,
}

impl Mask {
    /// A mask from an image: a pixel is set when its luma is at least 128 and its alpha
    /// at least 128, so white (or light) on black marks, a painted opaque layer marks,
    /// and the near-black ringing a JPEG leaves around edges does not.
    pub fn from_image(name: &str, image: &DynamicImage) -> Self {
        let la = image.to_luma_alpha8();
        Mask {
            name: name.to_string(),
            source: None,
            width: la.width(),
            height: la.height(),
            bits: la
                .pixels()
                .map(|p| p.0[0] >= THRESHOLD && p.0[1] >= THRESHOLD)
                .collect(),
        }
    }

    /// The first row whose every pixel is set, if any.
    pub fn full_row(&self) -> Option<u32> {
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
            return Err(Error::Size(format!(
                "mask {} is {}x{} but the image is {width}x{height}; a mask must match \
                 the image's size",
                self.name, self.width, self.height
            )));
        }
        Ok(())
    }
}

/// Per-pixel flags for the guided carver from the masks given, after checking their
/// sizes; empty when there are none.
pub fn flags(
    width: u32,
    height: u32,
    protect: Option<&Mask>,
    remove: Option<&Mask>,
) -> Result<Vec<u8>> {
    if protect.is_none() && remove.is_none() {
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
            source: None,
            width: 2,
            height: 2,
            bits: vec![true; 4],
        };
        let err = flags(3, 2, Some(&mask), None).unwrap_err().to_string();
        assert!(
            err.contains("hole.png is 2x2 but the image is 3x2"),
            "{err}"
        );
        assert_eq!(flags(2, 2, None, Some(&mask)).unwrap(), vec![REMOVE; 4]);
        assert!(flags(2, 2, None, None).unwrap().is_empty());
    }
}
