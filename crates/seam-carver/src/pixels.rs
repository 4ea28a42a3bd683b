//! Any pixel type: a carve is measured on an 8-bit RGB view of the image and its seams
//! are then applied to the image's own pixels, so an RGBA image keeps its alpha (and a
//! gray one stays gray) exactly on every pixel kept.

use image::{GenericImageView, ImageBuffer, Pixel, Primitive, Rgb, RgbImage};
use num_traits::{NumCast, ToPrimitive};

use crate::carve::Seam;
use crate::error::Axis;

/// An image buffer of the pixel type `P`, as `image` names them (`RgbaImage`, ...).
pub(crate) type Buffer<P> = ImageBuffer<P, Vec<<P as Pixel>::Subpixel>>;

/// The 8-bit RGB image a carve of `image` is measured on: each pixel's colour scaled to
/// 0..255 and multiplied by its opacity, so transparent pixels count as black (flat, and
/// cheap to carve) whatever colour they hold, and an opaque RGB image is itself.
/// (Never inlined: called for the carve and for each insertion pass of a replay, one
/// copy keeps the WASI module, inline in every Bacalhau job, smaller.)
#[inline(never)]
pub(crate) fn measured<I: GenericImageView>(image: &I) -> RgbImage {
    // 8-bit channels in integers: round(c * a / 255), which is never a half, so the
    // same as the floating-point rule below; and quicker, for the commonest case.
    let max = <<I::Pixel as Pixel>::Subpixel as Primitive>::DEFAULT_MAX_VALUE
        .to_f64()
        .unwrap_or(255.0);
    let opaque =
        !<I::Pixel as Pixel>::HAS_ALPHA && matches!(<I::Pixel as Pixel>::CHANNEL_COUNT, 1 | 3);
    if max == 255.0 && opaque {
        // Opaque 8-bit pixels are their own colours (the commonest case: no arithmetic).
        // Gray or RGB only: a pixel type of another crate with an alpha channel may not
        // say so (HAS_ALPHA defaults to false), and its alpha must still count.
        return each_pixel(image, |p| p.to_rgb().0.map(|v| v.to_u8().unwrap_or(0)));
    }
    if max == 255.0 {
        let byte = |v: <I::Pixel as Pixel>::Subpixel| v.to_u8().unwrap_or(0) as u32;
        return each_pixel(image, |p| {
            let rgba = p.to_rgba();
            let alpha = byte(rgba[3]);
            [0, 1, 2].map(|c| ((byte(rgba[c]) * alpha + 127) / 255) as u8)
        });
    }
    let unit = |v: <I::Pixel as Pixel>::Subpixel| v.to_f64().unwrap_or(0.0) / max;
    each_pixel(image, |p| {
        let rgba = p.to_rgba();
        let alpha = unit(rgba[3]);
        [0, 1, 2].map(|c| (unit(rgba[c]) * alpha * 255.0).round() as u8)
    })
}

/// An RGB image of `colour` of each pixel of `image`: row by row over its samples when
/// it lends them ([`sample_rows`]), else pixel by pixel.
fn each_pixel<I: GenericImageView>(image: &I, colour: impl Fn(I::Pixel) -> [u8; 3]) -> RgbImage {
    let Some(rows) = sample_rows(image) else {
        return RgbImage::from_fn(image.width(), image.height(), |x, y| {
            Rgb(colour(image.get_pixel(x, y)))
        });
    };
    let channels = <I::Pixel as Pixel>::CHANNEL_COUNT as usize;
    let mut raw = Vec::with_capacity(image.width() as usize * image.height() as usize * 3);
    for row in rows {
        raw.extend(
            row.chunks_exact(channels)
                .flat_map(|p| colour(*I::Pixel::from_slice(p))),
        );
    }
    RgbImage::from_raw(image.width(), image.height(), raw).expect("three bytes a pixel")
}

/// Each row of `image`'s samples, `width` pixels' channels side by side, when it lends
/// them ([`GenericImageView::to_pixel_view`]: an `ImageBuffer`, or a view of one) in
/// that layout; `None` for any other image or layout, and on WebAssembly, where the
/// copy pixel by pixel keeps the module (inline in every Bacalhau job, whose size is
/// bounded) 4 KB smaller.
fn sample_rows<I: GenericImageView>(image: &I) -> Option<Vec<&[<I::Pixel as Pixel>::Subpixel]>> {
    if cfg!(target_family = "wasm") {
        return None;
    }
    let flat = image.to_pixel_view()?.into_inner();
    let layout = flat.layout;
    let channels = <I::Pixel as Pixel>::CHANNEL_COUNT as usize;
    if (layout.width, layout.height) != image.dimensions()
        || layout.channels as usize != channels
        || layout.channel_stride != 1
        || layout.width_stride != channels
    {
        return None;
    }
    let len = layout.width as usize * channels;
    (0..layout.height as usize)
        .map(|y| {
            let start = y.checked_mul(layout.height_stride)?;
            flat.samples.get(start..start.checked_add(len)?)
        })
        .collect()
}

/// Copies a view into a buffer of its own pixel type.
pub(crate) fn buffer<I: GenericImageView>(image: &I) -> Buffer<I::Pixel> {
    match sample_rows(image) {
        Some(rows) => ImageBuffer::from_raw(image.width(), image.height(), rows.concat())
            .expect("the rows of the image"),
        None => ImageBuffer::from_fn(image.width(), image.height(), |x, y| image.get_pixel(x, y)),
    }
}

/// The image a carve's seams make of `image`: runs of vertical seams (removals, then
/// insertion passes) and of horizontal ones (on the transpose) in `order`, as
/// [`crate::resize`] took them.
pub(crate) fn replay<P: Pixel>(
    mut image: Buffer<P>,
    seams: &[Seam],
    horizontal: &[Seam],
    order: &[(Axis, u32)],
) -> Buffer<P> {
    let (mut across, mut down) = (seams, horizontal);
    for &(axis, n) in order {
        let n = n as usize;
        image = match axis {
            Axis::Width => {
                let (run, rest) = across.split_at(n.min(across.len()));
                across = rest;
                vertical(image, run)
            }
            Axis::Height => {
                let (run, rest) = down.split_at(n.min(down.len()));
                down = rest;
                transpose(&vertical(transpose(&image), run))
            }
        };
    }
    image
}

/// The image mirrored along its diagonal: rows become columns. A horizontal seam of an
/// image is a vertical seam of its transpose (Sobel energy is the same, transposed).
pub(crate) fn transpose<P: Pixel>(image: &Buffer<P>) -> Buffer<P> {
    ImageBuffer::from_fn(image.height(), image.width(), |x, y| *image.get_pixel(y, x))
}

/// Applies vertical seams: the removed ones (each in the image it was removed from),
/// then each insertion pass (its seams in the image before the pass).
fn vertical<P: Pixel>(mut image: Buffer<P>, seams: &[Seam]) -> Buffer<P> {
    let removed = seams.iter().take_while(|s| s.inserted.is_none()).count();
    if removed > 0 {
        image = remove(&image, &seams[..removed]);
    }
    let mut rest = &seams[removed..];
    while let Some(first) = rest.first() {
        let pass = rest
            .iter()
            .take_while(|s| s.inserted == first.inserted)
            .count();
        image = insert(&image, &rest[..pass]);
        rest = &rest[pass..];
    }
    image
}

/// The image without the pixels `seams` removed, one after another. Each seam's column
/// in a row counts the pixels left of it that were still there, so the original column
/// is found with a Fenwick tree of the pixels left in the row: O(log width) a pixel.
fn remove<P: Pixel>(image: &Buffer<P>, seams: &[Seam]) -> Buffer<P> {
    let (width, height) = image.dimensions();
    let w = width as usize;
    let channels = P::CHANNEL_COUNT as usize;
    let new_width = width - seams.len() as u32;
    let mut raw = Vec::with_capacity(new_width as usize * height as usize * channels);
    let mut alive = Fenwick::new(w);
    let mut gone = vec![false; w];
    for (y, row) in image.as_raw().chunks_exact(w * channels).enumerate() {
        alive.fill();
        gone.fill(false);
        for seam in seams {
            let column = alive.nth(seam.path[y] as usize);
            alive.take(column);
            gone[column] = true;
        }
        for (pixel, &gone) in row.chunks_exact(channels).zip(&gone) {
            if !gone {
                raw.extend_from_slice(pixel);
            }
        }
    }
    ImageBuffer::from_raw(new_width, height, raw).expect("buffer matches the new size")
}

/// The image with a new pixel after every pixel one of `seams` names (its column in each
/// row), channel by channel, alpha included, made as [`new_pixels`] says from the image's
/// 8-bit colours ([`measured`]): the rounded average of that pixel and its right
/// neighbour (itself at the right edge), or a copy of one of the two.
fn insert<P: Pixel>(image: &Buffer<P>, seams: &[Seam]) -> Buffer<P> {
    let (width, height) = image.dimensions();
    let w = width as usize;
    let channels = P::CHANNEL_COUNT as usize;
    let new_width = width + seams.len() as u32;
    let mut raw = Vec::with_capacity(new_width as usize * height as usize * channels);
    let doubled = doubled(w, height as usize, seams.iter().map(|seam| &seam.path[..]));
    let guide = measured(image);
    let mut made = new_pixels(guide.as_raw().as_chunks::<3>().0, w, &doubled).into_iter();
    for (row, doubled) in image
        .as_raw()
        .chunks_exact(w * channels)
        .zip(doubled.chunks_exact(w))
    {
        for x in 0..w {
            let pixel = &row[x * channels..][..channels];
            raw.extend_from_slice(pixel);
            if doubled[x] {
                let right = &row[(x + 1).min(w - 1) * channels..][..channels];
                match made.next() {
                    Some(NewPixel::Left) => raw.extend_from_slice(pixel),
                    Some(NewPixel::Right) => raw.extend_from_slice(right),
                    _ => raw.extend(pixel.iter().zip(right).map(|(&a, &b)| mean(a, b))),
                }
            }
        }
    }
    ImageBuffer::from_raw(new_width, height, raw).expect("buffer matches the new size")
}

/// Which pixels of a `w` x `h` image gain a new pixel after them, row by row: those the
/// `paths` (a column in each row) name.
pub(crate) fn doubled<'a>(w: usize, h: usize, paths: impl Iterator<Item = &'a [u32]>) -> Vec<bool> {
    let mut doubled = vec![false; w * h];
    for path in paths {
        for (y, &x) in path.iter().enumerate() {
            doubled[y * w + x as usize] = true;
        }
    }
    doubled
}

/// What a pixel inserted after another is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NewPixel {
    /// The rounded mean of the pixel and its right neighbour.
    Mean,
    /// A copy of the pixel.
    Left,
    /// A copy of its right neighbour.
    Right,
}

/// What each pixel inserted after a `doubled` pixel of an image of 8-bit colours `guide`
/// (`w` pixels a row) is made of, in the order of the doubled pixels, row by row.
///
/// The mean of the pixel `p` and its right neighbour `q`, unless that parts a thin line
/// from its next step. That is looked for only where `p` and `q` differ clearly (by at
/// least [`LINE_CONTRAST`], summed over R, G and B): a one-pixel line steps a row at the
/// gap when `p` is like the pixel right of the gap in the row above or below, but unlike
/// the pixel beside it there and the one on its other side, and that pixel beside it is
/// like `q` (a background both share; "like": within a quarter of the difference of `p`
/// and `q`, "unlike": at least half of it away). Then the new pixel copies `p`, taking
/// the line one pixel further towards its step. Likewise, mirrored, it copies `q`, but
/// only where the line's end in the other row, as inserted (with its own copy, if it
/// has one), is still more than a pixel short of `q`'s column: the rows' insertions
/// need not line up, and where they do a second copy would only thicken the step.
pub(crate) fn new_pixels(guide: &[[u8; 3]], w: usize, doubled: &[bool]) -> Vec<NewPixel> {
    let h = guide.len() / w;
    let at = |x: usize, y: usize| guide[y * w + x];
    let steps = |a: usize, b: usize, y: usize, v: usize| steps(guide, w, a, b, y, v);
    let left =
        |x: usize, y: usize| steps(x, x + 1, y, y.wrapping_sub(1)) || steps(x, x + 1, y, y + 1);
    let mut made = Vec::new();
    for y in 0..h {
        let rows = [y.wrapping_sub(1), y, y + 1].map(|r| match r < h {
            true => &doubled[r * w..(r + 1) * w],
            false => &[][..],
        });
        // The pixels rows y - 1, y and y + 1 gain left of column x: where a pixel lands
        // is its column plus those.
        let mut gained = [0; 3];
        for x in 0..w {
            if rows[1][x] {
                made.push(
                    if x + 1 == w || distance(at(x, y), at(x + 1, y)) < LINE_CONTRAST {
                        // (The quick answer for most pixels: no line to keep.)
                        NewPixel::Mean
                    } else if left(x, y) {
                        NewPixel::Left
                    } else if [(0, y.wrapping_sub(1)), (2, y + 1)]
                        .into_iter()
                        .any(|(i, v)| {
                            // q lands more than a pixel beyond the line's end in row v (with the
                            // copy after it, if it has one).
                            steps(x + 1, x, y, v)
                                && gained[1] + 1 > gained[i] + (rows[i][x] && left(x, v)) as usize
                        })
                    {
                        NewPixel::Right
                    } else {
                        NewPixel::Mean
                    },
                );
            }
            for (count, row) in gained.iter_mut().zip(&rows) {
                *count += row.get(x).is_some_and(|&twice| twice) as usize;
            }
        }
    }
    made
}

/// Whether the one-pixel line through `(a, y)` of an image of 8-bit colours `guide`, `w`
/// pixels a row, steps to row `v` at column `b` (`a + 1` or `a - 1`): see [`new_pixels`].
/// Called in four places; inlined into each, it took the WASI module (inline in every
/// Bacalhau job, whose size is bounded) a few hundred bytes more.
#[inline(never)]
fn steps(guide: &[[u8; 3]], w: usize, a: usize, b: usize, y: usize, v: usize) -> bool {
    let h = guide.len() / w;
    // The row on the line's other side.
    let o = (2 * y).wrapping_sub(v);
    if v >= h || o >= h {
        return false;
    }
    let at = |x: usize, y: usize| guide[y * w + x];
    let (line, other) = (at(a, y), at(b, y));
    let across = distance(line, other);
    across >= LINE_CONTRAST
        && 4 * distance(line, at(b, v)) <= across
        && 2 * distance(line, at(a, v)) >= across
        && 2 * distance(line, at(a, o)) >= across
        && 4 * distance(at(a, v), other) <= across
}

/// The least difference between a pixel and its neighbour (the sum over R, G and B) at
/// which [`new_pixels`] looks for a line to keep whole: grain and noise stay below it.
const LINE_CONTRAST: u32 = 96;

/// The sum of the absolute differences of two colours' channels.
fn distance(a: [u8; 3], b: [u8; 3]) -> u32 {
    (0..3).map(|c| a[c].abs_diff(b[c]) as u32).sum()
}

/// The mean of two channel values, rounded up for integer channels (as the RGB carve
/// does for 8-bit ones), exact for floating-point ones.
fn mean<S: Primitive>(a: S, b: S) -> S {
    let (fa, fb) = (a.to_f64().unwrap_or(0.0), b.to_f64().unwrap_or(0.0));
    let half = (fa + fb) / 2.0;
    let integer = S::DEFAULT_MAX_VALUE.to_f64().is_some_and(|m| m > 1.0);
    let value = if integer { half.ceil() } else { half };
    NumCast::from(value).unwrap_or(a)
}

/// Which of a row's pixels are left, as a Fenwick (binary indexed) tree of ones.
struct Fenwick {
    tree: Vec<u32>,
    /// The largest power of two not above the length.
    top: usize,
}

impl Fenwick {
    fn new(len: usize) -> Self {
        let top = if len == 0 { 0 } else { 1 << len.ilog2() };
        Fenwick {
            tree: vec![0; len + 1],
            top,
        }
    }

    /// Every pixel left again.
    fn fill(&mut self) {
        // Node i covers (i - lowbit(i), i]: all ones, so it holds its width.
        for (i, node) in self.tree.iter_mut().enumerate().skip(1) {
            *node = (i & i.wrapping_neg()) as u32;
        }
    }

    /// The column of the `n`th pixel left (from 0).
    fn nth(&self, n: usize) -> usize {
        let (mut at, mut left) = (0, n as u32 + 1);
        let mut step = self.top;
        while step > 0 {
            let next = at + step;
            if next < self.tree.len() && self.tree[next] < left {
                at = next;
                left -= self.tree[next];
            }
            step /= 2;
        }
        at
    }

    /// Marks `column` gone.
    fn take(&mut self, column: usize) {
        let mut i = column + 1;
        while i < self.tree.len() {
            self.tree[i] -= 1;
            i += i & i.wrapping_neg();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fenwick_tree_finds_what_is_left() {
        for len in [1, 2, 3, 7, 8, 9, 33] {
            let mut tree = Fenwick::new(len);
            tree.fill();
            let mut left: Vec<usize> = (0..len).collect();
            let mut state = len * 7 + 3;
            while !left.is_empty() {
                state = (state * 1103515245 + 12345) % (1 << 31);
                let n = state % left.len();
                assert_eq!(tree.nth(n), left[n], "len {len}");
                tree.take(left.remove(n));
            }
        }
    }

    #[test]
    fn eight_bit_opacity_is_the_floating_point_rule_in_integers() {
        for c in 0..=255u8 {
            for a in 0..=255u8 {
                let image = image::RgbaImage::from_pixel(1, 1, image::Rgba([c, 0, 0, a]));
                let want = ((c as f64 / 255.0) * (a as f64 / 255.0) * 255.0).round() as u8;
                assert_eq!(measured(&image).get_pixel(0, 0)[0], want, "{c} at {a}");
            }
        }
    }

    /// An image that lends no samples: every pixel through `get_pixel`.
    struct PixelByPixel<'a, I>(&'a I);

    impl<I: GenericImageView> GenericImageView for PixelByPixel<'_, I> {
        type Pixel = I::Pixel;
        fn dimensions(&self) -> (u32, u32) {
            self.0.dimensions()
        }
        fn get_pixel(&self, x: u32, y: u32) -> Self::Pixel {
            self.0.get_pixel(x, y)
        }
    }

    /// `measured` and `buffer` of `image`, and of a view inside it, row by row over its
    /// samples as pixel by pixel.
    fn rows_as_pixels<P: Pixel + 'static>(image: &Buffer<P>)
    where
        P::Subpixel: PartialEq + std::fmt::Debug,
    {
        assert_eq!(sample_rows(image).is_some(), !cfg!(target_family = "wasm"));
        let one = PixelByPixel(image);
        assert_eq!(measured(image), measured(&one));
        assert_eq!(buffer(image).as_raw(), buffer(&one).as_raw());
        let (w, h) = image.dimensions();
        let view = image.view(1, 2, w - 3, h - 2);
        assert_eq!(sample_rows(&*view).is_some(), !cfg!(target_family = "wasm"));
        let one = PixelByPixel(&*view);
        assert_eq!(measured(&*view), measured(&one));
        assert_eq!(buffer(&*view).as_raw(), buffer(&one).as_raw());
        assert_eq!(buffer(&*view).as_raw(), view.to_image().as_raw());
    }

    #[test]
    fn images_that_lend_their_samples_are_read_as_pixel_by_pixel() {
        let (w, h) = (9, 7);
        let v = |x: u32, y: u32, c: u32| ((x * 37 + y * 91 + c * 53) % 256) as u8;
        rows_as_pixels(&RgbImage::from_fn(w, h, |x, y| {
            Rgb([0, 1, 2].map(|c| v(x, y, c)))
        }));
        rows_as_pixels(&image::RgbaImage::from_fn(w, h, |x, y| {
            image::Rgba([0, 1, 2, 3].map(|c| v(x, y, c)))
        }));
        rows_as_pixels(&image::GrayImage::from_fn(w, h, |x, y| {
            image::Luma([v(x, y, 0)])
        }));
        rows_as_pixels(&image::ImageBuffer::from_fn(w, h, |x, y| {
            image::Rgb([0, 1, 2].map(|c| v(x, y, c) as u16 * 256 + 3))
        }));
        rows_as_pixels(&image::Rgba32FImage::from_fn(w, h, |x, y| {
            image::Rgba([0, 1, 2, 3].map(|c| v(x, y, c) as f32 / 255.0))
        }));
    }

    #[test]
    fn means_round_up_integers_and_keep_floats_exact() {
        assert_eq!(mean(3u8, 4u8), 4);
        assert_eq!(mean(255u8, 255u8), 255);
        assert_eq!(mean(65535u16, 65534u16), 65535);
        assert_eq!(mean(0.25f32, 0.5f32), 0.375);
    }
}
