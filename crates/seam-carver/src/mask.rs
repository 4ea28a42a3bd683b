//! Masks: one bit per pixel marking what seams must avoid (protect) or take (remove).

use image::{DynamicImage, GenericImageView};

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

    /// The mask at `width` x `height`, for an image scaled to that size: a pixel is set
    /// when any pixel of the original it covers is, so a thin mark is kept when shrunk.
    ///
    /// ```
    /// let line = seam_carver::Mask::from_fn("line", 8, 4, |x, _| x == 5);
    /// let half = line.scaled(4, 2);
    /// assert_eq!((half.width(), half.height(), half.count()), (4, 2, 2));
    /// assert!(half.is_set(2, 0) && half.is_set(2, 1));
    /// assert_eq!(line.scaled(16, 8).count(), 16);
    /// ```
    pub fn scaled(&self, width: u32, height: u32) -> Mask {
        let (w, h) = (u64::from(self.width), u64::from(self.height));
        let (nw, nh) = (u64::from(width.max(1)), u64::from(height.max(1)));
        // The original pixels a new pixel covers along one axis: [start, end).
        let span = |i: u32, len: u64, new: u64| {
            let start = u64::from(i) * len / new;
            let end = ((u64::from(i) + 1) * len).div_ceil(new).max(start + 1);
            (start as u32, end.min(len) as u32)
        };
        Mask::from_fn(&self.name, width, height, |x, y| {
            let (x0, x1) = span(x, w, nw);
            let (y0, y1) = span(y, h, nh);
            (y0..y1).any(|sy| (x0..x1).any(|sx| self.is_set(sx, sy)))
        })
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

    /// The skin of the people whose `faces` were found in `image` (usually by a
    /// `FaceDetector`), as a mask named `skin` for [`Request::skin`](crate::Request::skin).
    ///
    /// ```
    /// use image::{Rgb, RgbImage};
    /// let photo = RgbImage::from_fn(200, 200, |x, y| Rgb(if x < 64 && y < 64 { [198, 134, 66] } else { [40, 90, 160] }));
    /// let face = seam_carver::Face { x: 0, y: 0, width: 64, height: 64, score: 9.0 };
    /// let skin = seam_carver::Mask::skin(&photo, &[face]);
    /// assert_eq!((skin.count(), seam_carver::Mask::skin(&photo, &[]).count()), (64 * 64, 0));
    /// ```
    ///
    /// No fixed colour range tells skin from sand, wood or brick: their hues overlap
    /// (measured on the shared photos: coffee's wooden table at 39-54°, the astronaut's face
    /// at 40-58°, and darker skin is as saturated as the wood). So the rule learns each
    /// person's skin from their face and looks for it only around them:
    ///
    /// 1. Colours are JPEG's YCbCr (BT.601, full range) in 8-bit integers, and the chroma
    ///    per unit of luma, `256 (Cb - 128) / Y` and `256 (Cr - 128) / Y`, which shade
    ///    does not change (an arm half in shadow has half the luma and half the chroma).
    /// 2. **A face's skin colour** is taken from the middle of its box (the central half of
    ///    its columns, rows 3/8 to 7/8: cheeks, nose and mouth, little hair or background),
    ///    from the pixels that can be skin at all: luma at least 40, Cr at least 128 and at
    ///    least Cb + 8, Cb at most 128 (reddish, not bluish: Chai and Ngan's skin region,
    ///    widened). Fewer than a quarter of them (a grayscale photo, a hand or mask over
    ///    the face): that face gives no skin. Otherwise its colour is the median of each
    ///    per-luma chroma over those pixels, with a tolerance of twice their median
    ///    absolute deviation, at least 6 and at most 12, and its luma their median luma.
    /// 3. **Skin** is every pixel within both tolerances whose luma is at least 2/5 of the
    ///    face's (skin in shade, not dark things of a similar hue) and at least 30, inside
    ///    the area a person around that face occupies: three face widths either side of
    ///    its centre, from half a face height above it to eight face heights below its top.
    /// 4. Texture is dropped: those pixels are opened by a 3x3 square (only pixels of
    ///    some 3x3 block of them stay, so the threads and grains where sand or wood
    ///    touches the colour go), and only 4-connected groups of at least 1/16 of the face
    ///    box's area are kept (necks, arms, hands; not specks).
    ///
    /// A photo without a face found has no skin. Everything is integer arithmetic, so every
    /// platform finds the same pixels.
    pub fn skin<I: GenericImageView>(image: &I, faces: &[Face]) -> Self {
        crate::skin::mask(image, faces)
    }

    /// A mask from its bits, row by row.
    pub(crate) fn from_bits(name: &str, width: u32, height: u32, bits: Vec<bool>) -> Self {
        debug_assert_eq!(bits.len(), width as usize * height as usize);
        Mask {
            name: name.to_string(),
            width,
            height,
            bits,
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

/// Per-pixel flags for the guided carver from the masks and boxes given (`protect`: the
/// user's mask and the skin), after checking the masks' sizes; empty when there are none.
pub(crate) fn flags(
    width: u32,
    height: u32,
    protect: [Option<&Mask>; 2],
    faces: &[Face],
    remove: Option<&Mask>,
) -> Result<Vec<u8>> {
    for mask in protect.into_iter().chain([remove]).flatten() {
        mask.check_size(width, height)?;
    }
    // A protect mask with nothing set (the skin of a photo without faces) protects
    // nothing: the carve is the plain one.
    let protect: Vec<&Mask> = protect
        .into_iter()
        .flatten()
        .filter(|m| m.count() > 0)
        .collect();
    if protect.is_empty() && faces.is_empty() && remove.is_none() {
        return Ok(Vec::new());
    }
    let mut flags = vec![0u8; width as usize * height as usize];
    let masks = protect.into_iter().map(|m| (m, PROTECT));
    for (mask, bit) in masks.chain(remove.map(|m| (m, REMOVE))) {
        for (f, &set) in flags.iter_mut().zip(&mask.bits) {
            if set {
                *f |= bit;
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
        let err = flags(3, 2, [Some(&mask), None], &[], None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("hole.png is 2x2 but the image is 3x2"),
            "{err}"
        );
        assert_eq!(
            flags(2, 2, [None, None], &[], Some(&mask)).unwrap(),
            vec![REMOVE; 4]
        );
        assert!(flags(2, 2, [None, None], &[], None).unwrap().is_empty());
    }
}
