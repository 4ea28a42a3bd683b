//! One input image to its finished output files, all in memory, so that a failure part
//! way through leaves nothing behind.

use std::collections::BTreeSet;
use std::io::Cursor;

use image::{ExtendedColorType, ImageReader, RgbImage};

use crate::annotate::{draw_seams, gradients, grayscale, original_columns};
use crate::carve::{Carver, Seam, check_removal};
use crate::error::{Error, Result};
use crate::output::{Artifact, OutputFile, SeamRecord, SeamsReport, encode_png};
use crate::seam::SeamRule;
use crate::size::SizeSpec;

/// What to do with every input of a run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Target width; `None` removes `width / 6` seams, as the Bacalhau example does.
    pub width: Option<SizeSpec>,
    /// How seams are traced.
    pub rule: SeamRule,
    /// Which artifacts to write.
    pub artifacts: BTreeSet<Artifact>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            width: None,
            rule: SeamRule::default(),
            artifacts: Artifact::ALL.into_iter().collect(),
        }
    }
}

/// Decodes an image file's bytes (format guessed from its contents) into 8-bit RGB.
pub fn decode(bytes: &[u8]) -> Result<RgbImage> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(Error::Read)?;
    let image = reader.decode().map_err(Error::Decode)?;
    Ok(image.to_rgb8())
}

/// How many vertical seams `options` removes from an image `width` pixels wide.
pub fn seams_to_remove(width: u32, options: &Options) -> Result<u32> {
    let target = match options.width {
        None => width - width / 6,
        Some(spec) => spec.resolve(width)?,
    };
    if target > width {
        return Err(Error::Size(format!(
            "target width {target} is wider than the image ({width}); enlargement is not supported"
        )));
    }
    Ok(width - target)
}

/// A decoded image with its plan: what the batch runner reports before carving starts.
pub struct Plan {
    /// The input as 8-bit RGB.
    pub image: RgbImage,
    /// Vertical seams to remove.
    pub seams: u32,
}

/// Decodes `bytes` and works out how many seams to remove, refusing impossible carves.
pub fn plan(bytes: &[u8], options: &Options) -> Result<Plan> {
    let image = decode(bytes)?;
    let seams = seams_to_remove(image.width(), options)?;
    check_removal(image.width(), image.height(), seams)?;
    Ok(Plan { image, seams })
}

/// Carves a planned image and renders the requested artifacts for an input named
/// `input_name` whose output files start with `stem`. `progress(done, total)` is called
/// after each seam.
pub fn render(
    plan: &Plan,
    input_name: &str,
    stem: &str,
    options: &Options,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<Vec<OutputFile>> {
    let image = &plan.image;
    let (width, height) = image.dimensions();
    let mut carver = Carver::new(image);
    let energy = carver.energy();
    let mut seams: Vec<Seam> = Vec::with_capacity(plan.seams as usize);
    for i in 0..plan.seams {
        seams.push(carver.remove_seam(options.rule));
        progress(i + 1, plan.seams);
    }
    let carved = carver.image();

    let wants = |a: Artifact| options.artifacts.contains(&a);
    let columns = if wants(Artifact::Annotated) || wants(Artifact::AnnotatedGradients) {
        original_columns(&seams, width, height, options.rule)
    } else {
        Vec::new()
    };
    let gradient_image = gradients(&energy, width, height);
    let mut files = Vec::new();
    for artifact in &options.artifacts {
        let name = artifact.file_name(stem);
        let bytes = match artifact {
            Artifact::Original => encode_png(&name, image, width, height, ExtendedColorType::Rgb8)?,
            Artifact::Annotated => {
                let drawn = draw_seams(&grayscale(image), &columns);
                encode_png(&name, &drawn, width, height, ExtendedColorType::Rgb8)?
            }
            Artifact::Gradients => {
                encode_png(&name, &gradient_image, width, height, ExtendedColorType::L8)?
            }
            Artifact::AnnotatedGradients => {
                let drawn = draw_seams(&gradient_image, &columns);
                encode_png(&name, &drawn, width, height, ExtendedColorType::Rgb8)?
            }
            Artifact::Carved => encode_png(
                &name,
                &carved,
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
                seams: seams
                    .iter()
                    .map(|s| SeamRecord {
                        orientation: "vertical".to_string(),
                        cost: s.cost,
                        path: s.path.clone(),
                    })
                    .collect(),
            }
            .to_json(),
        };
        files.push(OutputFile { name, bytes });
    }
    Ok(files)
}
