//! Runs a `wasm32-wasip1` command module on embedded wasmtime under the rules of
//! Bacalhau's wasm executor (wazero, WASI preview1), so that tests here see what a
//! Bacalhau node would do to the program:
//!
//! - `argv[0]` is empty and the working directory is `/`;
//! - each mount is a preopened directory at its guest path, inputs read-only;
//! - in result directories only a flat set of new files can be made: `mkdir` and
//!   `rename` fail with `ENOSYS`, and a `stat` of a missing path there creates an empty
//!   file (so a program that probes its outputs leaves litter behind);
//! - the exit status is the one given to `proc_exit`; a `_start` that returns normally is
//!   recorded as `-1`;
//! - linear memory is capped (Bacalhau's default is 512 MiB).
//!
//! [`Rules::permissive`] switches the Bacalhau-specific restrictions off, which the tests
//! use to prove that the restrictions are what makes a probe fail.

use std::path::{Path, PathBuf};

use wasmtime::{Caller, Config, Engine, Extern, Func, Linker, Module, Store, StoreLimits};
use wasmtime::{StoreLimitsBuilder, TypedFunc};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

pub mod job;

pub use wasmtime::{Error, Result};

/// Bacalhau's default memory limit for a job: 512 MiB.
pub const DEFAULT_MEMORY: usize = 512 << 20;

/// WASI preview1 `errno` for "function not supported".
pub const ENOSYS: i32 = 52;

/// Exit status Bacalhau records when `_start` returns without calling `proc_exit`.
pub const RETURNED_NORMALLY: i32 = -1;

/// Exit status Bacalhau records when the module traps.
pub const TRAPPED: i32 = 1;

const WASI: &str = "wasi_snapshot_preview1";

/// A host directory made visible to the module.
#[derive(Clone, Debug)]
pub struct Mount {
    /// Directory on the host.
    pub host: PathBuf,
    /// Absolute path the module sees, such as `/inputs`.
    pub guest: String,
    /// Whether it is a result path (writable, with Bacalhau's restrictions).
    pub writable: bool,
}

impl Mount {
    /// A read-only input mount.
    pub fn input(host: impl Into<PathBuf>, guest: impl Into<String>) -> Self {
        Mount {
            host: host.into(),
            guest: guest.into(),
            writable: false,
        }
    }

    /// A writable result mount.
    pub fn output(host: impl Into<PathBuf>, guest: impl Into<String>) -> Self {
        Mount {
            host: host.into(),
            guest: guest.into(),
            writable: true,
        }
    }
}

/// Which of Bacalhau's restrictions apply.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    /// `path_create_directory` and `path_rename` fail with `ENOSYS`.
    pub deny_mkdir_and_rename: bool,
    /// `path_filestat_get` of a missing path in a result mount creates an empty file.
    pub stat_creates_outputs: bool,
    /// Linear memory limit in bytes.
    pub memory_limit: usize,
}

impl Rules {
    /// Bacalhau's rules with its default memory limit.
    pub fn bacalhau() -> Self {
        Rules {
            deny_mkdir_and_rename: true,
            stat_creates_outputs: true,
            memory_limit: DEFAULT_MEMORY,
        }
    }

    /// Plain wasmtime behaviour (for showing what the rules change).
    pub fn permissive() -> Self {
        Rules {
            deny_mkdir_and_rename: false,
            stat_creates_outputs: false,
            memory_limit: DEFAULT_MEMORY,
        }
    }
}

/// One run of the module.
#[derive(Clone, Debug)]
pub struct Invocation {
    /// Exported function to call; WASI commands use `_start`.
    pub entrypoint: String,
    /// Arguments after `argv[0]` (which is always empty, as on Bacalhau).
    pub args: Vec<String>,
    /// Environment variables.
    pub env: Vec<(String, String)>,
    /// Directories to mount.
    pub mounts: Vec<Mount>,
    /// Restrictions in force.
    pub rules: Rules,
}

/// What a run left behind.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The `proc_exit` status, or [`RETURNED_NORMALLY`].
    pub exit_code: i32,
    /// Everything written to stdout.
    pub stdout: Vec<u8>,
    /// Everything written to stderr.
    pub stderr: Vec<u8>,
    /// A trap that ended the run, if any (an abort or out-of-bounds access); the exit
    /// status is then [`TRAPPED`].
    pub trap: Option<String>,
}

struct State {
    wasi: WasiP1Ctx,
    limits: StoreLimits,
}

/// A compiled module, ready to run many times.
pub struct Runner {
    engine: Engine,
    module: Module,
}

impl Runner {
    /// Compiles the module at `path`.
    pub fn from_file(path: &Path) -> Result<Self> {
        let engine = Engine::new(&Config::new())?;
        let module = Module::from_file(&engine, path)?;
        Ok(Runner { engine, module })
    }

    /// Compiles a module from its bytes (binary or WAT text).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let engine = Engine::new(&Config::new())?;
        let module = Module::new(&engine, bytes)?;
        Ok(Runner { engine, module })
    }

    /// Runs `_start` once under `invocation`.
    pub fn run(&self, invocation: &Invocation) -> Result<Outcome> {
        let stdout = MemoryOutputPipe::new(64 << 20);
        let stderr = MemoryOutputPipe::new(64 << 20);
        let mut builder = WasiCtxBuilder::new();
        builder.stdout(stdout.clone()).stderr(stderr.clone());
        builder.arg("");
        builder.args(&invocation.args);
        builder.envs(&invocation.env);
        builder.initial_cwd("/");
        // Preopens are numbered from 3 in the order they are added.
        let mut preopens = Vec::new();
        for (i, mount) in invocation.mounts.iter().enumerate() {
            let perms = if mount.writable {
                FsPerms::ReadWrite
            } else {
                FsPerms::ReadOnly
            };
            builder.preopened_dir(&mount.host, &mount.guest, perms)?;
            preopens.push((3 + i as i32, mount.host.clone(), mount.writable));
        }
        let state = State {
            wasi: builder.build_p1(),
            limits: StoreLimitsBuilder::new()
                .memory_size(invocation.rules.memory_limit)
                .build(),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);

        let mut linker: Linker<State> = Linker::new(&self.engine);
        p1::add_to_linker_sync(&mut linker, |s: &mut State| &mut s.wasi)?;
        linker.allow_shadowing(true);
        if invocation.rules.deny_mkdir_and_rename {
            linker.func_wrap(
                WASI,
                "path_create_directory",
                |_: Caller<'_, State>, _: i32, _: i32, _: i32| ENOSYS,
            )?;
            linker.func_wrap(
                WASI,
                "path_rename",
                |_: Caller<'_, State>, _: i32, _: i32, _: i32, _: i32, _: i32, _: i32| ENOSYS,
            )?;
        }
        if invocation.rules.stat_creates_outputs {
            let wrapped = stat_creating_outputs(&mut store, preopens);
            linker.define(&store, WASI, "path_filestat_get", wrapped)?;
        }

        let instance = linker.instantiate(&mut store, &self.module)?;
        let start: TypedFunc<(), ()> =
            instance.get_typed_func(&mut store, &invocation.entrypoint)?;
        // As Bacalhau's executor: the proc_exit status, -1 for a normal return, and 1
        // for a trap.
        let (exit_code, trap) = match start.call(&mut store, ()) {
            Ok(()) => (RETURNED_NORMALLY, None),
            Err(e) => match e.downcast_ref::<I32Exit>() {
                Some(exit) => (exit.0, None),
                None => (TRAPPED, Some(format!("{e:?}"))),
            },
        };
        drop(store);
        Ok(Outcome {
            exit_code,
            stdout: stdout.contents().to_vec(),
            stderr: stderr.contents().to_vec(),
            trap,
        })
    }
}

/// Replaces `path_filestat_get` with an emulation that behaves like Bacalhau's mounts:
/// a stat of a missing plain file name inside a result mount first creates it empty.
///
/// A host function cannot hand the call on to wasmtime-wasi's own implementation (which
/// needs the calling instance's memory), so stats on preopened directories are answered
/// here from the host's metadata. Stats relative to any other descriptor trap with a
/// message, so that a program needing them is noticed rather than misjudged.
fn stat_creating_outputs(store: &mut Store<State>, mounts: Vec<(i32, PathBuf, bool)>) -> Func {
    Func::wrap(
        store,
        move |mut caller: Caller<'_, State>,
              fd: i32,
              flags: i32,
              ptr: i32,
              len: i32,
              buf: i32|
              -> Result<i32> {
            let Some((_, host, writable)) = mounts.iter().find(|(f, _, _)| *f == fd) else {
                wasmtime::bail!(
                    "wasi-runner: path_filestat_get on descriptor {fd}, which is not a preopened mount, is not emulated"
                );
            };
            let memory = caller
                .get_export("memory")
                .and_then(Extern::into_memory)
                .ok_or_else(|| wasmtime::format_err!("module exports no memory"))?;
            let mut name = vec![0u8; len.max(0) as usize];
            memory.read(&caller, ptr as usize, &mut name)?;
            let Ok(name) = String::from_utf8(name) else {
                return Ok(ERRNO_ILSEQ);
            };
            if name.split('/').any(|part| part == "..") || name.starts_with('/') {
                return Ok(ERRNO_NOTCAPABLE);
            }
            let path = if name.is_empty() || name == "." {
                host.clone()
            } else {
                host.join(&name)
            };
            let plain_name = !name.is_empty() && name != "." && !name.contains('/');
            if *writable && plain_name && std::fs::symlink_metadata(&path).is_err() {
                std::fs::File::create(&path)?;
            }
            let follow = flags & 1 != 0;
            let meta = if follow {
                std::fs::metadata(&path)
            } else {
                std::fs::symlink_metadata(&path)
            };
            let meta = match meta {
                Ok(m) => m,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ERRNO_NOENT),
                Err(_) => return Ok(ERRNO_IO),
            };
            memory.write(&mut caller, buf as usize, &filestat(&meta))?;
            Ok(0)
        },
    )
}

const ERRNO_IO: i32 = 29;
const ERRNO_NOENT: i32 = 44;
const ERRNO_ILSEQ: i32 = 25;
const ERRNO_NOTCAPABLE: i32 = 76;

/// WASI preview1 `filestat` (64 bytes) for host metadata.
fn filestat(meta: &std::fs::Metadata) -> [u8; 64] {
    use std::os::unix::fs::MetadataExt;
    let filetype: u8 = if meta.is_dir() {
        3
    } else if meta.is_file() {
        4
    } else if meta.file_type().is_symlink() {
        7
    } else {
        0
    };
    let ns = |s: i64, n: i64| {
        (s as u64)
            .wrapping_mul(1_000_000_000)
            .wrapping_add(n as u64)
    };
    let mut out = [0u8; 64];
    out[0..8].copy_from_slice(&meta.dev().to_le_bytes());
    out[8..16].copy_from_slice(&meta.ino().to_le_bytes());
    out[16] = filetype;
    out[24..32].copy_from_slice(&meta.nlink().to_le_bytes());
    out[32..40].copy_from_slice(&meta.size().to_le_bytes());
    out[40..48].copy_from_slice(&ns(meta.atime(), meta.atime_nsec()).to_le_bytes());
    out[48..56].copy_from_slice(&ns(meta.mtime(), meta.mtime_nsec()).to_le_bytes());
    out[56..64].copy_from_slice(&ns(meta.ctime(), meta.ctime_nsec()).to_le_bytes());
    out
}
