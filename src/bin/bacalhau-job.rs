//! `bacalhau-job`: writes Bacalhau job specs that run the seam-carver WASI module, and
//! checks what `bacalhau job get` brings back.
//!
//! ```text
//! bacalhau-job spec photos/ https://example.org/x.jpg -- --width 80%
//! bacalhau-job check results/JOB_ID
//! bacalhau-job verify results/JOB_ID --spec jobs/job-1.json
//! bacalhau-job local-spec --module seam-carver.wasm --inputs photos/ -- --width 80%
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use seam_carver_cli::batch::{Schedule, run};
use seam_carver_cli::cli::Args;
use seam_carver_cli::job::{self, JobError, JobRequest, ModuleSource};
use seam_carver_cli::output::{MANIFEST, Manifest, sha256_hex};
use seam_carver_cli::partition::{self, Partition};
use seam_carver_cli::report::Silent;

/// Bacalhau job specs for seam-carver, and checks of their results.
#[derive(Debug, Parser)]
#[command(name = "bacalhau-job", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// What `bacalhau-job spec` is asked for.
#[derive(Debug, clap::Args)]
struct SpecArgs {
    /// Images, directories of images, or URLs.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// The WASI module: a local file, sent inline (about 0.8 MB of a job's 1 MiB), or
    /// its published copy, https://…/NAME.wasm, s3://BUCKET/KEY.wasm or ipfs://CID,
    /// fetched by the node [default: $CARGO_TARGET_DIR/wasm32-wasip1/release/seam-carver.wasm]
    #[arg(long)]
    module: Option<String>,
    /// Directory for the specs (job-1.json, job-2.json, ...).
    #[arg(short, long, default_value = "jobs")]
    out_dir: PathBuf,
    /// Memory per job, as Bacalhau reads it (go-humanize: 1GiB is 2^30 bytes, 1Gb and 1GB
    /// are 10^9) [default: sized from the largest image, at least 512MiB]
    #[arg(long)]
    memory: Option<String>,
    /// Execution timeout in seconds (at least 1: Bacalhau reads 0 as its own default).
    #[arg(long, default_value_t = 1800, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Result publisher type.
    #[arg(long, default_value = "local")]
    publisher: String,
    /// Executions per job (Count), each carving its share of the inputs: with only
    /// s3:// inputs Bacalhau splits the objects; otherwise every execution gets all
    /// inputs and carves those whose name hashes to its partition.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(partition::MAX_COUNT)))]
    partitions: u32,
    /// seam-carver options, after `--`.
    #[arg(last = true)]
    options: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write job specs (JSON, which `bacalhau job run` reads as YAML) for INPUTs.
    ///
    /// Local files and directories travel inline; https://, s3://BUCKET/KEY (or a prefix
    /// ending in /) and ipfs://CID inputs are fetched by the node. Every job is kept under
    /// 1 MiB, the largest message a default cluster passes to a compute node: inline
    /// inputs are split across as many jobs as that takes. Arguments after `--` are
    /// passed to seam-carver.
    Spec(SpecArgs),
    /// Check a `bacalhau job get` directory: exitCode 0 and every file matching manifest.json.
    Check {
        /// The directory given to `bacalhau job get --output-dir`.
        dir: PathBuf,
    },
    /// Print a spec for a local run on tools/wazero-run, the module and the images
    /// mounted from local folders (Bacalhau's localDirectory sources): what
    /// tools/verify-engines.sh and the benches run. The module's arguments are the
    /// inputs folder, `-o /outputs`, then the options after `--`.
    LocalSpec {
        /// The WASI module file.
        #[arg(long)]
        module: PathBuf,
        /// The folder of images, mounted at /inputs.
        #[arg(long)]
        inputs: PathBuf,
        /// A folder mounted at /model (the face model, for --protect-faces).
        #[arg(long)]
        model: Option<PathBuf>,
        /// seam-carver options, after `--`.
        #[arg(last = true)]
        options: Vec<String>,
    },
    /// Re-run a job's carve natively and compare with its results, file by file.
    Verify {
        /// The directory given to `bacalhau job get --output-dir`.
        dir: PathBuf,
        /// The spec the job was submitted with.
        #[arg(long)]
        spec: PathBuf,
    },
}

/// Why a command failed, by kind; `main` prints it and maps its kind to the exit code.
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// The job library refused the request or a spec read back.
    #[error(transparent)]
    Job(#[from] JobError),
    /// The options given, or a spec's parameters, are not what a job can run.
    #[error(transparent)]
    Usage(#[from] Usage),
    /// A file, a folder or standard output could not be read or written.
    #[error(transparent)]
    Io(#[from] IoFailure),
    /// A job's results do not match its manifests, or a native carve.
    #[error(transparent)]
    Results(#[from] ResultsFailure),
}

/// Options, or a spec's parameters, that a job cannot run.
#[derive(Debug, thiserror::Error)]
enum Usage {
    /// seam-carver options its own parser refuses (its message).
    #[error("invalid seam-carver options: {0}")]
    Options(String),
    /// `-o` among the options.
    #[error(
        "invalid seam-carver options: -o {}: a job writes to /outputs, the folder a node publishes; leave -o out",
        .0.display()
    )]
    OutputGiven(PathBuf),
    /// An input among the options.
    #[error(
        "invalid seam-carver options: {}: inputs go before `--`, not among the options",
        .0.display()
    )]
    InputAmongOptions(PathBuf),
    /// A spec that is not UTF-8 text.
    #[error("{}: not a JSON spec: {source}", path.display())]
    SpecNotText {
        /// The spec's file.
        path: PathBuf,
        /// Why.
        source: std::string::FromUtf8Error,
    },
    /// A spec that is not a job's.
    #[error("{}: not a job spec: {source}", path.display())]
    SpecNotJob {
        /// The spec's file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// A spec whose parameters the module's parser refuses.
    #[error("the spec's parameters: {0}")]
    SpecParameters(clap::Error),
    /// A spec whose options (or masks) the module cannot use (its message).
    #[error("{0}")]
    SpecOptions(seam_carver_cli::error::RunError),
    /// A spec whose output folder is not the one a node publishes.
    #[error(
        "the spec's output folder {} is not /outputs, the folder a node publishes",
        .0.display()
    )]
    SpecOutputs(PathBuf),
}

/// A file, a folder or standard output that could not be read or written.
#[derive(Debug, thiserror::Error)]
enum IoFailure {
    /// Standard output (a closed pipe, a full disk).
    #[error("standard output: {0}")]
    Stdout(std::io::Error),
    /// A file or folder.
    #[error("{}: {source}", path.display())]
    Path {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An entry of a folder being listed.
    #[error("{0}")]
    Entry(std::io::Error),
    /// `local-spec`'s paths.
    #[error("cannot make the paths absolute: {0}")]
    Absolute(std::io::Error),
    /// `verify`'s work folder.
    #[error("cannot make a temporary folder: {0}")]
    TempDir(std::io::Error),
    /// Something to read that is not a regular file (a FIFO, a device, a link).
    #[error("{}: not a regular file; refusing to read it", .0.display())]
    NotRegular(PathBuf),
    /// A file larger than is read of it.
    #[error("{}: {size} bytes, over the {cap} bytes read of it", path.display())]
    OverCap {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The most read of it.
        cap: u64,
    },
    /// A file that grew past what is read of it while it was read.
    #[error("{}: longer than the {cap} bytes read of it", path.display())]
    LongerThanCap {
        /// The file.
        path: PathBuf,
        /// The most read of it.
        cap: u64,
    },
}

impl IoFailure {
    /// The error for an I/O failure at `path`, for `map_err`.
    fn at(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> IoFailure {
        let path = path.into();
        move |source| IoFailure::Path { path, source }
    }
}

/// A job's results that do not match its manifests, or a native carve.
#[derive(Debug, thiserror::Error)]
enum ResultsFailure {
    /// No `exitCode`: nothing was published.
    #[error(
        "{}: no results: nothing was published, so the execution failed on the node \
         (a trap, running out of memory, or the timeout); `bacalhau job describe ID` says why",
        .0.display()
    )]
    NothingPublished(PathBuf),
    /// An exit code other than 0.
    #[error("the job exited with {}; its stderr:\n{stderr}", exit_codes(code))]
    Exited {
        /// The `exitCode` file's text, trimmed.
        code: String,
        /// The job's stderr, printable.
        stderr: String,
    },
    /// A folder without manifests.
    #[error("{}: no manifest.json (nor manifest-I-of-N.json)", .0.display())]
    NoManifest(PathBuf),
    /// A manifest that cannot be read as one.
    #[error("{}: not a manifest: {source}", path.display())]
    NotManifest {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// Files that do not match the manifests of the folder `outputs`.
    #[error("{}:\n{}", outputs.display(), problems.join("\n"))]
    Mismatch {
        /// The results' folder.
        outputs: PathBuf,
        /// One line per file.
        problems: Vec<String>,
    },
    /// What is wrong with the results as a set, or how they differ from a native carve.
    #[error("{}", .0.join("\n"))]
    Problems(Vec<String>),
    /// The native carve failed.
    #[error("{0}")]
    Carve(seam_carver_cli::error::RunError),
}

/// An `exitCode` file's text as `check` reports it: `bacalhau job get` appends the exit
/// codes of several executions ("000"), which is said.
fn exit_codes(code: &str) -> String {
    if code.len() > 1 {
        format!(
            "{code} (the exit codes of {} executions, run together)",
            code.len()
        )
    } else {
        code.to_string()
    }
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Spec(args) => spec(args),
        Command::Check { dir } => check(&dir),
        Command::Verify { dir, spec } => verify(&dir, &spec),
        Command::LocalSpec {
            module,
            inputs,
            model,
            options,
        } => local_spec(&module, &inputs, model.as_deref(), options),
    };
    let code = match result {
        Ok(()) => 0,
        Err(failure) => {
            eprintln!("error: {}", printable(&failure.to_string()));
            // Every kind of failure exits with 1 (clap's own usage errors exit with 2).
            match failure {
                Failure::Job(_) | Failure::Usage(_) | Failure::Io(_) | Failure::Results(_) => 1,
            }
        }
    };
    std::process::exit(code);
}

/// Prints a line on standard output, or says why it cannot (a closed pipe, a full disk)
/// instead of panicking as `println!` does.
fn say(line: &str) -> Result<(), IoFailure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", printable(line))
        .and_then(|()| out.flush())
        .map_err(IoFailure::Stdout)
}

/// The module `just build-wasi` builds, under `CARGO_TARGET_DIR` when it is set.
fn default_module() -> String {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_string());
    format!("{target}/wasm32-wasip1/release/seam-carver.wasm")
}

/// `bacalhau-job local-spec`: prints a spec for a local run on tools/wazero-run.
fn local_spec(
    module: &Path,
    inputs: &Path,
    model: Option<&Path>,
    options: Vec<String>,
) -> Result<(), Failure> {
    let mut parameters = vec![
        "/inputs".to_string(),
        "-o".to_string(),
        "/outputs".to_string(),
    ];
    parameters.extend(options);
    let job = seam_carver_cli::spec::Job::local(module, inputs, model, parameters)
        .map_err(IoFailure::Absolute)?;
    let text = serde_json::to_string_pretty(&job).expect("specs serialise");
    Ok(say(&text)?)
}

/// `bacalhau-job spec`: writes the job specs and lists them.
fn spec(args: SpecArgs) -> Result<(), Failure> {
    let SpecArgs {
        inputs,
        module,
        out_dir,
        memory,
        timeout: timeout_secs,
        publisher,
        partitions,
        options,
    } = args;
    let module = module.unwrap_or_else(default_module);
    check_options(&options)?;
    let mut skipped = |path: &Path, reason: &str| {
        eprintln!("skipping {}: {reason}", path.display());
    };
    let request = JobRequest {
        module: ModuleSource::parse(&module)?,
        inputs: job::expand_local(&inputs, &options, &mut skipped)?,
        options,
        memory,
        timeout_secs,
        publisher,
        partitions,
    };
    let jobs = job::build_jobs(&request)?;
    let paths = write_specs(&out_dir, &jobs)?;
    list_specs(&paths, &jobs)
}

/// Checks seam-carver `options` with the module's own parser, as the node will pass them
/// (the inputs, then `-o /outputs`, then the options), so that a typo fails now rather
/// than on a node; an output folder or an input among them is named first.
/// `--face-model` names a URL for the node, not a file here: it is checked apart.
fn check_options(options: &[String]) -> Result<(), Failure> {
    let (checked, _) = job::face_model_url(options)?;
    let alone = std::iter::once("seam-carver".to_string()).chain(checked.iter().cloned());
    if let Ok(parsed) = Args::try_parse_from(alone) {
        if parsed.output_dir != Path::new("outputs") {
            return Err(Usage::OutputGiven(parsed.output_dir).into());
        }
        if let Some(extra) = parsed.inputs.first() {
            return Err(Usage::InputAmongOptions(extra.clone()).into());
        }
    }
    let mut probe = ["seam-carver", "/inputs/probe.png", "-o", "/outputs"]
        .map(String::from)
        .to_vec();
    probe.extend(checked);
    Args::try_parse_from(&probe)
        .map_err(|e| e.to_string())
        .and_then(|args| args.options().map(|_| ()))
        .map_err(Usage::Options)?;
    Ok(())
}

/// Writes `jobs` as `job-1.json`, `job-2.json`, … in `out_dir` (made when missing) and
/// returns their paths. Every spec is written before anything is printed: a closed or full
/// stdout can cost the listing, never a job file.
fn write_specs(out_dir: &Path, jobs: &[job::JobSpec]) -> Result<Vec<PathBuf>, IoFailure> {
    std::fs::create_dir_all(out_dir).map_err(IoFailure::at(out_dir))?;
    let mut paths = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let path = out_dir.join(format!("job-{}.json", i + 1));
        let text = serde_json::to_string_pretty(&job.spec).expect("specs serialise");
        std::fs::write(&path, text + "\n").map_err(IoFailure::at(&path))?;
        paths.push(path);
    }
    Ok(paths)
}

/// Lists the specs written: each path on standard output, and on standard error what it
/// carries (its inputs, memory and size).
fn list_specs(paths: &[PathBuf], jobs: &[job::JobSpec]) -> Result<(), Failure> {
    for (path, job) in paths.iter().zip(jobs) {
        say(&path.display().to_string())?;
        eprintln!(
            "{}: {} input(s): {}; memory {}; {} bytes",
            path.display(),
            job.inputs.len(),
            job.inputs.join(", "),
            job.spec.tasks[0]
                .resources
                .as_ref()
                .map_or("?", |r| r.memory.as_str()),
            job.size,
        );
    }
    Ok(())
}

/// The most `check` and `verify` read of one file of a job's results: more than a
/// wasm32 module can write.
const MAX_RESULT_FILE: u64 = 4 << 30;

/// The most read of a spec, an `exitCode` or a manifest: far more than a job may be.
const MAX_SMALL_FILE: u64 = 64 << 20;

/// Reads a file of a job's results (or a spec): only a regular file, not through a
/// symbolic link, and at most `cap` bytes, so that a FIFO, a device, a link to
/// `/dev/zero` or a huge file is one clear error instead of a hang or an exhausted memory.
fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, IoFailure> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path).map_err(IoFailure::at(path))?;
    if !meta.is_file() {
        return Err(IoFailure::NotRegular(path.to_path_buf()));
    }
    if meta.len() > cap {
        return Err(IoFailure::OverCap {
            path: path.to_path_buf(),
            size: meta.len(),
            cap,
        });
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(cap + 1).read_to_end(&mut bytes))
        .map_err(IoFailure::at(path))?;
    if bytes.len() as u64 > cap {
        return Err(IoFailure::LongerThanCap {
            path: path.to_path_buf(),
            cap,
        });
    }
    Ok(bytes)
}

/// `text` with every control character but newline and tab escaped (`\u{1b}`).
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Is this the name of a manifest: `manifest.json`, or a partition's?
fn is_manifest(name: &str) -> bool {
    name == MANIFEST || Partition::of_manifest(name).is_some()
}

/// The files listed by the manifests in `dir` (`manifest.json`, or one per partition of a
/// job whose executions' results were merged), and what is wrong with them as a set: a
/// partition that published nothing, a file listed by two executions.
fn read_manifests(dir: &Path) -> Result<(BTreeMap<String, String>, Vec<String>), Failure> {
    let mut files = BTreeMap::new();
    let mut problems = Vec::new();
    let mut shares: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    let entries = std::fs::read_dir(dir).map_err(IoFailure::at(dir))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_manifest(n))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(ResultsFailure::NoManifest(dir.to_path_buf()).into());
    }
    for name in &names {
        let path = dir.join(name);
        let bytes = read_capped(&path, MAX_SMALL_FILE)?;
        let manifest: Manifest = serde_json::from_slice(&bytes)
            .map_err(|source| ResultsFailure::NotManifest { path, source })?;
        if let Some(p) = Partition::of_manifest(name) {
            shares.entry(p.count).or_default().insert(p.index);
        }
        for (file, hash) in manifest.files {
            if files.insert(file.clone(), hash).is_some() {
                problems.push(format!(
                    "{file}: listed by two manifests (two executions wrote it)"
                ));
            }
        }
    }
    for (count, seen) in shares {
        for index in (0..count).filter(|i| !seen.contains(i)) {
            problems.push(format!(
                "partition {index}/{count}: no manifest-{index}-of-{count}.json, so that execution \
                 published nothing (it failed on the node: see `bacalhau job describe ID`)"
            ));
        }
    }
    Ok((files, problems))
}

/// `bacalhau-job check`: the exit code, then every file against the manifests.
fn check(dir: &Path) -> Result<(), Failure> {
    check_exit_code(dir)?;
    let outputs = job::outputs_dir(dir);
    let (manifest, mut problems) = read_manifests(&outputs)?;
    let mut present = BTreeSet::new();
    for entry in std::fs::read_dir(&outputs).map_err(IoFailure::at(&outputs))? {
        let entry = entry.map_err(IoFailure::Entry)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_manifest(&name) {
            continue;
        }
        let bytes = read_capped(&entry.path(), MAX_RESULT_FILE)?;
        match manifest.get(&name) {
            Some(hash) if *hash == sha256_hex(&bytes) => {}
            Some(_) => problems.push(format!("{name}: its SHA-256 does not match its manifest")),
            None => problems.push(format!("{name}: not listed in any manifest")),
        }
        present.insert(name);
    }
    for name in manifest.keys().filter(|n| !present.contains(*n)) {
        problems.push(format!("{name}: listed in a manifest but missing"));
    }
    if !problems.is_empty() {
        return Err(ResultsFailure::Mismatch { outputs, problems }.into());
    }
    say(&format!(
        "{}: exit code 0, {} files match their manifests",
        dir.display(),
        manifest.len()
    ))?;
    for name in manifest.keys().filter(|n| n.ends_with(".carved.png")) {
        say(&format!("  {}", outputs.join(name).display()))?;
    }
    Ok(())
}

/// Checks the `exitCode` of the results in `dir`: present (else nothing was published)
/// and only zeros (one per execution); otherwise the error shows the job's stderr.
fn check_exit_code(dir: &Path) -> Result<(), Failure> {
    let code_path = dir.join("exitCode");
    let code = match std::fs::symlink_metadata(&code_path) {
        Ok(_) => String::from_utf8_lossy(&read_capped(&code_path, MAX_SMALL_FILE)?).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ResultsFailure::NothingPublished(dir.to_path_buf()).into());
        }
        Err(source) => {
            let path = code_path;
            return Err(IoFailure::Path { path, source }.into());
        }
    };
    // The job's stderr as text a terminal shows safely: invalid UTF-8 replaced, and
    // control characters (ANSI escapes from a hostile file name) shown escaped.
    let stderr = read_capped(&dir.join("stderr"), MAX_SMALL_FILE)
        .map(|bytes| printable(&String::from_utf8_lossy(&bytes)))
        .unwrap_or_else(|e| format!("(no stderr: {e})"));
    // `bacalhau job get` appends the exit codes of several executions: "000".
    let code = code.trim();
    if code.is_empty() || code.chars().any(|c| c != '0') {
        let code = code.to_string();
        return Err(ResultsFailure::Exited { code, stderr }.into());
    }
    Ok(())
}

/// `bacalhau-job verify`: the spec's carve re-run natively, its files compared with the
/// job's.
fn verify(dir: &Path, spec_path: &Path) -> Result<(), Failure> {
    let spec = read_spec(spec_path)?;
    let temp = tempfile::tempdir().map_err(IoFailure::TempDir)?;
    let work = temp.path();
    unpack_inputs(work, &spec)?;
    let args = local_args(work, &spec)?;
    // With the masks read from their local copies, as the job read them.
    let options = args.load_options().map_err(Usage::SpecOptions)?;
    run(
        &args.inputs(),
        &args.output_dir,
        &options,
        Schedule::default(),
        &mut Silent,
    )
    .map_err(ResultsFailure::Carve)?;
    let (ours, _) = read_manifests(&args.output_dir)?;
    let (theirs, problems) = read_manifests(&job::outputs_dir(dir))?;
    if !problems.is_empty() {
        return Err(ResultsFailure::Problems(problems).into());
    }
    let problems = differences(&ours, &theirs);
    if !problems.is_empty() {
        return Err(ResultsFailure::Problems(problems).into());
    }
    Ok(say(&format!(
        "{}: all {} files identical to a native carve",
        dir.display(),
        ours.len()
    ))?)
}

/// Reads a job spec from `path`.
fn read_spec(path: &Path) -> Result<seam_carver_cli::spec::Job, Failure> {
    let text = String::from_utf8(read_capped(path, MAX_SMALL_FILE)?).map_err(|source| {
        Usage::SpecNotText {
            path: path.to_path_buf(),
            source,
        }
    })?;
    let spec = serde_json::from_str(&text).map_err(|source| Usage::SpecNotJob {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(spec)
}

/// Writes the spec's inline files at their guest paths, each strictly inside `work` (a
/// spec is someone else's text: a Target with `..` or outside /inputs and /masks is
/// refused).
fn unpack_inputs(work: &Path, spec: &seam_carver_cli::spec::Job) -> Result<(), Failure> {
    for (target, bytes) in job::inline_inputs(spec)? {
        let path = job::confine(work, &target, "input source Target", job::SOURCE_FOLDERS)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(IoFailure::at(&target))?;
        }
        std::fs::write(&path, bytes).map_err(IoFailure::at(&target))?;
    }
    Ok(())
}

/// The spec's parameters, read by the module's own parser as the node passes them, with
/// every path they name (inputs, masks, the output folder, relative ones from the node's
/// `/`) mapped onto the copies under `work`, and refused if it leaves the job's folders;
/// the output folder must be `/outputs`, the folder a node publishes.
fn local_args(work: &Path, spec: &seam_carver_cli::spec::Job) -> Result<Args, Failure> {
    let parameters = job::parameters(spec)?;
    let argv = std::iter::once("seam-carver".to_string()).chain(parameters);
    let mut args = Args::try_parse_from(argv).map_err(Usage::SpecParameters)?;
    let local = |guest: &Path| {
        let guest = guest.to_string_lossy();
        job::confine(work, &guest, "parameter", job::PARAMETER_FOLDERS)
    };
    args.inputs = args
        .inputs()
        .iter()
        .map(|p| local(p))
        .collect::<Result<_, _>>()?;
    for mask in [&mut args.protect, &mut args.remove].into_iter().flatten() {
        *mask = local(mask)?;
    }
    // The job's face model, fetched by the node, passed the module's digest check or the
    // job failed: the built-in model is the same bytes.
    args.face_model = None;
    let outputs = work.join("outputs");
    if local(&args.output_dir)? != outputs {
        return Err(Usage::SpecOutputs(args.output_dir).into());
    }
    args.output_dir = outputs;
    Ok(args)
}

/// How the native carve's files (`ours`) and the job's (`theirs`) differ, file by file
/// in name order, each by its SHA-256.
fn differences(ours: &BTreeMap<String, String>, theirs: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for name in ours.keys().chain(theirs.keys()).collect::<BTreeSet<_>>() {
        match (ours.get(name), theirs.get(name)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(_), Some(_)) => problems.push(format!("{name}: differs from the native carve")),
            (Some(_), None) => problems.push(format!("{name}: missing from the job's results")),
            (None, _) => problems.push(format!("{name}: not written by the native carve")),
        }
    }
    problems
}
