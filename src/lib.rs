//! Content-aware image resizing by seam carving, deterministic on every target.
//!
//! The library carves; the `seam-carver` binary prints and exits. Energy is imageproc
//! 0.27's Sobel gradient magnitude in integers ([`energy`]); seams are traced by the
//! [`SeamRule`] chosen ([`seam`]); the [`Carver`] removes them one at a time, updating
//! the energy next to each seam only ([`carve`]); [`annotate`] draws the Bacalhau
//! example's pictures; [`output`] names, encodes and hashes files; [`pipeline`] turns one
//! input into its files; [`batch`] runs many inputs.
//!
//! ```
//! use seam_carver::{SeamRule, carve_width};
//! let image = image::RgbImage::from_fn(12, 6, |x, y| image::Rgb([(x * y) as u8, 0, 0]));
//! let carved = carve_width(&image, 2, SeamRule::Optimal, &mut |_, _| {}).unwrap();
//! assert_eq!(carved.image.dimensions(), (10, 6));
//! assert_eq!(carved.seams.len(), 2);
//! ```

pub mod annotate;
pub mod batch;
pub mod carve;
pub mod cli;
pub mod energy;
pub mod error;
pub mod guided;
pub mod job;
pub mod mask;
pub mod output;
pub mod partition;
pub mod pipeline;
pub mod resize;
pub mod rows;
pub mod seam;
pub mod size;

pub use carve::{Carver, Seam};
pub use energy::EnergyKind;
pub use error::{Error, Result};
pub use mask::Mask;
pub use resize::{Carved, Request, carve_width, resize};
pub use seam::SeamRule;
pub use size::{SizeArg, SizeSpec};
