//! Content-aware image resizing by seam carving, deterministic on every target.
//!
//! A *seam* is a connected path of pixels, one per row, from the top of an image to its
//! bottom; removing the seams that cross the least detail narrows an image while keeping
//! what matters in it, and inserting pixels beside them widens it (Avidan and Shamir,
//! 2007). Heights are carved the same way on the transposed image.
//!
//! # Carving in one call
//!
//! ```
//! let photo = image::open(concat!(env!("CARGO_MANIFEST_DIR"), "/../../inputs/coffee.png"))?.to_rgb8();
//! let carved = seam_carver::resize(&photo, &seam_carver::Request::to(500, 400))?;
//! carved.image.save(std::env::temp_dir().join("coffee-500x400.png"))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Describe the result with a [`Request`] and hand it to [`resize`]: you get the new
//! image, of the input's pixel type (RGB, RGBA with its alpha kept exactly, gray, 16-bit,
//! a `DynamicImage` as RGBA: hence `to_rgb8()` above for an RGB file, `to_rgba8()` to keep
//! transparency), every seam taken (so you can draw them) and the input's energy map.
//!
//! ```
//! use seam_carver::{EnergyKind, Request, SeamRule, resize};
//!
//! let photo = image::RgbImage::from_fn(60, 40, |x, y| {
//!     image::Rgb([(x * 4) as u8, (y * 6) as u8, ((x * y) % 256) as u8])
//! });
//! let request = Request {
//!     energy: EnergyKind::Forward,
//!     ..Request::new(48, 40, SeamRule::Optimal)
//! };
//! let carved = resize(&photo, &request)?;
//! assert_eq!(carved.image.dimensions(), (48, 40));
//! assert_eq!(carved.vertical.len(), 12);
//! # Ok::<(), seam_carver::Error>(())
//! ```
//!
//! A target larger than the image inserts seams; a [`Mask`] keeps seams away from what it
//! marks ([`Request::protect`]) or removes an object ([`Request::remove`]); the faces a
//! `FaceDetector` finds are kept whole the same way ([`Request::faces`]);
//! [`resize_with_progress`] reports each seam as it goes.
//!
//! # Features
//!
//! - `face-model` (default): `FaceDetector::bundled()`, the detector with its 1.2 MB
//!   model built in; implies `faces`.
//! - `faces`: `FaceDetector` without the model built in (`FaceDetector::from_model`
//!   takes the model's bytes), for builds that fetch it, such as a WASI module.

//! # Step by step
//!
//! A [`Carver`] removes one [`Seam`] at a time and shows the image, energy and cost map
//! in between; it keeps both up to date near each seam instead of recomputing them.
//!
//! # How it measures
//!
//! - Energy ([`EnergyKind`]): `Backward` is imageproc 0.27's Sobel gradient magnitude, in
//!   integers so every platform agrees; `Forward` (Rubinstein, Shamir and Avidan, 2008)
//!   counts the edges a seam's removal would create, and keeps outlines cleaner;
//!   `Salient`, the default, counts them on a smoothed copy and adds how much each
//!   removed pixel stands out from its surroundings, so plain objects on textured
//!   backgrounds are kept.
//! - Seams ([`SeamRule`]): `Optimal` traces true minimum-cost seams; `Imageproc`
//!   reproduces imageproc 0.27's tracing byte for byte, drift included, as the Bacalhau
//!   example did.
//! - Sizes as people write them (`500`, `-100`, `83%`): [`SizeSpec`], with ImageMagick's
//!   `>` and `<` ([`Direction`]); shapes (`16:9`): [`Aspect`].
//! - The example's pictures, seams drawn on the grayscale original or on the gradients:
//!   [`annotate`].
//!
//! Nothing here prints, exits or panics on bad input: every refusal is an [`Error`]
//! carrying its data.

#![warn(missing_docs)]

pub mod annotate;
mod carve;
mod energy;
mod error;
mod faces;
mod guided;
mod mask;
mod names;
mod order;
mod parallel;
mod pixels;
mod resize;
mod rows;
mod salient;
mod scale;
mod seam;
mod size;
mod skin;

pub use carve::{Carver, Seam};
pub use energy::{EnergyKind, EnergyMap};
pub use error::{Axis, Error, Operation, Result, Unsupported};
pub use faces::Face;
#[cfg(feature = "faces")]
pub use faces::FaceDetector;
pub use mask::Mask;
pub use order::Order;
pub use resize::{Carved, MAX_SEAM_LENGTH, Request, resize, resize_with_progress};
pub use scale::scale;
pub use seam::SeamRule;
pub use size::{Aspect, CARVE_AT_MOST, Direction, SizeSpec, prescale};
