//! `--progress json`: what a run does, as one JSON object per line, for programs (the web
//! page, scripts, a Bacalhau job's stdout) rather than people.
//!
//! Every line has an `"event"`:
//! - `{"event":"waiting","dir":D}`: another run is writing into the output folder;
//! - `{"event":"skipped","input":P,"reason":R}`: a directory entry that is not an image;
//! - `{"event":"started","input":P,"plan":LINE,"seams":N}`: an input is decoded and its
//!   carve of `N` seams begins (`plan` is the line the text progress prints);
//! - `{"event":"seam","input":P,"done":D,"total":N,"elapsed_s":S,"left_s":L}`: `D` of `N`
//!   seams are done, `S` seconds into the carve, about `L` seconds left (at the pace since
//!   the first seam; `null` for the first); at most one per hundredth of the seams, and
//!   always the last;
//! - `{"event":"finished","input":P,"files":[{"name","size","sha256"}]}`: its files are
//!   written;
//! - `{"event":"failed","input":P,"error":LINE,"kind":K}`: it failed, with the error line
//!   the text output prints (also printed to stderr as `error: LINE`) and what kind of
//!   problem it was: `input`, `format`, `limit`, `carve` or `output` (see
//!   [`crate::error::Error::kind`]);
//! - `{"event":"summary","succeeded":N,"failed":M,"files":F,"manifest":NAME}`: the end.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::{Pace, Reporter};
use crate::batch::Summary;
use crate::error::Failure;
use crate::output::WrittenFile;

/// One line of `--progress json`.
#[derive(Serialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Event<'a> {
    /// Another run is writing into the output folder.
    Waiting { dir: String },
    /// A directory entry that is not an image.
    Skipped { input: String, reason: &'a str },
    /// An input is decoded and its carve begins.
    Started {
        input: &'a str,
        plan: &'a str,
        seams: u32,
    },
    /// Seams done so far.
    Seam {
        input: &'a str,
        done: u32,
        total: u32,
        elapsed_s: f64,
        left_s: Option<f64>,
    },
    /// An input's files are written.
    Finished {
        input: String,
        files: &'a [WrittenFile],
    },
    /// An input failed.
    Failed {
        input: String,
        error: &'a str,
        kind: &'static str,
    },
    /// The end of the run.
    Summary {
        succeeded: usize,
        failed: usize,
        files: usize,
        manifest: &'a str,
    },
}

/// A [`Reporter`] writing JSON lines to `out` (a closed stream is ignored: the carving
/// goes on).
pub struct JsonLines<W: Write> {
    out: W,
    input: String,
    pace: Pace,
    /// The next `done` worth a line.
    next: u32,
}

impl<W: Write> JsonLines<W> {
    /// Events written to `out`.
    pub fn new(out: W) -> Self {
        JsonLines {
            out,
            input: String::new(),
            pace: Pace::start(),
            next: 0,
        }
    }

    /// Writes one event.
    pub fn emit(&mut self, event: &Event) {
        write_event(&mut self.out, event);
    }

    /// The run's last event.
    pub fn summary(&mut self, summary: &Summary) {
        self.emit(&Event::Summary {
            succeeded: summary.succeeded.len(),
            failed: summary.failed.len(),
            files: summary.manifest.files.len(),
            manifest: &summary.manifest_name,
        });
    }

    /// The stream written to.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Writes `event` as a line of `out` (the stream apart from the reporter's other fields,
/// so that an event can borrow them).
fn write_event(out: &mut impl Write, event: &Event) {
    if let Ok(line) = serde_json::to_string(event) {
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

fn name(path: &Path) -> String {
    path.display().to_string()
}

impl<W: Write> Reporter for JsonLines<W> {
    fn waiting(&mut self, dir: &Path) {
        self.emit(&Event::Waiting { dir: name(dir) });
    }

    fn skipped(&mut self, path: &Path, reason: &str) {
        self.emit(&Event::Skipped {
            input: name(path),
            reason,
        });
    }

    fn started(&mut self, path: &Path, plan: &str, seams: u32, began: Instant) {
        self.input = name(path);
        self.pace = Pace::since(began);
        self.next = 0;
        write_event(
            &mut self.out,
            &Event::Started {
                input: &self.input,
                plan,
                seams,
            },
        );
    }

    fn progress(&mut self, done: u32, total: u32) {
        let left = self.pace.left(done, total);
        if done < self.next && done != total {
            return;
        }
        self.next = done + total.div_ceil(100).max(1);
        write_event(
            &mut self.out,
            &Event::Seam {
                input: &self.input,
                done,
                total,
                elapsed_s: round(self.pace.elapsed()),
                left_s: left.map(round),
            },
        );
    }

    fn finished(&mut self, path: &Path, files: &[WrittenFile]) {
        self.emit(&Event::Finished {
            input: name(path),
            files,
        });
    }

    fn failed(&mut self, failure: &Failure) {
        let error = &failure.to_string();
        self.emit(&Event::Failed {
            input: name(&failure.input),
            error,
            kind: failure.error.kind(),
        });
        // People read stderr: the error line is there as with text progress.
        let _ = writeln!(std::io::stderr(), "error: {error}");
    }
}

/// Seconds to the millisecond.
fn round(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::Value;

    fn lines(out: Vec<u8>) -> Vec<Value> {
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn seams_are_reported_once_a_hundredth_and_the_last_always() {
        let mut events = JsonLines::new(Vec::new());
        events.started(Path::new("a.png"), "10x10 -> 5x10", 1000, Instant::now());
        for done in 1..=1000 {
            events.progress(done, 1000);
        }
        let lines = lines(events.into_inner());
        assert_eq!(lines[0]["event"], "started");
        assert_eq!(lines[0]["seams"], 1000);
        let seams: Vec<&Value> = lines.iter().filter(|l| l["event"] == "seam").collect();
        // 1, 11, ..., 991, then the last.
        assert_eq!(seams.len(), 101);
        assert_eq!(seams[0]["done"], 1);
        assert_eq!(seams[1]["done"], 11);
        assert_eq!(seams.last().unwrap()["done"], 1000);
        assert_eq!(seams.last().unwrap()["left_s"], 0.0);
        assert!(
            seams
                .iter()
                .all(|s| s["input"] == "a.png" && s["total"] == 1000)
        );
    }

    #[test]
    fn a_few_seams_are_each_reported() {
        let mut events = JsonLines::new(Vec::new());
        events.started(Path::new("a.png"), "plan", 3, Instant::now());
        for done in 1..=3 {
            events.progress(done, 3);
        }
        events.failed(&Failure {
            input: "b.png".into(),
            error: crate::error::Error::Empty,
        });
        let mut summary = Summary {
            manifest_name: "manifest.json".into(),
            ..Summary::default()
        };
        summary.succeeded.push("a.png".into());
        summary.failed.push(Failure {
            input: "b.png".into(),
            error: crate::error::Error::Empty,
        });
        events.summary(&summary);
        let lines = lines(events.into_inner());
        let done: Vec<u64> = lines
            .iter()
            .filter(|l| l["event"] == "seam")
            .map(|l| l["done"].as_u64().unwrap())
            .collect();
        assert_eq!(done, [1, 2, 3]);
        assert_eq!(lines[4]["error"], "b.png: empty file");
        assert_eq!(lines[4]["kind"], "input");
        assert_eq!(lines[5]["event"], "summary");
        assert_eq!(lines[5]["failed"], 1);
    }
}
