//! `seam-carver`: the command line over the library. It parses arguments, runs the batch,
//! and leaves with the exit code of what happened (a run's [`Summary::exit_code`], or the
//! [`RunError::exit_code`] of what stopped it; an interrupt's is the signal handler's).
//! It always leaves through `std::process::exit`, because Bacalhau's wasm executor
//! records a `main` that returns as exit code -1.

use std::io::Write;

use clap::Parser;
use seam_carver_cli::batch::{self, Schedule, Summary};
use seam_carver_cli::cli::{Args, ProgressFormat};
use seam_carver_cli::error::RunError;
use seam_carver_cli::output::{Folder, Output};
use seam_carver_cli::report::Reporter;
use seam_carver_cli::report::json::JsonLines;
use seam_carver_cli::report::text::Stderr;

fn main() {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match run(&args) {
        Ok(summary) => summary.exit_code(),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}

/// Carves what the arguments ask, reporting as `--progress` and `--quiet` say.
fn run(args: &Args) -> Result<Summary, RunError> {
    args.check_inputs().map_err(RunError::Usage)?;
    let options = args.load_options()?;
    let partition = args
        .partition(|name| std::env::var(name).ok())
        .map_err(RunError::Usage)?;
    let jobs = args
        .jobs
        .map(|n| n as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    // With --progress json, events go to stdout and only errors to stderr.
    let mut events =
        (args.progress == ProgressFormat::Json).then(|| JsonLines::new(std::io::stdout()));
    // Phases are told apart only when inputs are carved one at a time: with -j 1, or a
    // single file.
    let inputs = args.inputs();
    let one_at_a_time = jobs == 1 || (inputs.len() == 1 && inputs[0].is_file());
    let timing = std::env::var_os("SEAM_CARVER_TIMING").is_some_and(|v| v == "1") && one_at_a_time;
    let mut text = Stderr::new(args.quiet || events.is_some(), timing);
    Folder::clean_up_on_interrupt(args.output_dir.clone());
    let reporter: &mut dyn Reporter = match events.as_mut() {
        Some(events) => events,
        None => &mut text,
    };
    let schedule = Schedule { jobs, partition };
    let summary = batch::run(&inputs, &args.output_dir, &options, schedule, reporter)?;
    if let Some(events) = &mut events {
        events.summary(&summary);
    }
    text.summary(&summary, &inputs, &args.output_dir);
    Ok(summary)
}
