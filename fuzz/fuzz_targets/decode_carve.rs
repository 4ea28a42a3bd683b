//! Any bytes as an input file: decode under a small pixel limit, then carve it every way
//! the program can (both rules, every energy, removal and insertion on both axes, a mask
//! made from the input itself to protect or remove) and render every artifact. Errors
//! are fine where the input earns them; panics and aborts are not, and a variant whose
//! options are valid is never refused for them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seam_carver_cli::error::Error;
use seam_carver_cli::decode::decode_mask;
use seam_carver_cli::plan::{Options, plan};
use seam_carver_cli::render::render;
use seam_carver::{EnergyKind, SeamRule};

fuzz_target!(|data: &[u8]| {
    let base = Options {
        max_pixels: 1 << 16,
        ..Options::default()
    };
    // The input as its own mask: the same size, whatever it decodes to.
    let mask = decode_mask("fuzz-mask", data, base.max_pixels).ok();
    let mut variants = Vec::new();
    // The imageproc rule traces backward energy only: every other variant would be
    // refused before carving, and that path left unfuzzed.
    for (rule, energy) in [
        (SeamRule::Optimal, EnergyKind::Salient),
        (SeamRule::Optimal, EnergyKind::Backward),
        (SeamRule::Imageproc, EnergyKind::Backward),
    ] {
        variants.push(Options {
            width: Some("-3".parse().unwrap()),
            height: Some("-2".parse().unwrap()),
            rule,
            energy,
            ..base.clone()
        });
    }
    for energy in [EnergyKind::Forward, EnergyKind::Salient] {
        variants.push(Options {
            width: Some("+4".parse().unwrap()),
            height: Some("+2".parse().unwrap()),
            energy,
            ..base.clone()
        });
    }
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
        let planned = plan(data, std::path::Path::new("fuzz.png"), &options);
        assert!(
            !matches!(
                planned,
                Err(Error::Carve(seam_carver::Error::RuleUnsupported { .. }))
            ),
            "a valid variant was refused"
        );
        if let Ok(plan) = planned {
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
