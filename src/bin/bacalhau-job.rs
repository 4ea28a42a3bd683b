//! `bacalhau-job`: writes Bacalhau job specs that run the seam-carver WASI module, and
//! checks what `bacalhau job get` brings back.
//!
//! ```text
//! bacalhau-job spec photos/ https://example.org/x.jpg -- --width 80%
//! bacalhau-job check results/JOB_ID
//! bacalhau-job verify results/JOB_ID --spec jobs/job-1.json
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use seam_carver::batch::{Schedule, Silent, run};
use seam_carver::cli::Args;
use seam_carver::job::{self, JobRequest, ModuleSource};
use seam_carver::output::{Manifest, sha256_hex};

/// Bacalhau job specs for seam-carver, and checks of their results.
#[derive(Debug, Parser)]
#[command(name = "bacalhau-job", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
    Spec {
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
        /// Memory per job, e.g. 1Gb (default: sized from the largest image, at least 512Mb).
        #[arg(long)]
        memory: Option<String>,
        /// Execution timeout in seconds.
        #[arg(long, default_value_t = 1800)]
        timeout: u64,
        /// Result publisher type.
        #[arg(long, default_value = "local")]
        publisher: String,
        /// seam-carver options, after `--`.
        #[arg(last = true)]
        options: Vec<String>,
    },
    /// Check a `bacalhau job get` directory: exitCode 0 and every file matching manifest.json.
    Check {
        /// The directory given to `bacalhau job get --output-dir`.
        dir: PathBuf,
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
        Command::Spec {
            inputs,
            module,
            out_dir,
            memory,
            timeout,
            publisher,
            options,
        } => spec(
            &inputs,
            &module.unwrap_or_else(default_module),
            &out_dir,
            memory,
            timeout,
            publisher,
            options,
        ),
        Command::Check { dir } => check(&dir),
        Command::Verify { dir, spec } => verify(&dir, &spec),
    };
    match result {
        Ok(()) => std::process::exit(0),
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(1);
        }
    }
}

/// The module `just build-wasi` builds, under `CARGO_TARGET_DIR` when it is set.
fn default_module() -> String {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_string());
    format!("{target}/wasm32-wasip1/release/seam-carver.wasm")
}

fn spec(
    inputs: &[String],
    module: &str,
    out_dir: &Path,
    memory: Option<String>,
    timeout_secs: u64,
    publisher: String,
    options: Vec<String>,
) -> Result<(), String> {
    // Options are checked here, so that a typo fails now rather than on a node.
    let mut probe = vec!["seam-carver".to_string()];
    probe.extend(options.iter().cloned());
    Args::try_parse_from(&probe)
        .map_err(|e| e.to_string())
        .and_then(|args| args.options().map(|_| ()))
        .map_err(|e| format!("invalid seam-carver options: {e}"))?;
    let mut skipped = |path: &Path, reason: &str| {
        eprintln!("skipping {}: {reason}", path.display());
    };
    let request = JobRequest {
        module: ModuleSource::parse(module)?,
        inputs: job::expand_local(inputs, &options, &mut skipped)?,
        options,
        memory,
        timeout_secs,
        publisher,
    };
    let jobs = job::build_jobs(&request)?;
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    for (i, job) in jobs.iter().enumerate() {
        let path = out_dir.join(format!("job-{}.json", i + 1));
        let text = serde_json::to_string_pretty(&job.spec).expect("specs serialise");
        std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}", path.display());
        eprintln!(
            "{}: {} input(s): {}; memory {}; {} bytes",
            path.display(),
            job.inputs.len(),
            job.inputs.join(", "),
            job.spec["Tasks"][0]["Resources"]["Memory"]
                .as_str()
                .unwrap_or("?"),
            job.size,
        );
    }
    Ok(())
}

fn read_manifest(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let path = dir.join("manifest.json");
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{}: not a manifest: {e}", path.display()))?;
    Ok(manifest.files)
}

fn check(dir: &Path) -> Result<(), String> {
    let code_path = dir.join("exitCode");
    let code = match std::fs::read_to_string(&code_path) {
        Ok(code) => code,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{}: no results: nothing was published, so the execution failed on the node \
                 (a trap, running out of memory, or the timeout); `bacalhau job describe ID` says why",
                dir.display()
            ));
        }
        Err(e) => return Err(format!("{}: {e}", code_path.display())),
    };
    let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    if code.trim() != "0" {
        return Err(format!(
            "the job exited with {}; its stderr:\n{stderr}",
            code.trim()
        ));
    }
    let outputs = job::outputs_dir(dir);
    let manifest = read_manifest(&outputs)?;
    let mut problems = Vec::new();
    let mut present = BTreeSet::new();
    for entry in std::fs::read_dir(&outputs).map_err(|e| format!("{}: {e}", outputs.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "manifest.json" {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| format!("{name}: {e}"))?;
        match manifest.get(&name) {
            Some(hash) if *hash == sha256_hex(&bytes) => {}
            Some(_) => problems.push(format!("{name}: its SHA-256 does not match manifest.json")),
            None => problems.push(format!("{name}: not listed in manifest.json")),
        }
        present.insert(name);
    }
    for name in manifest.keys().filter(|n| !present.contains(*n)) {
        problems.push(format!("{name}: listed in manifest.json but missing"));
    }
    if !problems.is_empty() {
        return Err(format!("{}:\n{}", outputs.display(), problems.join("\n")));
    }
    println!(
        "{}: exit code 0, {} files match manifest.json",
        dir.display(),
        manifest.len()
    );
    for name in manifest.keys().filter(|n| n.ends_with(".carved.png")) {
        println!("  {}", outputs.join(name).display());
    }
    Ok(())
}

fn verify(dir: &Path, spec_path: &Path) -> Result<(), String> {
    let text =
        std::fs::read_to_string(spec_path).map_err(|e| format!("{}: {e}", spec_path.display()))?;
    let spec: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a JSON spec: {e}", spec_path.display()))?;
    let work = tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let work = work.path();
    let outputs = work.join("outputs");
    // The job's files at their guest paths, under `work`.
    let local = |guest: &str| work.join(guest.trim_start_matches('/'));
    {
        for (target, bytes) in job::inline_inputs(&spec)? {
            let path = local(&target);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("{target}: {e}"))?;
            }
            std::fs::write(&path, bytes).map_err(|e| format!("{target}: {e}"))?;
        }
        // Map the job's guest paths onto the local copies.
        let mut argv = vec!["seam-carver".to_string()];
        for p in job::parameters(&spec)? {
            argv.push(if p.starts_with('/') {
                local(&p).to_string_lossy().into_owned()
            } else {
                p
            });
        }
        let args =
            Args::try_parse_from(&argv).map_err(|e| format!("the spec's parameters: {e}"))?;
        let options = args.options()?;
        run(
            &args.inputs,
            &args.output_dir,
            &options,
            Schedule::default(),
            &mut Silent,
        )
        .map_err(|e| e.to_string())?;
        let ours = read_manifest(&outputs)?;
        let theirs = read_manifest(&job::outputs_dir(dir))?;
        let mut problems = Vec::new();
        for name in ours.keys().chain(theirs.keys()).collect::<BTreeSet<_>>() {
            match (ours.get(name), theirs.get(name)) {
                (Some(a), Some(b)) if a == b => {}
                (Some(_), Some(_)) => {
                    problems.push(format!("{name}: differs from the native carve"))
                }
                (Some(_), None) => problems.push(format!("{name}: missing from the job's results")),
                (None, _) => problems.push(format!("{name}: not written by the native carve")),
            }
        }
        if problems.is_empty() {
            println!(
                "{}: all {} files identical to a native carve",
                dir.display(),
                ours.len()
            );
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}
