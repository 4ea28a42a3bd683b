//! A planned input carved (the library's `resize`, here) and drawn: its artifacts encoded
//! on as many threads as the carve had (one at a time under WASI), and the seams JSON.

use std::sync::atomic::{AtomicUsize, Ordering};

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
/// `emit` in order as soon as it and those before it are encoded (one at a time under
/// WASI).
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
    // On as many threads as the carve had, each taking the next file as it finishes one
    // (so a single photo's pictures use every core too), handed on in order.
    let artifacts: Vec<Artifact> = options.artifacts.iter().copied().collect();
    in_order(&artifacts, options.threads, &file, &mut |made| emit(made?))
}

/// `make` of each of `items` on up to `threads` threads (this one among them; only this
/// one under WebAssembly, which has no threads), each thread taking the next item as it
/// finishes one, and `take` of each result on this thread in the items' order, as soon
/// as it and those before it are made. The first error `take` returns ends the work
/// (threads finish the item they are on) and is returned.
fn in_order<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    make: &(impl Fn(&T) -> R + Sync),
    take: &mut dyn FnMut(R) -> Result<()>,
) -> Result<()> {
    if cfg!(target_family = "wasm") || threads < 2 || items.len() < 2 {
        return items.iter().try_for_each(|item| take(make(item)));
    }
    let next = AtomicUsize::new(0);
    let claim = || Some(next.fetch_add(1, Ordering::Relaxed)).filter(|&i| i < items.len());
    let (sender, receiver) = std::sync::mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for _ in 1..threads.min(items.len()) {
            let (sender, claim) = (sender.clone(), &claim);
            scope.spawn(move || {
                while let Some(i) = claim() {
                    if sender.send((i, make(&items[i]))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut made: Vec<Option<R>> = items.iter().map(|_| None).collect();
        let mut handed = 0;
        loop {
            for (i, result) in receiver.try_iter() {
                made[i] = Some(result);
            }
            while let Some(result) = made.get_mut(handed).and_then(Option::take) {
                if let Err(error) = take(result) {
                    // No more items begin; the others stop after their current one.
                    next.store(items.len(), Ordering::Relaxed);
                    return Err(error);
                }
                handed += 1;
            }
            if handed == items.len() {
                break;
            }
            match claim() {
                Some(i) => made[i] = Some(make(&items[i])),
                // Every item is taken: wait for one (a thread that panicked has dropped
                // its sender; the scope then passes its panic on).
                None => match receiver.recv() {
                    Ok((i, result)) => made[i] = Some(result),
                    Err(_) => break,
                },
            }
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Items that take uneven times (the later ones quicker, so they finish first).
    fn slow(i: &u64) -> u64 {
        std::thread::sleep(std::time::Duration::from_micros((40 - i % 40) * 50));
        i * 3
    }

    #[test]
    fn items_made_on_many_threads_are_taken_in_order() {
        let items: Vec<u64> = (0..60).collect();
        for threads in [1, 2, 3, 8, 100] {
            let mut taken = Vec::new();
            let ran = in_order(&items, threads, &slow, &mut |r| {
                taken.push(r);
                Ok(())
            });
            assert!(ran.is_ok());
            let expected: Vec<u64> = items.iter().map(|i| i * 3).collect();
            assert_eq!(taken, expected, "{threads} threads");
        }
    }

    #[test]
    fn the_first_refusal_ends_the_work_and_is_returned() {
        let items: Vec<u64> = (0..60).collect();
        for threads in [1, 2, 4] {
            let made = AtomicUsize::new(0);
            let make = |i: &u64| {
                made.fetch_add(1, Ordering::Relaxed);
                slow(i)
            };
            let mut taken = Vec::new();
            let ran = in_order(&items, threads, &make, &mut |r| {
                if r == 15 {
                    return Err(Error::Empty);
                }
                taken.push(r);
                Ok(())
            });
            assert!(matches!(ran, Err(Error::Empty)), "{threads} threads");
            assert_eq!(taken, [0, 3, 6, 9, 12], "{threads} threads");
            // Not every item made: none begins after the refusal.
            assert!(made.load(Ordering::Relaxed) < 30, "{threads} threads");
        }
    }
}
