//! Plain scaling, the part of a resize that `Request::amount` leaves to it: Lanczos
//! (radius 3) resampling, the `image` crate's `imageops::resize`, whose arithmetic is
//! plain `f32` and so the same on every platform.

use image::{Pixel, imageops};

use crate::pixels::Buffer;

/// `image` scaled to `width` x `height` (any pixel type), with Lanczos3 resampling; the
/// image itself at its own size.
///
/// ```
/// let image = image::RgbImage::from_pixel(40, 20, image::Rgb([90, 120, 200]));
/// let small = seam_carver::scale(&image, 10, 5);
/// assert_eq!(small.dimensions(), (10, 5));
/// assert!(small.pixels().all(|p| p.0 == [90, 120, 200]));
/// ```
pub fn scale<P>(image: &Buffer<P>, width: u32, height: u32) -> Buffer<P>
where
    P: Pixel + 'static,
{
    if image.dimensions() == (width, height) {
        return image.clone();
    }
    imageops::resize(image, width, height, imageops::FilterType::Lanczos3)
}
