//! Any bytes as an input file: decode under a small pixel limit, carve a few vertical and
//! horizontal seams with both rules and render every artifact. Errors are fine; panics and
//! aborts are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seam_carver::SeamRule;
use seam_carver::pipeline::{Options, plan, render};

fuzz_target!(|data: &[u8]| {
    for rule in [SeamRule::Optimal, SeamRule::Imageproc] {
        let options = Options {
            width: Some("-3".parse().unwrap()),
            height: Some("-2".parse().unwrap()),
            rule,
            max_pixels: 1 << 16,
            ..Options::default()
        };
        if let Ok(plan) = plan(data, &options) {
            let mut total = 0usize;
            render(&plan, "fuzz.png", "fuzz", &options, &mut |_, _| {}, &mut |file| {
                total += file.bytes.len();
                Ok(())
            })
            .expect("rendering a decoded image cannot fail");
            assert!(total > 0);
        }
    }
});
