//! The output folder natively: locked for the run, each file written to a temporary name
//! beside its final one and renamed into place (no reader, crash or interrupt ever sees
//! part of a file, and a failed input leaves the earlier files of its names as they
//! were), earlier runs' files kept in the manifest while they are unchanged, and the
//! temporary files of killed runs removed.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;

use super::ownership::{Ownership, earlier_manifest, unchanged};
use super::{Output, Place, make_folder};
use crate::error::{Error, Result};
use crate::output::{Artifact, Manifest, OutputFile, WrittenFile};
use crate::report::Reporter;

/// The output folder of a native run (see the module's documentation).
pub struct Staged {
    place: Place,
    /// Held until the run ends: one run at a time into a folder, since two at once would
    /// interleave their outputs and each write a manifest of only its own files.
    _lock: fs::File,
}

/// One of an input's files in a temporary file beside its final name (removed again if
/// it is dropped).
pub struct Temporary {
    temp: tempfile::NamedTempFile,
    file: WrittenFile,
}

/// The prefix of the temporary files a native run writes in the output directory before
/// renaming them into place: `.seam-carver-PID-`. An interrupted run's are removed by
/// its signal handler; hidden, they are never taken as inputs.
pub fn temp_file_prefix() -> String {
    format!(".seam-carver-{}-", std::process::id())
}

impl Output for Staged {
    type Pending = Temporary;

    fn open(dir: &Path, manifest: &str, reporter: &mut dyn Reporter) -> Result<Self> {
        make_folder(dir)?;
        check_writable(dir)?;
        let lock = lock_folder(dir, reporter)?;
        remove_leftovers(dir);
        Ok(Staged {
            place: Place {
                dir: dir.to_path_buf(),
                manifest: manifest.to_string(),
                owned: Ownership::new(earlier_manifest(dir, manifest), |p| {
                    fs::canonicalize(p).ok()
                }),
            },
            _lock: lock,
        })
    }

    fn place_mut(&mut self) -> &mut Place {
        &mut self.place
    }

    /// A re-run first rewrites the earlier manifest without the files it may replace, so
    /// that, interrupted or killed, it leaves a manifest with no stale hash in it.
    fn forget(&self, replaced: &BTreeSet<String>) -> Result<()> {
        let earlier = &self.place.owned.earlier;
        if !earlier.files.keys().any(|f| replaced.contains(f)) {
            return Ok(());
        }
        let mut kept = self.with_earlier_files(&Manifest::default());
        kept.files.retain(|f, _| !replaced.contains(f));
        self.write(&OutputFile::new(
            self.place.manifest.clone(),
            kept.to_json(),
        ))?;
        Ok(())
    }

    fn put(&self, file: &OutputFile) -> Result<Temporary> {
        let dir = &self.place.dir;
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
        temp.write_all(file.bytes())
            .and_then(|()| temp.flush())
            .map_err(failed)?;
        Ok(Temporary {
            temp,
            file: WrittenFile::of(file),
        })
    }

    /// Renames the files into place, after checking that none would replace an input or
    /// mask (see [`Ownership::may_replace`]) or anything but a file, so that every reason
    /// to refuse one refuses them all before any is renamed (a rename failing part way, the
    /// folder removed under the run, leaves those renamed before it).
    fn settle(&self, pending: Vec<Temporary>, rendered: Result<()>) -> Result<Vec<WrittenFile>> {
        rendered?;
        let dir = &self.place.dir;
        for s in &pending {
            let target = dir.join(&s.file.name);
            self.place.owned.may_replace(&target)?;
            if fs::symlink_metadata(&target).is_ok_and(|m| !m.is_file()) {
                return Err(Error::Write {
                    path: target,
                    source: std::io::Error::other("something other than a file is in the way"),
                });
            }
        }
        let mut written = Vec::new();
        for s in pending {
            let target = dir.join(&s.file.name);
            s.temp.persist(&target).map_err(|e| Error::Write {
                path: target,
                source: e.error,
            })?;
            written.push(s.file);
        }
        Ok(written)
    }

    /// Removes this input's artifacts that an earlier run wrote and this one did not, so
    /// that the folder never pairs a carved image with pictures of another carve. Only
    /// files the folder's manifest lists, unchanged, are removed (see [`Ownership`]): a
    /// user's own `NAME.original.png` stays.
    fn remove_stale(&self, stem: &str, written: &[WrittenFile]) {
        let dir = &self.place.dir;
        for artifact in Artifact::ALL {
            let name = artifact.file_name(stem);
            if !written.iter().any(|w| w.name == name) && self.place.owned.may_delete(dir, &name) {
                let _ = fs::remove_file(dir.join(&name));
            }
        }
    }

    fn finish(&self, ours: &Manifest) -> Result<WrittenFile> {
        self.write(&OutputFile::new(
            self.place.manifest.clone(),
            self.with_earlier_files(ours).to_json(),
        ))
    }

    /// On SIGINT, SIGTERM or SIGHUP (a closed terminal), removes this run's temporary
    /// files from the output directory (finished files were renamed into place whole;
    /// nothing partial is left) and exits with 130, 143 or 129, as a shell reports those
    /// signals. A run killed outright (SIGKILL) leaves its temporary files, and the next
    /// run into the folder removes them.
    #[cfg(not(target_family = "wasm"))]
    fn clean_up_on_interrupt(dir: std::path::PathBuf) {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let prefix = temp_file_prefix();
                if let Ok(entries) = fs::read_dir(&dir) {
                    for entry in entries.flatten() {
                        if entry.file_name().to_string_lossy().starts_with(&prefix) {
                            let _ = fs::remove_file(entry.path());
                        }
                    }
                }
                let _ = writeln!(
                    std::io::stderr(),
                    "interrupted: no partial files left in {}",
                    dir.display()
                );
                std::process::exit(128 + signal);
            }
        });
    }
}

impl Staged {
    /// Writes a whole file: to a temporary name, renamed into place.
    fn write(&self, file: &OutputFile) -> Result<WrittenFile> {
        let mut written = self.settle(vec![self.put(file)?], Ok(()))?;
        Ok(written.remove(0))
    }

    /// The manifest to write: `ours` and those files the earlier manifest of the same
    /// name lists that this run did not write and that are still there unchanged (their
    /// SHA-256 checked), so that a later run into the folder does not lose track of what
    /// an earlier one wrote.
    fn with_earlier_files(&self, ours: &Manifest) -> Manifest {
        let mut all = ours.clone();
        for (file, hash) in &self.place.owned.earlier.files {
            if !all.files.contains_key(file) && unchanged(&self.place.dir.join(file), hash) {
                all.files.insert(file.clone(), hash.clone());
            }
        }
        all
    }
}

/// Finds, before any carving, that a file can be created in `dir` (a file made and
/// removed at once): a read-only folder is an error at the start, not after the work.
fn check_writable(dir: &Path) -> Result<()> {
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
            Error::Write {
                path: dir.to_path_buf(),
                source: std::io::Error::new(
                    cause.kind(),
                    format!("cannot create a file in it: {cause}"),
                ),
            }
        })?;
    Ok(())
}

/// Removes the temporary files of earlier runs into `dir` that were killed before they
/// could (SIGKILL, a crash, a power cut). Called with the folder locked, when no other
/// run is writing into it: every such file is a leftover.
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
