//! The one rule for what a run may replace or delete in its output folder.

use std::fs;
use std::path::{Path, PathBuf};

use super::files::{Manifest, sha256_hex};
use crate::error::{Error, Result};

/// The one rule for what a run may replace or delete in its output folder: never an input
/// or mask of the run (natively and under WASI), and, of the files it did not write
/// itself, only those its folder's earlier manifest lists with their bytes unchanged.
#[derive(Debug)]
pub struct Ownership {
    /// Every input and mask, as `identity` names them.
    protected: Vec<PathBuf>,
    /// What the folder's earlier manifest of this run's name lists (natively; a
    /// Bacalhau result folder starts empty).
    pub(super) earlier: Manifest,
    /// What names a file: natively its canonical path (links resolved); under WASI,
    /// which resolves no links, its absolute path with `.` and `..` folded.
    identity: fn(&Path) -> Option<PathBuf>,
}

impl Ownership {
    /// The rule for a folder whose earlier manifest lists `earlier`, files named by
    /// `identity`; nothing is protected yet.
    pub(super) fn new(earlier: Manifest, identity: fn(&Path) -> Option<PathBuf>) -> Self {
        Ownership {
            protected: Vec::new(),
            earlier,
            identity,
        }
    }

    /// Protects `paths` (the run's inputs and masks) from being replaced or removed.
    pub(super) fn protect<'a>(&mut self, paths: impl IntoIterator<Item = &'a PathBuf>) {
        let identity = self.identity;
        self.protected
            .extend(paths.into_iter().filter_map(|p| identity(p)));
    }

    /// Refuses to replace `target` if it is an input or a mask.
    pub fn may_replace(&self, target: &Path) -> Result<()> {
        match (self.identity)(target).and_then(|t| self.protected.iter().find(|p| **p == t)) {
            Some(input) => Err(Error::WouldOverwriteInput {
                output: target.to_path_buf(),
                input: input.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Whether `name` in `dir` is a file an earlier run wrote, unchanged since, and not an
    /// input or mask: the only kind of file a run removes.
    pub(super) fn may_delete(&self, dir: &Path, name: &str) -> bool {
        let path = dir.join(name);
        self.may_replace(&path).is_ok()
            && self
                .earlier
                .files
                .get(name)
                .is_some_and(|hash| unchanged(&path, hash))
    }
}

/// Whether `path` is a regular file whose SHA-256 is `hash`.
pub(super) fn unchanged(path: &Path, hash: &str) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
        && fs::read(path).is_ok_and(|b| sha256_hex(&b) == hash)
}

/// The manifest `name` an earlier run left in `dir`, with only the entries that can be
/// its own files: plain names inside `dir` (an entry such as `../x` or `/etc/x` is
/// dropped, never read); empty when there is none.
pub(super) fn earlier_manifest(dir: &Path, name: &str) -> Manifest {
    let mut earlier = Manifest::default();
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
