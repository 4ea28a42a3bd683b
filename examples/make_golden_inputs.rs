//! Regenerates `golden/inputs/`: small crops and downscales of the shared sample photos,
//! plus generated images and masks. Run once when the golden set changes:
//!
//! ```text
//! cargo run --example make_golden_inputs -- ../shared/images golden/inputs
//! ```

use std::path::{Path, PathBuf};

use image::imageops::{self, FilterType};
use image::{DynamicImage, GrayImage, ImageFormat, Luma, Rgb, RgbImage, Rgba, RgbaImage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let shared = PathBuf::from(
        args.next()
            .ok_or("usage: make_golden_inputs SHARED_IMAGES OUT_DIR")?,
    );
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: make_golden_inputs SHARED_IMAGES OUT_DIR")?,
    );
    std::fs::create_dir_all(&out)?;
    let open = |name: &str| image::open(shared.join(name));

    let coffee = open("coffee.png")?.to_rgb8();
    save_png(
        &imageops::resize(&coffee, 60, 40, FilterType::Triangle),
        &out,
        "coffee",
    )?;

    let chelsea = open("chelsea.png")?.to_rgb8();
    save_png(
        &imageops::crop_imm(&chelsea, 150, 40, 72, 48).to_image(),
        &out,
        "chelsea",
    )?;

    let astronaut = open("astronaut.png")?.to_rgb8();
    let tall = imageops::crop_imm(&astronaut, 150, 0, 200, 300).to_image();
    save_png(
        &imageops::resize(&tall, 40, 60, FilterType::Triangle),
        &out,
        "astronaut",
    )?;
    // Big enough for the face detector (faces of 20 pixels and up): the face lands at
    // about (54, 21), 31x31.
    save_png(
        &imageops::resize(&astronaut, 160, 160, FilterType::Triangle),
        &out,
        "astronaut-face",
    )?;

    let rocket = open("rocket.jpg")?.to_rgb8();
    let small = imageops::resize(&rocket, 64, 43, FilterType::Triangle);
    DynamicImage::ImageRgb8(small).save_with_format(out.join("rocket.jpg"), ImageFormat::Jpeg)?;

    let camera = open("camera.png")?.to_luma8();
    let gray = imageops::resize(&camera, 48, 48, FilterType::Triangle);
    gray.save(out.join("camera.png"))?;

    // Generated: vertical stripes, a diagonal gradient, seeded noise, a 2-pixel-wide strip.
    let stripes = RgbImage::from_fn(32, 24, |x, _| {
        if (x / 3) % 2 == 0 {
            Rgb([20, 40, 200])
        } else {
            Rgb([240, 230, 10])
        }
    });
    save_png(&stripes, &out, "stripes")?;
    let gradient = RgbImage::from_fn(36, 20, |x, y| {
        Rgb([(x * 7) as u8, (y * 12) as u8, ((x + y) * 4) as u8])
    });
    save_png(&gradient, &out, "gradient")?;
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let noise = RgbImage::from_fn(30, 22, |_, _| {
        let mut c = [0u8; 3];
        for v in &mut c {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *v = (state >> 56) as u8;
        }
        Rgb(c)
    });
    save_png(&noise, &out, "noise")?;
    // Two one-pixel cables, stepping a row every 7 and every 5 pixels, on grass-like
    // noise: what enlargement must keep whole (its new pixels copy a line at its steps).
    let cables = RgbImage::from_fn(40, 24, |x, y| {
        if y == 4 + x / 7 || y == 20 - x / 5 {
            Rgb([12, 12, 12])
        } else {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let v = 140 + (state >> 59) as u8;
            Rgb([v / 2, v, v / 3])
        }
    });
    save_png(&cables, &out, "cables")?;
    let narrow = GrayImage::from_fn(2, 9, |x, y| Luma([(x * 100 + y * 20) as u8]));
    narrow.save(out.join("narrow.png"))?;

    // Masks for the 60x40 coffee: the cup to protect (gray, 255 inside) and the spoon to
    // remove (RGBA, opaque white inside, transparent white outside, to exercise alpha).
    let inside = |x: u32, y: u32, cx: f64, cy: f64, rx: f64, ry: f64| {
        let (dx, dy) = ((x as f64 - cx) / rx, (y as f64 - cy) / ry);
        dx * dx + dy * dy <= 1.0
    };
    let cup = GrayImage::from_fn(60, 40, |x, y| {
        Luma([if inside(x, y, 29.0, 12.0, 10.0, 9.0) {
            255
        } else {
            0
        }])
    });
    cup.save(out.join("coffee-cup.mask.png"))?;
    let spoon = RgbaImage::from_fn(60, 40, |x, y| {
        // The bowl, and the handle as a thin band from (41, 7) down to (38, 23).
        let handle = (7..=23).contains(&y) && {
            let centre = 41.0 - 3.0 * (y as f64 - 7.0) / 16.0;
            (x as f64 - centre).abs() <= 1.0
        };
        let set = handle || inside(x, y, 36.0, 28.0, 4.5, 5.0);
        Rgba([255, 255, 255, if set { 255 } else { 0 }])
    });
    spoon.save(out.join("coffee-spoon.mask.png"))?;
    Ok(())
}

/// Saves `image` as `STEM.png` in `dir`, compressed as tightly as the encoder can: the
/// inputs travel inline in the tests' Bacalhau jobs, beside the module, under 1 MiB.
fn save_png(image: &RgbImage, dir: &Path, stem: &str) -> image::ImageResult<()> {
    use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
    let file = std::io::BufWriter::new(std::fs::File::create(dir.join(format!("{stem}.png")))?);
    image.write_with_encoder(PngEncoder::new_with_quality(
        file,
        CompressionType::Best,
        PngFilter::Adaptive,
    ))
}
