//! A run over many inputs: finding the images, carving each, writing its files whole,
//! and the manifest. One bad input never costs the others their outputs.

use std::collections::BTreeMap;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use image::ImageFormat;

use crate::decode::decode_mask;
use crate::error::{Error, Result};
use crate::output::{Artifact, MANIFEST, Manifest, OutputFile, WrittenFile};
use crate::partition::Partition;
use crate::plan::{Options, plan};
use crate::render::render;
use seam_carver::Mask;

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
    /// Another run is writing into the output folder `dir`: this one waits for it.
    fn waiting(&mut self, _dir: &Path) {}
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
                    found.sort_by(|a, b| natural_order(a, b));
                    for path in found {
                        let hidden = path
                            .file_name()
                            .map(|n| n.to_string_lossy().starts_with('.'))
                            .unwrap_or(true);
                        if hidden {
                            reporter.skipped(&path, "a hidden file");
                            continue;
                        }
                        if fs::metadata(&path).map(|m| m.is_dir()).unwrap_or(false) {
                            reporter.skipped(&path, "a directory (not searched)");
                        } else if is_output_name(&path) {
                            reporter.skipped(
                                &path,
                                "named as seam-carver's outputs (NAME.ARTIFACT.png), not an input",
                            );
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
    // The same file named twice (or a folder and a file in it) is carved once.
    let mut seen = std::collections::BTreeSet::new();
    files.retain(|p| seen.insert(fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    (files, failed)
}

/// File names in natural order: runs of digits compare as numbers (`2.png` before
/// `10.png`), the rest byte by byte; ties (`01` and `1`) fall back to the plain order.
pub fn natural_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    fn chunks(s: &[u8]) -> Vec<(bool, &[u8])> {
        let mut out: Vec<(bool, &[u8])> = Vec::new();
        let mut start = 0;
        for i in 1..=s.len() {
            if i == s.len() || s[i].is_ascii_digit() != s[start].is_ascii_digit() {
                out.push((s[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (x, y) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let (cx, cy) = (chunks(x), chunks(y));
    for ((dx, px), (dy, py)) in cx.iter().zip(&cy) {
        let order = if *dx && *dy {
            let (tx, ty) = (trim_zeros(px), trim_zeros(py));
            tx.len().cmp(&ty.len()).then(tx.cmp(ty))
        } else {
            px.cmp(py)
        };
        if order.is_ne() {
            return order;
        }
    }
    cx.len().cmp(&cy.len()).then(x.cmp(y))
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&d| d == b'0').count();
    &digits[zeros.min(digits.len().saturating_sub(1))..]
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

/// Is this file named as one of seam-carver's own outputs (`NAME.carved.png`, ...)? In
/// an input folder such a file is an earlier run's output, not an input.
pub fn is_output_name(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    Artifact::ALL
        .iter()
        .filter(|a| **a != Artifact::Seams)
        .any(|a| {
            let suffix = a.file_name("");
            name.len() > suffix.len() && name.ends_with(&suffix)
        })
}

/// Refuses what is not a regular file (a FIFO, socket or device), from its metadata,
/// before it is opened: reading a FIFO blocks until a writer comes.
fn check_regular(meta: &fs::Metadata) -> Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    #[cfg(unix)]
    let kind = {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            "a FIFO"
        } else if t.is_socket() {
            "a socket"
        } else if t.is_block_device() || t.is_char_device() {
            "a device"
        } else {
            "not a file"
        }
    };
    #[cfg(not(unix))]
    let kind = "not a file";
    Err(Error::NotAFile { kind })
}

/// Reads a whole input, mask or module file, refusing from its metadata, before opening
/// it, what is not a regular file (a FIFO would block), one over `max` bytes, and, once
/// read, one that held more than its size said (a `/proc` file reports 0 bytes and has no
/// end that can be trusted): never a hang, never an unbounded read.
pub fn read_input(path: &Path, max: u64) -> Result<Vec<u8>> {
    let meta = checked_metadata(path, max)?;
    read_checked(path, &meta)
}

/// The metadata of a file [`read_input`] may read: a regular file of at most `max` bytes.
fn checked_metadata(path: &Path, max: u64) -> Result<fs::Metadata> {
    let meta = fs::metadata(path).map_err(Error::Read)?;
    check_regular(&meta)?;
    if meta.len() > max {
        return Err(Error::FileTooLarge {
            size: meta.len(),
            limit: max,
        });
    }
    Ok(meta)
}

/// Reads the file whose [`checked_metadata`] is `meta`, refusing one that holds more.
fn read_checked(path: &Path, meta: &fs::Metadata) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(meta.len() + 1).read_to_end(&mut bytes))
        .map_err(Error::Read)?;
    if bytes.len() as u64 > meta.len() {
        return Err(Error::NotAFile {
            kind: "its size says less than it holds, as a /proc or device file's does",
        });
    }
    Ok(bytes)
}

/// The longest file name most file systems take (ext4, XFS, APFS, NTFS): 255 bytes.
const MAX_NAME_BYTES: usize = 255;

/// The prefix of the temporary files a native run writes in the output directory before
/// renaming them into place: `.seam-carver-PID-`. An interrupted run's are removed by
/// its signal handler; hidden, they are never taken as inputs.
pub fn temp_file_prefix() -> String {
    format!(".seam-carver-{}-", std::process::id())
}

/// The stem that names an input's outputs: its file name without the last extension.
pub fn output_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".to_string())
}

/// Makes sure the output directory exists, creating it only if it is missing (Bacalhau's
/// output mounts exist already and refuse mkdir), and, natively, that a file can be
/// created in it: a read-only folder is found before any carving, not after it.
pub fn prepare_output_dir(dir: &Path) -> Result<()> {
    let failed = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(failed(std::io::Error::other(
                "exists and is not a directory",
            )));
        }
        Err(_) => fs::create_dir_all(dir).map_err(failed)?,
    }
    // A file made and removed at once (under WASI none: Bacalhau refuses unlink, and
    // its result folders are writable).
    #[cfg(not(target_family = "wasm"))]
    tempfile::Builder::new()
        .prefix(&temp_file_prefix())
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            // The error without tempfile's note of the temporary name.
            let cause = match e.raw_os_error() {
                Some(code) => std::io::Error::from_raw_os_error(code),
                None => std::io::Error::new(e.kind(), e.kind().to_string()),
            };
            failed(std::io::Error::new(
                cause.kind(),
                format!("cannot create a file in it: {cause}"),
            ))
        })?;
    Ok(())
}

/// Removes the temporary files of earlier runs into `dir` that were killed before they
/// could (SIGKILL, a crash, a power cut). Called with the folder locked, when no other
/// run is writing into it: every such file is a leftover.
#[cfg(not(target_family = "wasm"))]
fn remove_leftovers(dir: &Path) {
    let ours = temp_file_prefix();
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let leftover = name
            .strip_prefix(".seam-carver-")
            .and_then(|rest| rest.split_once('-'))
            .is_some_and(|(pid, _)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
            && name.ends_with(".tmp")
            && !name.starts_with(&ours);
        if leftover && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Holds an exclusive lock on the output folder itself (no lock file is left behind)
/// until dropped, waiting, and saying so, while another run holds it.
#[cfg(not(target_family = "wasm"))]
fn lock_folder(dir: &Path, reporter: &mut dyn Reporter) -> Result<fs::File> {
    let failed = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    let folder = fs::File::open(dir).map_err(failed)?;
    match folder.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            reporter.waiting(dir);
            folder.lock().map_err(failed)?;
        }
        Err(fs::TryLockError::Error(e)) => return Err(failed(e)),
    }
    Ok(folder)
}

/// An output written to a temporary file beside its final name, to be renamed into place.
#[cfg(not(target_family = "wasm"))]
struct Staged {
    temp: tempfile::NamedTempFile,
    file: WrittenFile,
}

/// Writes `file` to a temporary file in `dir` (removed again if it is dropped).
#[cfg(not(target_family = "wasm"))]
fn stage(dir: &Path, file: &OutputFile) -> Result<Staged> {
    let failed = |source| Error::Write {
        path: dir.join(&file.name),
        source,
    };
    let prefix = temp_file_prefix();
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Created as any new file is (0666 less the umask), not tempfile's private 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temp = builder.tempfile_in(dir).map_err(failed)?;
    temp.write_all(&file.bytes)
        .and_then(|()| temp.flush())
        .map_err(failed)?;
    Ok(Staged {
        temp,
        file: WrittenFile::of(file),
    })
}

/// Renames staged files into place, after checking that none would replace an input or
/// mask (see [`Ownership::may_replace`]) or anything but a file: all of them, or none.
#[cfg(not(target_family = "wasm"))]
fn persist(dir: &Path, staged: Vec<Staged>, owned: &Ownership) -> Result<Vec<WrittenFile>> {
    for s in &staged {
        let target = dir.join(&s.file.name);
        owned.may_replace(&target)?;
        if fs::symlink_metadata(&target).is_ok_and(|m| !m.is_file()) {
            return Err(Error::Write {
                path: target,
                source: std::io::Error::other("something other than a file is in the way"),
            });
        }
    }
    let mut written = Vec::new();
    for s in staged {
        let target = dir.join(&s.file.name);
        s.temp.persist(&target).map_err(|e| Error::Write {
            path: target,
            source: e.error,
        })?;
        written.push(s.file);
    }
    Ok(written)
}

/// Writes a file whole, unless it would replace an input or mask. Natively it is written
/// to a temporary name and renamed into place, so no reader, crash or interrupt ever sees
/// part of it; under WASI (where Bacalhau allows no rename) it is created, written once
/// and never renamed, and a file that fails part way is removed again.
pub fn write_file(dir: &Path, file: &OutputFile, owned: &Ownership) -> Result<WrittenFile> {
    #[cfg(not(target_family = "wasm"))]
    {
        let mut written = persist(dir, vec![stage(dir, file)?], owned)?;
        Ok(written.remove(0))
    }
    #[cfg(target_family = "wasm")]
    {
        let path = dir.join(&file.name);
        owned.may_replace(&path)?;
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
}

/// The one rule for what a run may replace or delete in its output folder: never an input
/// or mask of the run (natively and under WASI), and, of the files it did not write
/// itself, only those its folder's earlier manifest lists with their bytes unchanged.
#[derive(Debug, Default)]
pub struct Ownership {
    /// Every input and mask, as [`identity`] names them.
    protected: Vec<PathBuf>,
    /// What the folder's earlier manifest of this run's name lists (natively; a
    /// Bacalhau result folder starts empty).
    earlier: Manifest,
}

impl Ownership {
    /// The rule for a run over `inputs` and `masks` into `dir`, whose manifest is `name`.
    pub fn new<'a>(inputs: impl IntoIterator<Item = &'a PathBuf>, dir: &Path, name: &str) -> Self {
        Ownership {
            protected: inputs.into_iter().filter_map(|p| identity(p)).collect(),
            earlier: earlier_manifest(dir, name),
        }
    }

    /// Refuses to replace `target` if it is an input or a mask.
    pub fn may_replace(&self, target: &Path) -> Result<()> {
        match identity(target).and_then(|t| self.protected.iter().find(|p| **p == t)) {
            Some(input) => Err(Error::WouldOverwriteInput {
                output: target.to_path_buf(),
                input: input.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Whether `name` in `dir` is a file an earlier run wrote, unchanged since, and not an
    /// input or mask: the only kind of file a run removes.
    fn may_delete(&self, dir: &Path, name: &str) -> bool {
        let path = dir.join(name);
        self.may_replace(&path).is_ok()
            && self
                .earlier
                .files
                .get(name)
                .is_some_and(|hash| unchanged(&path, hash))
    }
}

/// What names a file for [`Ownership`]: natively its canonical path (links resolved);
/// under WASI, which resolves no links, its absolute path with `.` and `..` folded.
fn identity(path: &Path) -> Option<PathBuf> {
    if cfg!(target_family = "wasm") {
        let absolute = std::path::absolute(path).ok()?;
        let mut folded = PathBuf::new();
        for part in absolute.components() {
            match part {
                std::path::Component::ParentDir => {
                    folded.pop();
                }
                std::path::Component::CurDir => {}
                other => folded.push(other),
            }
        }
        Some(folded)
    } else {
        fs::canonicalize(path).ok()
    }
}

/// Whether `path` is a regular file whose SHA-256 is `hash`.
fn unchanged(path: &Path, hash: &str) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
        && fs::read(path).is_ok_and(|b| crate::output::sha256_hex(&b) == hash)
}

/// The manifest `name` an earlier run left in `dir`, natively, with only the entries that
/// can be its own files: plain names inside `dir` (an entry such as `../x` or `/etc/x`
/// is dropped, never read). Empty under WASI (a Bacalhau result path starts empty, and
/// reading a missing name there would create it) or when there is none.
fn earlier_manifest(dir: &Path, name: &str) -> Manifest {
    let mut earlier = Manifest::default();
    if cfg!(target_family = "wasm") {
        return earlier;
    }
    let path = dir.join(name);
    // Bounded, and only a regular file: a FIFO or a huge file is no manifest of ours.
    let regular = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() < 64 << 20);
    if let Some(manifest) = regular
        .then(|| fs::read(&path).ok())
        .flatten()
        .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
    {
        earlier.files = manifest
            .files
            .into_iter()
            .filter(|(file, _)| is_plain_name(file))
            .collect();
    }
    earlier
}

/// A file name with no folder in it, which cannot leave the folder it is joined to.
fn is_plain_name(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!(parts.next(), Some(std::path::Component::Normal(_))) && parts.next().is_none()
}

/// Reads and decodes a mask file (`--protect`, `--remove`) under the input limits;
/// errors name the file.
pub fn load_mask(
    path: &Path,
    max_pixels: u64,
    max_file_bytes: u64,
) -> std::result::Result<Mask, String> {
    let name = path.display().to_string();
    let bytes =
        read_input(path, max_file_bytes).map_err(|e| format!("{name}: cannot read mask: {e}"))?;
    decode_mask(&name, &bytes, max_pixels).map_err(|e| format!("{name}: {e}"))
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
    // One run at a time into a folder (natively): two at once would interleave their
    // outputs and each write a manifest of only its own files.
    #[cfg(not(target_family = "wasm"))]
    let _folder = lock_folder(out_dir, reporter)?;
    #[cfg(not(target_family = "wasm"))]
    remove_leftovers(out_dir);
    let masks = &options.mask_files;
    let (files, failed) = input_files(inputs, masks, reporter);
    let manifest_name = schedule
        .partition
        .map(|p| p.manifest_name())
        .unwrap_or_else(|| MANIFEST.to_string());
    // What this run may replace and delete: never an input or mask.
    let owned = Ownership::new(files.iter().chain(masks), out_dir, &manifest_name);
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

    // A re-run first rewrites the earlier manifest without the files it may replace, so
    // that, interrupted or killed, it leaves a manifest with no stale hash in it.
    #[cfg(not(target_family = "wasm"))]
    {
        let replaced: std::collections::BTreeSet<String> = groups
            .iter()
            .flat_map(|g| Artifact::ALL.map(|a| a.file_name(&g.stem)))
            .collect();
        if owned.earlier.files.keys().any(|f| replaced.contains(f)) {
            let mut kept = with_earlier_files(out_dir, &owned, &Manifest::default());
            kept.files.retain(|f, _| !replaced.contains(f));
            let manifest = OutputFile {
                bytes: kept.to_json(),
                name: manifest_name.clone(),
            };
            write_file(out_dir, &manifest, &owned)?;
        }
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
        schedule.jobs.min(groups.len()).max(1)
    };
    // Cores no input thread uses carve within images: a single photo on every core.
    let options = &Options {
        threads: (schedule.jobs / threads).max(1),
        ..options.clone()
    };

    if threads <= 1 {
        // One after another, with seam progress.
        let mut taken: BTreeMap<usize, PathBuf> = BTreeMap::new();
        for (index, g) in order {
            let path = &files[index];
            let stem = &groups[g].stem;
            let outcome = carve_member(
                path,
                stem,
                taken.get(&g),
                out_dir,
                options,
                &owned,
                reporter,
            );
            if outcome.is_ok() {
                taken.insert(g, path.clone());
            }
            finish(path, outcome, reporter);
        }
    } else {
        type Done = (usize, Option<(String, u32)>, Outcome);
        let (sender, receiver) = std::sync::mpsc::channel::<Done>();
        // Largest first (by the pixels their headers give), so that a big photo does not
        // start last while the other threads idle; ties in input order.
        let mut largest_first: Vec<usize> = (0..groups.len()).collect();
        let pixels: Vec<u64> = groups
            .iter()
            .map(|g| g.members.iter().map(|&i| header_pixels(&files[i])).sum())
            .collect();
        largest_first.sort_by_key(|&g| std::cmp::Reverse(pixels[g]));
        let next_group = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let sender = sender.clone();
                let (groups, files, next_group) = (&groups, &files, &next_group);
                let (owned, largest_first) = (&owned, &largest_first);
                scope.spawn(move || {
                    use std::sync::atomic::Ordering::Relaxed;
                    let next = || largest_first.get(next_group.fetch_add(1, Relaxed));
                    while let Some(group) = next().map(|&g| &groups[g]) {
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
                                owned,
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
        bytes: with_earlier_files(out_dir, &owned, &summary.manifest).to_json(),
        name: manifest_name,
    };
    summary.manifest_name = manifest.name.clone();
    write_file(out_dir, &manifest, &owned)?;
    Ok(summary)
}

/// The manifest to write: this run's files and, natively, those the earlier manifest of
/// the same name lists that this run did not write and that are still there unchanged
/// (their SHA-256 checked), so that a later run into the folder does not lose track of
/// what an earlier one wrote.
fn with_earlier_files(dir: &Path, owned: &Ownership, ours: &Manifest) -> Manifest {
    let mut all = ours.clone();
    for (file, hash) in &owned.earlier.files {
        if !all.files.contains_key(file) && unchanged(&dir.join(file), hash) {
            all.files.insert(file.clone(), hash.clone());
        }
    }
    all
}

/// Carves one input of a group whose output names may already be `taken` by an earlier
/// member; the error names the input.
fn carve_member(
    path: &Path,
    stem: &str,
    taken: Option<&PathBuf>,
    out_dir: &Path,
    options: &Options,
    owned: &Ownership,
    reporter: &mut dyn Reporter,
) -> Outcome {
    let outcome = match taken {
        Some(first) => Err(format!(
            "output names {stem}.* are already taken by {}; carve it into another folder \
             with its own -o",
            first.display()
        )),
        None => carve_one(path, stem, out_dir, options, owned, reporter).map_err(|e| e.to_string()),
    };
    outcome.map_err(|message| format!("{}: {message}", path.display()))
}

/// Carves one input. Natively each file is written to a temporary name as soon as it is
/// rendered, and all are renamed into place once every one is written: a failure leaves
/// the earlier files of those names as they were. Under WASI each file is written once
/// under its final name, and those already written are removed if a later one fails.
fn carve_one(
    path: &Path,
    stem: &str,
    out_dir: &Path,
    options: &Options,
    owned: &Ownership,
    reporter: &mut dyn Reporter,
) -> Result<Vec<WrittenFile>> {
    // Checks that need no decoding come first, before any time is spent.
    // Only the files this run writes (`--only`) need names a file system takes.
    let longest = options
        .artifacts
        .iter()
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
    reporter.started(path, &plan.describe(options), plan.seams);
    let input_name = path
        .file_name()
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
            pending.push(put(out_dir, &file, owned)?);
            Ok(())
        },
    );
    let written = settle(out_dir, pending, owned, rendered)?;
    remove_stale_artifacts(out_dir, stem, &written, owned);
    Ok(written)
}

/// Natively, removes this input's artifacts that an earlier run wrote and this one did
/// not (with `--only`), so that the folder never pairs a carved image with pictures of
/// another carve. Only files the folder's manifest lists, unchanged, are removed (see
/// [`Ownership`]): a user's own `NAME.original.png` stays. Under WASI nothing is (a
/// Bacalhau result path starts empty, and refuses unlink).
fn remove_stale_artifacts(dir: &Path, stem: &str, written: &[WrittenFile], owned: &Ownership) {
    if cfg!(target_family = "wasm") {
        return;
    }
    for artifact in Artifact::ALL {
        let name = artifact.file_name(stem);
        if !written.iter().any(|w| w.name == name) && owned.may_delete(dir, &name) {
            let _ = fs::remove_file(dir.join(&name));
        }
    }
}

/// A file of an input that is written but not yet settled: natively a temporary file,
/// under WASI the file itself.
#[cfg(not(target_family = "wasm"))]
type Pending = Staged;
#[cfg(target_family = "wasm")]
type Pending = WrittenFile;

/// Writes one of an input's files as it is rendered (see [`carve_one`]).
fn put(dir: &Path, file: &OutputFile, owned: &Ownership) -> Result<Pending> {
    #[cfg(not(target_family = "wasm"))]
    {
        let _ = owned;
        stage(dir, file)
    }
    #[cfg(target_family = "wasm")]
    return write_file(dir, file, owned);
}

/// Settles an input's files once rendering is over: natively renames them all into place
/// (or, on failure, drops the temporary files); under WASI removes those written if
/// rendering failed.
fn settle(
    dir: &Path,
    pending: Vec<Pending>,
    owned: &Ownership,
    rendered: Result<()>,
) -> Result<Vec<WrittenFile>> {
    #[cfg(not(target_family = "wasm"))]
    {
        rendered?;
        persist(dir, pending, owned)
    }
    #[cfg(target_family = "wasm")]
    {
        let _ = owned;
        if let Err(e) = rendered {
            for file in &pending {
                let _ = fs::remove_file(dir.join(&file.name));
            }
            return Err(e);
        }
        Ok(pending)
    }
}

/// Refuses an image of more than `max_pixels` pixels from its header (see
/// [`header_size`]); a header that cannot be read there is left for the decoder to
/// describe.
fn check_header(path: &Path, max_pixels: u64) -> Result<()> {
    match header_size(path, max_pixels)? {
        Some((width, height)) => crate::decode::check_pixels(width, height, max_pixels),
        None => Ok(()),
    }
}

/// The pixels an input's header says it has; 0 when it cannot tell (its carve will say
/// why), and for anything but a regular file, which is never opened here (a FIFO would
/// block).
fn header_pixels(path: &Path) -> u64 {
    if !fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return 0;
    }
    match header_size(path, u64::MAX) {
        Ok(Some((width, height))) => width as u64 * height as u64,
        _ => 0,
    }
}

/// Reads the start of an image file (256 KiB, where every supported format's header
/// lies in practice) for its size, `None` when no header is found there. The bytes are
/// read through the same `Cursor` type as the decoder's, so no second copy of the
/// decoders is compiled into the WASI module.
fn header_size(path: &Path, max_pixels: u64) -> Result<Option<(u32, u32)>> {
    use std::io::Read;
    let mut head = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(256 << 10).read_to_end(&mut head))
        .map_err(Error::Read)?;
    let reader =
        match image::ImageReader::new(std::io::Cursor::new(&head[..])).with_guessed_format() {
            Ok(reader) => reader,
            Err(_) => return Ok(None),
        };
    Ok(crate::decode::dimensions(reader, &head, max_pixels).ok())
}
