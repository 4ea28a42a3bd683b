//! Carves an image to 80% of its width with forward energy and saves the result:
//! `cargo run -p seam-carver --example carve -- inputs/coffee.png coffee-80.png`.

use seam_carver::{EnergyKind, Request, SeamRule, resize_with_progress};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: carve INPUT OUTPUT".into());
    };
    let image = image::open(&input)?.to_rgb8();
    let (width, height) = image.dimensions();
    let request = Request {
        energy: EnergyKind::Forward,
        ..Request::new(width * 4 / 5, height, SeamRule::Optimal)
    };
    let carved = resize_with_progress(&image, &request, |done, total| {
        eprint!("\r{done}/{total} seams");
    })?;
    eprintln!();
    carved.image.save(&output)?;
    println!(
        "{input}: {width}x{height} -> {}x{} in {} seams: {output}",
        carved.image.width(),
        carved.image.height(),
        carved.seams.len()
    );
    Ok(())
}
