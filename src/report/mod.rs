//! What a run tells the outside world as it goes ([`Reporter`]): lines for people on
//! stderr ([`text`]), JSON lines for programs ([`json`], `--progress json`), nothing
//! ([`Silent`]); and the pace of a carve, for the time left.

use std::path::Path;
use std::time::Instant;

use crate::error::Failure;
use crate::output::WrittenFile;

pub mod json;
pub mod text;

/// What a run tells the outside world as it goes; the binary prints, tests record.
pub trait Reporter {
    /// A directory entry was passed over (not an image by its extension, or hidden).
    fn skipped(&mut self, _path: &Path, _reason: &str) {}
    /// An input was decoded and its carve, described in one line by `plan` (sizes and
    /// what happens), began at `began` to take `seams` seams (told later than that when
    /// other inputs come before it).
    fn started(&mut self, _path: &Path, _plan: &str, _seams: u32, _began: Instant) {}
    /// `done` of `total` seams of the current input are removed (or inserted).
    fn progress(&mut self, _done: u32, _total: u32) {}
    /// An input's files were all written.
    fn finished(&mut self, _path: &Path, _files: &[WrittenFile]) {}
    /// An input failed; none of its files remain (under WASI, none the host let it
    /// remove: the error names those that stay).
    fn failed(&mut self, _failure: &Failure) {}
    /// Another run is writing into the output folder `dir`: this one waits for it.
    fn waiting(&mut self, _dir: &Path) {}
}

/// A reporter that says nothing.
pub struct Silent;

impl Reporter for Silent {}

/// A carve's pace, for the time left: measured from its first seam on, since the first
/// also pays for measuring the whole image.
pub struct Pace {
    since: Instant,
    first: Option<(Instant, u32)>,
}

impl Pace {
    /// A carve starting now.
    pub fn start() -> Self {
        Pace::since(Instant::now())
    }

    /// A carve that started at `began`.
    pub fn since(began: Instant) -> Self {
        Pace {
            since: began,
            first: None,
        }
    }

    /// Seconds since the start.
    pub fn elapsed(&self) -> f64 {
        self.since.elapsed().as_secs_f64()
    }

    /// Notes that `done` of `total` seams are done (call it for every seam) and gives the
    /// seconds left at the pace since the first one (`None` until there is one; 0 at the
    /// end).
    pub fn left(&mut self, done: u32, total: u32) -> Option<f64> {
        let now = Instant::now();
        let (at, first) = *self.first.get_or_insert((now, done));
        time_left(
            (now - at).as_secs_f64(),
            done - first.min(done),
            total.saturating_sub(done),
        )
    }
}

/// Seconds left when `done` seams took `seconds` and `left` remain (`None` with none
/// done, unless none remain).
pub fn time_left(seconds: f64, done: u32, left: u32) -> Option<f64> {
    match (done, left) {
        (_, 0) => Some(0.0),
        (0, _) => None,
        _ => Some(seconds * f64::from(left) / f64::from(done)),
    }
}

/// Time left as people read it: `about 12 s left`, `about 3 min left`.
pub fn describe_left(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("about {} s left", seconds.ceil().max(1.0))
    } else {
        format!("about {} min left", (seconds / 60.0).round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_follows_the_pace() {
        assert_eq!(time_left(2.0, 0, 10), None);
        assert_eq!(time_left(2.0, 5, 5), Some(2.0));
        assert_eq!(time_left(2.0, 10, 0), Some(0.0));
        assert_eq!(time_left(0.0, 0, 0), Some(0.0));
        // The first seam starts the clock: no estimate from it alone.
        let mut pace = Pace::start();
        assert_eq!(pace.left(1, 10), None);
        assert!(pace.left(2, 10).is_some_and(|s| s >= 0.0));
        assert_eq!(pace.left(10, 10), Some(0.0));
        assert_eq!(describe_left(0.2), "about 1 s left");
        assert_eq!(describe_left(11.5), "about 12 s left");
        assert_eq!(describe_left(200.0), "about 3 min left");
    }
}
