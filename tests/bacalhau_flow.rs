//! The submit → get → check flow of `just submit` / `just get` (tools/bacalhau-*.sh),
//! against a stand-in `bacalhau` CLI that records its calls; the submitted jobs are run
//! here on `wazero-run`, as a node would run them: the documented commands are issued,
//! and the results are checked.

use crate::support;

use std::path::Path;
use std::process::Command;

fn script(name: &str, work: &Path, fake_path: bool) -> Command {
    support::wasm_module();
    let fake_dir = work.join("bin");
    std::fs::create_dir_all(&fake_dir).unwrap();
    std::fs::copy(
        support::root().join("tests/fixtures/fake-bacalhau"),
        fake_dir.join("bacalhau"),
    )
    .unwrap();
    let path = if fake_path {
        format!("{}:{}", fake_dir.display(), std::env::var("PATH").unwrap())
    } else {
        "/usr/bin:/bin".to_string()
    };
    let mut cmd = Command::new("bash");
    cmd.arg(support::root().join("tools").join(name))
        .env("PATH", path)
        .env("JOBS_DIR", work.join("jobs"))
        .env("RESULTS_DIR", work.join("results"))
        .env("BACALHAU_JOB", env!("CARGO_BIN_EXE_bacalhau-job"))
        .env("BACALHAU_POLL_SECONDS", "0")
        .env("FAKE_BACALHAU_LOG", work.join("calls.log"))
        .env("FAKE_BACALHAU_STATE", work.join("state"));
    cmd
}

#[test]
fn submit_then_get_issues_the_documented_commands_and_checks_results() {
    let work = tempfile::tempdir().unwrap();
    let input = support::root().join("golden/inputs/chelsea.png");
    let submit = script("bacalhau-submit.sh", work.path(), true)
        .arg(&input)
        .args(["--", "--width", "80%"])
        .output()
        .unwrap();
    assert!(
        submit.status.success(),
        "{}",
        String::from_utf8_lossy(&submit.stderr)
    );
    let id = std::fs::read_to_string(work.path().join("jobs/last"))
        .unwrap()
        .trim()
        .to_string();
    assert!(id.starts_with("j-"));
    // The "node" runs the job it was given.
    let state = work.path().join("state");
    let node = support::run_job_file(&state.join(format!("{id}.spec")), &state.join(&id), &[]);
    assert!(
        node.status.success(),
        "{}",
        String::from_utf8_lossy(&node.stderr)
    );

    let get = script("bacalhau-get.sh", work.path(), true)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&get.stdout);
    assert!(
        get.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&get.stderr)
    );
    assert!(stdout.contains("chelsea.carved.png"), "{stdout}");
    let results = work.path().join("results").join(&id);
    assert_eq!(
        std::fs::read_to_string(results.join("exitCode")).unwrap(),
        "0"
    );
    assert!(results.join("job.json").is_file());

    let log = std::fs::read_to_string(work.path().join("calls.log")).unwrap();
    let calls: Vec<&str> = log.lines().collect();
    assert!(
        calls[0].starts_with("bacalhau job run --wait=false --id-only ")
            && calls[0].ends_with("job-1.json"),
        "{log}"
    );
    assert_eq!(
        calls[1],
        format!("bacalhau job describe {id} --output json")
    );
    assert_eq!(
        calls[2],
        format!("bacalhau job describe {id} --output json")
    );
    assert_eq!(
        calls[3],
        format!("bacalhau job get {id} --output-dir {}", results.display())
    );

    // And the fetched result re-verifies against a native carve.
    let verify = Command::new(env!("CARGO_BIN_EXE_bacalhau-job"))
        .arg("verify")
        .arg(&results)
        .arg("--spec")
        .arg(results.join("job.json"))
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

#[test]
fn without_bacalhau_submit_says_how_to_install_it() {
    let work = tempfile::tempdir().unwrap();
    let out = script("bacalhau-submit.sh", work.path(), false)
        .arg(support::root().join("golden/inputs/noise.png"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bacalhau CLI is not installed") && stderr.contains("install.sh"),
        "{stderr}"
    );
    assert!(stderr.contains("just run-job"), "{stderr}");
}

#[test]
fn get_gives_up_on_a_job_stuck_in_the_queue_and_says_so() {
    let work = tempfile::tempdir().unwrap();
    let get = script("bacalhau-get.sh", work.path(), true)
        .env("FAKE_BACALHAU_STUCK", "1")
        .env("BACALHAU_WAIT_SECONDS", "0")
        .arg("j-stuck")
        .output()
        .unwrap();
    assert_eq!(get.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&get.stderr);
    assert!(
        stderr.contains("job j-stuck is still Queued") && stderr.contains("just get j-stuck"),
        "{stderr}"
    );
    let log = std::fs::read_to_string(work.path().join("calls.log")).unwrap();
    assert!(!log.contains("job get"), "{log}");
}
