//! Bacalhau job specs (v1.7+ format) that run the WASI module on a set of inputs.
//!
//! What a Bacalhau node does with them (its wasm executor, storage providers and
//! transport) decides the layout:
//!
//! - the wasm engine's `EntryModule` is a string naming the `Target` of one of the
//!   task's input sources: the module travels inline (a gzipped tar archive, which the
//!   node unpacks into the folder `/app`) or by reference (`https://` or `s3://` into the
//!   folder `/app`; the node's loader takes the one `.wasm` file there; `ipfs://CID` at
//!   `/app/seam-carver.wasm`);
//! - local images and masks travel inline as `data:` URLs, each at its own `Target`
//!   (`/inputs/NAME`, `/masks/NAME`);
//! - `urlDownload` and `s3` sources treat `Target` as a folder and put the file(s)
//!   inside, so each such input gets a folder of its own (`/inputs/url-N`,
//!   `/inputs/s3-N`), which is what the module is given: it carves the images in it,
//!   whatever name the download ends up with;
//! - the whole job, inline data included, travels in one API request (at most
//!   10,000,000 bytes) and then to a compute node in one NATS message (1 MiB by
//!   default), so every job is kept under [`JOB_BUDGET`]; inline inputs are split
//!   across as many jobs as that takes;
//! - `Resources.Memory` is parsed with go-humanize (`512Mb` is 512,000,000 bytes), so
//!   sizes are written in `MiB`.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::inputs::read_input;
use crate::spec::{InputSource, Job, Partition, Publisher, Resources, Source, Timeouts};

/// Why job specs could not be written or read back; each message names the argument,
/// file or spec field at fault.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// `--module` names something the node's loader would not take.
    #[error(
        "--module {arg}: the node's loader takes a .wasm file, so the module's name must end in .wasm"
    )]
    ModuleNotWasm {
        /// The argument.
        arg: String,
    },
    /// The local module file cannot be read.
    #[error("{}: cannot read the module ({source}); build it with `just build-wasi`", path.display())]
    ModuleUnreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: Box<crate::error::Error>,
    },
    /// An `s3://` input without a key.
    #[error("{arg}: an S3 input needs s3://BUCKET/KEY")]
    S3NeedsKey {
        /// The argument.
        arg: String,
    },
    /// An `ipfs://` input that is not a single CID.
    #[error("{arg}: an IPFS input needs ipfs://CID of a single file")]
    IpfsNeedsCid {
        /// The argument.
        arg: String,
    },
    /// An image too large for a wasm32 module's memory.
    #[error(
        "an image of {pixels} pixels needs about {mib} MiB, over the 4 GiB a wasm32 module can address"
    )]
    TooMuchMemory {
        /// Its pixels.
        pixels: u64,
        /// The memory it needs, in MiB.
        mib: u64,
    },
    /// A mask option without its file.
    #[error("{flag} needs a mask file")]
    MaskMissing {
        /// `--protect` or `--remove`.
        flag: String,
    },
    /// A mask file that cannot travel with the job.
    #[error("{flag} {path}: {kind}")]
    Mask {
        /// `--protect` or `--remove`.
        flag: String,
        /// The mask as given.
        path: String,
        /// What is wrong with it.
        kind: MaskProblem,
    },
    /// `--face-model` naming something a node cannot fetch.
    #[error(
        "--face-model {given}: a job fetches the face model by URL (https://… or http://…), as the 1.2 MB file cannot travel inside a job; leave --face-model out to fetch it from {}",
        seam_carver::FaceDetector::MODEL_URL
    )]
    FaceModelNotUrl {
        /// The model as given.
        given: String,
    },
    /// No inputs.
    #[error("no inputs given")]
    NoInputs,
    /// An input whose address ends without a file name (`https://host/`).
    #[error("{input}: names no file (its path ends in /); give the address of the image itself")]
    NoFileName {
        /// The input as given.
        input: String,
    },
    /// Two inputs whose outputs would have the same names.
    #[error("{input}: another input is also named {name}, and their outputs would clash")]
    InputNameClash {
        /// The second input.
        input: String,
        /// The name they share.
        name: String,
    },
    /// A local input that cannot be read.
    #[error("{}: {source}", path.display())]
    InputUnreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: Box<crate::error::Error>,
    },
    /// A local input whose header is not an image's.
    #[error("{}: not a readable image: {source}", path.display())]
    NotAnImage {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        source: image::ImageError,
    },
    /// A local input (already phrased by the command line's expansion: `PATH: problem`).
    #[error("{0}")]
    Input(String),
    /// Something that cannot travel inline within a job's budget.
    #[error(
        "{what}: a job carrying it would be {size} bytes, and a job must stay under {JOB_BUDGET} bytes to reach a compute node (NATS's default 1 MiB message){}; upload large images and pass their URLs instead: https://..., s3://BUCKET/KEY or ipfs://CID",
        inline_module.map(|bytes| format!("; the module alone takes {bytes} bytes inline: publish it and pass --module https://…/seam-carver.wasm, s3://BUCKET/KEY.wasm or ipfs://CID")).unwrap_or_default()
    )]
    TooLargeInline {
        /// What it is.
        what: String,
        /// The size of a job carrying it.
        size: usize,
        /// The inline module's size, when the module travels inline.
        inline_module: Option<usize>,
    },
    /// A job over the budget after packing.
    #[error("job {job} would be {size} bytes, over the {JOB_BUDGET} bytes a job may take")]
    JobTooLarge {
        /// The job's number, from 1.
        job: usize,
        /// Its size.
        size: usize,
    },
    /// `--memory` that Bacalhau or the module could not use.
    #[error("--memory {given}: {why}")]
    Memory {
        /// The size as given.
        given: String,
        /// What is wrong with it.
        why: String,
    },
    /// A spec read back lacks what a generated one has.
    #[error("{0}")]
    Spec(String),
    /// A spec's path (a source's `Target` or a parameter) that leaves the folders a job
    /// may use: re-running it locally could read or write any file.
    #[error("{what} {path:?}: {why}; a spec may only name paths under {}", allowed.join(", "))]
    PathEscapes {
        /// Where the path was found: "input source Target", "parameter".
        what: &'static str,
        /// The path as the spec gives it.
        path: String,
        /// What is wrong with it.
        why: &'static str,
        /// The guest folders that are allowed there.
        allowed: &'static [&'static str],
    },
    /// A spec's input that only a node can fetch.
    #[error("{target}: a {kind} source; only inline sources can be re-run locally")]
    NotInline {
        /// The input's target.
        target: String,
        /// Its source type.
        kind: String,
    },
}

/// What is wrong with a mask file given to `bacalhau-job spec`.
#[derive(Debug, thiserror::Error)]
pub enum MaskProblem {
    /// It is a URL.
    #[error("masks travel inline with the job; give a local file")]
    NotLocal,
    /// It cannot be read.
    #[error("cannot read mask: {0}")]
    Unreadable(Box<crate::error::Error>),
    /// Another mask has the same file name but other bytes.
    #[error("another mask is also named {0}")]
    NameClash(String),
}

/// NATS's default maximum payload, which carries a job to a compute node: 1 MiB.
pub const NATS_MAX_PAYLOAD: usize = 1 << 20;

/// Bacalhau's cap on an API request body, which carries a submitted job: 10,000,000 bytes.
pub const API_MAX_BODY: usize = 10_000_000;

/// What a serialized job may take: NATS's payload less 64 KiB for the message around it
/// (the execution, its state and headers).
pub const JOB_BUDGET: usize = NATS_MAX_PAYLOAD - (64 << 10);

/// Bytes of linear memory budgeted per input pixel: the decoded image, the carver's
/// pixel, energy and cost buffers, and one rendered artifact with its PNG encoding at a
/// time (a 16 MP noise image, the worst case measured, peaks under 512 MiB).
pub const BYTES_PER_PIXEL: u64 = 28;

/// Bytes budgeted per input pixel for a carve guided by masks or faces (`--protect`,
/// `--remove`, `--protect-faces`, `--protect-skin`), which keeps a 16-byte key per pixel besides the
/// step costs and the masks: a 16 MP photo with a one-pixel protect mask, all artifacts,
/// traps in 640 MiB and runs in 768 MiB (measured on `wazero-run`).
pub const GUIDED_BYTES_PER_PIXEL: u64 = 48;

/// Bytes budgeted per input pixel for a carve that changes the height too (`--height`, a
/// `WxH` geometry, `--aspect`), whose horizontal seams are taken from a transposed copy:
/// a 16 MP photo to 98 % x 99 %, all artifacts, traps in 512 MiB and runs in 576 MiB, and
/// with `--amount 50` runs in 640 MiB (measured on wasmtime with its memory capped).
pub const TWO_AXIS_BYTES_PER_PIXEL: u64 = 36;

/// Bytes budgeted per input pixel for a carve in `--order optimal` that changes both
/// axes, which keeps an image for each entry of a row of its table (up to nine) besides
/// a carver: an 8 MP noise image to 98 % x 99 % traps in 56 and 72 bytes a pixel and
/// runs in 100 and 128 (plus 64 MiB, measured on wasmtime with its memory capped;
/// natively it peaks at 88).
pub const OPTIMAL_ORDER_BYTES_PER_PIXEL: u64 = 128;

/// The carving `options` as the module's own parser reads them (`None` when it refuses
/// them, which `bacalhau-job spec` has said already): the one reading of the flags.
fn parsed(options: &[String]) -> Option<crate::cli::Args> {
    use clap::Parser;
    let argv = std::iter::once("").chain(options.iter().map(String::as_str));
    crate::cli::Args::try_parse_from(argv).ok()
}

/// The bytes per input pixel a job with these carving `options` is given: the optimal
/// order on two axes most, then guided carves (masks or faces), then carves that change
/// the height (options the parser refuses get the most).
pub fn bytes_per_pixel(options: &[String], guided: bool) -> u64 {
    let (two_axes, optimal) = parsed(options)
        .and_then(|args| {
            let (_, height, _) = args.sizes().ok()?;
            let two_axes = height.is_some() || args.aspect.is_some();
            Some((two_axes, args.order == seam_carver::Order::Optimal))
        })
        .unwrap_or((true, true));
    if two_axes && optimal {
        OPTIMAL_ORDER_BYTES_PER_PIXEL
    } else if guided {
        GUIDED_BYTES_PER_PIXEL
    } else if two_axes {
        TWO_AXIS_BYTES_PER_PIXEL
    } else {
        BYTES_PER_PIXEL
    }
}

/// With a `^` geometry (`800x800^`) among `options`: the most pixels the module accepts
/// (`--max-pixels`, else its default), which a scaled image may reach; else `None`.
pub fn fill_limit(options: &[String]) -> Option<u64> {
    let args = parsed(options)?;
    let (_, _, direction) = args.sizes().ok()?;
    (direction == seam_carver::Direction::Fill).then_some(args.max_pixels)
}

/// Fixed memory for the module itself, its stack and allocator slack.
pub const BASE_MEMORY: u64 = 64 << 20;

/// Most linear memory a wasm32 module can address.
pub const MAX_MEMORY: u64 = 4 << 30;

/// The memory asked for when the images' sizes are unknown (remote inputs).
pub const REMOTE_MEMORY: &str = "2048MiB";

/// The folder the module lands in, inline (a gzipped tar archive, which the node
/// unpacks there), by URL or from S3; `EntryModule` names it, and the node's loader
/// takes the one `.wasm` file inside.
pub const MODULE_FOLDER: &str = "/app";

/// Where a module from IPFS is placed (a file), and what `EntryModule` then names.
pub const IPFS_MODULE_TARGET: &str = "/app/seam-carver.wasm";

/// The largest local module `spec` reads: a wasm32 module's whole address space (one
/// sent inline must in any case fit a job's 1 MiB).
pub const MAX_MODULE_BYTES: u64 = 4 << 30;

/// Where the module comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum ModuleSource {
    /// The module's bytes, sent inline.
    Inline(Vec<u8>),
    /// An `https://` or `http://` URL ending in `.wasm`, downloaded by the node.
    Url(String),
    /// `s3://bucket/key.wasm`.
    S3 { bucket: String, key: String },
    /// `ipfs://CID` of the module file.
    Ipfs(String),
}

impl ModuleSource {
    /// Reads `--module`: a URL (`https://`, `s3://`, `ipfs://`) is sent by reference,
    /// anything else is a local file read now.
    pub fn parse(arg: &str) -> Result<ModuleSource, JobError> {
        let not_wasm = || JobError::ModuleNotWasm {
            arg: arg.to_string(),
        };
        match Input::parse(arg)? {
            Input::File(path) => read_input(&path, MAX_MODULE_BYTES)
                .map(ModuleSource::Inline)
                .map_err(|source| JobError::ModuleUnreadable {
                    path,
                    source: Box::new(source),
                }),
            Input::Url(url) if url_file_name(&url).ends_with(".wasm") => Ok(ModuleSource::Url(url)),
            Input::S3 { bucket, key } if key.ends_with(".wasm") => {
                Ok(ModuleSource::S3 { bucket, key })
            }
            Input::Ipfs(cid) => Ok(ModuleSource::Ipfs(cid)),
            _ => Err(not_wasm()),
        }
    }

    /// The input source that carries the module, and what `EntryModule` names.
    fn source(&self) -> (InputSource, &'static str) {
        let (source, target) = match self {
            ModuleSource::Inline(bytes) => (
                inline_source("application/gzip", &tar_gz("seam-carver.wasm", bytes)),
                MODULE_FOLDER,
            ),
            ModuleSource::Url(url) => (Source::UrlDownload { url: url.clone() }, MODULE_FOLDER),
            ModuleSource::S3 { bucket, key } => (
                Source::S3 {
                    bucket: bucket.clone(),
                    key: key.clone(),
                    partition: None,
                },
                MODULE_FOLDER,
            ),
            ModuleSource::Ipfs(cid) => (Source::Ipfs { cid: cid.clone() }, IPFS_MODULE_TARGET),
        };
        (at(target, source), target)
    }
}

/// A gzipped tar archive holding one file, the same bytes every time (no dates, owners
/// or modes of the host): how an inline source carries a compressed file, which the
/// node unpacks into a folder at its `Target`.
pub fn tar_gz(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_entry_type(tar::EntryType::Regular);
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    let mut archive = tar::Builder::new(gz);
    archive
        .append_data(&mut header, name, bytes)
        .and_then(|()| archive.into_inner())
        .and_then(|gz| gz.finish())
        .expect("writing to memory cannot fail")
}

/// One input of a job.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A local file, sent inline.
    File(PathBuf),
    /// An `https://` or `http://` URL, downloaded by the node.
    Url(String),
    /// `s3://bucket/key`: one object, or every object under a prefix ending in `/`.
    S3 { bucket: String, key: String },
    /// `ipfs://CID`.
    Ipfs(String),
}

/// The last path element of a URL, without its query or fragment.
fn url_file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().unwrap_or(path).to_string()
}

impl Input {
    /// Classifies a command-line argument.
    pub fn parse(arg: &str) -> Result<Input, JobError> {
        if arg.starts_with("https://") || arg.starts_with("http://") {
            return Ok(Input::Url(arg.to_string()));
        }
        if let Some(rest) = arg.strip_prefix("s3://") {
            let (bucket, key) = rest
                .split_once('/')
                .filter(|(b, k)| !b.is_empty() && !k.is_empty())
                .ok_or_else(|| JobError::S3NeedsKey {
                    arg: arg.to_string(),
                })?;
            return Ok(Input::S3 {
                bucket: bucket.into(),
                key: key.into(),
            });
        }
        if let Some(cid) = arg.strip_prefix("ipfs://") {
            if cid.is_empty() || cid.contains('/') {
                return Err(JobError::IpfsNeedsCid {
                    arg: arg.to_string(),
                });
            }
            return Ok(Input::Ipfs(cid.into()));
        }
        Ok(Input::File(PathBuf::from(arg)))
    }

    /// The file name it is known by: a local file's name, a URL's last path element,
    /// an S3 key's last element, an IPFS CID.
    pub fn file_name(&self) -> String {
        match self {
            Input::File(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Input::Url(u) => url_file_name(u),
            Input::S3 { key, .. } => key.rsplit('/').next().unwrap_or(key).to_string(),
            Input::Ipfs(cid) => cid.clone(),
        }
    }
}

impl std::fmt::Display for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Input::File(p) => write!(f, "{}", p.display()),
            Input::Url(u) => f.write_str(u),
            Input::S3 { bucket, key } => write!(f, "s3://{bucket}/{key}"),
            Input::Ipfs(cid) => write!(f, "ipfs://{cid}"),
        }
    }
}

/// What a set of job specs should do.
#[derive(Clone, Debug)]
pub struct JobRequest {
    /// The WASI module.
    pub module: ModuleSource,
    /// Inputs, in order (local directories already expanded).
    pub inputs: Vec<Input>,
    /// Carving options passed to the module after the inputs (e.g. `--width 80%`).
    pub options: Vec<String>,
    /// Memory for each job; `None` sizes it from the largest local image.
    pub memory: Option<String>,
    /// Execution timeout in seconds.
    pub timeout_secs: u64,
    /// Publisher type (`local`, `ipfs`, ...).
    pub publisher: String,
    /// Executions per job (`Count`), each carving its share of the inputs.
    pub partitions: u32,
}

/// A generated job spec with the inputs it carries.
#[derive(Clone, Debug)]
pub struct JobSpec {
    /// The spec, ready to write as JSON (which `bacalhau job run` accepts as YAML).
    pub spec: Job,
    /// The inputs it carries, as given.
    pub inputs: Vec<String>,
    /// Its size serialized compactly, as it travels.
    pub size: usize,
}

/// A data URL carrying `bytes`.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn inline_source(mime: &str, bytes: &[u8]) -> Source {
    Source::Inline {
        url: data_url(mime, bytes),
    }
}

/// `source` mounted at `target`.
fn at(target: &str, source: Source) -> InputSource {
    InputSource {
        target: target.to_string(),
        source,
    }
}

/// The size of a value serialized compactly, as a job travels.
fn serialized_len(value: &impl serde::Serialize) -> usize {
    serde_json::to_vec(value)
        .map(|v| v.len())
        .unwrap_or(usize::MAX)
}

/// Memory for a job whose largest image has `pixels` pixels, at `per_pixel` bytes each
/// ([`bytes_per_pixel`]), as a size Bacalhau reads (go-humanize: `MiB` is 1024 * 1024
/// bytes).
pub fn memory_for(pixels: u64, per_pixel: u64) -> Result<String, JobError> {
    let need = BASE_MEMORY + pixels * per_pixel;
    if need > MAX_MEMORY {
        return Err(JobError::TooMuchMemory {
            pixels,
            mib: need >> 20,
        });
    }
    // Round up to 64 MiB, at least 512 MiB.
    let mib = need.div_ceil(64 << 20) * 64;
    Ok(format!("{}MiB", mib.max(512)))
}

/// Bytes in a memory size as Bacalhau reads `Resources.Memory` (go-humanize's
/// `ParseBytes`: `512Mb` and `512MB` are 512 * 10^6 bytes, `512MiB` and `512Mi` are
/// 512 * 2^20; a bare number is bytes; case and a space before the unit do not matter).
pub fn parse_memory(text: &str) -> Result<u64, JobError> {
    let bad = |why: &str| JobError::Memory {
        given: text.to_string(),
        why: why.to_string(),
    };
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: f64 = number
        .replace(',', "")
        .parse()
        .map_err(|_| bad("not a size such as 512MiB, 1GiB or 2GB"))?;
    let unit = unit.trim().to_ascii_lowercase();
    let power = |base: f64, exponent: i32| base.powi(exponent);
    let scale = match unit.as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => power(1000.0, 1),
        "ki" | "kib" => power(1024.0, 1),
        "m" | "mb" => power(1000.0, 2),
        "mi" | "mib" => power(1024.0, 2),
        "g" | "gb" => power(1000.0, 3),
        "gi" | "gib" => power(1024.0, 3),
        "t" | "tb" => power(1000.0, 4),
        "ti" | "tib" => power(1024.0, 4),
        _ => {
            return Err(bad(&format!(
                "unknown unit {unit:?} (use MiB, GiB, MB or GB)"
            )));
        }
    };
    let bytes = number * scale;
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(bad("too large"));
    }
    let bytes = bytes as u64;
    if bytes < BASE_MEMORY {
        return Err(bad(&format!(
            "{bytes} bytes, under the {} MiB the module needs to start",
            BASE_MEMORY >> 20
        )));
    }
    if bytes > MAX_MEMORY {
        return Err(bad(&format!(
            "{bytes} bytes, over the 4 GiB a wasm32 module can address"
        )));
    }
    Ok(bytes)
}

/// A file's name and bytes.
pub type NamedFile = (String, Vec<u8>);

/// A mask named in the options: its local path, and the name and bytes it travels with.
pub type MaskFile = (PathBuf, NamedFile);

/// Options that name a mask file: it travels inline with every job, at `/masks/NAME`.
pub const MASK_OPTIONS: [&str; 2] = ["--protect", "--remove"];

/// The options with every mask file (`--protect FILE`, `--remove=FILE`) read and its
/// path replaced by `/masks/NAME`; returns the new options, and the masks' local paths,
/// names and bytes.
pub fn extract_masks(options: &[String]) -> Result<(Vec<String>, Vec<MaskFile>), JobError> {
    let mut out = Vec::new();
    let mut masks: Vec<MaskFile> = Vec::new();
    let mut args = options.iter();
    while let Some(arg) = args.next() {
        let Some((flag, path)) = flag_value(arg, &mut args, &MASK_OPTIONS) else {
            out.push(arg.clone());
            continue;
        };
        let path = path
            .ok_or_else(|| JobError::MaskMissing {
                flag: flag.to_string(),
            })?
            .to_string();
        let mask = |kind| JobError::Mask {
            flag: flag.to_string(),
            path: path.clone(),
            kind,
        };
        if !matches!(Input::parse(&path)?, Input::File(_)) {
            return Err(mask(MaskProblem::NotLocal));
        }
        let bytes = read_input(Path::new(&path), JOB_BUDGET as u64)
            .map_err(|e| mask(MaskProblem::Unreadable(Box::new(e))))?;
        let name = Input::File(PathBuf::from(&path)).file_name();
        if masks.iter().any(|(_, (n, b))| n == &name && b != &bytes) {
            return Err(mask(MaskProblem::NameClash(name)));
        }
        if !masks.iter().any(|(_, (n, _))| n == &name) {
            masks.push((PathBuf::from(&path), (name.clone(), bytes)));
        }
        out.extend([flag.to_string(), mask_target(&name)]);
    }
    Ok((out, masks))
}

/// `arg` as one of `flags` with its value: `--flag=VALUE`, or `--flag` and the next of
/// `rest` (`None` when there is none); `None` for any other argument.
fn flag_value<'a>(
    arg: &'a str,
    rest: &mut std::slice::Iter<'a, String>,
    flags: &[&str],
) -> Option<(&'a str, Option<&'a str>)> {
    match arg.split_once('=') {
        Some((flag, value)) if flags.contains(&flag) => Some((flag, Some(value))),
        _ if flags.contains(&arg) => Some((arg, rest.next().map(String::as_str))),
        _ => None,
    }
}

/// Where a job's face model lands: a `urlDownload` source's folder, holding the file
/// named after the URL's last path element.
pub const MODEL_FOLDER: &str = "/model";

/// For `--protect-faces` or `--protect-skin`: the options without `--face-model`, and the
/// URL a node fetches the model from (the one given, or
/// [`FaceDetector::MODEL_URL`](seam_carver::FaceDetector::MODEL_URL)); without them,
/// the options as they are and no URL.
pub fn face_model_url(options: &[String]) -> Result<(Vec<String>, Option<String>), JobError> {
    if !options
        .iter()
        .any(|o| o == "--protect-faces" || o == "--protect-skin")
    {
        return Ok((options.to_vec(), None));
    }
    let mut out = Vec::new();
    let mut url = None;
    let mut args = options.iter();
    while let Some(arg) = args.next() {
        let Some((_, given)) = flag_value(arg, &mut args, &["--face-model"]) else {
            out.push(arg.clone());
            continue;
        };
        let given = given.unwrap_or_default().to_string();
        match Input::parse(&given) {
            Ok(Input::Url(u)) if !url_file_name(&u).is_empty() => url = Some(u),
            _ => return Err(JobError::FaceModelNotUrl { given }),
        }
    }
    let url = url.unwrap_or_else(|| seam_carver::FaceDetector::MODEL_URL.to_string());
    Ok((out, Some(url)))
}

/// Builds one or more job specs for `request`, splitting inline inputs across jobs so
/// that each serialized job stays under [`JOB_BUDGET`]. Local inputs are read and
/// checked here: a missing file, an undecodable header or a file too large to travel
/// inline is an error naming it.
///
/// The steps: what every job shares (the module, the face model, the masks, the options
/// and the partitioning), the inputs as they travel (inline or fetched by the node), the
/// smallest job, the inline inputs packed under the budget, then each job finished with
/// its memory.
pub fn build_jobs(request: &JobRequest) -> Result<Vec<JobSpec>, JobError> {
    if request.inputs.is_empty() {
        return Err(JobError::NoInputs);
    }
    let plan = Plan::new(request)?;
    let Carried { inline, remote } = Carried::of(request, &plan.partitioning)?;
    let floor = plan.floor(&remote)?;
    let groups = pack(inline, floor, &request.module)?;
    let count = groups.len();
    let mut jobs = Vec::new();
    for (index, group) in groups.into_iter().enumerate() {
        // The first job carries the remote inputs as well as its share of the inline ones.
        let remote = if index == 0 { &remote[..] } else { &[] };
        jobs.extend(plan.finish(index, count, group, remote)?);
    }
    Ok(jobs)
}

/// What every job of a request shares: the module's options as the node passes them,
/// the sources every job carries, and how its executions share the inputs.
struct Plan<'a> {
    /// The request.
    request: &'a JobRequest,
    /// The carving options, rewritten for the node: the face model and the masks at their
    /// guest paths, and `--partition none` when Bacalhau splits the inputs.
    options: Vec<String>,
    /// The sources every job carries: the module, then the face model, then the masks.
    fixed: Vec<InputSource>,
    /// What the wasm engine's `EntryModule` names.
    entry_module: &'static str,
    /// Whether the carve is guided (by masks or faces), which takes more memory.
    guided: bool,
    /// The executions per job and who splits the inputs among them.
    partitioning: Partitioning,
}

impl<'a> Plan<'a> {
    /// What every job of `request` shares; a `--face-model` that is not a URL or a mask
    /// that cannot travel inline is an error.
    fn new(request: &'a JobRequest) -> Result<Plan<'a>, JobError> {
        let (options, model) = face_model(&request.options)?;
        let (mut options, masks) = extract_masks(&options)?;
        let partitioning = Partitioning::of(request);
        options.extend(partitioning.options());
        let (module, entry_module) = request.module.source();
        let guided = model.is_some() || !masks.is_empty();
        let mut fixed = vec![module];
        fixed.extend(model);
        fixed.extend(
            masks
                .iter()
                .map(|(_, (name, bytes))| mask_source(name, bytes)),
        );
        Ok(Plan {
            request,
            options,
            fixed,
            entry_module,
            guided,
            partitioning,
        })
    }

    /// Job `index` of `count` (named `seam-carver`, or `seam-carver-I-of-N` when there are
    /// several): the module run with `arguments` (the inputs' guest paths), then
    /// `-o /outputs` and the options, from `sources`, given one CPU and `memory`, with the
    /// request's publisher, timeout and executions.
    fn job(
        &self,
        index: usize,
        count: usize,
        sources: Vec<InputSource>,
        arguments: Vec<String>,
        memory: String,
    ) -> Job {
        let mut parameters = arguments;
        parameters.extend(["-o".to_string(), "/outputs".to_string()]);
        parameters.extend(self.options.iter().cloned());
        let name = if count == 1 {
            "seam-carver".to_string()
        } else {
            format!("seam-carver-{}-of-{count}", index + 1)
        };
        let mut job = Job::wasm(&name, self.entry_module, parameters);
        job.count = self.partitioning.count;
        job.labels
            .insert("app".to_string(), "seam-carver".to_string());
        let task = job.task_mut();
        task.engine.params.entrypoint = Some("_start".to_string());
        task.input_sources = sources;
        task.publisher = Some(Publisher {
            kind: self.request.publisher.clone(),
        });
        task.resources = Some(Resources {
            cpu: Some("1".to_string()),
            memory,
        });
        task.timeouts = Some(Timeouts {
            execution_timeout: self.request.timeout_secs,
        });
        job
    }

    /// The size of a job with the fixed sources, every remote input and no inline one:
    /// the floor of every job (within a few bytes of names and counters). Over
    /// [`JOB_BUDGET`], no job can be made.
    fn floor(&self, remote: &[Remote]) -> Result<usize, JobError> {
        let mut sources = self.fixed.clone();
        sources.extend(remote.iter().map(|r| r.source.clone()));
        let arguments = remote.iter().map(|r| r.target.clone()).collect();
        let floor = serialized_len(&self.job(0, 1, sources, arguments, REMOTE_MEMORY.into()));
        if floor > JOB_BUDGET {
            return Err(too_large(
                "the module, the masks and the remote inputs",
                floor,
                &self.request.module,
            ));
        }
        Ok(floor)
    }

    /// Memory for a job: `--memory` as given, once Bacalhau and the module can use it;
    /// else [`REMOTE_MEMORY`] for a job carrying remote inputs (their sizes are
    /// unknown); else sized from its `largest` image (or the most pixels a `^` geometry
    /// may scale one to) at the options' [`bytes_per_pixel`].
    fn memory(&self, largest: u64, carries_remote: bool) -> Result<String, JobError> {
        match &self.request.memory {
            Some(given) => parse_memory(given).map(|_| given.clone()),
            None if carries_remote => Ok(REMOTE_MEMORY.to_string()),
            None => {
                // A `^` geometry scales an image up to cover its box first: budget for
                // the most pixels the module accepts.
                let largest = fill_limit(&self.options).map_or(largest, |most| largest.max(most));
                memory_for(largest, bytes_per_pixel(&self.options, self.guided))
            }
        }
    }

    /// Job `index` of `count`, carrying the fixed sources, the inline inputs of `group`
    /// and the `remote` inputs, with its memory; `None` when it would carry no input. A
    /// job over [`JOB_BUDGET`] is an error.
    fn finish(
        &self,
        index: usize,
        count: usize,
        group: Vec<Packed>,
        remote: &[Remote],
    ) -> Result<Option<JobSpec>, JobError> {
        let largest = group.iter().map(|p| p.pixels).max().unwrap_or(0);
        let mut sources = self.fixed.clone();
        let (mut arguments, mut given) = (Vec::new(), Vec::new());
        for item in group {
            sources.push(item.source);
            arguments.push(item.name);
            given.push(item.given);
        }
        for item in remote {
            sources.push(item.source.clone());
            arguments.push(item.target.clone());
            given.push(item.given.clone());
        }
        if given.is_empty() {
            return Ok(None);
        }
        let memory = self.memory(largest, !remote.is_empty())?;
        let spec = self.job(index, count, sources, arguments, memory);
        let size = serialized_len(&spec);
        if size > JOB_BUDGET {
            return Err(JobError::JobTooLarge {
                job: index + 1,
                size,
            });
        }
        Ok(Some(JobSpec {
            spec,
            inputs: given,
            size,
        }))
    }
}

/// How the executions of a job (its `Count`) share its inputs.
struct Partitioning {
    /// Executions per job: `--partitions`, at least one.
    count: u32,
    /// With more than one execution and only S3 inputs, Bacalhau splits the objects among
    /// the executions itself (fnv32a of each key): the program must then carve all it is
    /// given. Otherwise every execution gets all inputs and carves its share by name.
    by_bacalhau: bool,
}

impl Partitioning {
    /// How `request`'s executions share its inputs.
    fn of(request: &JobRequest) -> Partitioning {
        let count = request.partitions.max(1);
        let only_s3 = request.inputs.iter().all(|i| matches!(i, Input::S3 { .. }));
        Partitioning {
            count,
            by_bacalhau: count > 1 && only_s3,
        }
    }

    /// The module's options for it: `--partition none` when Bacalhau splits the inputs.
    fn options(&self) -> Vec<String> {
        if self.by_bacalhau {
            vec!["--partition".to_string(), "none".to_string()]
        } else {
            Vec::new()
        }
    }

    /// An S3 source's `Partition`: by object when Bacalhau splits the inputs.
    fn s3(&self) -> Option<Partition> {
        self.by_bacalhau.then(|| Partition {
            kind: "object".to_string(),
        })
    }
}

/// For `--protect-faces` or `--protect-skin`: the options with `--face-model` naming
/// where the node puts the model (`/model/NAME`, NAME the URL's last path element), and
/// the model's source, downloaded by the node into [`MODEL_FOLDER`] from the URL
/// [`face_model_url`] gives; without them, the options as they are and no source.
fn face_model(options: &[String]) -> Result<(Vec<String>, Option<InputSource>), JobError> {
    let (mut options, url) = face_model_url(options)?;
    let source = url.map(|url| {
        options.extend([
            "--face-model".to_string(),
            format!("{MODEL_FOLDER}/{}", url_file_name(&url)),
        ]);
        at(MODEL_FOLDER, Source::UrlDownload { url })
    });
    Ok((options, source))
}

/// Where a mask named `name` lands, and what the module's options name: `/masks/NAME`.
fn mask_target(name: &str) -> String {
    format!("/masks/{name}")
}

/// A mask's source: its bytes inline, at [`mask_target`].
fn mask_source(name: &str, bytes: &[u8]) -> InputSource {
    at(
        &mask_target(name),
        inline_source("application/octet-stream", bytes),
    )
}

/// The name an input is known by, checked: only an S3 prefix may lack one, and no two
/// inputs may share one (their outputs would clash); `seen` holds the names so far.
fn unique_name(
    input: &Input,
    seen: &mut std::collections::BTreeSet<String>,
) -> Result<String, JobError> {
    let name = input.file_name();
    let prefix = matches!(input, Input::S3 { key, .. } if key.ends_with('/'));
    if !prefix && name.is_empty() {
        return Err(JobError::NoFileName {
            input: input.to_string(),
        });
    }
    if !prefix && !seen.insert(name.clone()) {
        return Err(JobError::InputNameClash {
            input: input.to_string(),
            name,
        });
    }
    Ok(name)
}

/// The inputs of a request as they travel: local files inline, to be packed into jobs;
/// the others fetched by the node, all carried by the first job.
struct Carried {
    /// The local files, in order.
    inline: Vec<Packed>,
    /// The others, in order.
    remote: Vec<Remote>,
}

impl Carried {
    /// `request`'s inputs, each checked in order (its name, then for a local file its
    /// size and image header) and given its source; S3 sources are split by object when
    /// `partitioning` says Bacalhau splits them.
    fn of(request: &JobRequest, partitioning: &Partitioning) -> Result<Carried, JobError> {
        let mut seen = std::collections::BTreeSet::new();
        let mut inline = Vec::new();
        let mut remote = RemoteInputs::default();
        for input in &request.inputs {
            let name = unique_name(input, &mut seen)?;
            match input {
                Input::File(path) => {
                    inline.push(Packed::read(path, &name, input, &request.module)?);
                }
                input => remote.push(input, partitioning.s3()),
            }
        }
        Ok(Carried {
            inline,
            remote: remote.list,
        })
    }
}

/// An inline input ready to pack: its name, its input source and the source's size.
struct Packed {
    /// Its guest path, `/inputs/NAME`, which the module is given.
    name: String,
    /// The input as given.
    given: String,
    /// Its source: the bytes inline.
    source: InputSource,
    /// The source's size serialized, with its comma.
    size: usize,
    /// The image's pixels.
    pixels: u64,
}

impl Packed {
    /// The local file `path` (the input `given`, known by `name`), read and measured.
    /// Anything over a job's budget could never travel inline: refused from its size,
    /// with the advice to pass a URL (and to publish an inline `module`), before it is
    /// read. A file whose header is not an image's is refused too.
    fn read(
        path: &Path,
        name: &str,
        given: &Input,
        module: &ModuleSource,
    ) -> Result<Packed, JobError> {
        let bytes = read_input(path, JOB_BUDGET as u64).map_err(|source| match source {
            crate::error::Error::FileTooLarge { size, .. } => {
                too_large(&given.to_string(), size as usize, module)
            }
            source => JobError::InputUnreadable {
                path: path.to_path_buf(),
                source: Box::new(source),
            },
        })?;
        let not_image = |source| JobError::NotAnImage {
            path: path.to_path_buf(),
            source,
        };
        let (w, h) = image::ImageReader::new(Cursor::new(&bytes))
            .with_guessed_format()
            .map_err(|e| not_image(image::ImageError::IoError(e)))?
            .into_dimensions()
            .map_err(not_image)?;
        let target = format!("/inputs/{name}");
        let source = at(&target, inline_source("application/octet-stream", &bytes));
        Ok(Packed {
            size: serialized_len(&source) + 1,
            source,
            given: given.to_string(),
            name: target,
            pixels: w as u64 * h as u64,
        })
    }
}

/// An input the node fetches.
struct Remote {
    /// The folder (or, for IPFS, the file) it lands in, which the module is given.
    target: String,
    /// Its source.
    source: InputSource,
    /// The input as given.
    given: String,
}

/// The remote inputs so far, and how many of each numbered kind.
#[derive(Default)]
struct RemoteInputs {
    /// The inputs, in order.
    list: Vec<Remote>,
    /// URLs so far.
    urls: usize,
    /// S3 inputs so far.
    buckets: usize,
}

impl RemoteInputs {
    /// Adds a remote `input`, each in a folder of its own, as `urlDownload` and `s3`
    /// sources treat `Target` as a folder: `/inputs/url-N` and `/inputs/s3-N` (numbered
    /// by kind from 1, the S3 source split by `s3_partition`); an IPFS file lands at
    /// `/inputs/CID`.
    fn push(&mut self, input: &Input, s3_partition: Option<Partition>) {
        let (target, source) = match input {
            Input::Url(url) => {
                self.urls += 1;
                let url = url.clone();
                (
                    format!("/inputs/url-{}", self.urls),
                    Source::UrlDownload { url },
                )
            }
            Input::S3 { bucket, key } => {
                self.buckets += 1;
                let source = Source::S3 {
                    bucket: bucket.clone(),
                    key: key.clone(),
                    partition: s3_partition,
                };
                (format!("/inputs/s3-{}", self.buckets), source)
            }
            Input::Ipfs(cid) => (format!("/inputs/{cid}"), Source::Ipfs { cid: cid.clone() }),
            Input::File(_) => unreachable!("local files travel inline"),
        };
        self.list.push(Remote {
            source: at(&target, source),
            target,
            given: input.to_string(),
        });
    }
}

/// Packs `inline` inputs greedily, in order, into groups whose jobs stay under
/// [`JOB_BUDGET`] above the `floor` every job takes; each input costs its source and its
/// name once more as a parameter. One that does not fit even alone is an error (with
/// advice for an inline `module`). There is always a first group, possibly empty.
fn pack(
    inline: Vec<Packed>,
    floor: usize,
    module: &ModuleSource,
) -> Result<Vec<Vec<Packed>>, JobError> {
    let mut groups: Vec<Vec<Packed>> = vec![Vec::new()];
    let mut used = floor;
    for item in inline {
        let cost = item.size + item.name.len() + 3;
        if floor + cost > JOB_BUDGET {
            return Err(too_large(&item.given, floor + cost, module));
        }
        if used + cost > JOB_BUDGET {
            groups.push(Vec::new());
            used = floor;
        }
        used += cost;
        groups.last_mut().unwrap().push(item);
    }
    Ok(groups)
}

/// The error for something that cannot travel inline in a job.
fn too_large(what: &str, size: usize, module: &ModuleSource) -> JobError {
    JobError::TooLargeInline {
        what: what.to_string(),
        size,
        inline_module: match module {
            ModuleSource::Inline(_) => Some(serialized_len(&module.source().0)),
            _ => None,
        },
    }
}

/// Expands local directories among the inputs into their image files as the command line
/// does (sorted by name, hidden files and the masks named in `options` left out); URLs
/// are kept as they are. `skipped` hears of each file left out, with the reason.
pub fn expand_local(
    args: &[String],
    options: &[String],
    skipped: &mut dyn FnMut(&Path, &str),
) -> Result<Vec<Input>, JobError> {
    let (_, masks) = extract_masks(options)?;
    let masks: Vec<PathBuf> = masks.into_iter().map(|(path, _)| path).collect();
    let mut out = Vec::new();
    for arg in args {
        match Input::parse(arg)? {
            Input::File(path) => {
                let mut reporter = SkipReporter(skipped);
                let (files, failed) =
                    crate::inputs::input_files(std::slice::from_ref(&path), &masks, &mut reporter);
                if let Some(failure) = failed.into_iter().next() {
                    return Err(JobError::Input(failure.to_string()));
                }
                out.extend(files.into_iter().map(Input::File));
            }
            input => out.push(input),
        }
    }
    Ok(out)
}

struct SkipReporter<'a>(&'a mut dyn FnMut(&Path, &str));

impl crate::report::Reporter for SkipReporter<'_> {
    fn skipped(&mut self, path: &Path, reason: &str) {
        (self.0)(path, reason)
    }
}

/// The error for a spec (or its data URL) that lacks what a generated one has.
fn bad_spec(problem: &str) -> JobError {
    JobError::Spec(problem.to_string())
}

/// Decodes a `data:` URL's bytes (base64 or plain).
pub fn decode_data_url(url: &str) -> Result<Vec<u8>, JobError> {
    let rest = url
        .strip_prefix("data:")
        .ok_or_else(|| bad_spec("not a data: URL"))?;
    let (meta, data) = rest
        .split_once(',')
        .ok_or_else(|| bad_spec("data: URL without a comma"))?;
    if meta.ends_with(";base64") {
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| bad_spec(&format!("bad base64 in data: URL: {e}")))
    } else {
        Ok(data.as_bytes().to_vec())
    }
}

/// The inline input files of a spec (images and masks, not the module nor the face
/// model), as (guest path, bytes). A remote source is an error naming it: only a node can
/// fetch it.
pub fn inline_inputs(spec: &Job) -> Result<Vec<(String, Vec<u8>)>, JobError> {
    let task = spec
        .tasks
        .first()
        .ok_or_else(|| bad_spec("spec has no Tasks"))?;
    let entry = task.engine.params.entry_module.as_str();
    let mut files = Vec::new();
    for s in &task.input_sources {
        let target = s.target.as_str();
        if target == entry || target == MODEL_FOLDER {
            continue;
        }
        let Source::Inline { url } = &s.source else {
            return Err(JobError::NotInline {
                target: target.to_string(),
                kind: s.source.kind().to_string(),
            });
        };
        files.push((target.to_string(), decode_data_url(url)?));
    }
    Ok(files)
}

/// The guest folders a spec's sources may fill.
pub const SOURCE_FOLDERS: &[&str] = &["/inputs", "/masks"];

/// The guest folders a spec's parameters may name (sources and the published results).
pub const PARAMETER_FOLDERS: &[&str] = &["/inputs", "/masks", "/outputs"];

/// Where a job's guest path lies under `root`, a local folder standing for the node's `/`.
///
/// A relative path is taken from `/`, the module's working folder on a node. The path
/// must lie strictly inside one of `allowed` (`/inputs`, …), judged from its text alone
/// (no `..`, no symbolic link followed), so whatever a spec says, the result is inside
/// `root`: a hostile spec cannot reach any other file.
pub fn confine(
    root: &Path,
    guest: &str,
    what: &'static str,
    allowed: &'static [&'static str],
) -> Result<PathBuf, JobError> {
    use std::path::Component;
    let escapes = |why| JobError::PathEscapes {
        what,
        path: guest.to_string(),
        why,
        allowed,
    };
    let mut parts = Vec::new();
    for component in Path::new(guest).components() {
        match component {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(part) => parts.push(part),
            Component::ParentDir => return Err(escapes("`..` is not allowed")),
            Component::Prefix(_) => return Err(escapes("not a guest path")),
        }
    }
    let top = parts.first().map(|p| format!("/{}", p.to_string_lossy()));
    if !top.is_some_and(|top| allowed.contains(&top.as_str())) {
        return Err(escapes("outside the job's folders"));
    }
    Ok(parts
        .iter()
        .fold(root.to_path_buf(), |path, part| path.join(part)))
}

/// The module `Parameters` of a spec.
pub fn parameters(spec: &Job) -> Result<Vec<String>, JobError> {
    spec.tasks
        .first()
        .map(|task| task.engine.params.parameters.clone())
        .ok_or_else(|| bad_spec("spec has no Tasks"))
}

/// Where `bacalhau job get` puts a result path: `DIR/outputs`.
pub fn outputs_dir(results: &Path) -> PathBuf {
    results.join("outputs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_inputs() {
        assert_eq!(
            Input::parse("a/b.png").unwrap(),
            Input::File("a/b.png".into())
        );
        assert_eq!(
            Input::parse("https://x.org/p/c.jpg?x=1")
                .unwrap()
                .file_name(),
            "c.jpg"
        );
        assert_eq!(
            Input::parse("s3://bucket/dir/d.png").unwrap(),
            Input::S3 {
                bucket: "bucket".into(),
                key: "dir/d.png".into()
            }
        );
        assert_eq!(
            Input::parse("ipfs://QmX").unwrap(),
            Input::Ipfs("QmX".into())
        );
        assert!(Input::parse("s3://bucket").is_err());
    }

    #[test]
    fn modules_travel_by_reference_only_as_wasm_files() {
        assert_eq!(
            ModuleSource::parse("https://x.org/m/seam-carver.wasm?v=2").unwrap(),
            ModuleSource::Url("https://x.org/m/seam-carver.wasm?v=2".into())
        );
        assert_eq!(
            ModuleSource::parse("s3://b/k/m.wasm").unwrap(),
            ModuleSource::S3 {
                bucket: "b".into(),
                key: "k/m.wasm".into()
            }
        );
        assert_eq!(
            ModuleSource::parse("ipfs://QmX").unwrap(),
            ModuleSource::Ipfs("QmX".into())
        );
        // The node's loader takes the one .wasm file of the folder it lands in.
        let err = ModuleSource::parse("https://x.org/download?id=3")
            .unwrap_err()
            .to_string();
        assert!(err.contains("must end in .wasm"), "{err}");
        assert!(ModuleSource::parse("s3://b/k/module").is_err());
        let err = ModuleSource::parse("/no/such/module.wasm")
            .unwrap_err()
            .to_string();
        assert!(err.contains("just build-wasi"), "{err}");
    }

    #[test]
    fn memory_is_read_as_go_humanize_reads_it() {
        assert_eq!(parse_memory("512Mb").unwrap(), 512_000_000);
        assert_eq!(parse_memory("512MiB").unwrap(), 512 << 20);
        assert_eq!(parse_memory("1 gib").unwrap(), 1 << 30);
        assert_eq!(parse_memory("1.5GB").unwrap(), 1_500_000_000);
        assert_eq!(parse_memory("100000000").unwrap(), 100_000_000);
        for bad in ["banana", "1KiB", "12", "5GiB", "1 parsec", "", "inf"] {
            assert!(
                matches!(parse_memory(bad), Err(JobError::Memory { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn memory_is_sized_from_pixels() {
        let (plain, two, guided) = (
            BYTES_PER_PIXEL,
            TWO_AXIS_BYTES_PER_PIXEL,
            GUIDED_BYTES_PER_PIXEL,
        );
        assert_eq!(memory_for(600 * 400, plain).unwrap(), "512MiB");
        assert_eq!(memory_for(8000 * 6000, plain).unwrap(), "1408MiB");
        assert_eq!(memory_for(16_000_000, plain).unwrap(), "512MiB");
        assert!(memory_for(20000 * 20000, plain).is_err());
        // Both axes: the transposed copy.
        assert_eq!(memory_for(16_000_000, two).unwrap(), "640MiB");
        // Masks or faces: the guided carve's keys.
        assert_eq!(memory_for(600 * 400, guided).unwrap(), "512MiB");
        assert_eq!(memory_for(16_000_000, guided).unwrap(), "832MiB");
        assert!(memory_for(90_000_000, guided).is_err() && memory_for(90_000_000, plain).is_ok());
        // Which budget the options ask for.
        let per = |options: &[&str], g| {
            bytes_per_pixel(
                &options.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
                g,
            )
        };
        assert_eq!(per(&["--width", "80%"], false), plain);
        let fill = |options: &[&str]| {
            fill_limit(&options.iter().map(|o| o.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(fill(&["--width", "800x800^"]), Some(16_000_000));
        assert_eq!(
            fill(&["--width=800x800^", "--max-pixels", "4000000"]),
            Some(4_000_000)
        );
        assert_eq!(fill(&["--width", "800x800>"]), None);
        assert_eq!(per(&["--width=80%", "--amount", "50"], false), plain);
        for two_axes in [
            &["--height", "90%"][..],
            &["--width", "800x600>"],
            &["--width=x300"],
            &["--aspect", "1:1"],
        ] {
            assert_eq!(per(two_axes, false), two, "{two_axes:?}");
            assert_eq!(per(two_axes, true), guided, "{two_axes:?}");
            let optimal = [two_axes, &["--order", "optimal"]].concat();
            assert_eq!(per(&optimal, true), OPTIMAL_ORDER_BYTES_PER_PIXEL);
            let interleaved = [two_axes, &["--order=interleaved"]].concat();
            assert_eq!(per(&interleaved, false), two, "{two_axes:?}");
        }
        // One axis: the order does not matter.
        assert_eq!(per(&["--width", "50%", "--order", "optimal"], false), plain);
    }

    #[test]
    fn guest_paths_are_confined_to_the_job_s_folders() {
        let root = Path::new("/tmp/root");
        let ok = |guest| confine(root, guest, "parameter", PARAMETER_FOLDERS).unwrap();
        assert_eq!(ok("/inputs/a.png"), root.join("inputs/a.png"));
        assert_eq!(ok("inputs"), root.join("inputs"));
        assert_eq!(ok("./outputs/"), root.join("outputs"));
        assert_eq!(ok("//masks/./m.png"), root.join("masks/m.png"));
        for bad in [
            "/../../../../home/user/precious.txt",
            "/inputs/../../etc/passwd",
            "/etc/passwd",
            "/",
            "",
            "/inputsx/a.png",
            "/app/seam-carver.wasm",
        ] {
            let err = confine(root, bad, "parameter", PARAMETER_FOLDERS).unwrap_err();
            assert!(matches!(err, JobError::PathEscapes { .. }), "{bad}: {err}");
        }
        assert!(
            confine(
                root,
                "/outputs/x.png",
                "input source Target",
                SOURCE_FOLDERS
            )
            .is_err()
        );
    }

    #[test]
    fn data_urls_round_trip() {
        let url = data_url("image/png", b"\x00\x01hello");
        assert_eq!(decode_data_url(&url).unwrap(), b"\x00\x01hello");
    }

    #[test]
    fn masks_travel_inline_under_masks() {
        let dir = tempfile::tempdir().unwrap();
        let mask = dir.path().join("cup.png");
        std::fs::write(&mask, b"mask bytes").unwrap();
        let m = mask.to_string_lossy().into_owned();
        let options: Vec<String> = ["--width", "50%", "--protect", &m, &format!("--remove={m}")]
            .map(String::from)
            .to_vec();
        let (rewritten, masks) = extract_masks(&options).unwrap();
        assert_eq!(
            rewritten,
            [
                "--width",
                "50%",
                "--protect",
                "/masks/cup.png",
                "--remove",
                "/masks/cup.png"
            ]
        );
        assert_eq!(
            masks,
            vec![(
                mask.clone(),
                ("cup.png".to_string(), b"mask bytes".to_vec())
            )]
        );
        let err = extract_masks(&["--remove".into(), "https://x.org/m.png".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("give a local file"), "{err}");
        let err = extract_masks(&["--protect".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("needs a mask file"), "{err}");
    }
}
