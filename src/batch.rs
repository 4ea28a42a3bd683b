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

/// Carves every input into `out_dir` and writes `manifest.json` listing every file
/// written. Failures are collected, never fatal to the other inputs.
pub fn run(
    inputs: &[PathBuf],
    out_dir: &Path,
    options: &Options,
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
    let mut stems: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in files {
        let stem = output_stem(&path);
        let outcome = match stems.get(&stem) {
            Some(first) => Err(format!(
                "output names {stem}.* are already taken by {}",
                first.display()
            )),
            None => carve_one(&path, &stem, out_dir, options, reporter).map_err(|e| e.to_string()),
        };
        match outcome {
            Ok(written) => {
                for file in &written {
                    summary.manifest.add(file);
                }
                reporter.finished(&path, &written);
                stems.insert(stem, path.clone());
                summary.succeeded.push(path);
            }
            Err(message) => {
                let message = format!("{}: {message}", path.display());
                reporter.failed(&path, &message);
                summary.failed.push((path, message));
            }
        }
    }
    let manifest = OutputFile {
        name: MANIFEST.to_string(),
        bytes: summary.manifest.to_json(),
    };
    write_file(out_dir, &manifest)?;
    Ok(summary)
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
