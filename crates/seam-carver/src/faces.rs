//! Faces: found by SeetaFace's frontal detector (the `rustface` crate) so that a carve
//! keeps its seams out of them ([`Request::faces`](crate::Request::faces)).
//!
//! ```
//! # #[cfg(feature = "face-model")] {
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../golden/inputs/astronaut-face.png");
//! let photo = image::open(path)?;
//! let faces = seam_carver::FaceDetector::bundled().detect(&photo);
//! let request = seam_carver::Request { faces: &faces, ..seam_carver::Request::to(100, 160) };
//! let carved = seam_carver::resize(&photo, &request)?;
//! # assert_eq!((faces.len(), carved.image.width()), (1, 100));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Detection runs on the image's 8-bit luma, computed in integers, and its arithmetic is
//! plain `f32` and `f64` without fused or library functions whose last bits vary, so it
//! finds the same boxes on every target; scores are rounded to 1/1000 for the same
//! reason.

use std::ops::Range;

#[cfg(feature = "faces")]
pub use detector::FaceDetector;

/// The model's file name, as SeetaFace and `rustface` ship it.
pub(crate) const MODEL_NAME: &str = "seeta_fd_frontal_v1.0.bin";
/// The model's size in bytes.
pub(crate) const MODEL_LEN: usize = 1_209_904;
/// The SHA-256 of the only model accepted.
pub(crate) const MODEL_SHA256: &str =
    "c4619d066ed35e84d9a8e842860b0dff567aba0cbb139881075538761db3ff5d";

/// A face: its box in image pixels (inside the image) and the detector's score (higher
/// is surer; the detector reports those of at least `FaceDetector::THRESHOLD`, 2.0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Face {
    /// Left column of the box.
    pub x: u32,
    /// Top row of the box.
    pub y: u32,
    /// Width of the box in pixels.
    pub width: u32,
    /// Height of the box in pixels.
    pub height: u32,
    /// The detector's score, rounded to 1/1000.
    pub score: f64,
}

impl Face {
    /// Whether the pixel at column `x`, row `y` lies in the box.
    ///
    /// ```
    /// let face = seam_carver::Face { x: 2, y: 1, width: 3, height: 2, score: 5.0 };
    /// assert!(face.contains(4, 2) && !face.contains(5, 2) && !face.contains(2, 0));
    /// ```
    pub fn contains(&self, x: u32, y: u32) -> bool {
        x >= self.x
            && y >= self.y
            && u64::from(x) < u64::from(self.x) + u64::from(self.width)
            && u64::from(y) < u64::from(self.y) + u64::from(self.height)
    }

    /// The box's columns and rows inside a `width` x `height` image, or `None` when
    /// nothing of it is inside.
    ///
    /// ```
    /// let face = seam_carver::Face { x: 4, y: 1, width: 9, height: 2, score: 5.0 };
    /// assert_eq!(face.clipped(10, 10), Some((4..10, 1..3)));
    /// assert_eq!(face.clipped(4, 10), None);
    /// ```
    pub fn clipped(&self, width: u32, height: u32) -> Option<(Range<u32>, Range<u32>)> {
        let span = |start: u32, len: u32, limit: u32| {
            let end = (u64::from(start) + u64::from(len)).min(u64::from(limit)) as u32;
            (start < end).then_some(start..end)
        };
        Some((
            span(self.x, self.width, width)?,
            span(self.y, self.height, height)?,
        ))
    }
}

/// The detector (feature `faces`).
#[cfg(feature = "faces")]
mod detector {
    use image::GenericImageView;
    use sha2::{Digest, Sha256};

    use super::Face;
    use crate::error::{Error, Result};

    /// SeetaFace's frontal face detector with its model loaded, ready to look at images.
    #[derive(Clone)]
    pub struct FaceDetector {
        model: rustface::Model,
    }

    impl std::fmt::Debug for FaceDetector {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("FaceDetector(seeta_fd_frontal_v1.0)")
        }
    }

    impl FaceDetector {
        /// The model's file name, as SeetaFace and `rustface` ship it.
        pub const MODEL_NAME: &'static str = super::MODEL_NAME;
        /// The SHA-256 of the only model accepted (its parser trusts its input, so no other
        /// bytes reach it).
        pub const MODEL_SHA256: &'static str = super::MODEL_SHA256;
        /// Where the model can be downloaded, pinned to the commit `rustface` 0.1.7 ships.
        pub const MODEL_URL: &'static str = "https://raw.githubusercontent.com/atomashpolskiy/rustface/fa3d5b5d576c91d1c8a099af381e0f0906a0d3a3/model/seeta_fd_frontal_v1.0.bin";
        /// The lowest score reported: SeetaFace's own default, 2.0.
        pub const THRESHOLD: f64 = 2.0;
        /// The smallest face looked for, in pixels (the detector's minimum).
        pub const MIN_FACE: u32 = 20;

        /// The detector with the model built into this library (feature `face-model`, on by
        /// default; it adds 1.2 MB).
        #[cfg(feature = "face-model")]
        pub fn bundled() -> Self {
            Self::from_model(include_bytes!("../model/seeta_fd_frontal_v1.0.bin"))
                .expect("the bundled model is the one whose digest is checked")
        }

        /// [`FaceDetector::bundled`] where this build has the model built in (feature
        /// `face-model`), else `None`: a program built either way asks this.
        ///
        /// ```
        /// let detector = seam_carver::FaceDetector::built_in();
        /// assert_eq!(detector.is_some(), cfg!(feature = "face-model"));
        /// ```
        pub fn built_in() -> Option<Self> {
            #[cfg(feature = "face-model")]
            return Some(Self::bundled());
            #[cfg(not(feature = "face-model"))]
            None
        }

        /// The detector from the bytes of `seeta_fd_frontal_v1.0.bin`; any other bytes are
        /// refused with [`Error::FaceModel`].
        pub fn from_model(bytes: &[u8]) -> Result<Self> {
            let digest: String = Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if digest != Self::MODEL_SHA256 {
                return Err(Error::FaceModel {
                    len: bytes.len(),
                    sha256: digest,
                });
            }
            let model = rustface::read_model(bytes).map_err(|_| Error::FaceModel {
                len: bytes.len(),
                sha256: digest,
            })?;
            Ok(FaceDetector { model })
        }

        /// The faces in `image`, surest first (ties: top to bottom, left to right); none in
        /// an image narrower or shorter than [`FaceDetector::MIN_FACE`].
        pub fn detect<I: GenericImageView>(&self, image: &I) -> Vec<Face> {
            let (width, height) = image.dimensions();
            if width < Self::MIN_FACE || height < Self::MIN_FACE {
                return Vec::new();
            }
            let gray = crate::annotate::grayscale(&crate::pixels::measured(image)).into_raw();
            let mut detector = rustface::create_detector_with_model(self.model.clone());
            detector.set_min_face_size(Self::MIN_FACE);
            detector.set_score_thresh(Self::THRESHOLD);
            detector.set_pyramid_scale_factor(0.8);
            detector.set_slide_window_step(4, 4);
            let mut faces: Vec<Face> = detector
                .detect(&rustface::ImageData::new(&gray, width, height))
                .iter()
                .filter_map(|info| clip(info, width, height))
                .collect();
            faces.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then((a.y, a.x, a.width, a.height).cmp(&(b.y, b.x, b.width, b.height)))
            });
            faces
        }
    }

    /// A detection's box clipped to the image, or `None` if nothing of it is inside.
    fn clip(info: &rustface::FaceInfo, width: u32, height: u32) -> Option<Face> {
        let b = info.bbox();
        let span = |start: i32, len: u32, limit: u32| {
            let lo = i64::from(start).clamp(0, i64::from(limit));
            let hi = (i64::from(start) + i64::from(len)).clamp(0, i64::from(limit));
            (hi > lo).then(|| (lo as u32, (hi - lo) as u32))
        };
        let (x, w) = span(b.x(), b.width(), width)?;
        let (y, h) = span(b.y(), b.height(), height)?;
        Some(Face {
            x,
            y,
            width: w,
            height: h,
            score: (info.score() * 1000.0).round() / 1000.0,
        })
    }
}

#[cfg(all(test, feature = "face-model"))]
mod tests {
    use super::*;
    use crate::Error;

    fn sample(name: &str) -> image::DynamicImage {
        image::open(format!(
            "{}/../../golden/inputs/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn finds_the_astronauts_face_and_none_in_a_cup() {
        let detector = FaceDetector::bundled();
        let faces = detector.detect(&sample("astronaut-face.png"));
        assert_eq!(faces.len(), 1, "{faces:?}");
        let face = faces[0];
        // Eileen Collins' face is around (62..90, 22..53) in the 160x160 downscale.
        assert!(face.contains(75, 37), "{face:?}");
        assert!(face.width > 20 && face.width < 50, "{face:?}");
        assert!(face.score >= FaceDetector::THRESHOLD, "{face:?}");
        assert!(detector.detect(&sample("coffee.png")).is_empty());
    }

    #[test]
    fn tiny_and_flat_images_have_no_faces() {
        let detector = FaceDetector::bundled();
        assert!(detector.detect(&image::RgbImage::new(19, 400)).is_empty());
        assert!(detector.detect(&image::RgbImage::new(20, 20)).is_empty());
        assert!(detector.detect(&image::GrayImage::new(300, 200)).is_empty());
    }

    #[test]
    fn other_bytes_are_refused_before_parsing() {
        let bundled = include_bytes!("../model/seeta_fd_frontal_v1.0.bin");
        let mut bent = bundled.to_vec();
        bent[0] ^= 0xff;
        for bytes in [&bent[..], &bundled[..100], &[][..]] {
            let err = FaceDetector::from_model(bytes).unwrap_err();
            assert!(matches!(err, Error::FaceModel { .. }), "{err}");
            assert!(
                err.to_string().contains("seeta_fd_frontal_v1.0.bin"),
                "{err}"
            );
        }
    }
}
