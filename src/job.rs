//! Bacalhau job specs (v1.7+ format) that run the WASI module on a set of inputs.
//!
//! The module and local inputs travel inline as `data:` URLs; inputs given as
//! `https://`, `s3://` or `ipfs://` become `urlDownload`, `s3` and `ipfs` sources. Inline
//! inputs are packed into as many jobs as the inline cap requires. Each input is mounted
//! as a file under `/inputs`; the result path `outputs` is mounted at `/outputs`; the
//! carving options become the module's `Parameters`.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Value, json};

/// Bacalhau's cap on inline data in one job (10 MB).
pub const INLINE_CAP: usize = 10_000_000;

/// Bytes of linear memory budgeted per input pixel: the decoded image, the carver's
/// pixel, energy and cost buffers, and one rendered artifact with its PNG encoding at a
/// time (a 16 MP noise image, the worst case measured, peaks under 512 MiB).
pub const BYTES_PER_PIXEL: u64 = 28;

/// Fixed memory for the module itself, its stack and allocator slack.
pub const BASE_MEMORY: u64 = 64 << 20;

/// Most linear memory a wasm32 module can address.
pub const MAX_MEMORY: u64 = 4 << 30;

/// One input of a job.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A local file, sent inline.
    File(PathBuf),
    /// An `https://` or `http://` URL, downloaded by the node.
    Url(String),
    /// `s3://bucket/key`.
    S3 { bucket: String, key: String },
    /// `ipfs://CID`.
    Ipfs(String),
}

impl Input {
    /// Classifies a command-line argument.
    pub fn parse(arg: &str) -> Result<Input, String> {
        if arg.starts_with("https://") || arg.starts_with("http://") {
            return Ok(Input::Url(arg.to_string()));
        }
        if let Some(rest) = arg.strip_prefix("s3://") {
            let (bucket, key) = rest
                .split_once('/')
                .filter(|(b, k)| !b.is_empty() && !k.is_empty())
                .ok_or_else(|| format!("{arg}: an S3 input needs s3://BUCKET/KEY"))?;
            return Ok(Input::S3 {
                bucket: bucket.into(),
                key: key.into(),
            });
        }
        if let Some(cid) = arg.strip_prefix("ipfs://") {
            if cid.is_empty() || cid.contains('/') {
                return Err(format!(
                    "{arg}: an IPFS input needs ipfs://CID of a single file"
                ));
            }
            return Ok(Input::Ipfs(cid.into()));
        }
        Ok(Input::File(PathBuf::from(arg)))
    }

    /// The file name it gets under `/inputs`.
    pub fn file_name(&self) -> String {
        let last = |s: &str| s.rsplit('/').next().unwrap_or(s).to_string();
        match self {
            Input::File(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Input::Url(u) => last(u.split(['?', '#']).next().unwrap_or(u)),
            Input::S3 { key, .. } => last(key),
            Input::Ipfs(cid) => cid.clone(),
        }
    }
}

/// What a set of job specs should do.
#[derive(Clone, Debug)]
pub struct JobRequest {
    /// The WASI module's bytes.
    pub module: Vec<u8>,
    /// Inputs, in order.
    pub inputs: Vec<Input>,
    /// Carving options passed to the module after the inputs (e.g. `--width 80%`).
    pub options: Vec<String>,
    /// Memory for each job; `None` sizes it from the largest local image.
    pub memory: Option<String>,
    /// Execution timeout in seconds.
    pub timeout_secs: u64,
    /// Publisher type (`local`, `ipfs`, ...).
    pub publisher: String,
}

/// A generated job spec with the inputs it carries.
#[derive(Clone, Debug)]
pub struct JobSpec {
    /// The spec, ready to write as JSON (which `bacalhau job run` accepts as YAML).
    pub spec: Value,
    /// File names under `/inputs`, in order.
    pub inputs: Vec<String>,
}

/// A data URL carrying `bytes`.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn inline_len(bytes: usize) -> usize {
    // data:application/octet-stream;base64, + base64 text
    40 + bytes.div_ceil(3) * 4
}

/// Memory for a job whose largest image has `pixels` pixels, as a Bacalhau size string.
pub fn memory_for(pixels: u64) -> Result<String, String> {
    let need = BASE_MEMORY + pixels * BYTES_PER_PIXEL;
    if need > MAX_MEMORY {
        return Err(format!(
            "an image of {pixels} pixels needs about {} MiB, over the 4 GiB a wasm32 module can address",
            need >> 20
        ));
    }
    // Round up to 64 MiB, at least Bacalhau's default of 512 MiB.
    let mib = need.div_ceil(64 << 20) * 64;
    Ok(format!("{}Mb", mib.max(512)))
}

/// A file's name and bytes.
pub type NamedFile = (String, Vec<u8>);

/// Options that name a mask file: it travels inline with every job, at `/masks/NAME`.
pub const MASK_OPTIONS: [&str; 2] = ["--protect", "--remove"];

/// The options with every mask file (`--protect FILE`, `--remove=FILE`) read and its
/// path replaced by `/masks/NAME`; returns the new options and the masks' names and bytes.
pub fn extract_masks(options: &[String]) -> Result<(Vec<String>, Vec<NamedFile>), String> {
    let mut out = Vec::new();
    let mut masks: Vec<NamedFile> = Vec::new();
    let mut args = options.iter();
    while let Some(arg) = args.next() {
        let (flag, path) = match arg.split_once('=') {
            Some((flag, path)) if MASK_OPTIONS.contains(&flag) => (flag, path.to_string()),
            _ if MASK_OPTIONS.contains(&arg.as_str()) => match args.next() {
                Some(path) => (arg.as_str(), path.clone()),
                None => return Err(format!("{arg} needs a mask file")),
            },
            _ => {
                out.push(arg.clone());
                continue;
            }
        };
        if matches!(
            Input::parse(&path)?,
            Input::Url(_) | Input::S3 { .. } | Input::Ipfs(_)
        ) {
            return Err(format!(
                "{flag} {path}: masks travel inline with the job; give a local file"
            ));
        }
        let bytes =
            std::fs::read(&path).map_err(|e| format!("{flag} {path}: cannot read mask: {e}"))?;
        let name = Input::File(PathBuf::from(&path)).file_name();
        if masks.iter().any(|(n, b)| n == &name && b != &bytes) {
            return Err(format!("{flag} {path}: another mask is also named {name}"));
        }
        if !masks.iter().any(|(n, _)| n == &name) {
            masks.push((name.clone(), bytes));
        }
        out.extend([flag.to_string(), format!("/masks/{name}")]);
    }
    Ok((out, masks))
}

/// Builds one or more job specs for `request`, splitting inline inputs across jobs so
/// that none exceeds [`INLINE_CAP`]. Local inputs are read and checked here: a missing
/// file, an undecodable header or a file too large to inline is an error naming it.
pub fn build_jobs(request: &JobRequest) -> Result<Vec<JobSpec>, String> {
    if request.inputs.is_empty() {
        return Err("no inputs given".to_string());
    }
    let (options, masks) = extract_masks(&request.options)?;
    // Every job carries the module and the masks.
    let module_len = inline_len(request.module.len())
        + masks
            .iter()
            .map(|(_, b)| inline_len(b.len()))
            .sum::<usize>();
    if module_len > INLINE_CAP {
        return Err(format!(
            "the module ({} bytes) and masks are too large to send inline",
            request.module.len()
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut inline: Vec<(String, Vec<u8>, u64)> = Vec::new();
    let mut remote: Vec<(String, Value)> = Vec::new();
    for input in &request.inputs {
        let name = input.file_name();
        if name.is_empty() || !seen.insert(name.clone()) {
            return Err(format!(
                "{}: two inputs would both be /inputs/{name}",
                describe(input)
            ));
        }
        match input {
            Input::File(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
                let (w, h) = image::ImageReader::new(Cursor::new(&bytes))
                    .with_guessed_format()
                    .map_err(|e| format!("{}: {e}", path.display()))?
                    .into_dimensions()
                    .map_err(|e| format!("{}: not a readable image: {e}", path.display()))?;
                if module_len + inline_len(bytes.len()) > INLINE_CAP {
                    return Err(format!(
                        "{}: {} bytes is too large to send inline (Bacalhau caps inline data at 10 MB per job); \
                         upload it and pass its URL instead: https://..., s3://BUCKET/KEY or ipfs://CID",
                        path.display(),
                        bytes.len()
                    ));
                }
                inline.push((name, bytes, w as u64 * h as u64));
            }
            Input::Url(url) => {
                remote.push((name, json!({"Type": "urlDownload", "Params": {"URL": url}})))
            }
            Input::S3 { bucket, key } => remote.push((
                name,
                json!({"Type": "s3", "Params": {"Bucket": bucket, "Key": key}}),
            )),
            Input::Ipfs(cid) => {
                remote.push((name, json!({"Type": "ipfs", "Params": {"CID": cid}})))
            }
        }
    }

    // Pack inline inputs greedily, in order, into jobs under the cap.
    let mut groups: Vec<Vec<(String, Vec<u8>, u64)>> = vec![Vec::new()];
    let mut used = module_len;
    for item in inline {
        let len = inline_len(item.1.len());
        if used + len > INLINE_CAP && !groups.last().unwrap().is_empty() {
            groups.push(Vec::new());
            used = module_len;
        }
        used += len;
        groups.last_mut().unwrap().push(item);
    }

    let module_url = data_url("application/wasm", &request.module);
    let count = groups.len();
    let mut jobs = Vec::new();
    for (i, group) in groups.into_iter().enumerate() {
        let mut sources: Vec<Value> = masks
            .iter()
            .map(|(name, bytes)| {
                json!({
                    "Target": format!("/masks/{name}"),
                    "Source": {"Type": "inline", "Params": {"URL": data_url("application/octet-stream", bytes)}}
                })
            })
            .collect();
        let mut names = Vec::new();
        let mut largest = 0u64;
        for (name, bytes, pixels) in &group {
            sources.push(json!({
                "Target": format!("/inputs/{name}"),
                "Source": {"Type": "inline", "Params": {"URL": data_url("application/octet-stream", bytes)}}
            }));
            names.push(name.clone());
            largest = largest.max(*pixels);
        }
        if i == 0 {
            for (name, source) in &remote {
                sources.push(json!({"Target": format!("/inputs/{name}"), "Source": source}));
                names.push(name.clone());
            }
        }
        if names.is_empty() {
            continue;
        }
        let memory = match &request.memory {
            Some(m) => m.clone(),
            None if i == 0 && !remote.is_empty() => "2048Mb".to_string(),
            None => memory_for(largest)?,
        };
        let mut parameters: Vec<String> = names.iter().map(|n| format!("/inputs/{n}")).collect();
        parameters.extend(["-o".to_string(), "/outputs".to_string()]);
        parameters.extend(options.iter().cloned());
        let name = if count == 1 {
            "seam-carver".to_string()
        } else {
            format!("seam-carver-{}-of-{count}", i + 1)
        };
        let spec = json!({
            "Name": name,
            "Type": "batch",
            "Count": 1,
            "Labels": {"app": "seam-carver"},
            "Tasks": [{
                "Name": "carve",
                "Engine": {
                    "Type": "wasm",
                    "Params": {
                        "EntryModule": {"Source": {"Type": "inline", "Params": {"URL": module_url}}},
                        "Entrypoint": "_start",
                        "Parameters": parameters,
                    }
                },
                "InputSources": sources,
                "ResultPaths": [{"Name": "outputs", "Path": "/outputs"}],
                "Publisher": {"Type": request.publisher},
                "Resources": {"CPU": "1", "Memory": memory},
                "Timeouts": {"ExecutionTimeout": request.timeout_secs},
            }]
        });
        jobs.push(JobSpec {
            spec,
            inputs: names,
        });
    }
    Ok(jobs)
}

fn describe(input: &Input) -> String {
    match input {
        Input::File(p) => p.display().to_string(),
        Input::Url(u) => u.clone(),
        Input::S3 { bucket, key } => format!("s3://{bucket}/{key}"),
        Input::Ipfs(cid) => format!("ipfs://{cid}"),
    }
}

/// Expands local directories among the inputs into their image files (sorted).
pub fn expand_local(args: &[String]) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for arg in args {
        let input = Input::parse(arg)?;
        match &input {
            Input::File(path) if path.is_dir() => {
                let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                    .map_err(|e| format!("{}: cannot list: {e}", path.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| crate::batch::has_image_extension(p))
                    .collect();
                files.sort();
                out.extend(files.into_iter().map(Input::File));
            }
            _ => out.push(input),
        }
    }
    Ok(out)
}

/// Decodes a `data:` URL's bytes (base64 or plain).
pub fn decode_data_url(url: &str) -> Result<Vec<u8>, String> {
    let rest = url.strip_prefix("data:").ok_or("not a data: URL")?;
    let (meta, data) = rest.split_once(',').ok_or("data: URL without a comma")?;
    if meta.ends_with(";base64") {
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| format!("bad base64 in data: URL: {e}"))
    } else {
        Ok(data.as_bytes().to_vec())
    }
}

/// The inline inputs of a spec, as (file name under `/inputs`, bytes).
pub fn inline_inputs(spec: &Value) -> Result<Vec<(String, Vec<u8>)>, String> {
    let sources = spec["Tasks"][0]["InputSources"]
        .as_array()
        .ok_or("spec has no Tasks[0].InputSources")?;
    sources
        .iter()
        .map(|s| {
            let target = s["Target"].as_str().ok_or("input source without Target")?;
            let name = target
                .strip_prefix("/inputs/")
                .ok_or_else(|| format!("{target} is not under /inputs"))?;
            if s["Source"]["Type"] != "inline" {
                return Err(format!(
                    "{target}: only inline sources can be re-run locally"
                ));
            }
            let url = s["Source"]["Params"]["URL"]
                .as_str()
                .ok_or("inline source without URL")?;
            Ok((name.to_string(), decode_data_url(url)?))
        })
        .collect()
}

/// The module `Parameters` of a spec.
pub fn parameters(spec: &Value) -> Result<Vec<String>, String> {
    spec["Tasks"][0]["Engine"]["Params"]["Parameters"]
        .as_array()
        .ok_or("spec has no Engine.Params.Parameters")?
        .iter()
        .map(|p| {
            p.as_str()
                .map(String::from)
                .ok_or_else(|| "a parameter is not a string".to_string())
        })
        .collect()
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
    fn memory_is_sized_from_pixels() {
        assert_eq!(memory_for(600 * 400).unwrap(), "512Mb");
        assert_eq!(memory_for(8000 * 6000).unwrap(), "1408Mb");
        assert_eq!(memory_for(16_000_000).unwrap(), "512Mb");
        assert!(memory_for(20000 * 20000).is_err());
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
        assert_eq!(masks, vec![("cup.png".to_string(), b"mask bytes".to_vec())]);
        let err = extract_masks(&["--remove".into(), "https://x.org/m.png".into()]).unwrap_err();
        assert!(err.contains("give a local file"), "{err}");
        let err = extract_masks(&["--protect".into()]).unwrap_err();
        assert!(err.contains("needs a mask file"), "{err}");
    }
}
