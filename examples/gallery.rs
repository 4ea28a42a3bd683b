//! Regenerates the README's gallery under `docs/gallery/`: `inputs/coffee.png` (the masks
//! are drawn for it) carved with each feature (annotated and result side by side, as half-size JPEGs), the masks it uses,
//! and a Markdown table of what each energy removed. Run with
//! `just gallery` (`cargo run --release --example gallery -- inputs/coffee.png docs/gallery`).

use std::path::{Path, PathBuf};

use image::imageops::{self, FilterType};
use image::{GrayImage, Luma, RgbImage};
use seam_carver::annotate::{energy_map, marks};
use seam_carver_cli::decode::{decode, decode_mask};
use seam_carver_cli::output::Artifact;
use seam_carver_cli::plan::{Options, plan};
use seam_carver_cli::render::render;

/// One gallery entry: a file stem, a caption and the command-line flags it shows.
struct Entry {
    stem: &'static str,
    caption: &'static str,
    flags: &'static [&'static str],
}

const ENTRIES: &[Entry] = &[
    Entry {
        stem: "width-imageproc",
        caption: "the Bacalhau example's seams (`--seams imageproc --width 70%`): they drift right",
        flags: &["--seams", "imageproc", "--width", "70%"],
    },
    Entry {
        stem: "width-backward",
        caption: "optimal seams, backward energy (`--width 70% --energy backward`)",
        flags: &["--width", "70%", "--energy", "backward"],
    },
    Entry {
        stem: "width-forward",
        caption: "forward energy (`--width 70% --energy forward`)",
        flags: &["--width", "70%", "--energy", "forward"],
    },
    Entry {
        stem: "width-salient",
        caption: "salient energy, the default (`--width 70%`)",
        flags: &["--width", "70%"],
    },
    Entry {
        stem: "height",
        caption: "horizontal seams (`--height 75%`)",
        flags: &["--height", "75%"],
    },
    Entry {
        stem: "enlarge",
        caption: "enlargement by seam insertion, inserted seams in green (`--width 140%`)",
        flags: &["--width", "140%"],
    },
    Entry {
        stem: "both-axes",
        caption: "both axes at once (`--width 80%x120%`: narrower and taller)",
        flags: &["--width", "80%x120%"],
    },
    Entry {
        stem: "protect",
        caption: "the cup protected (`--width 55% --protect cup.png`)",
        flags: &["--width", "55%", "--protect", "MASKS/cup.png"],
    },
    Entry {
        stem: "remove",
        caption: "object removal: the spoon carved away, then the width grown back \
                  (`--remove spoon.png --keep-size`)",
        flags: &["--remove", "MASKS/spoon.png", "--keep-size"],
    },
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let input = PathBuf::from(args.next().unwrap_or_else(|| "inputs/coffee.png".into()));
    let out = PathBuf::from(args.next().unwrap_or_else(|| "docs/gallery".into()));
    let masks = out.join("masks");
    std::fs::create_dir_all(&masks)?;
    let bytes = std::fs::read(&input)?;
    let image = decode(&bytes, u64::MAX)?;
    write_masks(&image, &masks)?;
    save_half(&image, &out.join("original.jpg"))?;

    let total = total_energy(&image);
    println!("Sobel energy of the original: {total}\n");
    println!("| flags | seams | energy removed | energy of the result | energy added |");
    println!("|---|---:|---:|---:|---:|");
    for entry in ENTRIES {
        let flags: Vec<String> = entry
            .flags
            .iter()
            .map(|f| f.replace("MASKS", &masks.to_string_lossy()))
            .collect();
        let options = options_from(&flags)?;
        let planned = plan(&bytes, &input, &options)?;
        let mut carved = None;
        let mut annotated = None;
        let mut report = None;
        render(
            &planned,
            "coffee.png",
            "coffee",
            &options,
            &mut |_, _| {},
            &mut |file| {
                let slot = if file.name.ends_with(".carved.png") {
                    &mut carved
                } else if file.name.ends_with(".annotated.png") {
                    &mut annotated
                } else {
                    &mut report
                };
                *slot = Some(file.into_bytes());
                Ok(())
            },
        )?;
        let carved = image::load_from_memory(&carved.expect("carved"))?.to_rgb8();
        let annotated = image::load_from_memory(&annotated.expect("annotated"))?.to_rgb8();
        let pair = side_by_side(&annotated, &carved);
        save_half(&pair, &out.join(format!("{}.jpg", entry.stem)))?;
        let report: seam_carver_cli::output::SeamsReport =
            serde_json::from_slice(&report.expect("seams"))?;
        let removed = removed_energy(&image, &report, &options);
        let result = total_energy(&carved);
        // What the result holds beyond the energy it kept: the edges the seams created.
        let added = removed.map(|r| result as i64 - (total - r) as i64);
        let show = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
        println!(
            "| `{}` | {} | {} | {result} | {} |",
            entry.flags.join(" ").replace("MASKS/", ""),
            report.seams.len(),
            show(removed.map(|r| r.to_string())),
            show(added.map(|a| a.to_string())),
        );
        eprintln!("{}: {}", entry.stem, entry.caption);
    }
    Ok(())
}

fn options_from(flags: &[String]) -> Result<Options, String> {
    use clap::Parser;
    let mut argv = vec!["seam-carver".to_string()];
    argv.extend(flags.iter().cloned());
    argv.extend(["--only".into(), "annotated,carved,seams".into()]);
    let args = seam_carver_cli::cli::Args::try_parse_from(argv).map_err(|e| e.to_string())?;
    let mut options = args.load_options().map_err(|e| e.to_string())?;
    options.artifacts = [Artifact::Annotated, Artifact::Carved, Artifact::Seams]
        .into_iter()
        .collect();
    Ok(options)
}

/// Sobel energy of the original's pixels that the seams removed, for entries that only
/// remove.
fn removed_energy(
    original: &RgbImage,
    report: &seam_carver_cli::output::SeamsReport,
    options: &Options,
) -> Option<u64> {
    if report.seams.iter().any(|s| s.inserted) {
        return None;
    }
    let (w, h) = original.dimensions();
    let energy = energy_map(original);
    let along = |orientation: &str| -> Vec<seam_carver::Seam> {
        report
            .seams
            .iter()
            .filter(|s| s.orientation == orientation)
            .map(|s| seam_carver::Seam {
                path: s.path.clone(),
                cost: s.cost,
                inserted: None,
            })
            .collect()
    };
    // The order the report lists them in, as runs of one axis.
    let mut order: Vec<(seam_carver::Axis, u32)> = Vec::new();
    for seam in &report.seams {
        let axis = if seam.orientation == "vertical" {
            seam_carver::Axis::Width
        } else {
            seam_carver::Axis::Height
        };
        match order.last_mut() {
            Some((last, n)) if *last == axis => *n += 1,
            _ => order.push((axis, 1)),
        }
    }
    let m = marks(
        &along("vertical"),
        &along("horizontal"),
        &order,
        w,
        h,
        options.rule,
    );
    Some(
        m.removed
            .iter()
            .map(|&(x, y)| energy.get_pixel(x, y).0[0] as u64)
            .sum(),
    )
}

/// The annotated original and the result next to each other on a white ground.
fn side_by_side(left: &RgbImage, right: &RgbImage) -> RgbImage {
    let gap = 8;
    let width = left.width() + gap + right.width();
    let height = left.height().max(right.height());
    let mut out = RgbImage::from_pixel(width, height, image::Rgb([255, 255, 255]));
    imageops::overlay(&mut out, left, 0, 0);
    imageops::overlay(&mut out, right, (left.width() + gap) as i64, 0);
    out
}

fn save_half(image: &RgbImage, path: &Path) -> image::ImageResult<()> {
    let half = imageops::resize(
        image,
        image.width() / 2,
        image.height() / 2,
        FilterType::Triangle,
    );
    let mut file = std::fs::File::create(path)?;
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut file, 85).encode_image(&half)
}

/// The masks for `inputs/coffee.png` (600x400): the cup and the spoon.
fn write_masks(image: &RgbImage, dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let (w, h) = image.dimensions();
    let inside = |x: u32, y: u32, cx: f64, cy: f64, rx: f64, ry: f64| {
        let (dx, dy) = ((x as f64 - cx) / rx, (y as f64 - cy) / ry);
        dx * dx + dy * dy <= 1.0
    };
    let cup = GrayImage::from_fn(w, h, |x, y| {
        Luma([if inside(x, y, 292.0, 150.0, 122.0, 135.0) {
            255
        } else {
            0
        }])
    });
    cup.save(dir.join("cup.png"))?;
    let spoon = GrayImage::from_fn(w, h, |x, y| {
        // The handle: a band 26 px wide from (412, 66) down to (378, 242); the bowl.
        let handle = (66..=242).contains(&y) && {
            let centre = 412.0 - 34.0 * (y as f64 - 66.0) / 176.0;
            (x as f64 - centre).abs() <= 13.0
        };
        Luma([if handle || inside(x, y, 366.0, 284.0, 46.0, 48.0) {
            255
        } else {
            0
        }])
    });
    spoon.save(dir.join("spoon.png"))?;
    // Check they are what the entries expect.
    for name in ["cup.png", "spoon.png"] {
        let path = dir.join(name);
        decode_mask(name, &std::fs::read(&path)?, u64::MAX)?.check_size(w, h)?;
    }
    Ok(())
}

/// Sum of the Sobel energy of every pixel.
fn total_energy(image: &RgbImage) -> u64 {
    energy_map(image).iter().map(|&e| e as u64).sum()
}
