//! A faithful local dry run of a Bacalhau wasm job spec: what a node's wasm executor
//! would do with it, on embedded wasmtime, writing what `bacalhau job get` would bring
//! back (`stdout`, `stderr`, `exitCode` and one directory per result path).
//!
//! It reads the spec as JSON (the form seam-carver writes; JSON is also YAML) on its own,
//! without the generator's types, so that it checks the spec rather than echoing it.
//! It is a test harness for specs, not a scheduler: only `inline` sources can be staged
//! here, since fetching URLs, S3 or IPFS needs a node.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::Value;

use crate::{DEFAULT_MEMORY, Invocation, Mount, Rules, Runner};

/// The outcome of a dry run: the exit status Bacalhau would record.
pub type DryRunResult = Result<i32, String>;

/// Looks a key up the way Go's encoding/json does: exact first, then case-insensitively.
fn field<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    let map = value.as_object()?;
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn decode_data_url(url: &str) -> Result<Vec<u8>, String> {
    let rest = url
        .strip_prefix("data:")
        .ok_or("an inline source's URL is not a data: URL")?;
    let (meta, data) = rest.split_once(',').ok_or("a data: URL has no comma")?;
    if meta.split(';').any(|p| p == "application/gzip") {
        return Err("gzipped (tar) inline sources are not supported by the dry run".into());
    }
    if meta.ends_with(";base64") {
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| format!("bad base64 in a data: URL: {e}"))
    } else {
        Ok(data.as_bytes().to_vec())
    }
}

fn inline_bytes(source: &Value, what: &str) -> Result<Vec<u8>, String> {
    let source = field(source, "Source").ok_or_else(|| format!("{what}: no Source"))?;
    let kind = field(source, "Type").and_then(Value::as_str).unwrap_or("");
    if kind != "inline" {
        return Err(format!(
            "{what}: source type '{kind}' needs a Bacalhau node; the dry run stages inline sources only"
        ));
    }
    let url = field(source, "Params")
        .and_then(|p| field(p, "URL"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{what}: inline source without Params.URL"))?;
    decode_data_url(url).map_err(|e| format!("{what}: {e}"))
}

/// Parses a Bacalhau memory size (`512Mb`, `1Gb`, `2GiB`, `1073741824`): units are
/// powers of 1024, as in the datasize package Bacalhau uses.
pub fn parse_memory(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("invalid memory size '{text}'"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("invalid memory unit in '{text}'")),
    };
    Ok((number * (1u64 << shift) as f64) as usize)
}

/// Runs `spec` as Bacalhau's wasm executor would and writes `results/stdout`,
/// `results/stderr`, `results/exitCode` and `results/<ResultPath.Name>/`.
pub fn dry_run(spec: &Value, results: &Path) -> DryRunResult {
    let tasks = field(spec, "Tasks")
        .and_then(Value::as_array)
        .ok_or("spec has no Tasks")?;
    let [task] = tasks.as_slice() else {
        return Err(format!(
            "spec has {} tasks; Bacalhau batch jobs have one",
            tasks.len()
        ));
    };
    let engine = field(task, "Engine").ok_or("task has no Engine")?;
    let engine_type = field(engine, "Type").and_then(Value::as_str).unwrap_or("");
    if engine_type != "wasm" {
        return Err(format!("engine type is '{engine_type}', not 'wasm'"));
    }
    let params = field(engine, "Params").ok_or("wasm engine without Params")?;
    let module = inline_bytes(
        field(params, "EntryModule").ok_or("no EntryModule")?,
        "EntryModule",
    )?;
    let entrypoint = field(params, "Entrypoint")
        .and_then(Value::as_str)
        .unwrap_or("_start")
        .to_string();
    let args: Vec<String> = field(params, "Parameters")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    // Environment: the engine's EnvironmentVariables and the task's Env, sorted by key.
    let mut env = BTreeMap::new();
    for source in [field(params, "EnvironmentVariables"), field(task, "Env")] {
        if let Some(map) = source.and_then(Value::as_object) {
            for (k, v) in map {
                let v = v.as_str().ok_or_else(|| format!("env {k}: not a string"))?;
                if v.starts_with("env:") {
                    return Err(format!(
                        "env {k}: host variables ({v}) exist only on a node"
                    ));
                }
                env.insert(k.clone(), v.to_string());
            }
        }
    }
    let memory = match field(task, "Resources")
        .and_then(|r| field(r, "Memory"))
        .and_then(Value::as_str)
    {
        Some(m) if !m.is_empty() => parse_memory(m)?,
        _ => DEFAULT_MEMORY,
    };

    std::fs::create_dir_all(results).map_err(|e| format!("{}: {e}", results.display()))?;
    let staging = results.join(".inputs");
    let mut mounts: BTreeMap<String, PathBuf> = BTreeMap::new();
    let sources = field(task, "InputSources")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for source in &sources {
        let target = field(source, "Target")
            .and_then(Value::as_str)
            .ok_or("an input source has no Target")?;
        let bytes = inline_bytes(source, target)?;
        let (dir, name) = target
            .rsplit_once('/')
            .filter(|(d, n)| d.starts_with('/') && !n.is_empty())
            .ok_or_else(|| format!("{target}: inputs must be files at absolute paths"))?;
        let host_dir = staging.join(dir.trim_start_matches('/').replace('/', "_"));
        std::fs::create_dir_all(&host_dir).map_err(|e| e.to_string())?;
        std::fs::write(host_dir.join(name), bytes).map_err(|e| e.to_string())?;
        mounts.insert(dir.to_string(), host_dir);
    }
    let mut all_mounts: Vec<Mount> = mounts
        .into_iter()
        .map(|(guest, host)| Mount::input(host, guest))
        .collect();
    for result in field(task, "ResultPaths")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let name = field(&result, "Name")
            .and_then(Value::as_str)
            .ok_or("a result path has no Name")?;
        if name.is_empty() || name.contains('/') {
            return Err(format!("result path name '{name}' must be a plain name"));
        }
        let host = results.join(name);
        std::fs::create_dir_all(&host).map_err(|e| e.to_string())?;
        // Bacalhau's wasm executor mounts a result path at /<Name>.
        all_mounts.push(Mount::output(host, format!("/{name}")));
    }

    let runner = Runner::from_bytes(&module)
        .map_err(|e| format!("the entry module does not compile: {e}"))?;
    let mut rules = Rules::bacalhau();
    rules.memory_limit = memory;
    let outcome = runner
        .run(&Invocation {
            entrypoint,
            args,
            env: env.into_iter().collect(),
            mounts: all_mounts,
            rules,
        })
        .map_err(|e| format!("the module could not be run: {e}"))?;
    let mut stderr = outcome.stderr;
    if let Some(trap) = &outcome.trap {
        stderr.extend_from_slice(format!("\n[dry run] trap: {trap}\n").as_bytes());
    }
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(results.join(name), bytes).map_err(|e| format!("{name}: {e}"))
    };
    write("stdout", &outcome.stdout)?;
    write("stderr", &stderr)?;
    write("exitCode", outcome.exit_code.to_string().as_bytes())?;
    let _ = std::fs::remove_dir_all(&staging);
    Ok(outcome.exit_code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sizes_use_binary_units() {
        assert_eq!(parse_memory("512Mb").unwrap(), 512 << 20);
        assert_eq!(parse_memory("1Gb").unwrap(), 1 << 30);
        assert_eq!(parse_memory("2GiB").unwrap(), 2 << 30);
        assert_eq!(parse_memory("4096").unwrap(), 4096);
        assert!(parse_memory("lots").is_err());
    }
}
