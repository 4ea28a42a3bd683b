//! Why a carve cannot be done: every refusal as a value carrying its data, never a panic.
//!
//! Messages describe the image and the request, never a command-line flag: a program
//! built on the library says which of its options caused it.

use std::fmt;

/// One of an image's two axes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Axis {
    /// Columns: changed by vertical seams.
    Width,
    /// Rows: changed by horizontal seams.
    Height,
}

impl fmt::Display for Axis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Axis::Width => "width",
            Axis::Height => "height",
        })
    }
}

/// What a too-small image could not have done to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Removing seams (a seam needs a neighbour to go beside).
    Carve,
    /// Inserting seams (a new pixel is made from a pixel and its neighbour).
    Enlarge,
    /// Removing the object of a mask.
    RemoveObject,
}

/// What the imageproc seam rule cannot be combined with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unsupported {
    /// Forward or salient energy.
    ForwardEnergy,
    /// A protect or remove mask.
    Masks,
    /// Inserting seams.
    Enlargement,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unsupported::ForwardEnergy => "forward or salient energy",
            Unsupported::Masks => "masks",
            Unsupported::Enlargement => "enlargement",
        })
    }
}

/// Why a carve was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The image is too small along `axis` for `operation` (it needs at least 2 pixels).
    #[error("image is {width}x{height}; {} needs a {axis} of at least 2", match operation {
        Operation::Carve if *axis == Axis::Width => "seam carving",
        Operation::Carve => "carving its height",
        Operation::Enlarge if *axis == Axis::Width => "enlarging",
        Operation::Enlarge => "enlarging the height",
        Operation::RemoveObject => "removing an object",
    })]
    TooSmall {
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
        /// The axis that is too short.
        axis: Axis,
        /// What was asked.
        operation: Operation,
    },
    /// More seams were asked than the axis has pixels to give (one must remain).
    #[error("cannot remove {seams} {} from an image {len} {} {} (at least 1 {} must remain)",
        if *seams == 1 { "seam" } else { "seams" },
        if *len == 1 { "pixel" } else { "pixels" },
        if *axis == Axis::Width { "wide" } else { "high" },
        if *axis == Axis::Width { "column" } else { "row" })]
    TooManySeams {
        /// Seams asked for.
        seams: u32,
        /// The axis they run across.
        axis: Axis,
        /// Its length in pixels.
        len: u32,
    },
    /// A target size leaves less than one pixel.
    #[error("size {spec} leaves {target} pixels of {current}; at least 1 must remain")]
    SizeTooSmall {
        /// The size as written.
        spec: String,
        /// What it resolved to.
        target: i64,
        /// The axis's current length.
        current: u32,
    },
    /// A target size beyond what an image can have.
    #[error("size {spec} is too large")]
    SizeTooLarge {
        /// The size as written.
        spec: String,
    },
    /// A seam would be longer than seam costs can be summed for in 32 bits.
    #[error(
        "a seam across {len} pixels is longer than the {max} pixels seam costs are counted for"
    )]
    SeamTooLong {
        /// The seam's length.
        len: u32,
        /// The longest allowed ([`crate::MAX_SEAM_LENGTH`]).
        max: u32,
    },
    /// The imageproc seam rule reproduces the example's plain removal only.
    #[error(
        "the imageproc seam rule reproduces imageproc 0.27's plain removal only; {what} uses the optimal rule"
    )]
    RuleUnsupported {
        /// What it was combined with.
        what: Unsupported,
    },
    /// Keeping the size was asked without an object to remove.
    #[error("keeping the size needs an object to remove")]
    KeepSizeWithoutRemoval,
    /// The share of a resize done by seams is over 100 %.
    #[error("an amount of {amount} %: the share of the change done by seams is 0 to 100 %")]
    AmountOutOfRange {
        /// The amount asked.
        amount: u8,
    },
    /// An amount under 100 % was asked for an object removal, which seams alone do.
    #[error("an object removal is done by seams alone: the amount must be 100 %")]
    AmountWithRemoval,
    /// A mask's size differs from the image's.
    #[error(
        "mask {mask} is {mask_width}x{mask_height} but the image is {width}x{height}; a mask must match the image's size"
    )]
    MaskSize {
        /// The mask's name.
        mask: String,
        /// The mask's width.
        mask_width: u32,
        /// The mask's height.
        mask_height: u32,
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
    },
    /// Bytes given as the face model are not SeetaFace's `seeta_fd_frontal_v1.0.bin`.
    #[error(
        "not the face model {} ({len} bytes, sha256 {sha256}; expected {} bytes, sha256 {}...)",
        crate::faces::MODEL_NAME,
        crate::faces::MODEL_LEN,
        &crate::faces::MODEL_SHA256[..8]
    )]
    FaceModel {
        /// How many bytes were given.
        len: usize,
        /// Their SHA-256, in hex.
        sha256: String,
    },
    /// The object covers a whole row, so removing it would leave no column.
    #[error(
        "cannot remove the object of mask {mask}: it covers row {row} across the whole width, and at least one column must remain"
    )]
    ObjectCoversRow {
        /// The remove mask's name.
        mask: String,
        /// The first row it covers entirely.
        row: u32,
    },
    /// Every seam through what is left of the object crosses a protected pixel.
    #[error(
        "cannot remove the object of mask {mask}: every seam through its last {left} pixel(s) crosses a protected pixel"
    )]
    ObjectBlocked {
        /// The remove mask's name.
        mask: String,
        /// Object pixels left.
        left: usize,
    },
    /// The image narrowed to one column before the object was gone.
    #[error(
        "cannot remove the object of mask {mask}: {left} of its pixels are left in a 1-pixel-wide image"
    )]
    ObjectLeft {
        /// The remove mask's name.
        mask: String,
        /// Object pixels left.
        left: usize,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
