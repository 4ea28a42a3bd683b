//! Any bytes as an input file: decode under a small pixel limit, then carve it every way
//! the program can (both rules, removal and insertion on both axes, forward energy, a
//! mask made from the input itself to protect or remove) and render every artifact.
//! Errors are fine; panics and aborts are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seam_carver_cli::pipeline::{Options, decode_mask, plan, render};
use seam_carver::{EnergyKind, SeamRule};

fuzz_target!(|data: &[u8]| {
    let base = Options {
        max_pixels: 1 << 16,
        ..Options::default()
    };
    // The input as its own mask: the same size, whatever it decodes to.
    let mask = decode_mask("fuzz-mask", data, base.max_pixels).ok();
    let mut variants = Vec::new();
    for rule in [SeamRule::Optimal, SeamRule::Imageproc] {
        variants.push(Options {
            width: Some("-3".parse().unwrap()),
            height: Some("-2".parse().unwrap()),
            rule,
            ..base.clone()
        });
    }
    variants.push(Options {
        width: Some("+4".parse().unwrap()),
        height: Some("+2".parse().unwrap()),
        energy: EnergyKind::Forward,
        ..base.clone()
    });
    variants.push(Options {
        width: Some("-2".parse().unwrap()),
        protect: mask.clone(),
        ..base.clone()
    });
    variants.push(Options {
        remove: mask,
        keep_size: true,
        max_pixels: 1 << 12,
        ..base.clone()
    });
    for options in variants {
        if let Ok(plan) = plan(data, std::path::Path::new("fuzz.png"), &options) {
            let mut total = 0usize;
            let rendered = render(&plan, "fuzz.png", "fuzz", &options, &mut |_, _| {}, &mut |file| {
                total += file.bytes.len();
                Ok(())
            });
            // Only an object removal may fail after planning (protected or too wide).
            if options.remove.is_none() {
                rendered.expect("rendering a planned image cannot fail");
                assert!(total > 0);
            }
        }
    }
});
