//! A run over many inputs: one loop over them, whether one thread carves them in input
//! order (`--jobs 1`, and always under WASI) or several take them largest first. Each
//! input goes inputs -> decode and plan -> carve and render -> output, and what the
//! reporter hears comes in input order either way. One bad input never costs the others
//! their outputs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::error::{Error, Failure, Result, RunError};
use crate::inputs::{check_header, checked_metadata, header_pixels, input_files, read_checked};
use crate::output::{
    Artifact, Folder, MANIFEST, MAX_NAME_BYTES, Manifest, Output, WrittenFile, output_stem,
};
use crate::partition::Partition;
use crate::plan::{Options, plan};
use crate::render::render;
use crate::report::Reporter;

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Inputs carved and written.
    pub succeeded: Vec<PathBuf>,
    /// Inputs that failed, each with why.
    pub failed: Vec<Failure>,
    /// Every file written, with its hash (the manifest itself aside).
    pub manifest: Manifest,
    /// The manifest's file name.
    pub manifest_name: String,
    /// The share of the inputs this run carved, if not all.
    pub partition: Option<Partition>,
    /// Inputs left to other partitions.
    pub other_partitions: usize,
}

impl Summary {
    /// The process exit status this run deserves: 0 if every input succeeded, else 1.
    pub fn exit_code(&self) -> i32 {
        if self.failed.is_empty() { 0 } else { 1 }
    }
}

/// How a run is spread out: over threads here, and over runs elsewhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// Inputs carved at once (at least 1; threads need a native target).
    pub jobs: usize,
    /// Carve only this share of the inputs, and name the manifest after it.
    pub partition: Option<Partition>,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            jobs: 1,
            partition: None,
        }
    }
}

/// Carves every input into `out_dir` ([`Folder`], this build's way of writing files) and
/// writes the manifest (`manifest.json`, or the partition's) listing every file written.
/// Failures of inputs are collected, never fatal to the other inputs; an error is a run
/// that could not start (its output folder) or finish (its manifest).
pub fn run(
    inputs: &[PathBuf],
    out_dir: &Path,
    options: &Options,
    schedule: Schedule,
    reporter: &mut dyn Reporter,
) -> std::result::Result<Summary, RunError> {
    run_into::<Folder>(inputs, out_dir, options, schedule, reporter)
}

/// [`run`] into an output folder of the kind `O`.
pub fn run_into<O: Output>(
    inputs: &[PathBuf],
    out_dir: &Path,
    options: &Options,
    schedule: Schedule,
    reporter: &mut dyn Reporter,
) -> std::result::Result<Summary, RunError> {
    let manifest_name = schedule
        .partition
        .map(|p| p.manifest_name())
        .unwrap_or_else(|| MANIFEST.to_string());
    let mut out =
        O::open(out_dir, &manifest_name, reporter).map_err(|e| RunError::OutputFolder(e.into()))?;
    let masks = &options.mask_files;
    let (files, failed) = input_files(inputs, masks, reporter);
    // What this run may replace and delete: never an input or mask.
    out.place_mut().protect(files.iter().chain(masks));
    let mut summary = Summary {
        manifest_name,
        partition: schedule.partition,
        ..Summary::default()
    };
    for failure in failed {
        reporter.failed(&failure);
        summary.failed.push(failure);
    }
    let work = Work::new(files, schedule.partition);
    summary.other_partitions = work.files.len() - work.order.len();
    // Nothing is carved yet: a manifest that cannot be rewritten is the folder's problem.
    (out.forget(&work.names())).map_err(|e| RunError::OutputFolder(e.into()))?;
    let mut told = InOrder::new(&work, reporter, &mut summary);
    work.carve(&out, options, schedule.jobs, &mut told);
    out.finish(&summary.manifest)
        .map_err(|e| RunError::Manifest(e.into()))?;
    Ok(summary)
}

/// The inputs of a run, grouped by the output names they would write, with those this
/// run carves.
struct Work {
    /// Every input found, in input order.
    files: Vec<PathBuf>,
    /// The groups this run carves (its partition's), in input order of their first
    /// member.
    groups: Vec<Group>,
    /// The inputs this run carves, in input order.
    order: Vec<usize>,
}

/// Inputs that would write the same output names, in input order: the first that
/// carves takes the names, and the others fail.
struct Group {
    stem: String,
    members: Vec<usize>,
}

impl Work {
    /// Groups `files` by output stem, over every input whichever partition carves them
    /// (so that two partitions never write the same names), then keeps `partition`'s.
    fn new(files: Vec<PathBuf>, partition: Option<Partition>) -> Self {
        let mut groups: Vec<Group> = Vec::new();
        let mut by_stem: BTreeMap<String, usize> = BTreeMap::new();
        for (index, path) in files.iter().enumerate() {
            let stem = output_stem(path);
            match by_stem.get(&stem) {
                Some(&g) => groups[g].members.push(index),
                None => {
                    by_stem.insert(stem.clone(), groups.len());
                    groups.push(Group {
                        stem,
                        members: vec![index],
                    });
                }
            }
        }
        if let Some(partition) = partition {
            groups.retain(|g| {
                let first = files[g.members[0]].file_name().unwrap_or_default();
                partition.takes(first.as_encoded_bytes())
            });
        }
        let mut carved = vec![false; files.len()];
        for &i in groups.iter().flat_map(|g| &g.members) {
            carved[i] = true;
        }
        let order = (0..files.len()).filter(|&i| carved[i]).collect();
        Work {
            files,
            groups,
            order,
        }
    }

    /// Every file name this run may write.
    fn names(&self) -> BTreeSet<String> {
        self.groups
            .iter()
            .flat_map(|g| Artifact::ALL.map(|a| a.file_name(&g.stem)))
            .collect()
    }

    /// Carves every group on `jobs` threads at most (one under WASI), telling `told` the
    /// news of each input. One thread takes the groups in input order on this thread;
    /// several take them largest first (by the pixels their headers give, ties in input
    /// order), so that a big photo does not start last while the others idle. Cores no
    /// input thread uses carve within images: a single photo on every core.
    fn carve<O: Output>(&self, out: &O, options: &Options, jobs: usize, told: &mut InOrder) {
        let threads = if cfg!(target_family = "wasm") {
            1
        } else {
            jobs.min(self.groups.len()).max(1)
        };
        // The cores no input thread uses go to each image (none under WASI, which has
        // no threads: each image then carves and encodes on the one thread).
        let options = &Options {
            threads: if cfg!(target_family = "wasm") {
                1
            } else {
                (jobs / threads).max(1)
            },
            ..options.clone()
        };
        let counter = AtomicUsize::new(0);
        if threads == 1 {
            let queue: Vec<usize> = (0..self.groups.len()).collect();
            let next = || queue_next(&queue, &counter);
            return self.carve_groups(next, out, options, &mut |news| told.hear(news));
        }
        let pixels: Vec<u64> = (self.groups.iter())
            .map(|g| {
                g.members
                    .iter()
                    .map(|&i| header_pixels(&self.files[i]))
                    .sum()
            })
            .collect();
        let mut queue: Vec<usize> = (0..self.groups.len()).collect();
        queue.sort_by_key(|&g| std::cmp::Reverse(pixels[g]));
        let next = || queue_next(&queue, &counter);
        let (sender, receiver) = std::sync::mpsc::channel::<News>();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let sender = sender.clone();
                let next = &next;
                scope.spawn(move || {
                    let mut tell = |news| {
                        let _ = sender.send(news);
                    };
                    self.carve_groups(next, out, options, &mut tell);
                });
            }
            drop(sender);
            for news in receiver {
                told.hear(news);
            }
        });
    }

    /// The one loop: takes groups from `next` until there are none, carving each group's
    /// members in input order; the first that carves takes the group's names.
    fn carve_groups<O: Output>(
        &self,
        next: impl Fn() -> Option<usize>,
        out: &O,
        options: &Options,
        tell: &mut dyn FnMut(News),
    ) {
        while let Some(group) = next().map(|g| &self.groups[g]) {
            let mut taken: Option<&PathBuf> = None;
            for &index in &group.members {
                let path = &self.files[index];
                let outcome = match taken {
                    Some(first) => Err(Error::NamesTaken {
                        stem: group.stem.clone(),
                        first: first.clone(),
                    }),
                    None => {
                        let mut teller = Teller { index, tell };
                        carve_one(path, &group.stem, out, options, &mut teller)
                    }
                };
                if outcome.is_ok() {
                    taken = Some(path);
                }
                tell(News::Done { index, outcome });
            }
        }
    }
}

/// The next of `queue` by a shared counter, for any number of threads.
fn queue_next(queue: &[usize], counter: &AtomicUsize) -> Option<usize> {
    queue.get(counter.fetch_add(1, Ordering::Relaxed)).copied()
}

/// What a worker tells of an input (by its index in the run's files).
enum News {
    /// Decoded; its carve of `seams` seams, described by `plan`, begins.
    Started {
        index: usize,
        plan: String,
        seams: u32,
        began: Instant,
    },
    /// `done` of `total` seams are taken.
    Progress { index: usize, done: u32, total: u32 },
    /// Its files are written, or it failed.
    Done {
        index: usize,
        outcome: Result<Vec<WrittenFile>>,
    },
}

/// A worker's [`Reporter`] for one input: passes what it hears on as [`News`].
struct Teller<'a> {
    index: usize,
    tell: &'a mut dyn FnMut(News),
}

impl Reporter for Teller<'_> {
    fn started(&mut self, _path: &Path, plan: &str, seams: u32, began: Instant) {
        let (index, plan) = (self.index, plan.to_string());
        (self.tell)(News::Started {
            index,
            plan,
            seams,
            began,
        });
    }

    fn progress(&mut self, done: u32, total: u32) {
        let index = self.index;
        (self.tell)(News::Progress { index, done, total });
    }
}

/// Tells the reporter of every input in input order, whatever order they are carved in:
/// the input next in line is told of as it goes (seam progress too), the others' news
/// is held until their turn (their seam progress dropped); and sums up the run.
struct InOrder<'a> {
    files: &'a [PathBuf],
    /// The inputs this run carves, in input order; those before `next` are told of.
    order: &'a [usize],
    next: usize,
    /// `started` news held for inputs not yet in line, by input index.
    started: Vec<Option<(String, u32, Instant)>>,
    /// Outcomes held for inputs not yet in line, by input index.
    done: Vec<Option<Result<Vec<WrittenFile>>>>,
    reporter: &'a mut dyn Reporter,
    summary: &'a mut Summary,
}

impl<'a> InOrder<'a> {
    fn new(work: &'a Work, reporter: &'a mut dyn Reporter, summary: &'a mut Summary) -> Self {
        InOrder {
            files: &work.files,
            order: &work.order,
            next: 0,
            started: work.files.iter().map(|_| None).collect(),
            done: work.files.iter().map(|_| None).collect(),
            reporter,
            summary,
        }
    }

    /// Takes one piece of news.
    fn hear(&mut self, news: News) {
        let in_line = self.order.get(self.next).copied();
        match news {
            News::Started {
                index,
                plan,
                seams,
                began,
            } if Some(index) == in_line => {
                self.reporter
                    .started(&self.files[index], &plan, seams, began);
            }
            News::Started {
                index,
                plan,
                seams,
                began,
            } => self.started[index] = Some((plan, seams, began)),
            News::Progress { index, done, total } if Some(index) == in_line => {
                self.reporter.progress(done, total);
            }
            News::Progress { .. } => {}
            News::Done { index, outcome } => {
                self.done[index] = Some(outcome);
                while let Some(&index) = self.order.get(self.next)
                    && let Some(outcome) = self.done[index].take()
                {
                    self.next += 1;
                    self.tell_done(index, outcome);
                }
            }
        }
    }

    /// Tells of the input `index` in line that is done, then of the start of the next
    /// one in line if it has started.
    fn tell_done(&mut self, index: usize, outcome: Result<Vec<WrittenFile>>) {
        let path = &self.files[index];
        match outcome {
            Ok(written) => {
                for file in &written {
                    self.summary.manifest.add(file);
                }
                self.reporter.finished(path, &written);
                self.summary.succeeded.push(path.clone());
            }
            Err(error) => {
                let failure = Failure {
                    input: path.clone(),
                    error,
                };
                self.reporter.failed(&failure);
                self.summary.failed.push(failure);
            }
        }
        if let Some(&next) = self.order.get(self.next)
            && let Some((plan, seams, began)) = self.started[next].take()
        {
            self.reporter
                .started(&self.files[next], &plan, seams, began);
        }
    }
}

/// Carves one input whose output names start with `stem`: each file is handed to `out`
/// as soon as it is rendered, and all are settled together at the end (see [`Output`]).
fn carve_one<O: Output>(
    path: &Path,
    stem: &str,
    out: &O,
    options: &Options,
    reporter: &mut dyn Reporter,
) -> Result<Vec<WrittenFile>> {
    // Checks that need no decoding come first, before any time is spent.
    // Only the files this run writes (`--only`) need names a file system takes.
    let longest = (options.artifacts.iter())
        .map(|a| a.file_name(stem).len())
        .max()
        .unwrap_or(0);
    if longest > MAX_NAME_BYTES {
        return Err(Error::NameTooLong {
            len: longest,
            max: MAX_NAME_BYTES,
        });
    }
    let meta = checked_metadata(path, options.max_file_bytes)?;
    // The header from the file first: a huge image is refused before the file is read.
    check_header(path, options.max_pixels)?;
    // The file's bytes are dropped as soon as they are decoded.
    let plan = plan(&read_checked(path, &meta)?, path, options)?;
    reporter.started(path, &plan.describe(options), plan.seams, Instant::now());
    let input_name = (path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut pending = Vec::new();
    let rendered = render(
        &plan,
        &input_name,
        stem,
        options,
        &mut |done, total| reporter.progress(done, total),
        &mut |file| {
            pending.push(out.put(&file)?);
            Ok(())
        },
    );
    let written = out.settle(pending, rendered)?;
    out.remove_stale(stem, &written);
    Ok(written)
}
