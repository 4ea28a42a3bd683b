//! The output folder of a WASI module, as Bacalhau's result folders allow it: each file
//! created once under its final name and written whole (rename, unlink, mkdir and
//! truncate are refused there, so nothing is staged; a result folder starts empty, so
//! there is no earlier manifest to keep). An input that fails part way has its files
//! removed again where the host allows that. Plain `std::fs`, so it is built and tested
//! natively too.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::ownership::Ownership;
use super::{Output, Place, make_folder};
use crate::error::{Error, Result};
use crate::output::{Manifest, OutputFile, WrittenFile};
use crate::report::Reporter;

/// The output folder of a WASI run (see the module's documentation).
pub struct WriteOnce {
    place: Place,
}

impl Output for WriteOnce {
    type Pending = WrittenFile;

    fn open(dir: &Path, manifest: &str, _reporter: &mut dyn Reporter) -> Result<Self> {
        make_folder(dir)?;
        Ok(WriteOnce {
            place: Place {
                dir: dir.to_path_buf(),
                manifest: manifest.to_string(),
                owned: Ownership::new(Manifest::default(), folded),
            },
        })
    }

    fn place_mut(&mut self) -> &mut Place {
        &mut self.place
    }

    fn forget(&self, _replaced: &BTreeSet<String>) -> Result<()> {
        Ok(())
    }

    fn put(&self, file: &OutputFile) -> Result<WrittenFile> {
        self.write(file)
    }

    fn settle(&self, pending: Vec<WrittenFile>, rendered: Result<()>) -> Result<Vec<WrittenFile>> {
        let Err(error) = rendered else {
            return Ok(pending);
        };
        let files: Vec<String> = (pending.into_iter())
            .filter(|file| fs::remove_file(self.place.dir.join(&file.name)).is_err())
            .map(|file| file.name)
            .collect();
        if files.is_empty() {
            return Err(error);
        }
        Err(Error::LeftBehind {
            error: Box::new(error),
            files,
        })
    }

    fn remove_stale(&self, _stem: &str, _written: &[WrittenFile]) {}

    fn finish(&self, ours: &Manifest) -> Result<WrittenFile> {
        self.write(&OutputFile::new(
            self.place.manifest.clone(),
            ours.to_json(),
        ))
    }
}

impl WriteOnce {
    /// Creates `file` and writes it once, unless it would replace an input or mask; a
    /// file that fails part way is removed again.
    fn write(&self, file: &OutputFile) -> Result<WrittenFile> {
        let path = self.place.dir.join(&file.name);
        self.place.owned.may_replace(&path)?;
        let written = fs::File::create(&path).and_then(|mut f| {
            f.write_all(file.bytes())?;
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

/// What names a file under WASI, which resolves no links: its absolute path with `.`
/// and `..` folded.
fn folded(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut folded = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                folded.pop();
            }
            Component::CurDir => {}
            other => folded.push(other),
        }
    }
    Some(folded)
}
