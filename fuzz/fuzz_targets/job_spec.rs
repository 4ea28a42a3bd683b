//! Any bytes as a job spec for `bacalhau-job verify`: parse it, read its inline inputs and
//! parameters. Errors are fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seam_carver_cli::job::{decode_data_url, inline_inputs, parameters};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode_data_url(text);
    }
    if let Ok(spec) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = inline_inputs(&spec);
        let _ = parameters(&spec);
    }
});
