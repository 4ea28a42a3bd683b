//! `seam-carver`: the command line over the library. It parses arguments, prints progress
//! and errors to stderr, and always leaves through `std::process::exit`, because
//! Bacalhau's wasm executor records a `main` that returns as exit code -1.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use clap::Parser;
use seam_carver_cli::batch::{self, Reporter, Schedule};
use seam_carver_cli::cli::{Args, ProgressFormat};
use seam_carver_cli::events::{JsonLines, Pace, describe_left};
use seam_carver_cli::output::WrittenFile;

/// Writes a line to stderr, ignoring failure: a closed stderr (`2>&1 | head`) must not
/// stop the carving (`eprintln!` would panic).
macro_rules! note {
    () => {{
        let _ = writeln!(std::io::stderr());
    }};
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// [`note!`] without the newline.
macro_rules! note_partial {
    ($($arg:tt)*) => {{
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// Prints a line per input and seam progress on long carves to stderr; with
/// `SEAM_CARVER_TIMING=1`, also where each input's time went.
struct Stderr {
    quiet: bool,
    tty: bool,
    next_report: u32,
    /// The current carve's start and pace.
    pace: Pace,
    timing: Option<Timing>,
}

/// How long a carve runs before its seam progress is shown.
const PROGRESS_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// Phase boundaries of the input being carved: reading and decoding until `started`,
/// carving until the last seam, drawing, encoding and writing until `finished`.
struct Timing {
    begun: Instant,
    started: Option<Instant>,
    carved: Option<Instant>,
}

impl Timing {
    fn new() -> Self {
        Timing {
            begun: Instant::now(),
            started: None,
            carved: None,
        }
    }
}

impl Stderr {
    fn say(&self, line: std::fmt::Arguments) {
        if !self.quiet {
            note!("{line}");
        }
    }
}

impl Reporter for Stderr {
    fn waiting(&mut self, dir: &Path) {
        self.say(format_args!(
            "waiting for another seam-carver run into {} to finish",
            dir.display()
        ));
    }

    fn skipped(&mut self, path: &Path, reason: &str) {
        self.say(format_args!("skipping {}: {reason}", path.display()));
    }

    fn started(&mut self, path: &Path, plan: &str, _seams: u32) {
        self.next_report = 0;
        self.pace = Pace::start();
        if let Some(t) = &mut self.timing {
            t.started = Some(Instant::now());
            t.carved = t.started;
        }
        self.say(format_args!("{}: {plan}", path.display()));
    }

    fn progress(&mut self, done: u32, total: u32) {
        if let Some(t) = &mut self.timing {
            t.carved = Some(Instant::now());
        }
        let left = self.pace.left(done, total);
        // Seam progress only for a carve still going after a second: a quick one would
        // just flicker.
        if self.quiet || self.pace.elapsed() < PROGRESS_AFTER.as_secs_f64() {
            return;
        }
        let left = match left {
            Some(s) if done < total => format!(", {}", describe_left(s)),
            _ => String::new(),
        };
        if self.tty {
            // Padded to cover a longer line before it.
            note_partial!("\r  seam {done}/{total}{left:<20}");
            if done == total {
                note!();
            }
            let _ = std::io::stderr().flush();
        } else if done >= self.next_report || done == total {
            note!("  seam {done}/{total}{left}");
            self.next_report = done + total.div_ceil(10);
        }
    }

    fn finished(&mut self, _path: &Path, files: &[WrittenFile]) {
        let bytes: u64 = files.iter().map(|f| f.size).sum();
        self.say(format_args!(
            "  wrote {} {} ({bytes} bytes)",
            files.len(),
            plural(files.len(), "file", "files")
        ));
        if let Some(t) = self
            .timing
            .as_mut()
            .map(|t| std::mem::replace(t, Timing::new()))
        {
            let (started, carved) = (t.started.unwrap_or(t.begun), t.carved.unwrap_or(t.begun));
            note!(
                "  timing: read and decode {:.3} s, carve {:.3} s, draw, encode and write {:.3} s",
                (started - t.begun).as_secs_f64(),
                (carved - started).as_secs_f64(),
                carved.elapsed().as_secs_f64()
            );
        }
    }

    fn failed(&mut self, _path: &Path, error: &str) {
        note!("error: {error}");
        if let Some(t) = &mut self.timing {
            *t = Timing::new();
        }
    }
}

/// On SIGINT, SIGTERM or SIGHUP (a closed terminal), removes this run's temporary files
/// from the output directory (finished files were renamed into place whole; nothing
/// partial is left) and exits with 130, 143 or 129, as a shell reports those signals.
/// A run killed outright (SIGKILL) leaves its temporary files, and the next run into
/// the folder removes them.
#[cfg(not(target_family = "wasm"))]
fn remove_temporary_files_on_interrupt(output_dir: std::path::PathBuf) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let prefix = batch::temp_file_prefix();
            if let Ok(entries) = std::fs::read_dir(&output_dir) {
                for entry in entries.flatten() {
                    if entry.file_name().to_string_lossy().starts_with(&prefix) {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
            }
            note!(
                "interrupted: no partial files left in {}",
                output_dir.display()
            );
            std::process::exit(128 + signal);
        }
    });
}

/// `one` for 1, else `many`.
fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

fn main() {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    if let Err(message) = args.check_inputs() {
        note!("error: {message}");
        std::process::exit(2);
    }
    let options = match args.load_options() {
        Ok(options) => options,
        Err(message) => {
            note!("error: {message}");
            std::process::exit(2);
        }
    };
    let partition = match args.partition(|name| std::env::var(name).ok()) {
        Ok(partition) => partition,
        Err(message) => {
            note!("error: {message}");
            std::process::exit(2);
        }
    };
    // The output folder is made (or found to be one) before any work: a bad -o is a
    // usage error, not a failure of every input.
    if let Err(e) = batch::prepare_output_dir(&args.output_dir) {
        note!("error: -o: {e}");
        std::process::exit(2);
    }
    let jobs = args
        .jobs
        .map(|n| n as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    // With --progress json, events go to stdout and only errors to stderr.
    let mut events =
        (args.progress == ProgressFormat::Json).then(|| JsonLines::new(std::io::stdout()));
    let mut text = Stderr {
        quiet: args.quiet || events.is_some(),
        tty: std::io::stderr().is_terminal(),
        next_report: 0,
        pace: Pace::start(),
        // Phases are told apart only when inputs are carved one at a time.
        timing: (std::env::var_os("SEAM_CARVER_TIMING").is_some_and(|v| v == "1") && jobs == 1)
            .then(Timing::new),
    };
    let schedule = Schedule { jobs, partition };
    #[cfg(not(target_family = "wasm"))]
    remove_temporary_files_on_interrupt(args.output_dir.clone());
    let reporter: &mut dyn Reporter = match events.as_mut() {
        Some(events) => events,
        None => &mut text,
    };
    let code = match batch::run(
        &args.inputs(),
        &args.output_dir,
        &options,
        schedule,
        reporter,
    ) {
        Ok(summary) => {
            let share = match partition {
                Some(p) => format!(
                    " (partition {p}; {} inputs are other partitions')",
                    summary.other_partitions
                ),
                None => String::new(),
            };
            let inputs = summary.succeeded.len() + summary.failed.len();
            if let Some(events) = &mut events {
                events.summary(
                    summary.succeeded.len(),
                    summary.failed.len(),
                    summary.manifest.files.len(),
                    &summary.manifest_name,
                );
            }
            if inputs == 0 && summary.other_partitions == 0 {
                text.say(format_args!(
                    "no images to carve in {} (image files are found by their extension)",
                    args.inputs()
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            text.say(format_args!(
                "carved {} of {inputs} {} into {} ({} {} and {}){share}",
                summary.succeeded.len(),
                plural(inputs, "input", "inputs"),
                args.output_dir.display(),
                summary.manifest.files.len(),
                plural(summary.manifest.files.len(), "file", "files"),
                summary.manifest_name,
            ));
            summary.exit_code()
        }
        Err(e) => {
            note!("error: {e}");
            1
        }
    };
    std::process::exit(code);
}
