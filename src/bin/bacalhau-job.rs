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
use seam_carver_cli::job::{self, JobRequest, ModuleSource};
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
    match result {
        Ok(()) => std::process::exit(0),
        Err(message) => {
            eprintln!("error: {}", printable(&message));
            std::process::exit(1);
        }
    }
}

/// Prints a line on standard output, or says why it cannot (a closed pipe, a full disk)
/// instead of panicking as `println!` does.
fn say(line: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", printable(line))
        .and_then(|()| out.flush())
        .map_err(|e| format!("standard output: {e}"))
}

/// The module `just build-wasi` builds, under `CARGO_TARGET_DIR` when it is set.
fn default_module() -> String {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_string());
    format!("{target}/wasm32-wasip1/release/seam-carver.wasm")
}

fn local_spec(
    module: &Path,
    inputs: &Path,
    model: Option<&Path>,
    options: Vec<String>,
) -> Result<(), String> {
    let mut parameters = vec![
        "/inputs".to_string(),
        "-o".to_string(),
        "/outputs".to_string(),
    ];
    parameters.extend(options);
    let job = seam_carver_cli::spec::Job::local(module, inputs, model, parameters)
        .map_err(|e| format!("cannot make the paths absolute: {e}"))?;
    let text = serde_json::to_string_pretty(&job).expect("specs serialise");
    say(&text)
}

fn spec(args: SpecArgs) -> Result<(), String> {
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
    // Options are checked here by the module's own parser, as the node will pass them
    // (the inputs, then `-o /outputs`, then the options), so that a typo fails now rather
    // than on a node; an output folder or an input among them is named first.
    let invalid = |e: String| format!("invalid seam-carver options: {e}");
    // `--face-model` names a URL for the node, not a file here: checked apart.
    let (checked, _) = job::face_model_url(&options).map_err(|e| e.to_string())?;
    let alone = std::iter::once("seam-carver".to_string()).chain(checked.iter().cloned());
    if let Ok(parsed) = Args::try_parse_from(alone) {
        if parsed.output_dir != Path::new("outputs") {
            return Err(invalid(format!(
                "-o {}: a job writes to /outputs, the folder a node publishes; leave -o out",
                parsed.output_dir.display()
            )));
        }
        if let Some(extra) = parsed.inputs.first() {
            return Err(invalid(format!(
                "{}: inputs go before `--`, not among the options",
                extra.display()
            )));
        }
    }
    let mut probe = ["seam-carver", "/inputs/probe.png", "-o", "/outputs"]
        .map(String::from)
        .to_vec();
    probe.extend(checked);
    Args::try_parse_from(&probe)
        .map_err(|e| e.to_string())
        .and_then(|args| args.options().map(|_| ()))
        .map_err(invalid)?;
    let mut skipped = |path: &Path, reason: &str| {
        eprintln!("skipping {}: {reason}", path.display());
    };
    let request = JobRequest {
        module: ModuleSource::parse(&module).map_err(|e| e.to_string())?,
        inputs: job::expand_local(&inputs, &options, &mut skipped).map_err(|e| e.to_string())?,
        options,
        memory,
        timeout_secs,
        publisher,
        partitions,
    };
    let jobs = job::build_jobs(&request).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    // Every spec is written before anything is printed: a closed or full stdout can cost
    // the listing, never a job file.
    let mut paths = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let path = out_dir.join(format!("job-{}.json", i + 1));
        let text = serde_json::to_string_pretty(&job.spec).expect("specs serialise");
        std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        paths.push(path);
    }
    for (path, job) in paths.iter().zip(&jobs) {
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
fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let name = path.display();
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("{name}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{name}: not a regular file; refusing to read it"));
    }
    if meta.len() > cap {
        return Err(format!(
            "{name}: {} bytes, over the {cap} bytes read of it",
            meta.len()
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(cap + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("{name}: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(format!("{name}: longer than the {cap} bytes read of it"));
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
fn read_manifests(dir: &Path) -> Result<(BTreeMap<String, String>, Vec<String>), String> {
    let mut files = BTreeMap::new();
    let mut problems = Vec::new();
    let mut shares: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_manifest(n))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!(
            "{}: no manifest.json (nor manifest-I-of-N.json)",
            dir.display()
        ));
    }
    for name in &names {
        let path = dir.join(name);
        let bytes = read_capped(&path, MAX_SMALL_FILE)?;
        let manifest: Manifest = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{}: not a manifest: {e}", path.display()))?;
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

fn check(dir: &Path) -> Result<(), String> {
    let code_path = dir.join("exitCode");
    let code = match std::fs::symlink_metadata(&code_path) {
        Ok(_) => String::from_utf8_lossy(&read_capped(&code_path, MAX_SMALL_FILE)?).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{}: no results: nothing was published, so the execution failed on the node \
                 (a trap, running out of memory, or the timeout); `bacalhau job describe ID` says why",
                dir.display()
            ));
        }
        Err(e) => return Err(format!("{}: {e}", code_path.display())),
    };
    // The job's stderr as text a terminal shows safely: invalid UTF-8 replaced, and
    // control characters (ANSI escapes from a hostile file name) shown escaped.
    let stderr = read_capped(&dir.join("stderr"), MAX_SMALL_FILE)
        .map(|bytes| printable(&String::from_utf8_lossy(&bytes)))
        .unwrap_or_else(|e| format!("(no stderr: {e})"));
    // `bacalhau job get` appends the exit codes of several executions: "000".
    let code = code.trim();
    if code.is_empty() || code.chars().any(|c| c != '0') {
        let code = if code.len() > 1 {
            format!(
                "{code} (the exit codes of {} executions, run together)",
                code.len()
            )
        } else {
            code.to_string()
        };
        return Err(format!("the job exited with {code}; its stderr:\n{stderr}"));
    }
    let outputs = job::outputs_dir(dir);
    let (manifest, mut problems) = read_manifests(&outputs)?;
    let mut present = BTreeSet::new();
    for entry in std::fs::read_dir(&outputs).map_err(|e| format!("{}: {e}", outputs.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
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
        return Err(format!("{}:\n{}", outputs.display(), problems.join("\n")));
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

fn verify(dir: &Path, spec_path: &Path) -> Result<(), String> {
    let text = String::from_utf8(read_capped(spec_path, MAX_SMALL_FILE)?)
        .map_err(|e| format!("{}: not a JSON spec: {e}", spec_path.display()))?;
    let spec: seam_carver_cli::spec::Job = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a job spec: {e}", spec_path.display()))?;
    let work = tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let work = work.path();
    // The job's files at their guest paths, each strictly inside `work` (a spec is someone
    // else's text: a Target with `..` or outside /inputs and /masks is refused).
    let sources = job::inline_inputs(&spec).map_err(|e| e.to_string())?;
    for (target, bytes) in sources {
        let path = job::confine(work, &target, "input source Target", job::SOURCE_FOLDERS)
            .map_err(|e| e.to_string())?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{target}: {e}"))?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("{target}: {e}"))?;
    }
    // The module's own parser reads the parameters as the node passes them; every path
    // they name (inputs, masks, the output folder, relative ones from the node's `/`) is
    // then mapped onto the copies under `work`, and refused if it leaves the job's folders.
    let parameters = job::parameters(&spec).map_err(|e| e.to_string())?;
    let argv = std::iter::once("seam-carver".to_string()).chain(parameters);
    let mut args = Args::try_parse_from(argv).map_err(|e| format!("the spec's parameters: {e}"))?;
    let local = |guest: &Path| {
        job::confine(
            work,
            &guest.to_string_lossy(),
            "parameter",
            job::PARAMETER_FOLDERS,
        )
        .map_err(|e| e.to_string())
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
        return Err(format!(
            "the spec's output folder {} is not /outputs, the folder a node publishes",
            args.output_dir.display()
        ));
    }
    args.output_dir = outputs.clone();
    // With the masks read from their local copies, as the job read them.
    let options = args.load_options().map_err(|e| e.to_string())?;
    run(
        &args.inputs(),
        &args.output_dir,
        &options,
        Schedule::default(),
        &mut Silent,
    )
    .map_err(|e| e.to_string())?;
    let (ours, _) = read_manifests(&outputs)?;
    let (theirs, problems) = read_manifests(&job::outputs_dir(dir))?;
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let mut problems = Vec::new();
    for name in ours.keys().chain(theirs.keys()).collect::<BTreeSet<_>>() {
        match (ours.get(name), theirs.get(name)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(_), Some(_)) => problems.push(format!("{name}: differs from the native carve")),
            (Some(_), None) => problems.push(format!("{name}: missing from the job's results")),
            (None, _) => problems.push(format!("{name}: not written by the native carve")),
        }
    }
    if problems.is_empty() {
        say(&format!(
            "{}: all {} files identical to a native carve",
            dir.display(),
            ours.len()
        ))
    } else {
        Err(problems.join("\n"))
    }
}
