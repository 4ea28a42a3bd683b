//! One input image to its finished output files, all in memory, so that a failure part
//! way through leaves nothing behind.

use std::collections::BTreeSet;
use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ExtendedColorType, ImageDecoder, ImageReader, Limits, RgbImage};

use crate::annotate::{Marks, draw_seams, gradients, grayscale, marks};
use crate::carve::{check_height_removal, check_removal};
use crate::error::{Error, Result};
use crate::output::{Artifact, OutputFile, SeamRecord, SeamsReport, encode_png};
use crate::resize::carve;
use crate::seam::SeamRule;
use crate::size::SizeSpec;

/// Default `--max-pixels`: the largest image whose carve fits Bacalhau's default 512 MiB
/// of wasm linear memory with all six artifacts (measured, see README).
pub const DEFAULT_MAX_PIXELS: u64 = 16_000_000;

/// What to do with every input of a run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Target width; `None` removes `width / 6` seams, as the Bacalhau example does,
    /// unless a height is given, which then leaves the width alone.
    pub width: Option<SizeSpec>,
    /// Target height, reached by removing horizontal seams after the vertical ones.
    pub height: Option<SizeSpec>,
    /// How seams are traced.
    pub rule: SeamRule,
    /// Which artifacts to write.
    pub artifacts: BTreeSet<Artifact>,
    /// Largest image, in pixels, that is decoded at all; larger ones are refused from
    /// their header, before any pixel memory is allocated.
    pub max_pixels: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            width: None,
            height: None,
            rule: SeamRule::default(),
            artifacts: Artifact::ALL.into_iter().collect(),
            max_pixels: DEFAULT_MAX_PIXELS,
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
    let reader = || {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(Error::Read)
    };
    // The header alone, without the decoder's own allocation limits (which on wasm32
    // would already refuse a huge header, with a vaguer message than ours).
    let mut probe = reader()?;
    probe.no_limits();
    let (width, height) = probe.into_dimensions().map_err(|e| match e {
        // On wasm32 a header whose buffer could not even be addressed fails here.
        image::ImageError::Limits(_) => Error::Size(format!(
            "image is too large: its header asks for more memory than can be addressed \
             (over the limit of {max_pixels} pixels)"
        )),
        e => Error::Decode(e),
    })?;
    let pixels = width as u64 * height as u64;
    if pixels > max_pixels {
        return Err(Error::Size(format!(
            "image is {width}x{height} ({pixels} pixels), over the limit of {max_pixels} \
             pixels (raise it with --max-pixels, and the memory with it)"
        )));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // Room for the largest decoded layout (16-bit RGBA) plus decoder buffers.
    limits.max_alloc = Some(pixels * 8 + (64 << 20));
    let mut reader = reader()?;
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(Error::Decode)?;
    // A damaged EXIF block is no reason to refuse the pixels: keep them as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(Error::Decode)?;
    image.apply_orientation(orientation);
    Ok(image.into_rgb8())
}

/// How many vertical seams `options` removes from an image `width` pixels wide.
pub fn seams_to_remove(width: u32, options: &Options) -> Result<u32> {
    let default = if options.height.is_some() {
        width
    } else {
        width - width / 6
    };
    seams_along(width, options.width, default, "width", "wider")
}

/// How many horizontal seams `options` removes from an image `height` pixels high.
pub fn horizontal_seams_to_remove(height: u32, options: &Options) -> Result<u32> {
    seams_along(height, options.height, height, "height", "taller")
}

/// Seams to remove along an axis `len` pixels long to reach `spec` (or `default`).
fn seams_along(
    len: u32,
    spec: Option<SizeSpec>,
    default: u32,
    axis: &str,
    larger: &str,
) -> Result<u32> {
    let target = match spec {
        None => default,
        Some(spec) => spec.resolve(len)?,
    };
    if target > len {
        return Err(Error::Size(format!(
            "target {axis} {target} is {larger} than the image ({len}); enlargement is not supported"
        )));
    }
    Ok(len - target)
}

/// A decoded image with its plan: what the batch runner reports before carving starts.
pub struct Plan {
    /// The input as 8-bit RGB.
    pub image: RgbImage,
    /// Vertical seams to remove.
    pub seams: u32,
    /// Horizontal seams to remove after them.
    pub horizontal_seams: u32,
}

/// Decodes `bytes` and works out how many seams to remove, refusing impossible carves.
pub fn plan(bytes: &[u8], options: &Options) -> Result<Plan> {
    let image = decode(bytes, options.max_pixels)?;
    let seams = seams_to_remove(image.width(), options)?;
    check_removal(image.width(), image.height(), seams)?;
    let horizontal_seams = horizontal_seams_to_remove(image.height(), options)?;
    check_height_removal(image.width() - seams, image.height(), horizontal_seams)?;
    Ok(Plan {
        image,
        seams,
        horizontal_seams,
    })
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
    let mut result = carve(
        image,
        plan.seams,
        plan.horizontal_seams,
        options.rule,
        progress,
    )?;
    let energy = std::mem::take(&mut result.energy);
    let carved = &result.image;

    let wants = |a: Artifact| options.artifacts.contains(&a);
    let removed = if wants(Artifact::Annotated) || wants(Artifact::AnnotatedGradients) {
        marks(
            &result.seams,
            &result.horizontal,
            width,
            height,
            options.rule,
        )
    } else {
        Marks::default()
    };
    let gradient_image = gradients(&energy, width, height);
    drop(energy);
    for artifact in &options.artifacts {
        let name = artifact.file_name(stem);
        let bytes = match artifact {
            Artifact::Original => encode_png(&name, image, width, height, ExtendedColorType::Rgb8)?,
            Artifact::Annotated => {
                let drawn = draw_seams(&grayscale(image), &removed);
                encode_png(&name, &drawn, width, height, ExtendedColorType::Rgb8)?
            }
            Artifact::Gradients => {
                encode_png(&name, &gradient_image, width, height, ExtendedColorType::L8)?
            }
            Artifact::AnnotatedGradients => {
                let drawn = draw_seams(&gradient_image, &removed);
                encode_png(&name, &drawn, width, height, ExtendedColorType::Rgb8)?
            }
            Artifact::Carved => encode_png(
                &name,
                carved,
                carved.width(),
                carved.height(),
                ExtendedColorType::Rgb8,
            )?,
            Artifact::Seams => SeamsReport {
                input: input_name.to_string(),
                width,
                height,
                output_width: carved.width(),
                output_height: carved.height(),
                seam_rule: options.rule.name().to_string(),
                energy: "backward".to_string(),
                seams: result
                    .seams
                    .iter()
                    .map(|s| ("vertical", s))
                    .chain(result.horizontal.iter().map(|s| ("horizontal", s)))
                    .map(|(orientation, s)| SeamRecord {
                        orientation: orientation.to_string(),
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
