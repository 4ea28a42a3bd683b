//! Output files: their names, PNG encoding, the seams JSON and the run's manifest.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use image::{ExtendedColorType, ImageEncoder, codecs::png::PngEncoder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The longest file name most file systems take (ext4, XFS, APFS, NTFS): 255 bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// The stem that names an input's outputs: its file name without the last extension.
pub fn output_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".to_string())
}

/// Name of the per-run manifest file.
pub const MANIFEST: &str = "manifest.json";

/// One kind of output file written for each input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Artifact {
    /// The input as 8-bit RGB (`NAME.original.png`).
    Original,
    /// Removed seams in red on the grayscale original (`NAME.annotated.png`).
    Annotated,
    /// The energy map clamped to 0..255 (`NAME.gradients.png`).
    Gradients,
    /// Removed seams in red on the energy map (`NAME.annotated_gradients.png`).
    AnnotatedGradients,
    /// The carved image (`NAME.carved.png`).
    Carved,
    /// Sizes, rule and every seam's path and cost (`NAME.seams.json`).
    Seams,
}

impl Artifact {
    /// Every artifact, in the order they are produced.
    pub const ALL: [Artifact; 6] = [
        Artifact::Original,
        Artifact::Annotated,
        Artifact::Gradients,
        Artifact::AnnotatedGradients,
        Artifact::Carved,
        Artifact::Seams,
    ];

    /// The artifact's name, as used by `--only` and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Artifact::Original => "original",
            Artifact::Annotated => "annotated",
            Artifact::Gradients => "gradients",
            Artifact::AnnotatedGradients => "annotated_gradients",
            Artifact::Carved => "carved",
            Artifact::Seams => "seams",
        }
    }

    /// The file name of this artifact for an input whose stem is `stem`.
    pub fn file_name(self, stem: &str) -> String {
        let ext = if self == Artifact::Seams {
            "json"
        } else {
            "png"
        };
        format!("{stem}.{}.{ext}", self.name())
    }
}

impl fmt::Display for Artifact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Artifact {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Artifact::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Artifact::ALL.iter().map(|a| a.name()).collect();
                format!(
                    "unknown artifact '{s}' (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// A finished output file, held in memory until it is written whole, with the SHA-256
/// of its bytes for the manifest, taken when it is made (so that pictures encoded at
/// once are hashed at once too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// File name inside the output directory (flat: no directories).
    pub name: String,
    bytes: Vec<u8>,
    sha256: String,
}

impl OutputFile {
    /// The file `name` holding `bytes`, hashed.
    pub fn new(name: String, bytes: Vec<u8>) -> Self {
        let sha256 = sha256_hex(&bytes);
        OutputFile {
            name,
            bytes,
            sha256,
        }
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The file's bytes, taken.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// A file that was written: what the manifest and the progress report need of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WrittenFile {
    /// File name inside the output directory.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Lowercase hex SHA-256 of its bytes.
    pub sha256: String,
}

impl WrittenFile {
    /// Describes `file`.
    pub fn of(file: &OutputFile) -> Self {
        WrittenFile {
            name: file.name.clone(),
            size: file.bytes.len() as u64,
            sha256: file.sha256.clone(),
        }
    }
}

/// Encodes an 8-bit image as PNG exactly as `image::ImageBuffer::save` does (default
/// compression and adaptive filtering), so bytes match the example's files.
pub fn encode_png(
    name: &str,
    raw: &[u8],
    width: u32,
    height: u32,
    color: ExtendedColorType,
) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes)
        .write_image(raw, width, height, color)
        .map_err(|source| Error::Encode {
            name: name.to_string(),
            source,
        })?;
    Ok(bytes)
}

/// One seam in `seams.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeamRecord {
    /// `"vertical"`: `path` holds a column for each row, top row first; `"horizontal"`:
    /// a row for each column, left to right.
    pub orientation: String,
    /// `true` for an inserted seam (left out of the JSON for a removed one).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inserted: bool,
    /// The insertion pass of an inserted seam: its `path` is in the image as it was
    /// before that pass, and a new pixel follows each of its pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<u32>,
    /// The seam's cost under the report's `energy`: the sum of its pixels' energy
    /// (backward), of the new edges' differences (forward), or of those differences on
    /// the smoothed copy plus the weights of the pixels taken (salient).
    pub cost: u64,
    /// The seam's coordinates in the image it was removed from; with `--seam-paths input`
    /// (the report's `paths`), in the image the seams were taken from (`width` x `height`).
    pub path: Vec<u32>,
}

/// The contents of `NAME.seams.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeamsReport {
    /// The input's file name.
    pub input: String,
    /// Width in pixels of the image the seams were taken from: the input's, or, with
    /// `scaled_from`, its scaled copy's.
    pub width: u32,
    /// Height in pixels of the image the seams were taken from (see `width`).
    pub height: u32,
    /// Carved width in pixels.
    pub output_width: u32,
    /// Carved height in pixels.
    pub output_height: u32,
    /// The seam rule used (`optimal` or `imageproc`).
    pub seam_rule: String,
    /// The energy function used (`salient`, the default: the differences a removal
    /// creates on a smoothed copy plus how much each pixel stands out; `forward`: the RGB
    /// differences a removal creates; `backward`: imageproc's Sobel magnitude).
    pub energy: String,
    /// With `--protect-faces`: the faces found, kept out of every seam (surest first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faces: Option<Vec<FaceRecord>>,
    /// With `--protect-skin`: how many pixels of skin around the faces were kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skin_pixels: Option<usize>,
    /// With a `^` geometry, or when both axes shrank by more than `--carve-at-most`: the
    /// input's own size, which was scaled to `width` x `height` (keeping its shape)
    /// before the seams were taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaled_from: Option<[u32; 2]>,
    /// With `--amount` under 100: the share of the change done by seams, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u8>,
    /// With `--amount` under 100 (and a change to make): the size the seams reached, from
    /// which the image was scaled to `output_width` x `output_height`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carved_size: Option<[u32; 2]>,
    /// With `--order` other than `width-first`, when both axes changed: the order asked
    /// for (`height-first`, `interleaved`, `optimal`); `seams` lists them as taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// With `--seam-paths input`: `"input"`, every seam's `path` is in the input's own
    /// columns (or rows), not in the image it was removed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<String>,
    /// The seams, in the order they were taken.
    pub seams: Vec<SeamRecord>,
}

/// A face found in the input, as `seams.json` lists it: its box in input pixels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaceRecord {
    /// Left column.
    pub x: u32,
    /// Top row.
    pub y: u32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The detector's score (higher is surer; 2 is the least reported), to 1/1000.
    pub score: f64,
}

impl SeamsReport {
    /// The report as compact JSON with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec(self).expect("a seams report always serialises");
        bytes.push(b'\n');
        bytes
    }
}

/// The run's `manifest.json`: the SHA-256 of every file written, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// File name to lowercase hex SHA-256, sorted by name.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// Records a written file.
    pub fn add(&mut self, file: &WrittenFile) {
        self.files.insert(file.name.clone(), file.sha256.clone());
    }

    /// The manifest as pretty JSON with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest always serialises");
        bytes.push(b'\n');
        bytes
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_names_parse_back() {
        for a in Artifact::ALL {
            assert_eq!(a.name().parse::<Artifact>().unwrap(), a);
        }
        assert!("shrunk".parse::<Artifact>().is_err());
    }

    #[test]
    fn file_names_are_flat() {
        assert_eq!(Artifact::Carved.file_name("cat"), "cat.carved.png");
        assert_eq!(Artifact::Seams.file_name("cat"), "cat.seams.json");
        assert_eq!(
            Artifact::AnnotatedGradients.file_name("a.b"),
            "a.b.annotated_gradients.png"
        );
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
