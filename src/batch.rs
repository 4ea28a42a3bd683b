//! A run over many inputs: finding the images, carving each, writing its files whole,
//! and the manifest. One bad input never costs the others their outputs.

use std::collections::BTreeMap;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use image::ImageFormat;

use crate::error::{Error, Result};
use crate::mask::Mask;
use crate::output::{MANIFEST, Manifest, OutputFile, WrittenFile};
use crate::partition::Partition;
use crate::pipeline::{Options, decode_mask, plan, render};

/// What a run tells the outside world as it goes; the binary prints, tests record.
pub trait Reporter {
    /// A directory entry was passed over (not an image by its extension, or hidden).
    fn skipped(&mut self, _path: &Path, _reason: &str) {}
    /// An input was decoded and its carve, described in one line by `plan` (sizes and
    /// what happens), is about to take `seams` seams.
    fn started(&mut self, _path: &Path, _plan: &str, _seams: u32) {}
    /// `done` of `total` seams of the current input are removed (or inserted).
    fn progress(&mut self, _done: u32, _total: u32) {}
    /// An input's files were all written.
    fn finished(&mut self, _path: &Path, _files: &[WrittenFile]) {}
    /// An input failed; none of its files remain.
    fn failed(&mut self, _path: &Path, _error: &str) {}
}

/// A reporter that says nothing.
pub struct Silent;

impl Reporter for Silent {}

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Inputs carved and written.
    pub succeeded: Vec<PathBuf>,
    /// Inputs that failed, with their one-line error (`PATH: problem`).
    pub failed: Vec<(PathBuf, String)>,
    /// Every file written, with its hash (the manifest itself aside).
    pub manifest: Manifest,
    /// The manifest's file name.
    pub manifest_name: String,
    /// Inputs left to other partitions.
    pub other_partitions: usize,
}

impl Summary {
    /// The process exit status this run deserves: 0 if every input succeeded, else 1.
    pub fn exit_code(&self) -> i32 {
        if self.failed.is_empty() { 0 } else { 1 }
    }
}

/// Is `path` an image by its extension (one the image crate can decode here)?
pub fn has_image_extension(path: &Path) -> bool {
    ImageFormat::from_path(path)
        .map(|f| f.reading_enabled())
        .unwrap_or(false)
}

/// Expands the command line's inputs: files are taken as they are; directories give their
/// image files (by extension, hidden files left out), sorted by name. Entries that cannot
/// be listed become failures.
pub fn expand_inputs(
    inputs: &[PathBuf],
    reporter: &mut dyn Reporter,
) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut failed = Vec::new();
    for input in inputs {
        match fs::metadata(input) {
            Ok(meta) if meta.is_dir() => match fs::read_dir(input) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = Vec::new();
                    for entry in entries {
                        match entry {
                            Ok(e) => found.push(e.path()),
                            Err(e) => failed.push((
                                input.clone(),
                                format!("{}: cannot list directory: {e}", input.display()),
                            )),
                        }
                    }
                    found.sort();
                    for path in found {
                        let hidden = path
                            .file_name()
                            .map(|n| n.to_string_lossy().starts_with('.'))
                            .unwrap_or(true);
                        if hidden {
                            continue;
                        }
                        if fs::metadata(&path).map(|m| m.is_dir()).unwrap_or(false) {
                            reporter.skipped(&path, "a directory (not searched)");
                        } else if has_image_extension(&path) {
                            files.push(path);
                        } else {
                            reporter.skipped(&path, "not an image file extension");
                        }
                    }
                }
                Err(e) => failed.push((
                    input.clone(),
                    format!("{}: cannot list directory: {e}", input.display()),
                )),
            },
            Ok(_) => files.push(input.clone()),
            Err(e) if e.kind() == ErrorKind::NotFound => failed.push((
                input.clone(),
                format!("{}: no such file or directory", input.display()),
            )),
            Err(e) => failed.push((input.clone(), format!("{}: {e}", input.display()))),
        }
    }
    (files, failed)
}

/// The files a run carves: [`expand_inputs`] less the `masks` (which may be named
/// inside an input directory), each left out with a `skipped` report.
pub fn input_files(
    inputs: &[PathBuf],
    masks: &[PathBuf],
    reporter: &mut dyn Reporter,
) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let (mut files, failed) = expand_inputs(inputs, reporter);
    let masks: Vec<PathBuf> = masks
        .iter()
        .filter_map(|path| fs::canonicalize(path).ok())
        .collect();
    files.retain(|path| {
        let is_mask = fs::canonicalize(path).is_ok_and(|p| masks.contains(&p));
        if is_mask {
            reporter.skipped(path, "a mask (--protect or --remove), not an input");
        }
        !is_mask
    });
    (files, failed)
}

/// The stem that names an input's outputs: its file name without the last extension.
pub fn output_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".to_string())
}

/// Makes sure the output directory exists, creating it only if it is missing (Bacalhau's
/// output mounts exist already and refuse mkdir).
pub fn prepare_output_dir(dir: &Path) -> Result<()> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::Write {
            path: dir.to_path_buf(),
            source: std::io::Error::other("exists and is not a directory"),
        }),
        Err(_) => fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.to_path_buf(),
            source,
        }),
    }
}

/// Writes a file once, whole (created, written, never renamed). A file that fails part
/// way is removed again.
pub fn write_file(dir: &Path, file: &OutputFile) -> Result<WrittenFile> {
    let path = dir.join(&file.name);
    let written = fs::File::create(&path).and_then(|mut f| {
        f.write_all(&file.bytes)?;
        f.flush()
    });
    match written {
        Ok(()) => Ok(WrittenFile::of(file)),
        Err(source) => {
            let _ = fs::remove_file(&path);
            Err(Error::Write { path, source })
        }
    }
}

/// Reads and decodes a mask file (`--protect`, `--remove`); errors name the file.
pub fn load_mask(path: &Path, max_pixels: u64) -> std::result::Result<Mask, String> {
    let name = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| format!("{name}: cannot read mask: {e}"))?;
    let mut mask = decode_mask(&name, &bytes, max_pixels).map_err(|e| format!("{name}: {e}"))?;
    mask.source = Some(path.to_path_buf());
    Ok(mask)
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

/// Records what a worker thread's input tells a reporter as it starts, to be told to the
/// real reporter in input order (seam progress is left out).
#[derive(Default)]
struct Recorder {
    started: Option<(String, u32)>,
}

impl Reporter for Recorder {
    fn started(&mut self, _path: &Path, plan: &str, seams: u32) {
        self.started = Some((plan.to_string(), seams));
    }
}

/// How an input ended: its files, or its one-line error (`PATH: problem`).
type Outcome = std::result::Result<Vec<WrittenFile>, String>;

/// Inputs that would write the same output names, in input order: the first that
/// carves takes the names, and the others fail.
struct Group {
    stem: String,
    members: Vec<usize>,
}

/// Carves every input into `out_dir` and writes the manifest (`manifest.json`, or the
/// partition's) listing every file written. Failures are collected, never fatal to the
/// other inputs. With `schedule.jobs` above 1 inputs are carved on that many threads
/// (a group of inputs sharing output names by one thread, in order); the files are the
/// same, and the reporter hears of each input in input order, without seam progress.
pub fn run(
    inputs: &[PathBuf],
    out_dir: &Path,
    options: &Options,
    schedule: Schedule,
    reporter: &mut dyn Reporter,
) -> Result<Summary> {
    prepare_output_dir(out_dir)?;
    let masks: Vec<PathBuf> = [&options.protect, &options.remove]
        .into_iter()
        .flatten()
        .filter_map(|mask| mask.source.clone())
        .collect();
    let (files, failed) = input_files(inputs, &masks, reporter);
    let mut summary = Summary::default();
    for (path, message) in failed {
        reporter.failed(&path, &message);
        summary.failed.push((path, message));
    }
    // Groups are formed over every input, whichever partition carves them, so that
    // two partitions never write the same names.
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
    if let Some(partition) = schedule.partition {
        groups.retain(|g| {
            let first = files[g.members[0]].file_name().unwrap_or_default();
            partition.takes(first.as_encoded_bytes())
        });
        let ours: usize = groups.iter().map(|g| g.members.len()).sum();
        summary.other_partitions = files.len() - ours;
    }

    let mut finish = |path: &Path, outcome: Outcome, reporter: &mut dyn Reporter| match outcome {
        Ok(written) => {
            for file in &written {
                summary.manifest.add(file);
            }
            reporter.finished(path, &written);
            summary.succeeded.push(path.to_path_buf());
        }
        Err(message) => {
            reporter.failed(path, &message);
            summary.failed.push((path.to_path_buf(), message));
        }
    };
    // Every input carved, in input order, with the group it belongs to.
    let mut order: Vec<(usize, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, group)| group.members.iter().map(move |&i| (i, g)))
        .collect();
    order.sort_unstable();
    let threads = if cfg!(target_family = "wasm") {
        1
    } else {
        schedule.jobs.min(groups.len())
    };

    if threads <= 1 {
        // One after another, with seam progress.
        let mut taken: BTreeMap<usize, PathBuf> = BTreeMap::new();
        for (index, g) in order {
            let path = &files[index];
            let stem = &groups[g].stem;
            let outcome = carve_member(path, stem, taken.get(&g), out_dir, options, reporter);
            if outcome.is_ok() {
                taken.insert(g, path.clone());
            }
            finish(path, outcome, reporter);
        }
    } else {
        type Done = (usize, Option<(String, u32)>, Outcome);
        let (sender, receiver) = std::sync::mpsc::channel::<Done>();
        let next_group = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let sender = sender.clone();
                let (groups, files, next_group) = (&groups, &files, &next_group);
                scope.spawn(move || {
                    use std::sync::atomic::Ordering::Relaxed;
                    while let Some(group) = groups.get(next_group.fetch_add(1, Relaxed)) {
                        let mut taken: Option<PathBuf> = None;
                        for &index in &group.members {
                            let path = &files[index];
                            let mut recorder = Recorder::default();
                            let outcome = carve_member(
                                path,
                                &group.stem,
                                taken.as_ref(),
                                out_dir,
                                options,
                                &mut recorder,
                            );
                            if outcome.is_ok() {
                                taken = Some(path.clone());
                            }
                            let _ = sender.send((index, recorder.started, outcome));
                        }
                    }
                });
            }
            drop(sender);
            // Tell the reporter of every input up to the first one still being carved.
            let mut pending: BTreeMap<usize, (Option<(String, u32)>, Outcome)> = BTreeMap::new();
            let mut order = order.into_iter().map(|(index, _)| index).peekable();
            for (index, started, outcome) in receiver {
                pending.insert(index, (started, outcome));
                while let Some((started, outcome)) = order.peek().and_then(|i| pending.remove(i)) {
                    let path = &files[order.next().expect("peeked")];
                    if let Some((plan, seams)) = started {
                        reporter.started(path, &plan, seams);
                    }
                    finish(path, outcome, reporter);
                }
            }
        });
    }

    let manifest = OutputFile {
        name: schedule
            .partition
            .map(|p| p.manifest_name())
            .unwrap_or_else(|| MANIFEST.to_string()),
        bytes: summary.manifest.to_json(),
    };
    summary.manifest_name = manifest.name.clone();
    write_file(out_dir, &manifest)?;
    Ok(summary)
}

/// Carves one input of a group whose output names may already be `taken` by an earlier
/// member; the error names the input.
fn carve_member(
    path: &Path,
    stem: &str,
    taken: Option<&PathBuf>,
    out_dir: &Path,
    options: &Options,
    reporter: &mut dyn Reporter,
) -> Outcome {
    let outcome = match taken {
        Some(first) => Err(format!(
            "output names {stem}.* are already taken by {}",
            first.display()
        )),
        None => carve_one(path, stem, out_dir, options, reporter).map_err(|e| e.to_string()),
    };
    outcome.map_err(|message| format!("{}: {message}", path.display()))
}

/// Carves one input, writing each file as soon as it is rendered. If anything fails,
/// the files already written for this input are removed: it leaves all or nothing.
fn carve_one(
    path: &Path,
    stem: &str,
    out_dir: &Path,
    options: &Options,
    reporter: &mut dyn Reporter,
) -> Result<Vec<WrittenFile>> {
    // The file's bytes are dropped as soon as they are decoded.
    let plan = plan(&fs::read(path).map_err(Error::Read)?, options)?;
    reporter.started(path, &plan.describe(options), plan.seams);
    let input_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut written = Vec::new();
    let rendered = render(
        &plan,
        &input_name,
        stem,
        options,
        &mut |done, total| reporter.progress(done, total),
        &mut |file| {
            written.push(write_file(out_dir, &file)?);
            Ok(())
        },
    );
    match rendered {
        Ok(()) => Ok(written),
        Err(e) => {
            for file in &written {
                let _ = fs::remove_file(out_dir.join(&file.name));
            }
            Err(e)
        }
    }
}
