//! Bytes to pixels: which formats are read (and naming the ones that are not), the pixel
//! limit checked from the header before any pixel memory, EXIF orientation, ICO's RGB
//! PNGs, animation, alpha over a background, and masks.

use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use seam_carver::Mask;

use crate::error::{Error, Result};

/// Decodes an image file's bytes (format guessed from its contents) into 8-bit RGB,
/// turned upright as its EXIF orientation says (as photo viewers show it).
///
/// The header is read first: an image of more than `max_pixels` pixels is refused before
/// any pixel memory is allocated, and the decoder runs under matching allocation limits,
/// so a decompression bomb is an error, not an out-of-memory abort.
pub fn decode(bytes: &[u8], max_pixels: u64) -> Result<RgbImage> {
    Ok(decode_oriented(bytes, None, max_pixels)?.into_rgb8())
}

/// The format a file's name gives, for a format without a signature in its bytes: TGA,
/// the only one seam-carver reads that has none.
pub(crate) fn format_by_name(name: &Path) -> Option<ImageFormat> {
    ImageFormat::from_path(name)
        .ok()
        .filter(|f| *f == ImageFormat::Tga)
}

/// Names formats seam-carver does not read, from their first bytes, for the error.
fn recognise(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(512)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return Some(match &head[8..12] {
            b"avif" | b"avis" => "AVIF",
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => "HEIC",
            _ => "an ISO media file (video or HEIF)",
        });
    }
    if head.starts_with(b"\0\0\0\x0cjP  ") || head.starts_with(b"\xff\x4f\xff\x51") {
        return Some("JPEG 2000");
    }
    if head.starts_with(b"%PDF") {
        return Some("PDF");
    }
    if text.trim_start().starts_with("<svg") || (text.contains("<?xml") && text.contains("<svg")) {
        return Some("SVG");
    }
    None
}

/// Refuses an image of more than `max_pixels` pixels, from its header's size.
pub fn check_pixels(width: u32, height: u32, max_pixels: u64) -> Result<()> {
    let pixels = width as u64 * height as u64;
    if pixels > max_pixels {
        return Err(Error::TooManyPixels {
            width,
            height,
            max: max_pixels,
        });
    }
    Ok(())
}

/// [`decode`], keeping the decoded colour type.
pub(crate) fn decode_oriented(
    bytes: &[u8],
    by_name: Option<ImageFormat>,
    max_pixels: u64,
) -> Result<DynamicImage> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    // The format from the bytes' signature, else (TGA) from the file's name.
    let format =
        image::guess_format(bytes)
            .ok()
            .or(by_name)
            .ok_or_else(|| Error::UnknownFormat {
                recognised: recognise(bytes),
            })?;
    let decoded = decode_as(bytes, format, max_pixels);
    // The image crate reads only RGBA PNG images inside an ICO; an RGB one is read here.
    if decoded.is_err()
        && format == ImageFormat::Ico
        && let Some(png) = largest_png_in_ico(bytes)
    {
        return decode_as(png, ImageFormat::Png, max_pixels);
    }
    decoded
}

/// The largest PNG image an ICO file holds, if any (entries: 1 byte width and height,
/// 0 for 256, then the data's size and offset).
fn largest_png_in_ico(bytes: &[u8]) -> Option<&[u8]> {
    let u16_at = |i: usize| Some(u16::from_le_bytes(bytes.get(i..i + 2)?.try_into().ok()?));
    let u32_at = |i: usize| Some(u32::from_le_bytes(bytes.get(i..i + 4)?.try_into().ok()?));
    let count = u16_at(4)? as usize;
    (0..count)
        .filter_map(|i| {
            let entry = 6 + 16 * i;
            let side = |b: u8| if b == 0 { 256 } else { b as u32 };
            let area = side(*bytes.get(entry)?) * side(*bytes.get(entry + 1)?);
            let (size, offset) = (u32_at(entry + 8)? as usize, u32_at(entry + 12)? as usize);
            let data = bytes.get(offset..offset.checked_add(size)?)?;
            data.starts_with(b"\x89PNG\r\n\x1a\n")
                .then_some((area, data))
        })
        .max_by_key(|(area, _)| *area)
        .map(|(_, data)| data)
}

/// The most memory reading an image's header may take: its metadata before the pixels
/// (a PNG's ICC profile, EXIF, text) is inflated within it, so a decompression bomb there
/// is one clean error, natively and in a wasm32 module's 512 MiB.
pub const HEADER_ALLOC: u64 = 64 << 20;

/// The image's dimensions from its header (`head`: the file's first bytes, as many as
/// `reader` reads), read within [`HEADER_ALLOC`] and without the dimension limits (ours,
/// with a clearer message, come after).
pub fn dimensions<R: std::io::BufRead + std::io::Seek>(
    mut reader: ImageReader<R>,
    head: &[u8],
    max_pixels: u64,
) -> Result<(u32, u32)> {
    let mut limits = Limits::no_limits();
    limits.max_alloc = Some(HEADER_ALLOC);
    reader.limits(limits);
    match reader.into_dimensions() {
        Ok(size) => Ok(size),
        Err(image::ImageError::Limits(_)) => match png_size(head) {
            // A size whose pixels a 32-bit module cannot address (the decoder gives up
            // on it there): the size, for the clear refusals that follow.
            Some((w, h)) if w as u64 * h as u64 * 8 > usize::MAX as u64 => Ok((w, h)),
            _ => Err(Error::HeaderTooLarge {
                limit: HEADER_ALLOC,
                max: max_pixels,
            }),
        },
        Err(e) => Err(Error::Decode(e)),
    }
}

/// A PNG's width and height from its IHDR chunk, which a valid PNG starts with.
fn png_size(head: &[u8]) -> Option<(u32, u32)> {
    let ihdr = head.strip_prefix(b"\x89PNG\r\n\x1a\n")?.get(4..16)?;
    let (kind, size) = ihdr.split_at(4);
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().expect("four bytes"));
    (kind == b"IHDR").then(|| (be(&size[..4]), be(&size[4..])))
}

/// Decodes `bytes` as `format` under the pixel limit (see [`decode`]).
fn decode_as(bytes: &[u8], format: ImageFormat, max_pixels: u64) -> Result<DynamicImage> {
    let reader = || Ok::<_, Error>(ImageReader::with_format(Cursor::new(bytes), format));
    let (width, height) = dimensions(reader()?, bytes, max_pixels)?;
    check_pixels(width, height, max_pixels)?;
    let pixels = width as u64 * height as u64;
    // At least a byte a pixel decoded and three in the RGB copy: beyond what this build
    // can address (a 32-bit module's 4 GiB), said before the decoder is asked.
    if usize::try_from(pixels.saturating_mul(4)).is_err() {
        return Err(Error::OutOfMemory {
            width,
            height,
            bytes: pixels.saturating_mul(4),
        });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // Room for the largest decoded layout (16-bit RGBA) plus decoder buffers.
    limits.max_alloc = Some(pixels * 8 + (64 << 20));
    let mut reader = reader()?;
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(Error::Decode)?;
    // The decoded pixels and their RGB copy must fit in memory: a --max-pixels raised
    // beyond what the machine has is an error here, not an abort inside the decoder.
    let needed = decoder
        .total_bytes()
        .saturating_add(pixels.saturating_mul(3));
    if usize::try_from(needed)
        .ok()
        .is_none_or(|n| Vec::<u8>::new().try_reserve_exact(n).is_err())
    {
        return Err(Error::OutOfMemory {
            width,
            height,
            bytes: needed,
        });
    }
    // A damaged EXIF block is no reason to refuse the pixels: keep them as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(Error::Decode)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The image as 8-bit RGB composited over `background` (an opaque image unchanged):
/// `(c * a + b * (255 - a) + 127) / 255` per channel, in integers.
pub fn over_background(image: &DynamicImage, background: [u8; 3]) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let mix = |c: u8, bg: u8| {
            ((c as u32 * a as u32 + bg as u32 * (255 - a as u32) + 127) / 255) as u8
        };
        image::Rgb([
            mix(r, background[0]),
            mix(g, background[1]),
            mix(b, background[2]),
        ])
    })
}

/// How many images a GIF holds (counted from its block structure, without decoding:
/// the header, the global colour table, then extensions and image descriptors, each
/// followed by sub-blocks, until the trailer or the end of the bytes).
fn gif_frames(bytes: &[u8]) -> usize {
    let table = |flags: u8| {
        if flags & 0x80 != 0 {
            3 << ((flags & 7) + 1)
        } else {
            0
        }
    };
    // Skips sub-blocks from `at`, returning where the terminator's successor is.
    let sub_blocks = |mut at: usize| -> Option<usize> {
        loop {
            let size = *bytes.get(at)? as usize;
            at += 1 + size;
            if size == 0 {
                return Some(at);
            }
        }
    };
    let Some(&flags) = bytes.get(10) else {
        return 0;
    };
    let mut at = 13 + table(flags);
    let mut frames = 0;
    while let Some(&block) = bytes.get(at) {
        let next = match block {
            0x21 => sub_blocks(at + 2),
            0x2c => {
                frames += 1;
                match bytes.get(at + 9) {
                    Some(&local) => sub_blocks(at + 10 + table(local) + 1),
                    None => None,
                }
            }
            _ => None,
        };
        match next {
            Some(n) => at = n,
            None => break,
        }
    }
    frames
}

/// Whether the file holds several frames (an animated GIF, PNG or WebP), of which only
/// the first is carved.
pub(crate) fn is_animated(bytes: &[u8]) -> bool {
    match image::guess_format(bytes) {
        Ok(ImageFormat::Png) => image::codecs::png::PngDecoder::new(Cursor::new(bytes))
            .and_then(|d| d.is_apng())
            .unwrap_or(false),
        Ok(ImageFormat::WebP) => image::codecs::webp::WebPDecoder::new(Cursor::new(bytes))
            .map(|d| d.has_animation())
            .unwrap_or(false),
        Ok(ImageFormat::Gif) => gif_frames(bytes) > 1,
        _ => false,
    }
}

/// Decodes a mask file's bytes (oriented like an input) into a [`Mask`] called `name`.
pub fn decode_mask(name: &str, bytes: &[u8], max_pixels: u64) -> Result<Mask> {
    let by_name = format_by_name(Path::new(name));
    Ok(Mask::from_image(
        name,
        &decode_oriented(bytes, by_name, max_pixels)?,
    ))
}

#[cfg(test)]
mod gif_tests {
    use super::*;

    fn gif(frames: u8) -> Vec<u8> {
        let mut bytes = Vec::new();
        {
            let mut encoder = image::codecs::gif::GifEncoder::new(&mut bytes);
            for i in 0..frames {
                let frame = image::RgbaImage::from_fn(9, 7, |x, y| {
                    image::Rgba([i * 60, x as u8 * 20, y as u8 * 30, 255])
                });
                encoder.encode_frame(image::Frame::new(frame)).unwrap();
            }
        }
        bytes
    }

    #[test]
    fn gif_frames_are_counted_without_decoding() {
        assert_eq!(gif_frames(&gif(1)), 1);
        assert_eq!(gif_frames(&gif(3)), 3);
        assert!(!is_animated(&gif(1)));
        assert!(is_animated(&gif(2)));
        // Truncated or not a GIF at all: no frames found, no panic.
        assert_eq!(gif_frames(&gif(3)[..20]), 0);
        assert_eq!(gif_frames(b"GIF89a"), 0);
    }
}
