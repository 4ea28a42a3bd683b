//! seam-carver's integration tests, one binary (as ripgrep's): the library against the
//! naive oracle, the command line, golden files, every engine the module runs on, and
//! Bacalhau's rules. `support` finds the programs and builds what they need; `reference`
//! is the deliberately naive oracle.

mod support;

mod reference;

mod bacalhau_flow;
mod cli;
mod differential;
mod engines;
mod features;
mod golden;
mod imageproc_parity;
mod job;
mod malformed;
mod order;
mod output;
mod python;
mod wasi;
mod web;
