//! The library as another crate uses it, on the pixel types `image` users have: RGBA
//! keeps its alpha exactly, gray stays gray, and every type gets the very seams and
//! pixels an 8-bit RGB carve of the same colours gets.

use image::{GrayImage, ImageBuffer, Luma, Pixel, Rgb, Rgb32FImage, RgbImage, Rgba, RgbaImage};
use seam_carver::{Mask, Request, SeamRule, resize};

/// A repeatable pseudo-random byte stream.
fn bytes(seed: u64) -> impl FnMut() -> u8 {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 56) as u8
    }
}

/// A photo-like image: smooth regions, an edge and some noise.
fn rgb(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut next = bytes(seed);
    RgbImage::from_fn(width, height, |x, y| {
        let base = if x * 3 > width + y { 180 } else { 40 };
        Rgb([0, 1, 2].map(|c| base + (x * 2 + y * c) as u8 % 50 + next() % 8))
    })
}

/// Every kind of carve: removal on both axes, growth beyond twice the width (several
/// insertion passes), an object removed and grown back around a protected area, and
/// the imageproc rule.
fn requests<'a>(
    width: u32,
    height: u32,
    masks: &'a (Mask, Mask),
) -> Vec<(&'static str, Request<'a>)> {
    vec![
        ("narrower", Request::to(width - 9, height)),
        ("both axes", Request::to(width - 5, height - 4)),
        ("grown", Request::to(width * 5 / 2, height + 3)),
        (
            "object",
            Request {
                protect: Some(&masks.0),
                remove: Some(&masks.1),
                keep_size: true,
                ..Request::to(width, height)
            },
        ),
        (
            "imageproc",
            Request::new(width - 6, height, SeamRule::Imageproc),
        ),
    ]
}

fn masks(width: u32, height: u32) -> (Mask, Mask) {
    (
        Mask::from_fn("keep", width, height, |x, y| x < 4 && y < 4),
        Mask::from_fn("object", width, height, |x, y| {
            (10..13).contains(&x) && y > 2
        }),
    )
}

#[test]
fn opaque_rgba_gets_the_seams_and_colours_of_rgb() {
    let image = rgb(30, 20, 1);
    let rgba = RgbaImage::from_fn(30, 20, |x, y| image.get_pixel(x, y).to_rgba());
    let masks = masks(30, 20);
    for (label, request) in requests(30, 20, &masks) {
        let want = resize(&image, &request).unwrap();
        let got = resize(&rgba, &request).unwrap();
        assert_eq!(got.vertical, want.vertical, "{label}");
        assert_eq!(got.horizontal, want.horizontal, "{label}");
        assert_eq!(got.image.dimensions(), want.image.dimensions(), "{label}");
        for (g, w) in got.image.pixels().zip(want.image.pixels()) {
            assert_eq!(*g, Rgba([w[0], w[1], w[2], 255]), "{label}");
        }
    }
}

#[test]
fn gray_stays_gray_with_the_pixels_of_its_rgb_twin() {
    let mut next = bytes(2);
    let gray = GrayImage::from_fn(28, 18, |x, y| {
        Luma([(x * 7 + y * 3) as u8 % 200 + next() % 30])
    });
    let twin = RgbImage::from_fn(28, 18, |x, y| Rgb([gray.get_pixel(x, y)[0]; 3]));
    let masks = masks(28, 18);
    for (label, request) in requests(28, 18, &masks) {
        let want = resize(&twin, &request).unwrap();
        let got: ImageBuffer<Luma<u8>, Vec<u8>> = resize(&gray, &request).unwrap().image;
        assert_eq!(got.dimensions(), want.image.dimensions(), "{label}");
        for (g, w) in got.pixels().zip(want.image.pixels()) {
            assert_eq!(g[0], w[0], "{label}");
        }
    }
}

/// Whether `small` is `big` with some items left out, the rest in order.
fn is_subsequence<T: PartialEq>(small: &[T], big: &[T]) -> bool {
    let mut big = big.iter();
    small.iter().all(|s| big.any(|b| b == s))
}

#[test]
fn rgba_keeps_every_kept_pixel_alpha_included_exactly() {
    let mut next = bytes(3);
    let image = rgb(32, 24, 3);
    // Alpha of every kind: opaque, clear (with colours a carve must not see), partial.
    let rgba = RgbaImage::from_fn(32, 24, |x, y| {
        let Rgb([r, g, b]) = *image.get_pixel(x, y);
        let a = match (x / 8 + y / 6) % 3 {
            0 => 255,
            1 => 0,
            _ => next(),
        };
        Rgba([r, g, b, a])
    });
    // Narrower: every row is its input row less some pixels, each pixel whole.
    let narrow = resize(&rgba, &Request::to(20, 24)).unwrap().image;
    assert_eq!(narrow.dimensions(), (20, 24));
    for y in 0..24 {
        let row = |img: &RgbaImage, w| (0..w).map(|x| *img.get_pixel(x, y)).collect::<Vec<_>>();
        assert!(
            is_subsequence(&row(&narrow, 20), &row(&rgba, 32)),
            "row {y}"
        );
    }
    // Shorter: every column likewise.
    let short = resize(&rgba, &Request::to(32, 15)).unwrap().image;
    assert_eq!(short.dimensions(), (32, 15));
    for x in 0..32 {
        let column = |img: &RgbaImage, h| (0..h).map(|y| *img.get_pixel(x, y)).collect::<Vec<_>>();
        assert!(
            is_subsequence(&column(&short, 15), &column(&rgba, 24)),
            "column {x}"
        );
    }
    // Grown: the input's pixels are all there, in order, with means between them.
    let grown = resize(&rgba, &Request::to(40, 24)).unwrap().image;
    for y in 0..24 {
        let row = |img: &RgbaImage, w| (0..w).map(|x| *img.get_pixel(x, y)).collect::<Vec<_>>();
        assert!(is_subsequence(&row(&rgba, 32), &row(&grown, 40)), "row {y}");
    }
}

#[test]
fn a_transparent_region_is_measured_as_black_whatever_colour_it_holds() {
    // The same picture twice, its clear half holding noise in one and black in the
    // other: the same seams, since nobody sees those colours.
    let image = rgb(30, 16, 4);
    let mut next = bytes(5);
    let mut clear = |noisy: bool| {
        RgbaImage::from_fn(30, 16, |x, y| {
            if x < 15 {
                let c = if noisy {
                    [next(), next(), next()]
                } else {
                    [0; 3]
                };
                Rgba([c[0], c[1], c[2], 0])
            } else {
                image.get_pixel(x, y).to_rgba()
            }
        })
    };
    let (noisy, black) = (clear(true), clear(false));
    let a = resize(&noisy, &Request::to(20, 16)).unwrap();
    let b = resize(&black, &Request::to(20, 16)).unwrap();
    assert_eq!(a.vertical, b.vertical);
    // And the seams went through the clear half.
    assert!(a.vertical.iter().all(|s| s.path.iter().all(|&x| x < 15)));
}

#[test]
fn sixteen_bit_and_float_images_keep_their_own_values() {
    // 16-bit: values v * 257 are the 8-bit v exactly, so a removal takes the same seams
    // and keeps the same pixels, at 16 bits.
    let image = rgb(26, 14, 6);
    let deep: ImageBuffer<Rgb<u16>, Vec<u16>> = ImageBuffer::from_fn(26, 14, |x, y| {
        Rgb(image.get_pixel(x, y).0.map(|v| v as u16 * 257))
    });
    let request = Request::to(19, 11);
    let want = resize(&image, &request).unwrap().image;
    let got = resize(&deep, &request).unwrap().image;
    assert_eq!(got.dimensions(), (19, 11));
    for (g, w) in got.pixels().zip(want.pixels()) {
        assert_eq!(g.0, w.0.map(|v| v as u16 * 257));
    }
    // Floating point: the same, as fractions of 1.
    let float = Rgb32FImage::from_fn(26, 14, |x, y| {
        Rgb(image.get_pixel(x, y).0.map(|v| v as f32 / 255.0))
    });
    let got = resize(&float, &request).unwrap().image;
    for (g, w) in got.pixels().zip(want.pixels()) {
        assert_eq!(g.0, w.0.map(|v| v as f32 / 255.0));
    }
}

#[test]
fn a_photo_read_as_rgba_or_as_it_comes_is_carved_as_rgb_is() {
    // The bundled sample, opened as a user would: a DynamicImage carves as RGBA.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../inputs/coffee.png");
    let photo = image::open(path).unwrap();
    let rgb = photo.to_rgb8();
    let (w, h) = rgb.dimensions();
    let request = Request::to(w - 60, h - 30);
    let want = resize(&rgb, &request).unwrap();
    let got = resize(&photo, &request).unwrap();
    assert_eq!(got.vertical, want.vertical);
    assert_eq!(got.horizontal, want.horizontal);
    for (g, w) in got.image.pixels().zip(want.image.pixels()) {
        assert_eq!(*g, Rgba([w[0], w[1], w[2], 255]));
    }
}

#[test]
fn a_carve_applied_to_its_own_input_gives_its_own_result() {
    let image = rgb(30, 20, 7);
    let masks = masks(30, 20);
    for (label, request) in requests(30, 20, &masks) {
        let carved = resize(&image, &request).unwrap();
        assert_eq!(carved.apply_to(&image).unwrap(), carved.image, "{label}");
    }
    let carved = resize(&image, &Request::to(25, 20)).unwrap();
    assert!(carved.apply_to(&rgb(31, 20, 7)).is_err());
}

#[test]
fn step_ratio_bounds_each_insertion_pass() {
    // 20 -> 40 wide at half the width a pass: 10 seams (of 20), then 10 (of up to 15).
    let image = rgb(20, 8, 8);
    let request = Request {
        step_ratio: Some(0.5),
        ..Request::to(40, 8)
    };
    let carved = resize(&image, &request).unwrap();
    assert_eq!(carved.image.dimensions(), (40, 8));
    let passes: Vec<Option<u32>> = carved.vertical.iter().map(|s| s.inserted).collect();
    assert_eq!(passes, [vec![Some(1); 10], vec![Some(2); 10]].concat());
    // Without it, one pass of 19 and one of 1.
    let carved = resize(&image, &Request::to(40, 8)).unwrap();
    assert_eq!(
        carved
            .vertical
            .iter()
            .filter(|s| s.inserted == Some(1))
            .count(),
        19
    );
}

/// Pieces of `colour` in `image`, 8-connected.
fn pieces(image: &RgbImage, colour: Rgb<u8>) -> usize {
    let (w, h) = (image.width() as i64, image.height() as i64);
    let mut seen = vec![false; (w * h) as usize];
    let mut count = 0;
    for start in 0..w * h {
        if seen[start as usize]
            || *image.get_pixel((start % w) as u32, (start / w) as u32) != colour
        {
            continue;
        }
        count += 1;
        seen[start as usize] = true;
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            for (dx, dy) in (-1..=1).flat_map(|dx| (-1..=1).map(move |dy| (dx, dy))) {
                let (x, y) = (i % w + dx, i / w + dy);
                let j = y * w + x;
                if (0..w).contains(&x)
                    && (0..h).contains(&y)
                    && !seen[j as usize]
                    && *image.get_pixel(x as u32, y as u32) == colour
                {
                    seen[j as usize] = true;
                    stack.push(j);
                }
            }
        }
    }
    count
}

#[test]
fn a_one_pixel_line_enlarged_stays_in_one_piece_in_every_pixel_type() {
    // A dark cable stepping down a row every 7 pixels across grass-like noise.
    const CABLE: Rgb<u8> = Rgb([10, 10, 10]);
    let mut next = bytes(6);
    let image = RgbImage::from_fn(60, 24, |x, y| {
        if y == 6 + x / 7 {
            CABLE
        } else {
            let v = 140 + next() % 40;
            Rgb([v / 2, v, v / 3])
        }
    });
    assert_eq!(pieces(&image, CABLE), 1);
    let rgba = RgbaImage::from_fn(60, 24, |x, y| image.get_pixel(x, y).to_rgba());
    let gray = GrayImage::from_fn(60, 24, |x, y| Luma([image.get_pixel(x, y)[1]]));
    let twin = RgbImage::from_fn(60, 24, |x, y| Rgb([gray.get_pixel(x, y)[0]; 3]));
    for width in [78, 119, 120, 150] {
        let request = Request::to(width, 24);
        let carved = resize(&image, &request).unwrap();
        // Every step of the line is still joined at a corner: a new pixel between the
        // line's last pixel of a row and the grass copies the line, not their mean.
        assert_eq!(pieces(&carved.image, CABLE), 1, "{width}");
        let got = resize(&rgba, &request).unwrap().image;
        for (g, w) in got.pixels().zip(carved.image.pixels()) {
            assert_eq!(*g, Rgba([w[0], w[1], w[2], 255]), "RGBA {width}");
        }
        assert_eq!(carved.apply_to(&rgba).unwrap(), got, "apply_to {width}");
        let gray_got = resize(&gray, &request).unwrap().image;
        let twin_got = resize(&twin, &request).unwrap().image;
        assert_eq!(pieces(&twin_got, Rgb([10, 10, 10])), 1, "gray {width}");
        for (g, w) in gray_got.pixels().zip(twin_got.pixels()) {
            assert_eq!(g[0], w[0], "gray {width}");
        }
    }
}
