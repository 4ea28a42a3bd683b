//! Where a run's files go. [`Output`] is what the batch runner asks of the output folder;
//! [`Folder`] is this build's: natively [`native::Staged`] (each file written to a
//! temporary name and renamed into place, the folder locked, earlier runs' files kept
//! track of), under WASI [`wasi::WriteOnce`] (each file created once under its final
//! name, as Bacalhau's result folders allow: no rename, no unlink). The files
//! themselves (names, PNG, the seams JSON, the manifest) are in `files`. Both kinds are
//! built on every target (and tested natively); only the choice of [`Folder`] differs.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::report::Reporter;

mod files;
pub mod native;
mod ownership;
pub mod wasi;

pub use files::{
    Artifact, FaceRecord, MANIFEST, MAX_NAME_BYTES, Manifest, OutputFile, SeamRecord, SeamsReport,
    WrittenFile, encode_png, output_stem, sha256_hex,
};
pub use ownership::Ownership;

/// This build's output folder: the one place that chooses.
#[cfg(not(target_family = "wasm"))]
pub type Folder = native::Staged;
/// This build's output folder: the one place that chooses.
#[cfg(target_family = "wasm")]
pub type Folder = wasi::WriteOnce;

/// What a run asks of its output folder. An input's files are written as they are
/// rendered ([`Output::put`]) and settled together ([`Output::settle`]): all of them, or
/// none left behind. Nothing a run writes or removes is an input or mask of it
/// ([`Ownership`]).
pub trait Output: Sized + Sync {
    /// One of an input's files, written but not yet settled.
    type Pending: Send;

    /// Opens `dir` for a run whose manifest is called `manifest`: made if missing (and
    /// only then: a Bacalhau output mount exists already and refuses mkdir), natively
    /// also found writable before any carving. `reporter` hears if the run must wait for
    /// another.
    fn open(dir: &Path, manifest: &str, reporter: &mut dyn Reporter) -> Result<Self>;

    /// The folder and its rule of what may be replaced, to protect the run's inputs and
    /// masks.
    fn place_mut(&mut self) -> &mut Place;

    /// Before any carving, with `replaced` the names this run may write: keeps the
    /// folder's record of earlier files true should the run be killed part way.
    fn forget(&self, replaced: &BTreeSet<String>) -> Result<()>;

    /// Writes one of an input's files as it is rendered.
    fn put(&self, file: &OutputFile) -> Result<Self::Pending>;

    /// Settles an input's files once rendering is over (`rendered`): all are in place, or,
    /// on any failure, none is (under WASI, none that the host lets it remove; the error
    /// names those that stay).
    fn settle(&self, pending: Vec<Self::Pending>, rendered: Result<()>)
    -> Result<Vec<WrittenFile>>;

    /// After an input whose files start with `stem` wrote `written`: removes what an
    /// earlier run wrote for it and this one did not (`--only`), where that is allowed.
    fn remove_stale(&self, stem: &str, written: &[WrittenFile]);

    /// Writes the manifest: `ours`, and the earlier files still there that it keeps.
    fn finish(&self, ours: &Manifest) -> Result<WrittenFile>;

    /// Arranges for this process's unfinished files in `dir` to be removed if it is
    /// interrupted (nothing where there are none).
    fn clean_up_on_interrupt(_dir: PathBuf) {}
}

/// What every output folder holds: where it is, its manifest's name, and the rule of
/// what the run may replace there.
#[derive(Debug)]
pub struct Place {
    /// The folder.
    pub dir: PathBuf,
    /// The run's manifest file name.
    pub manifest: String,
    /// What may be replaced or removed.
    pub owned: Ownership,
}

impl Place {
    /// Protects the run's inputs and masks from being replaced or removed.
    pub fn protect<'a>(&mut self, paths: impl IntoIterator<Item = &'a PathBuf>) {
        self.owned.protect(paths);
    }
}

/// Makes `dir` if it is missing, and only then; refuses something in the way.
fn make_folder(dir: &Path) -> Result<()> {
    let failed = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(failed(std::io::Error::other(
            "exists and is not a directory",
        ))),
        Err(_) => fs::create_dir_all(dir).map_err(failed),
    }
}
