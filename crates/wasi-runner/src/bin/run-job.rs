//! `run-job SPEC [RESULTS_DIR]`: dry-runs a Bacalhau wasm job spec locally on wasmtime,
//! under the wasm executor's rules, and writes the layout `bacalhau job get` produces
//! (default `results/dry-run-<spec name>/`). Exits with the job's exit status.

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args_os().skip(1);
    let Some(spec_path) = args.next().map(PathBuf::from) else {
        eprintln!("usage: run-job SPEC.json [RESULTS_DIR]");
        std::process::exit(2);
    };
    let results = args.next().map(PathBuf::from).unwrap_or_else(|| {
        let stem = spec_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        PathBuf::from("results").join(format!("dry-run-{stem}"))
    });
    let spec = match std::fs::read_to_string(&spec_path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| format!("not a JSON spec: {e}")))
    {
        Ok(spec) => spec,
        Err(e) => {
            eprintln!("error: {}: {e}", spec_path.display());
            std::process::exit(2);
        }
    };
    match wasi_runner::job::dry_run(&spec, &results) {
        Ok(code) => {
            eprintln!(
                "{}: exit code {code}; results in {}",
                spec_path.display(),
                results.display()
            );
            std::process::exit(if code == 0 { 0 } else { 1 });
        }
        Err(e) => {
            eprintln!("error: {}: {e}", spec_path.display());
            std::process::exit(2);
        }
    }
}
