//! A planned input carved (the library's `resize`, here) and drawn: its artifacts encoded
//! as many at once as the carve had threads (one at a time under WASI), and the seams
//! JSON.

use image::{ExtendedColorType, GrayImage, ImageBuffer, Pixel, RgbImage, RgbaImage};
use seam_carver::annotate::{
    Marks, draw_seams, gradients, grayscale, marks, outline, outline_mask,
};
use seam_carver::{Axis, Carved, Mask, Order, resize_with_progress};

use crate::error::{Error, Result};
use crate::output::{Artifact, FaceRecord, OutputFile, SeamRecord, SeamsReport, encode_png};
use crate::plan::{Found, Options, Plan, SeamPaths};

/// Carves a planned image and renders the requested artifacts for an input named
/// `input_name` whose output files start with `stem`, handing each finished file to
/// `emit` in order as soon as it and those before it are encoded (so only as many are
/// held in memory at a time as the carve had threads: one under WASI).
/// `progress(done, total)` is called after each seam.
pub fn render(
    plan: &Plan,
    input_name: &str,
    stem: &str,
    options: &Options,
    progress: &mut dyn FnMut(u32, u32),
    emit: &mut dyn FnMut(OutputFile) -> Result<()>,
) -> Result<()> {
    let (mut carved, alpha) = carve(plan, options, progress)?;
    let drawn = Drawings::new(plan, options, &mut carved);
    let file = |&artifact: &Artifact| -> Result<OutputFile> {
        let name = artifact.file_name(stem);
        let bytes = match artifact {
            Artifact::Original => encode(&name, &plan.image, plan.alpha.as_ref())?,
            Artifact::Annotated => drawn.annotated(&name, &grayscale(&plan.image))?,
            Artifact::Gradients => {
                let (w, h) = drawn.gradients.dimensions();
                encode_png(&name, &drawn.gradients, w, h, ExtendedColorType::L8)?
            }
            Artifact::AnnotatedGradients => drawn.annotated(&name, &drawn.gradients)?,
            Artifact::Carved => encode(&name, &carved.image, alpha.as_ref())?,
            Artifact::Seams => seams_report(plan, options, input_name, &carved, alpha.as_ref())?,
        };
        Ok(OutputFile::new(name, bytes))
    };
    // As many at once as the carve had threads (each file is one thread's work), handed
    // on in order, so that a single photo's pictures use every core too.
    let artifacts: Vec<Artifact> = options.artifacts.iter().copied().collect();
    for group in artifacts.chunks(options.threads.max(1)) {
        for made in at_once(group, &file) {
            emit(made?)?;
        }
    }
    Ok(())
}

/// `make` of each of `items`, on a thread each (the first on this one; all on this one
/// under WebAssembly, which has no threads), in order.
fn at_once<T: Sync, R: Send>(items: &[T], make: &(impl Fn(&T) -> R + Sync)) -> Vec<R> {
    if cfg!(target_family = "wasm") || items.len() < 2 {
        return items.iter().map(make).collect();
    }
    std::thread::scope(|scope| {
        let others: Vec<_> = items[1..]
            .iter()
            .map(|item| scope.spawn(move || make(item)))
            .collect();
        let first = make(&items[0]);
        std::iter::once(first)
            .chain(others.into_iter().map(|made| {
                made.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }))
            .collect()
    })
}

/// Carves the plan's image: as RGBA when its alpha is kept (the carve's RGB image is then
/// empty, and the RGBA picture comes beside it), else as RGB.
fn carve(
    plan: &Plan,
    options: &Options,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<(Carved, Option<RgbaImage>)> {
    let request = options.request(plan.width, plan.height, &plan.found);
    Ok(match &plan.alpha {
        Some(rgba) => {
            let (carved, picture) = without_image(resize_with_progress(rgba, &request, progress)?);
            (carved, Some(picture))
        }
        None => (resize_with_progress(&plan.image, &request, progress)?, None),
    })
}

/// A carve of any pixel type split into its picture and the rest (seams, order, sizes,
/// energy map), the rest as an RGB carve with an empty image.
fn without_image<P: Pixel>(carved: Carved<P>) -> (Carved, ImageBuffer<P, Vec<P::Subpixel>>) {
    let rest = Carved {
        image: RgbImage::new(0, 0),
        vertical: carved.vertical,
        horizontal: carved.horizontal,
        order: carved.order,
        energy: carved.energy,
        input: carved.input,
        carved: carved.carved,
    };
    (rest, carved.image)
}

/// What the annotated pictures share: the removed seams' marks, the energy map's picture
/// (empty unless one of its pictures is asked for) and what was kept automatically.
struct Drawings<'a> {
    marks: Marks,
    gradients: GrayImage,
    found: &'a Found,
}

impl<'a> Drawings<'a> {
    /// The marks when an annotated picture is asked for; the energy map, which the carve
    /// brought only for its pictures ([`Options::request`]), taken out of `carved`.
    fn new(plan: &'a Plan, options: &Options, carved: &mut Carved) -> Self {
        let (width, height) = plan.image.dimensions();
        let wants = |a: Artifact| options.artifacts.contains(&a);
        let marks = if wants(Artifact::Annotated) || wants(Artifact::AnnotatedGradients) {
            let (v, h, order) = (&carved.vertical, &carved.horizontal, &carved.order);
            marks(v, h, order, width, height, options.rule)
        } else {
            Marks::default()
        };
        let gradients =
            (carved.energy.take()).map_or_else(|| GrayImage::new(0, 0), |e| gradients(&e));
        Drawings {
            marks,
            gradients,
            found: &plan.found,
        }
    }

    /// `under` with the removed seams in red and the faces and skin kept outlined, as PNG.
    fn annotated(&self, name: &str, under: &GrayImage) -> Result<Vec<u8>> {
        let mut drawn = draw_seams(under, &self.marks);
        outline(&mut drawn, &self.found.faces);
        if let Some(skin) = &self.found.skin {
            outline_mask(&mut drawn, skin);
        }
        let (w, h) = drawn.dimensions();
        encode_png(name, &drawn, w, h, ExtendedColorType::Rgb8)
    }
}

/// `rgb` as PNG, or `rgba` in its place when there is one.
fn encode(name: &str, rgb: &RgbImage, rgba: Option<&RgbaImage>) -> Result<Vec<u8>> {
    match rgba {
        Some(rgba) => encode_png(
            name,
            rgba,
            rgba.width(),
            rgba.height(),
            ExtendedColorType::Rgba8,
        ),
        None => encode_png(
            name,
            rgb,
            rgb.width(),
            rgb.height(),
            ExtendedColorType::Rgb8,
        ),
    }
}

/// `seams.json`: the sizes, rule and energy, what was found and scaled, and every seam in
/// the order taken.
fn seams_report(
    plan: &Plan,
    options: &Options,
    input_name: &str,
    carved: &Carved,
    alpha: Option<&RgbaImage>,
) -> Result<Vec<u8>> {
    let (width, height) = plan.image.dimensions();
    let (output_width, output_height) = alpha.map_or(carved.image.dimensions(), |a| a.dimensions());
    let face = |f: &seam_carver::Face| FaceRecord {
        x: f.x,
        y: f.y,
        width: f.width,
        height: f.height,
        score: f.score,
    };
    let seam = |(axis, s): (Axis, &seam_carver::Seam)| SeamRecord {
        orientation: match axis {
            Axis::Width => "vertical",
            Axis::Height => "horizontal",
        }
        .to_string(),
        inserted: s.inserted.is_some(),
        pass: s.inserted,
        cost: s.cost,
        path: s.path.clone(),
    };
    let mut seams: Vec<SeamRecord> = carved.taken().map(seam).collect();
    if options.seam_paths == SeamPaths::Input {
        let inserts =
            (carved.vertical.iter().chain(&carved.horizontal)).any(|s| s.inserted.is_some());
        let in_input = carved.removed_in_input().ok_or(Error::SeamPathsInInput {
            what: if inserts {
                "inserts seams"
            } else {
                "changes both axes"
            },
        })?;
        for (record, path) in seams.iter_mut().zip(in_input) {
            record.path = path;
        }
    }
    Ok(SeamsReport {
        input: input_name.to_string(),
        width,
        height,
        output_width,
        output_height,
        seam_rule: options.rule.name().to_string(),
        energy: options.energy.name().to_string(),
        faces: options
            .faces
            .as_ref()
            .map(|_| plan.found.faces.iter().map(face).collect()),
        skin_pixels: plan.found.skin.as_ref().map(Mask::count),
        amount: (options.amount < 100).then_some(options.amount),
        scaled_from: plan.scaled_from.map(|(w, h)| [w, h]),
        carved_size: carved.carved.map(|(w, h)| [w, h]),
        order: (carved.order.len() > 1 && options.order != Order::WidthFirst)
            .then(|| options.order.name().to_string()),
        paths: (options.seam_paths == SeamPaths::Input).then(|| "input".to_string()),
        seams,
    }
    .to_json())
}
