//! Why one input could not be turned into its files: reading, decoding, limits, the
//! carve itself ([`seam_carver::Error`]), encoding and writing.
//!
//! Errors about one input do not name the input: the batch runner prefixes its path, so
//! each message reads `PATH: problem`.

use std::path::PathBuf;

/// Why an image could not be carved or its outputs produced.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read file: {0}")]
    Read(#[source] std::io::Error),
    /// The bytes are not an image the decoder accepts.
    #[error("cannot decode image: {0}")]
    Decode(#[source] image::ImageError),
    /// The file is empty.
    #[error("empty file")]
    Empty,
    /// The bytes are not in a format seam-carver reads.
    #[error("not an image format seam-carver reads{}; it reads PNG, JPEG, BMP, GIF, TIFF, WebP, PNM, TGA, QOI and ICO", recognised.map(|f| format!(" (it is {f})")).unwrap_or_default())]
    UnknownFormat {
        /// The format, where its first bytes say what it is.
        recognised: Option<&'static str>,
    },
    /// The carve was refused.
    #[error(transparent)]
    Carve(#[from] seam_carver::Error),
    /// The image has more pixels than allowed.
    #[error(
        "image is {width}x{height} ({} pixels), over the limit of {max} pixels (raise it with --max-pixels, and the memory with it)", *width as u64 * *height as u64
    )]
    TooManyPixels {
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
        /// The limit.
        max: u64,
    },
    /// The image's pixels do not fit in the memory there is (a `--max-pixels` raised
    /// beyond it).
    #[error(
        "image is {width}x{height}: decoding it takes at least {bytes} bytes, more memory than can be had (lower --max-pixels to refuse such images from their header)"
    )]
    OutOfMemory {
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
        /// The memory decoding takes.
        bytes: u64,
    },
    /// The result would have more pixels than allowed.
    #[error(
        "the result would be {width}x{height} ({} pixels), over the limit of {max} pixels (raise it with --max-pixels, and the memory with it)", *width as u64 * *height as u64
    )]
    ResultTooLarge {
        /// The result's width.
        width: u32,
        /// The result's height.
        height: u32,
        /// The limit.
        max: u64,
    },
    /// The carve would take too long: as many pixel steps as its seams times its pixels,
    /// which an extreme aspect ratio (a 16000000x1 image) makes enormous.
    #[error(
        "carving {seams} seams from a {width}x{height} image takes about {} pixel steps (seams times pixels), over the limit of {max} ({} per pixel of --max-pixels); an image this long and thin costs the square of its length: scale it first, or carve fewer seams", *seams as u64 * *width as u64 * *height as u64, crate::plan::STEPS_PER_MAX_PIXEL
    )]
    TooMuchWork {
        /// The input's width.
        width: u32,
        /// The input's height.
        height: u32,
        /// The seams the carve takes.
        seams: u32,
        /// The limit.
        max: u64,
    },
    /// `--order optimal` would try too many seams, where one order would not.
    #[error(
        "--order optimal tries {tried} seams on a {width}x{height} image, about {} pixel steps (seams times pixels), over the limit of {max} ({} per pixel of --max-pixels); one order takes {seams}: use --order interleaved or width-first, or a smaller image", *tried as u64 * *width as u64 * *height as u64, crate::plan::STEPS_PER_MAX_PIXEL
    )]
    OrderTooMuchWork {
        /// The input's width.
        width: u32,
        /// The input's height.
        height: u32,
        /// The seams the optimal order finds.
        tried: u32,
        /// The seams one order takes.
        seams: u32,
        /// The limit.
        max: u64,
    },
    /// Reading the header took more memory than allowed: metadata that inflates beyond
    /// the limit (a decompression bomb), or a size that cannot be addressed.
    #[error(
        "image is too large to read: its header takes more than {limit} bytes of memory, or more than can be addressed (a decompression bomb in its metadata, or a size beyond what this build can hold; --max-pixels is {max})"
    )]
    HeaderTooLarge {
        /// The memory a header may take.
        limit: u64,
        /// The pixel limit.
        max: u64,
    },
    /// An output image could not be encoded.
    #[error("cannot encode {name}: {source}")]
    Encode {
        name: String,
        #[source]
        source: image::ImageError,
    },
    /// The input is not a regular file (a FIFO, socket or device would block or never
    /// end); it is refused without being opened.
    #[error("not a regular file ({kind}); refused without opening it")]
    NotAFile {
        /// What it is instead.
        kind: &'static str,
    },
    /// The input file is larger than the limit, refused before it is read.
    #[error(
        "the file is {size} bytes, over the limit of {limit} bytes for an input (raise it with --max-file-size)"
    )]
    FileTooLarge {
        /// The file's size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// One of the input's outputs would replace an input file.
    #[error("its output {} would overwrite the input {}; nothing was written (choose another -o)", output.display(), input.display())]
    WouldOverwriteInput {
        /// The output's path.
        output: PathBuf,
        /// The input file it would replace.
        input: PathBuf,
    },
    /// The input's output names would be longer than a file name may be.
    #[error(
        "its output names would be up to {len} bytes long, over the {max} bytes a file name may have; rename the input"
    )]
    NameTooLong {
        /// The longest output name's length.
        len: usize,
        /// The longest a file name may be.
        max: usize,
    },
    /// An output file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `--seam-paths input` on a carve whose seams have no single path in the input.
    #[error(
        "--seam-paths input gives the seams of a carve that only removes seams along one axis; this one {what} (use --seam-paths as-removed)"
    )]
    SeamPathsInInput {
        /// What the carve does instead.
        what: &'static str,
    },
    /// An input failed after some of its files were written, and they could not be
    /// removed (a Bacalhau result folder refuses unlink): they stay, named here.
    #[error("{error} (its files {} were written before and could not be removed)", files.join(", "))]
    LeftBehind {
        /// Why the input failed.
        error: Box<Error>,
        /// The files that stay.
        files: Vec<String>,
    },
    /// An input named on the command line is not there.
    #[error("no such file or directory")]
    NotFound,
    /// An input's metadata could not be read (a permission, a name too long, ...).
    #[error("{0}")]
    Unreadable(#[source] std::io::Error),
    /// A folder named as an input could not be listed.
    #[error("cannot list directory: {0}")]
    ListDirectory(#[source] std::io::Error),
    /// Another input of the run, earlier in input order, carved into the same output
    /// names (`a.png` and `a.jpg` both write `a.carved.png`).
    #[error("output names {stem}.* are already taken by {}; carve it into another folder with its own -o", first.display())]
    NamesTaken {
        /// The names' common stem.
        stem: String,
        /// The input that took them.
        first: PathBuf,
    },
}

impl Error {
    /// What kind of problem this is, for programs (`--progress json`'s `kind`):
    /// `input` (the file cannot be had), `format` (not an image seam-carver reads, or
    /// damaged), `limit` (over a size, memory or work limit), `carve` (the carve asked for
    /// cannot be done on this image) or `output` (its files cannot be written).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Read(_)
            | Error::Empty
            | Error::NotAFile { .. }
            | Error::NotFound
            | Error::Unreadable(_)
            | Error::ListDirectory(_) => "input",
            Error::Decode(image::ImageError::Limits(_)) => "limit",
            Error::Decode(_) | Error::UnknownFormat { .. } => "format",
            Error::TooManyPixels { .. }
            | Error::OutOfMemory { .. }
            | Error::ResultTooLarge { .. }
            | Error::TooMuchWork { .. }
            | Error::OrderTooMuchWork { .. }
            | Error::HeaderTooLarge { .. }
            | Error::FileTooLarge { .. } => "limit",
            Error::Carve(_) | Error::SeamPathsInInput { .. } => "carve",
            Error::LeftBehind { error, .. } => error.kind(),
            Error::Encode { .. }
            | Error::WouldOverwriteInput { .. }
            | Error::NameTooLong { .. }
            | Error::Write { .. }
            | Error::NamesTaken { .. } => "output",
        }
    }
}

/// An input that failed, and why: `PATH: problem` as a line.
#[derive(Debug, thiserror::Error)]
#[error("{}: {error}", input.display())]
pub struct Failure {
    /// The input, as named on the command line or found in a folder.
    pub input: PathBuf,
    /// Why.
    pub error: Error,
}

/// Why a run could not start, or could not finish its manifest: what `main` turns into
/// an exit code ([`RunError::exit_code`]). A failed input is no `RunError`: it is
/// reported, and the run goes on.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The arguments ask for what cannot be done; the text is the usage message.
    #[error("{0}")]
    Usage(String),
    /// A file the arguments name (a mask, a face model) cannot be read.
    #[error("{}: cannot read {what}: {source}", path.display())]
    CannotRead {
        /// The file.
        path: PathBuf,
        /// What it was to be (`mask`, `face model`).
        what: &'static str,
        /// Why.
        source: Box<Error>,
    },
    /// A file the arguments name was read but is not what it should be.
    #[error("{}: {source}", path.display())]
    BadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: Box<Error>,
    },
    /// The output folder (`-o`) cannot be made or written into.
    #[error("-o {}", folder_problem(.0))]
    OutputFolder(Box<Error>),
    /// The run's manifest could not be written: its files are there, the record of them
    /// is not (no `summary` event follows under `--progress json`).
    #[error(transparent)]
    Manifest(Box<Error>),
}

/// `DIR: why` for an output folder's problem.
fn folder_problem(error: &Error) -> String {
    match error {
        Error::Write { path, source } => format!("{}: {source}", path.display()),
        other => other.to_string(),
    }
}

impl RunError {
    /// The process exit status: 2 for what the arguments ask (nothing was carved), 1 when
    /// the run carved but could not write its manifest.
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::Manifest(_) => 1,
            _ => 2,
        }
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
