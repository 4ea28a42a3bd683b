//! Progress for people, on stderr: a line per input, seam progress on long carves (in
//! place on a terminal), the files written, errors, and with `SEAM_CARVER_TIMING=1`
//! where each input's time went.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{Pace, Reporter, describe_left};
use crate::batch::Summary;
use crate::error::Failure;
use crate::output::WrittenFile;

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
pub struct Stderr {
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
    /// Prints a line unless quiet.
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

    fn started(&mut self, path: &Path, plan: &str, _seams: u32, began: Instant) {
        self.next_report = 0;
        self.pace = Pace::since(began);
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

    fn failed(&mut self, failure: &Failure) {
        note!("error: {failure}");
        if let Some(t) = &mut self.timing {
            *t = Timing::new();
        }
    }
}

/// `one` for 1, else `many`.
fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

impl Stderr {
    /// Progress for people on stderr; `quiet`: errors only. With `timing` (for a run that
    /// carves one input at a time), where each input's time went.
    pub fn new(quiet: bool, timing: bool) -> Self {
        Stderr {
            quiet,
            tty: std::io::stderr().is_terminal(),
            next_report: 0,
            pace: Pace::start(),
            timing: timing.then(Timing::new),
        }
    }

    /// The run's last line (`carved 3 of 4 inputs into out (19 files and manifest.json)`),
    /// after a note when nothing was found to carve in `inputs`.
    pub fn summary(&self, summary: &Summary, inputs: &[PathBuf], into: &Path) {
        let inputs_seen = summary.succeeded.len() + summary.failed.len();
        if inputs_seen == 0 && summary.other_partitions == 0 {
            let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
            self.say(format_args!(
                "no images to carve in {} (image files are found by their extension)",
                names.join(", ")
            ));
        }
        let share = match summary.partition {
            Some(p) => format!(
                " (partition {p}; {} inputs are other partitions')",
                summary.other_partitions
            ),
            None => String::new(),
        };
        let files = summary.manifest.files.len();
        self.say(format_args!(
            "carved {} of {inputs_seen} {} into {} ({files} {} and {}){share}",
            summary.succeeded.len(),
            plural(inputs_seen, "input", "inputs"),
            into.display(),
            plural(files, "file", "files"),
            summary.manifest_name,
        ));
    }
}
