//! Carves an image to 80% of its width with the default (salient) energy and saves the
//! result, transparency kept: `cargo run -p seam-carver --example carve -- inputs/coffee.png coffee-80.png`.

use image::GenericImageView;
use seam_carver::{Request, resize_with_progress};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: carve INPUT OUTPUT".into());
    };
    // As it comes: a DynamicImage carves as RGBA, its alpha kept.
    let image = image::open(&input)?;
    let (width, height) = image.dimensions();
    let request = Request::to(width * 4 / 5, height);
    let carved = resize_with_progress(&image, &request, |done, total| {
        eprint!("\r{done}/{total} seams");
    })?;
    eprintln!();
    carved.image.save(&output)?;
    println!(
        "{input}: {width}x{height} -> {}x{} in {} seams: {output}",
        carved.image.width(),
        carved.image.height(),
        carved.vertical.len()
    );
    Ok(())
}
