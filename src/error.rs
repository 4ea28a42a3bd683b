//! The library's error type: every way a carve can fail, as a value, never a panic.
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
    /// The image is too small for the requested carve, or the request is impossible.
    #[error("{0}")]
    Size(String),
    /// An output image could not be encoded.
    #[error("cannot encode {name}: {source}")]
    Encode {
        name: String,
        #[source]
        source: image::ImageError,
    },
    /// An output file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
