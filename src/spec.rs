//! The Bacalhau job spec, typed: what `bacalhau-job spec` writes and `bacalhau-job verify`,
//! the tests and the benches read and build. Field names as Bacalhau spells them (a
//! JSON spec is what `bacalhau job run` reads as YAML); only the fields seam-carver uses.
//!
//! ```
//! use seam_carver_cli::spec::{Job, Source};
//! let job = Job::wasm("carve", "/app", vec!["/inputs".into(), "-o".into(), "/outputs".into()])
//!     .with_source("/inputs/a.png", Source::Inline { url: "data:,x".into() });
//! let text = serde_json::to_string(&job).unwrap();
//! assert!(text.contains(r#""InputSources":[{"Target":"/inputs/a.png","Source":{"Type":"inline","Params":{"URL":"data:,x"}}}]"#));
//! assert_eq!(serde_json::from_str::<Job>(&text).unwrap(), job);
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A job: tasks run `Count` times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Job {
    /// The job's name.
    pub name: String,
    /// Always `batch` here.
    #[serde(rename = "Type")]
    pub kind: String,
    /// Executions, each given `BACALHAU_PARTITION_INDEX` and `_COUNT`.
    pub count: u32,
    /// Labels, such as `app: seam-carver`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// The tasks (seam-carver's jobs have one).
    pub tasks: Vec<Task>,
}

/// One task: a module, its sources and what it publishes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Task {
    /// The task's name.
    pub name: String,
    /// What runs.
    pub engine: Engine,
    /// Files and folders the node fetches or unpacks before the run.
    #[serde(default)]
    pub input_sources: Vec<InputSource>,
    /// Folders published after the run.
    #[serde(default)]
    pub result_paths: Vec<ResultPath>,
    /// Where results go (`local`, `ipfs`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Publisher>,
    /// CPU and memory (go-humanize sizes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// How long the execution may take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<Timeouts>,
}

/// The engine: `wasm`, with its module and arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Engine {
    /// Always `wasm` here.
    #[serde(rename = "Type")]
    pub kind: String,
    /// The module and its arguments.
    pub params: WasmParams,
}

/// A wasm engine's parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WasmParams {
    /// The guest path of the module (or of the folder holding it).
    pub entry_module: String,
    /// The function called, `_start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<String>,
    /// The module's arguments (its argv after an empty program name).
    #[serde(default)]
    pub parameters: Vec<String>,
}

/// A source mounted at a guest path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InputSource {
    /// Where it appears in the guest.
    pub target: String,
    /// What it is.
    pub source: Source,
}

/// Where a source's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "Type", content = "Params")]
pub enum Source {
    /// Carried in the job: a `data:` URL (a file, or a tar.gz unpacked into a folder).
    #[serde(rename = "inline")]
    Inline {
        /// The `data:` URL.
        #[serde(rename = "URL")]
        url: String,
    },
    /// Downloaded by the node.
    #[serde(rename = "urlDownload")]
    UrlDownload {
        /// The URL.
        #[serde(rename = "URL")]
        url: String,
    },
    /// An S3 object, or every object under a prefix ending in `/`.
    #[serde(rename = "s3")]
    S3 {
        /// The bucket.
        #[serde(rename = "Bucket")]
        bucket: String,
        /// The key or prefix.
        #[serde(rename = "Key")]
        key: String,
        /// `{"Type": "object"}`: the objects split among the executions.
        #[serde(rename = "Partition", default, skip_serializing_if = "Option::is_none")]
        partition: Option<Partition>,
    },
    /// An IPFS CID.
    #[serde(rename = "ipfs")]
    Ipfs {
        /// The CID.
        #[serde(rename = "CID")]
        cid: String,
    },
    /// A folder of the node (what `tools/wazero-run` mounts for local runs).
    #[serde(rename = "localDirectory")]
    LocalDirectory {
        /// The node's folder.
        #[serde(rename = "SourcePath")]
        source_path: String,
    },
}

impl Source {
    /// The source's `Type`, as the spec names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Inline { .. } => "inline",
            Source::UrlDownload { .. } => "urlDownload",
            Source::S3 { .. } => "s3",
            Source::Ipfs { .. } => "ipfs",
            Source::LocalDirectory { .. } => "localDirectory",
        }
    }
}

/// How S3 objects are split among executions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    /// `object`: by each key's hash.
    #[serde(rename = "Type")]
    pub kind: String,
}

/// A folder published after the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultPath {
    /// Its name in the results.
    pub name: String,
    /// The guest folder.
    pub path: String,
}

/// Where results are published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publisher {
    /// `local`, `ipfs`, `s3`, ...
    #[serde(rename = "Type")]
    pub kind: String,
}

/// What an execution is given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resources {
    /// CPUs, as a string (`"1"`).
    #[serde(rename = "CPU", default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    /// Memory, as go-humanize reads it (`512MiB`).
    #[serde(rename = "Memory")]
    pub memory: String,
}

/// Time limits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeouts {
    /// Seconds an execution may run.
    #[serde(rename = "ExecutionTimeout")]
    pub execution_timeout: u64,
}

impl Job {
    /// A one-task batch job running the module at `entry_module` with `parameters`,
    /// publishing `/outputs` as `outputs`, with no sources yet.
    pub fn wasm(name: &str, entry_module: &str, parameters: Vec<String>) -> Job {
        Job {
            name: name.to_string(),
            kind: "batch".to_string(),
            count: 1,
            labels: BTreeMap::new(),
            tasks: vec![Task {
                name: "carve".to_string(),
                engine: Engine {
                    kind: "wasm".to_string(),
                    params: WasmParams {
                        entry_module: entry_module.to_string(),
                        entrypoint: None,
                        parameters,
                    },
                },
                input_sources: Vec::new(),
                result_paths: vec![ResultPath {
                    name: "outputs".to_string(),
                    path: "/outputs".to_string(),
                }],
                publisher: None,
                resources: None,
                timeouts: None,
            }],
        }
    }

    /// The job with one more source, at `target`.
    pub fn with_source(mut self, target: &str, source: Source) -> Job {
        if let Some(task) = self.tasks.first_mut() {
            task.input_sources.push(InputSource {
                target: target.to_string(),
                source,
            });
        }
        self
    }

    /// A job for a local run on `tools/wazero-run`: the module file and the folder of
    /// images mounted from the node's folders (`localDirectory` sources, given as
    /// absolute paths) at `/app/seam-carver.wasm` and `/inputs`, and `model`'s folder at
    /// `/model` when given; the module is run with `parameters`.
    pub fn local(
        module: &std::path::Path,
        inputs: &std::path::Path,
        model: Option<&std::path::Path>,
        parameters: Vec<String>,
    ) -> std::io::Result<Job> {
        let folder = |path: &std::path::Path| {
            std::path::absolute(path).map(|path| Source::LocalDirectory {
                source_path: path.to_string_lossy().into_owned(),
            })
        };
        let mut job = Job::wasm("local", "/app/seam-carver.wasm", parameters)
            .with_source("/app/seam-carver.wasm", folder(module)?)
            .with_source("/inputs", folder(inputs)?);
        if let Some(model) = model {
            job = job.with_source(crate::job::MODEL_FOLDER, folder(model)?);
        }
        Ok(job)
    }

    /// Its one task, mutable (a job seam-carver writes has exactly one).
    pub fn task_mut(&mut self) -> &mut Task {
        &mut self.tasks[0]
    }
}
