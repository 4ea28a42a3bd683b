//! What the `seam-carver` and `bacalhau-job` programs share, beyond the carving library
//! (`seam_carver`): the command line, reading and writing files, batches of inputs, and
//! Bacalhau job specs. Not a library for others: its API follows the programs.

pub mod batch;
pub mod cli;
pub mod decode;
pub mod error;
pub mod inputs;
pub mod job;
pub mod output;
pub mod partition;
pub mod plan;
pub mod render;
pub mod report;
pub mod spec;
