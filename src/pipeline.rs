//! One input image to its finished output files, all in memory, so that a failure part
//! way through leaves nothing behind.

use std::collections::BTreeSet;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, GrayImage, ImageDecoder, ImageFormat, ImageReader, Limits,
    RgbImage,
};

use seam_carver::annotate::{
    Marks, draw_seams, gradients, grayscale, marks, outline, outline_mask,
};
use seam_carver::{
    Aspect, Axis, Direction, EnergyKind, Face, FaceDetector, Mask, Order, Request, SeamRule,
    SizeSpec, resize_with_progress,
};

use crate::error::{Error, Result};
use crate::output::{Artifact, FaceRecord, OutputFile, SeamRecord, SeamsReport, encode_png};

/// Default `--max-pixels`: the largest image whose carve fits Bacalhau's default 512 MiB
/// of wasm linear memory with all six artifacts (measured, see README).
pub const DEFAULT_MAX_PIXELS: u64 = 16_000_000;

/// What to do with every input of a run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Target width; `None` removes `width / 6` seams, as the Bacalhau example does,
    /// unless a height or an object removal is asked for, which leave the width alone.
    /// Larger than the image inserts seams.
    pub width: Option<SizeSpec>,
    /// Target height, reached by removing or inserting horizontal seams.
    pub height: Option<SizeSpec>,
    /// A shape to reach instead of `width` and `height`, and whether by inserting seams.
    pub aspect: Option<(Aspect, bool)>,
    /// Which way `width` and `height` may change each axis (`>`: only shrink, `<`: only
    /// enlarge).
    pub direction: Direction,
    /// How seams are traced.
    pub rule: SeamRule,
    /// The energy seams are measured in.
    pub energy: EnergyKind,
    /// Pixels seams avoid.
    pub protect: Option<Mask>,
    /// Find faces in each image and keep seams out of them.
    pub faces: Option<FaceDetector>,
    /// With `faces`: keep the skin around the faces found, too ([`Mask::skin`]).
    pub skin: bool,
    /// An object to carve away (the width follows from it).
    pub remove: Option<Mask>,
    /// After removing the object, insert seams back to the original width.
    pub keep_size: bool,
    /// The share (percent) of the change done by seams, the rest by scaling
    /// ([`Request::amount`]).
    pub amount: u8,
    /// The order of the two axes' seams when both change ([`Request::order`]).
    pub order: Order,
    /// When both axes shrink, the most of either (percent) seams remove: beyond it the
    /// image is scaled first ([`seam_carver::prescale`]); 100: seams alone.
    pub carve_at_most: u8,
    /// The files `protect` and `remove` were read from: a batch does not carve them.
    pub mask_files: Vec<PathBuf>,
    /// Which artifacts to write.
    pub artifacts: BTreeSet<Artifact>,
    /// Largest image, in pixels, that is decoded at all; larger ones are refused from
    /// their header, before any pixel memory is allocated.
    pub max_pixels: u64,
    /// Largest input file, in bytes, that is read at all.
    pub max_file_bytes: u64,
    /// What transparent pixels become (not under the imageproc rule, which keeps the
    /// example's colours).
    pub background: Background,
    /// The threads one image's carve may use (the library's `Request::threads`: that
    /// many measure the image, one more draws its energy map; the same bytes on any
    /// number).
    pub threads: usize,
}

/// What a carve does with transparent pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Background {
    /// Composited over this colour, as a viewer shows them: RGB outputs.
    Over([u8; 3]),
    /// Kept: the carved and original pictures are RGBA, alpha carried through every seam
    /// exactly; seams are measured with transparent pixels as black (the library's rule).
    Keep,
}

/// The default [`Options::max_file_bytes`]: 512 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 512 << 20;

impl Default for Options {
    fn default() -> Self {
        Options {
            width: None,
            height: None,
            aspect: None,
            direction: Direction::Either,
            rule: SeamRule::default(),
            energy: SeamRule::default().default_energy(),
            protect: None,
            faces: None,
            skin: false,
            remove: None,
            keep_size: false,
            amount: 100,
            order: Order::default(),
            carve_at_most: seam_carver::CARVE_AT_MOST,
            mask_files: Vec::new(),
            artifacts: Artifact::ALL.into_iter().collect(),
            max_pixels: DEFAULT_MAX_PIXELS,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            background: Background::Over([255, 255, 255]),
            threads: 1,
        }
    }
}

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
fn format_by_name(name: &Path) -> Option<ImageFormat> {
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

/// The most pixel steps (seams times the input's pixels) a carve may take, per pixel of
/// `--max-pixels`: with the default, 16,000,000 x 2,048, about 3.3 * 10^10, a minute or
/// two natively at 2 to 4 ns a step (`just bench`: 300000x1 at width/6, 1.5 * 10^10
/// steps, 67 s natively and 147 s on wasmtime). A 16 MP photo at half its width takes
/// just under it, at width/6 a third of it; a 1000000x1 image at width/6 five times it.
pub const STEPS_PER_MAX_PIXEL: u64 = 2048;

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
fn decode_oriented(
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

impl Options {
    /// The target width for an image `width` pixels wide.
    pub fn target_width(&self, width: u32) -> Result<u32> {
        match self.width {
            Some(spec) => Ok(spec.resolve(width)?),
            None if self.height.is_some() || self.remove.is_some() => Ok(width),
            None => Ok(width - width / 6),
        }
    }

    /// The target height for an image `height` pixels high.
    pub fn target_height(&self, height: u32) -> Result<u32> {
        self.height
            .map_or(Ok(height), |spec| Ok(spec.resolve(height)?))
    }

    /// The resize request for one image, with its targets and what was found in it.
    pub fn request<'a>(&'a self, width: u32, height: u32, found: &'a Found) -> Request<'a> {
        Request {
            width,
            height,
            rule: self.rule,
            energy: self.energy,
            protect: found.protect.as_ref().or(self.protect.as_ref()),
            faces: &found.faces,
            skin: found.skin.as_ref(),
            remove: found.remove.as_ref().or(self.remove.as_ref()),
            keep_size: self.keep_size,
            amount: self.amount,
            order: self.order,
            // The input's energy map is drawn only for the pictures of it.
            energy_map: self.artifacts.contains(&Artifact::Gradients)
                || self.artifacts.contains(&Artifact::AnnotatedGradients),
            step_ratio: None,
            threads: self.threads,
        }
    }
}

/// A decoded image with its plan: what the batch runner reports before carving starts.
pub struct Plan {
    /// The input as 8-bit RGB.
    pub image: RgbImage,
    /// With [`Background::Keep`], the input with its alpha (when it has any): what is
    /// carved, while `image` (over white) is drawn on.
    pub alpha: Option<image::RgbaImage>,
    /// Target width (the input's own for an object removal, which decides it itself).
    pub width: u32,
    /// Target height.
    pub height: u32,
    /// Seams the carve takes (for an object removal, a lower bound).
    pub seams: u32,
    /// The file is animated: only its first frame is carved.
    pub animated: bool,
    /// What was found in it to keep out of every seam.
    pub found: Found,
    /// With `^`, or when scaled first ([`Options::carve_at_most`]): the input's own
    /// size, from which `image` was scaled.
    pub scaled_from: Option<(u32, u32)>,
    /// `scaled_from` is set because seams alone would have taken more than
    /// [`Options::carve_at_most`] of an axis (else because of a `^` geometry).
    pub prescaled: bool,
}

/// What was found in an image to keep whole (with [`Options::faces`]).
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// The faces.
    pub faces: Vec<Face>,
    /// With [`Options::skin`]: the skin around them.
    pub skin: Option<Mask>,
    /// When the image was scaled before carving: `--protect` and `--remove`'s masks,
    /// scaled with it (else the options' own are used).
    pub protect: Option<Mask>,
    /// See `protect`.
    pub remove: Option<Mask>,
}

impl Found {
    /// Outlines on an annotated picture what was kept automatically.
    fn outline(&self, picture: &mut RgbImage) {
        outline(picture, &self.faces);
        if let Some(skin) = &self.skin {
            outline_mask(picture, skin);
        }
    }
}

impl Plan {
    /// One line saying what the carve will do, for progress reports.
    pub fn describe(&self, options: &Options) -> String {
        let (w, h) = self.image.dimensions();
        if let Some(mask) = &options.remove {
            let back = if options.keep_size {
                ", then inserting as many to keep the size"
            } else {
                ""
            };
            return format!(
                "{w}x{h}: removing the {} pixels of mask {} (at least {} seams){back}{}",
                mask.count(),
                mask.name(),
                self.seams / if options.keep_size { 2 } else { 1 },
                self.protecting(options)
            );
        }
        // With --amount under 100 the seams go part of the way, then scaling.
        let request = options.request(self.width, self.height, &self.found);
        let (cw, ch) = request.carve_to(w, h);
        let removing = w.saturating_sub(cw) + h.saturating_sub(ch);
        let inserting = cw.saturating_sub(w) + ch.saturating_sub(h);
        let seams = |n: u32| if n == 1 { "seam" } else { "seams" };
        let what = match (removing, inserting) {
            (0, 0) => "no seams".to_string(),
            (r, 0) => format!("removing {r} {}", seams(r)),
            (0, i) => format!("inserting {i} {}", seams(i)),
            (r, i) => format!("removing {r} and inserting {i} {}", seams(i)),
        };
        let order = match options.order {
            _ if cw == w || ch == h => String::new(),
            Order::WidthFirst => String::new(),
            Order::HeightFirst => ", height first".to_string(),
            Order::Interleaved => ", the axes interleaved".to_string(),
            Order::Optimal => format!(
                ", in the order of least cost ({} seams tried)",
                request.seams(w, h)
            ),
        };
        let frames = if self.animated {
            " (an animated image: its first frame only)"
        } else {
            ""
        };
        let scaling = if (cw, ch) == (self.width, self.height) {
            String::new()
        } else if (cw, ch) == (w, h) {
            format!(
                ", only scaling ({} % of the change by seams is not one seam)",
                options.amount
            )
        } else {
            format!(
                " to {cw}x{ch}, then scaling ({} % of the change by seams)",
                options.amount
            )
        };
        let filled = match self.scaled_from {
            Some((fw, fh)) if self.prescaled => {
                // What seams alone would have taken of the axis that loses most.
                let (tw, th) = request.carve_to(fw, fh);
                let share =
                    |from: u32, to: u32| 100 * u64::from(from - to.min(from)) / u64::from(from);
                let (taken, axis) = if share(fw, tw) >= share(fh, th) {
                    (share(fw, tw), "width")
                } else {
                    (share(fh, th), "height")
                };
                format!(
                    "{fw}x{fh} scaled to {w}x{h} first (seams alone would take {taken} % of \
                     the {axis}, over --carve-at-most {}), ",
                    options.carve_at_most
                )
            }
            Some((fw, fh)) => format!(
                "{fw}x{fh} scaled to {w}x{h} to fill {}x{}, ",
                self.width, self.height
            ),
            None => String::new(),
        };
        format!(
            "{filled}{w}x{h} -> {}x{}, {what}{scaling}{order}{frames}{}",
            self.width,
            self.height,
            self.protecting(options)
        )
    }
}

impl Plan {
    /// What the plan line says of the faces: `, keeping 2 faces whole` (nothing without
    /// `--protect-faces`).
    /// A face is whole only while the seams can pass beside it: when more are removed
    /// across an axis than it has lines free of every face, the line says how many cross.
    fn protecting(&self, options: &Options) -> String {
        let faces = &self.found.faces;
        let n = faces.len();
        let noun = if n == 1 { "face" } else { "faces" };
        if options.faces.is_none() {
            return String::new();
        }
        if n == 0 {
            return ", no face found".to_string();
        }
        let (w, h) = self.image.dimensions();
        let spans = |f: &Face| ((f.x, f.width), (f.y, f.height));
        let free_columns = w - widest_cover(faces, h, spans);
        let free_rows = h - widest_cover(faces, w, |f| {
            let (across, along) = spans(f);
            (along, across)
        });
        let crossing = [
            (w.saturating_sub(self.width), free_columns, "columns"),
            (h.saturating_sub(self.height), free_rows, "rows"),
        ]
        .into_iter()
        .find(|&(removed, free, _)| removed > free);
        match crossing {
            Some((removed, free, lines)) if options.remove.is_none() => format!(
                ", {n} {noun} found, but only {free} {lines} are free of them: {} of the {removed} seams cross them",
                removed - free
            ),
            _ => {
                let them = if n == 1 { "it" } else { "them" };
                match self.found.skin.as_ref().map(Mask::count) {
                    Some(0) => format!(", keeping {n} {noun} whole (no skin colour around {them})"),
                    Some(skin) => {
                        format!(
                            ", keeping {n} {noun} and {skin} pixels of skin around {them} whole"
                        )
                    }
                    None => format!(", keeping {n} {noun} whole"),
                }
            }
        }
    }
}

/// The most pixels of one line (a row, for spans given as `(x, width)` then
/// `(y, height)`) that the boxes cover, over the `lines` lines.
fn widest_cover(
    faces: &[Face],
    lines: u32,
    spans: impl Fn(&Face) -> ((u32, u32), (u32, u32)),
) -> u32 {
    (0..lines)
        .map(|line| {
            let mut on: Vec<(u32, u32)> = faces
                .iter()
                .map(&spans)
                .filter(|&(_, (start, len))| line >= start && line - start < len)
                .map(|((start, len), _)| (start, start + len))
                .collect();
            on.sort_unstable();
            let (mut covered, mut reach) = (0, 0);
            for (start, end) in on {
                let start = start.max(reach);
                if end > start {
                    covered += end - start;
                    reach = end;
                }
            }
            covered
        })
        .max()
        .unwrap_or(0)
}

/// Decodes `bytes` (of the file `name`) and works out the target size, refusing impossible carves and results
/// larger than `max_pixels`.
pub fn plan(bytes: &[u8], name: &Path, options: &Options) -> Result<Plan> {
    let decoded = decode_oriented(bytes, format_by_name(name), options.max_pixels)?;
    // Transparent pixels show the background, as a viewer shows them; the example's
    // rule keeps the colours stored under them, as the example's code did.
    let mut alpha = (options.background == Background::Keep && decoded.color().has_alpha())
        .then(|| decoded.to_rgba8());
    let mut image = match (options.rule, options.background) {
        (SeamRule::Imageproc, _) => decoded.into_rgb8(),
        (SeamRule::Optimal, Background::Over(colour)) => over_background(&decoded, colour),
        (SeamRule::Optimal, Background::Keep) => over_background(&decoded, [255; 3]),
    };
    let (mut w, mut h) = image.dimensions();
    let (width, height) = match options.aspect {
        Some((aspect, enlarge)) => aspect.fit(w, h, enlarge),
        None => (
            options.direction.apply(w, options.target_width(w)?),
            options.direction.apply(h, options.target_height(h)?),
        ),
    };
    // `^`: scaled first to cover the box, keeping its shape; the overflow is carved.
    let fill = (options.direction == Direction::Fill)
        .then(|| Direction::fill(w, h, width, height))
        .flatten();
    for (x, y) in [Some((width, height)), fill].into_iter().flatten() {
        if x as u64 * y as u64 > options.max_pixels {
            return Err(Error::ResultTooLarge {
                width: x,
                height: y,
                max: options.max_pixels,
            });
        }
    }
    // Both axes shrinking by more than seams should take: scaled first, as little as that
    // takes (keeping its shape).
    let prescaled = match fill {
        None => {
            options
                .request(width, height, &Found::default())
                .prescale(w, h, options.carve_at_most)
        }
        Some(_) => None,
    };
    let scaled_from = fill.or(prescaled).map(|(sw, sh)| {
        image = seam_carver::scale(&image, sw, sh);
        alpha = alpha.as_ref().map(|a| seam_carver::scale(a, sw, sh));
        let from = (w, h);
        (w, h) = (sw, sh);
        from
    });
    let faces = options
        .faces
        .as_ref()
        .map_or_else(Vec::new, |detector| detector.detect(&image));
    let skin = options.skin.then(|| Mask::skin(&image, &faces));
    let scaled_mask = |mask: &Option<Mask>| scaled_from.and(mask.as_ref()).map(|m| m.scaled(w, h));
    let found = Found {
        faces,
        skin,
        protect: scaled_mask(&options.protect),
        remove: scaled_mask(&options.remove),
    };
    let request = options.request(width, height, &found);
    request.check(w, h)?;
    let seams = request.seams(w, h);
    let max = options.max_pixels.saturating_mul(STEPS_PER_MAX_PIXEL);
    if seams as u64 * w as u64 * h as u64 > max {
        // The optimal order tries many orders: say so when it is the reason.
        let one_order = Request {
            order: Order::WidthFirst,
            ..request
        }
        .seams(w, h);
        if one_order < seams && one_order as u64 * w as u64 * h as u64 <= max {
            return Err(Error::OrderTooMuchWork {
                width: w,
                height: h,
                tried: seams,
                seams: one_order,
                max,
            });
        }
        return Err(Error::TooMuchWork {
            width: w,
            height: h,
            seams,
            max,
        });
    }
    Ok(Plan {
        seams,
        image,
        alpha,
        width,
        height,
        animated: is_animated(bytes),
        found,
        scaled_from,
        prescaled: prescaled.is_some(),
    })
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
fn is_animated(bytes: &[u8]) -> bool {
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

/// Carves a planned image and renders the requested artifacts for an input named
/// `input_name` whose output files start with `stem`, handing each finished file to
/// `emit` as soon as it is encoded (so only one is held in memory at a time).
/// `progress(done, total)` is called after each seam.
pub fn render(
    plan: &Plan,
    input_name: &str,
    stem: &str,
    options: &Options,
    progress: &mut dyn FnMut(u32, u32),
    emit: &mut dyn FnMut(OutputFile) -> Result<()>,
) -> Result<()> {
    let image = &plan.image;
    let (width, height) = image.dimensions();
    let request = options.request(plan.width, plan.height, &plan.found);
    // An image with alpha kept is carved as RGBA; its seams are drawn like any other.
    let (mut result, carved_alpha) = match &plan.alpha {
        Some(rgba) => {
            let carved = resize_with_progress(rgba, &request, progress)?;
            let seams = seam_carver::Carved {
                image: RgbImage::new(0, 0),
                seams: carved.seams,
                horizontal: carved.horizontal,
                order: carved.order,
                energy: carved.energy,
                input: carved.input,
                carved: carved.carved,
            };
            (seams, Some(carved.image))
        }
        None => (resize_with_progress(image, &request, progress)?, None),
    };
    let energy = std::mem::take(&mut result.energy);
    let (carved_width, carved_height) = match &carved_alpha {
        Some(rgba) => rgba.dimensions(),
        None => result.image.dimensions(),
    };

    let wants = |a: Artifact| options.artifacts.contains(&a);
    let removed = if wants(Artifact::Annotated) || wants(Artifact::AnnotatedGradients) {
        marks(
            &result.seams,
            &result.horizontal,
            &result.order,
            width,
            height,
            options.rule,
        )
    } else {
        Marks::default()
    };
    // The energy map comes with the carve only when a picture of it is asked for
    // (`Options::request`), and only those pictures read this.
    let gradient_image = if energy.is_empty() {
        GrayImage::new(0, 0)
    } else {
        gradients(&energy, width, height)
    };
    drop(energy);
    for artifact in &options.artifacts {
        let name = artifact.file_name(stem);
        let bytes = match artifact {
            Artifact::Original => match &plan.alpha {
                Some(rgba) => encode_png(&name, rgba, width, height, ExtendedColorType::Rgba8)?,
                None => encode_png(&name, image, width, height, ExtendedColorType::Rgb8)?,
            },
            Artifact::Annotated => {
                let mut drawn = draw_seams(&grayscale(image), &removed);
                plan.found.outline(&mut drawn);
                encode_png(&name, &drawn, width, height, ExtendedColorType::Rgb8)?
            }
            Artifact::Gradients => {
                encode_png(&name, &gradient_image, width, height, ExtendedColorType::L8)?
            }
            Artifact::AnnotatedGradients => {
                let mut drawn = draw_seams(&gradient_image, &removed);
                plan.found.outline(&mut drawn);
                encode_png(&name, &drawn, width, height, ExtendedColorType::Rgb8)?
            }
            Artifact::Carved => match &carved_alpha {
                Some(rgba) => encode_png(
                    &name,
                    rgba,
                    carved_width,
                    carved_height,
                    ExtendedColorType::Rgba8,
                )?,
                None => encode_png(
                    &name,
                    &result.image,
                    carved_width,
                    carved_height,
                    ExtendedColorType::Rgb8,
                )?,
            },
            Artifact::Seams => SeamsReport {
                input: input_name.to_string(),
                width,
                height,
                output_width: carved_width,
                output_height: carved_height,
                seam_rule: options.rule.name().to_string(),
                energy: options.energy.name().to_string(),
                faces: options.faces.as_ref().map(|_| {
                    plan.found
                        .faces
                        .iter()
                        .map(|f| FaceRecord {
                            x: f.x,
                            y: f.y,
                            width: f.width,
                            height: f.height,
                            score: f.score,
                        })
                        .collect()
                }),
                skin_pixels: plan.found.skin.as_ref().map(Mask::count),
                amount: (options.amount < 100).then_some(options.amount),
                scaled_from: plan.scaled_from.map(|(w, h)| [w, h]),
                carved_size: result.carved.map(|(w, h)| [w, h]),
                order: (result.order.len() > 1 && options.order != Order::WidthFirst)
                    .then(|| options.order.name().to_string()),
                seams: result
                    .taken()
                    .map(|(axis, s)| SeamRecord {
                        orientation: match axis {
                            Axis::Width => "vertical",
                            Axis::Height => "horizontal",
                        }
                        .to_string(),
                        inserted: s.inserted.is_some(),
                        pass: s.inserted,
                        cost: s.cost,
                        path: s.path.clone(),
                    })
                    .collect(),
            }
            .to_json(),
        };
        emit(OutputFile { name, bytes })?;
    }
    Ok(())
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
