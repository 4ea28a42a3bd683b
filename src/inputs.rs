//! Which files a run carves, and reading them safely: folders expanded (natural order,
//! hidden files, earlier outputs and other files left out with a reason), inputs read
//! only when they are regular files within the size limit, and images refused from
//! their header before they are decoded.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use image::ImageFormat;
use seam_carver::Mask;

use crate::decode::decode_mask;
use crate::error::{Error, Failure, Result, RunError};
use crate::output::Artifact;
use crate::report::Reporter;

/// Is `path` an image by its extension (one the image crate can decode here)?
pub fn has_image_extension(path: &Path) -> bool {
    ImageFormat::from_path(path)
        .map(|f| f.reading_enabled())
        .unwrap_or(false)
}

/// Expands the command line's inputs: files are taken as they are; directories give their
/// image files (by extension, hidden files left out), in natural order ([`natural_order`]).
/// Entries that cannot be listed become failures.
pub fn expand_inputs(
    inputs: &[PathBuf],
    reporter: &mut dyn Reporter,
) -> (Vec<PathBuf>, Vec<Failure>) {
    let mut files = Vec::new();
    let mut failed = Vec::new();
    let mut fail = |input: &PathBuf, error| {
        failed.push(Failure {
            input: input.clone(),
            error,
        })
    };
    for input in inputs {
        match fs::metadata(input) {
            Ok(meta) if meta.is_dir() => match fs::read_dir(input) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = Vec::new();
                    for entry in entries {
                        match entry {
                            Ok(e) => found.push(e.path()),
                            Err(e) => fail(input, Error::ListDirectory(e)),
                        }
                    }
                    found.sort_by(|a, b| natural_order(a, b));
                    files.extend(found.into_iter().filter(|path| is_input(path, reporter)));
                }
                Err(e) => fail(input, Error::ListDirectory(e)),
            },
            Ok(_) => files.push(input.clone()),
            Err(e) if e.kind() == ErrorKind::NotFound => fail(input, Error::NotFound),
            Err(e) => fail(input, Error::Unreadable(e)),
        }
    }
    // The same file named twice (or a folder and a file in it) is carved once.
    let mut seen = std::collections::BTreeSet::new();
    files.retain(|p| seen.insert(fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    (files, failed)
}

/// Whether an entry found in an input folder is an input: not hidden, not a folder, not
/// named as seam-carver's outputs, and an image by its extension. What is not is reported
/// as skipped, with why.
fn is_input(path: &Path, reporter: &mut dyn Reporter) -> bool {
    let hidden = path
        .file_name()
        .map(|n| n.to_string_lossy().starts_with('.'))
        .unwrap_or(true);
    let skipped = if hidden {
        "a hidden file"
    } else if fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false) {
        "a directory (not searched)"
    } else if is_output_name(path) {
        "named as seam-carver's outputs (NAME.ARTIFACT.png), not an input"
    } else if has_image_extension(path) {
        return true;
    } else {
        "not an image file extension"
    };
    reporter.skipped(path, skipped);
    false
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
) -> (Vec<PathBuf>, Vec<Failure>) {
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
pub(crate) fn checked_metadata(path: &Path, max: u64) -> Result<fs::Metadata> {
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
pub(crate) fn read_checked(path: &Path, meta: &fs::Metadata) -> Result<Vec<u8>> {
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

/// Reads and decodes a mask file (`--protect`, `--remove`) under the input limits;
/// errors name the file.
pub fn load_mask(path: &Path, max_pixels: u64, max_file_bytes: u64) -> Result<Mask, RunError> {
    let bytes = read_input(path, max_file_bytes).map_err(|source| RunError::CannotRead {
        path: path.to_path_buf(),
        what: "mask",
        source: source.into(),
    })?;
    let name = path.display().to_string();
    decode_mask(&name, &bytes, max_pixels).map_err(|source| RunError::BadFile {
        path: path.to_path_buf(),
        source: source.into(),
    })
}

/// Refuses an image of more than `max_pixels` pixels from its header (see
/// [`header_size`]); a header that cannot be read there is left for the decoder to
/// describe.
pub(crate) fn check_header(path: &Path, max_pixels: u64) -> Result<()> {
    match header_size(path, max_pixels)? {
        Some((width, height)) => crate::decode::check_pixels(width, height, max_pixels),
        None => Ok(()),
    }
}

/// The pixels an input's header says it has; 0 when it cannot tell (its carve will say
/// why), and for anything but a regular file, which is never opened here (a FIFO would
/// block).
pub(crate) fn header_pixels(path: &Path) -> u64 {
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
