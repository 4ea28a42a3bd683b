//! The command line: arguments, their help, and how they become [`Options`].

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::str::FromStr;

use clap::Parser;

use crate::error::RunError;
use crate::inputs::{load_mask, read_input};
use crate::output::Artifact;
use crate::partition::Partition;
use crate::plan::{Background, NAMED_COLOURS, Options, SeamPaths};
use seam_carver::{
    Aspect, Direction, EnergyKind, FaceDetector, Order, SeamRule, SizeSpec, Unsupported,
};

/// A parser of a whole percentage from `least` to 100, written `40` or `40%`.
fn percent(least: u8) -> impl Fn(&str) -> Result<u8, String> + Clone + Send + Sync + 'static {
    move |text: &str| {
        let digits = text.trim().trim_end_matches('%').trim_end();
        digits
            .parse::<u8>()
            .ok()
            .filter(|p| (least..=100).contains(p))
            .ok_or_else(|| {
                format!(
                    "'{text}' is not a whole percentage from {least} to 100 (such as 40 or 40%)"
                )
            })
    }
}

const AFTER_HELP: &str = "\
OUTPUTS (flat, in the output directory, for each input NAME.EXT):
  NAME.original.png             the input as 8-bit RGB (RGBA with --background none)
  NAME.annotated.png            removed seams in red, inserted ones in green, on the
                                grayscale original
  NAME.gradients.png            the energy map (Sobel gradient magnitude), clamped to 0..255
  NAME.annotated_gradients.png  the same seams on the energy map
  NAME.carved.png               the carved (or enlarged) image
  NAME.seams.json               sizes, seam rule, energy, every seam's path and cost
                                in the order taken, and with --protect-faces the faces
                                found (with --protect-skin also the skin pixels kept);
                                the order (--order), the size scaled from (^,
                                --carve-at-most), the amount and the size the seams
                                reached (--amount) when they apply
  manifest.json                 SHA-256 of every file written by the run

EXIT STATUS:
  0 every input carved, 1 some input failed (the others are still written), 2 usage error
  (found before any work), 130/143/129 interrupted (SIGINT/SIGTERM/SIGHUP)

EXAMPLES:
  seam-carver                               carve every image in ./inputs into ./outputs
  seam-carver photo.jpg --width 80%         remove 20% of the width
  seam-carver photos/ -o out --width -100   remove 100 columns from every image in photos/
  seam-carver photo.png --seams imageproc   reproduce the Bacalhau example's output
  seam-carver photo.jpg --width 120%        enlarge by inserting seams
  seam-carver photo.jpg --width 800x600     both axes (widths first)
  seam-carver photo.jpg --width 800x600 --order interleaved
                                            both axes, their seams in turns
  seam-carver photo.jpg --width 30%x30%     scaled to half first, then carved
                                            (seams alone past 40 %: --carve-at-most)
  seam-carver photo.jpg --width '600x600^'  scale to cover 600x600, carve the rest
  seam-carver photo.jpg --width 70% --amount 50
                                            half the change by seams, half scaling
  seam-carver photos/ --width '1200x800>'   only shrink: smaller photos stay as they are
  seam-carver photo.jpg --energy backward   the example's energy (the default is salient)
  seam-carver photo.jpg --aspect 16:9       reach 16:9 by carving the long axis
  seam-carver photo.jpg --protect face.png  never cut the mask's light pixels
  seam-carver photos/ --protect-faces       never cut a face the detector finds
  seam-carver photos/ --protect-skin        nor the skin around those faces
  seam-carver photo.jpg --remove bin.png --keep-size
                                            carve an object away, then grow back

MASKS are images the size of the input: a pixel is set when its luma and alpha are
both at least 128. A mask inside an input directory is not carved itself.

Files are written whole: natively under temporary names, renamed into place once all
of an input's files are written; an interrupt leaves no partial file, and the manifest
lists only files whose bytes it names.";

/// Content-aware image resizing by seam carving: removes (or inserts) the least noticeable
/// seams of pixels, identically natively and as a WASI module (wasmtime, Bacalhau).
#[derive(Debug, Parser)]
#[command(
    name = "seam-carver",
    version,
    about = "Content-aware image resizing by seam carving: removes (or inserts) the least \
             noticeable seams of pixels, identically natively and as a WASI module \
             (wasmtime, Node, Bacalhau).",
    after_help = AFTER_HELP
)]
pub struct Args {
    /// Image files, or directories whose image files (by extension) are carved
    /// [default: inputs]
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Directory the output files are written to (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = "outputs")]
    pub output_dir: PathBuf,

    /// Target width: pixels (500), a change (-100) or a percentage (83%); or a geometry
    /// WxH (500x300, 50%x100%, x300) setting both axes. Larger than the image inserts
    /// seams. After it, as ImageMagick's: > only shrinks, each axis on its own
    /// ('1200x800>': an axis longer than its target carved down, a shorter one left as
    /// it is, the shape not kept), < only enlarges, ^ fills ('800x800^': scaled to cover
    /// the box, then the overflow carved), ! is accepted and changes nothing (WxH is
    /// always exact); quote them in a shell. Default: remove width/6 columns, as the
    /// Bacalhau example does.
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    pub width: Option<SizeArg>,

    /// Target height, reached by removing or inserting horizontal seams (after the
    /// vertical ones, unless --order says otherwise): pixels (300), a change (-50) or a percentage (90%), or a geometry
    /// WxH as for --width. Default: keep the height. Giving only --height keeps the width.
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    pub height: Option<SizeArg>,

    /// Reach a shape, width to height (16:9, 1:1, 1.91:1; at most 6 decimals): seams are
    /// removed from the axis that is too long, the other kept, its new length rounded
    /// half up (with --enlarge, inserted along the one that is too short). Not with
    /// --width, --height or --remove.
    #[arg(long, value_name = "W:H", conflicts_with_all = ["width", "height", "remove"])]
    pub aspect: Option<Aspect>,

    /// The share of the change, in percent, done by seams; the rest is plain scaling
    /// (Lanczos3) after the carve, as Photoshop's Content-Aware Scale's Amount: 100 seams
    /// alone, 0 plain scaling. Not with --remove.
    #[arg(long, value_name = "P", default_value_t = Options::default().amount, value_parser = percent(0), allow_hyphen_values = true, conflicts_with = "remove")]
    pub amount: u8,

    /// With --aspect: reach the shape by inserting seams instead of removing them.
    #[arg(long)]
    pub enlarge: bool,

    /// When both axes change, the order of their seams: `width-first` (every vertical
    /// seam, then the horizontal ones, as liblqr does), `height-first`, `interleaved`
    /// (the axes in turns, at most 8 rounds each) or `optimal` (the order of least total
    /// seam cost, Avidan and Shamir's transport map over at most 8 rounds an axis;
    /// never costlier than the other three, and 25 to 40 times slower). An axis
    /// that grows is grown after the other's removals, except in width- and
    /// height-first.
    #[arg(long, value_name = "ORDER", default_value_t = Options::default().order)]
    pub order: Order,

    /// When both axes shrink, the most of either, in percent, that seams remove: beyond
    /// it the image is first scaled down, keeping its shape (Lanczos3), as little as that
    /// takes, and the plan line says so (carving 90 % of an axis away eats faces and
    /// roofs; plain scaling does not). With --amount, the seams' share of the change is
    /// what counts. 100: seams alone.
    #[arg(long, value_name = "P", default_value_t = Options::default().carve_at_most, value_parser = percent(1), allow_hyphen_values = true)]
    pub carve_at_most: u8,

    /// How seams are traced: `optimal` (true minimum-cost seams) or `imageproc`
    /// (imageproc 0.27's drifting seams, byte-identical to the Bacalhau example).
    #[arg(long, value_name = "RULE", default_value_t = Options::default().rule)]
    pub seams: SeamRule,

    /// What a seam costs: `salient` (the default: the colour differences the removal
    /// creates, measured on a smoothed copy, plus how much each removed pixel stands out
    /// from its surroundings; keeps people and objects whole), `forward` (those
    /// differences on the image itself) or `backward` (the energy of the pixels removed,
    /// the Bacalhau example's energy, and the default with --seams imageproc).
    #[arg(long, value_name = "ENERGY")]
    pub energy: Option<EnergyKind>,

    /// Mask image of pixels no seam may cross while any other seam exists.
    #[arg(long, value_name = "MASK")]
    pub protect: Option<PathBuf>,

    /// Find faces (SeetaFace's frontal detector: faces turned to the camera, 20 pixels
    /// and up) and keep seams out of their boxes as --protect does, while any other seam
    /// exists; seams.json lists them and the annotated pictures outline them. A photo
    /// with no face gets the same pictures as without it.
    #[arg(long)]
    pub protect_faces: bool,

    /// Keep the skin of the people whose faces are found, too (implies --protect-faces):
    /// the pixels around each face whose colour matches that face's own skin (necks,
    /// arms, hands; not sand, wood or brick of a similar hue), outlined in the annotated
    /// pictures and counted in seams.json. No face found: no skin.
    #[arg(long)]
    pub protect_skin: bool,

    /// With --protect-faces or --protect-skin: the detector's model file, seeta_fd_frontal_v1.0.bin (no
    /// other is accepted). Natively it is built in; the WASI module needs it as a mounted
    /// file: the repository has it in crates/seam-carver/model/, or download it from
    /// https://raw.githubusercontent.com/atomashpolskiy/rustface/fa3d5b5d576c91d1c8a099af381e0f0906a0d3a3/model/seeta_fd_frontal_v1.0.bin
    #[arg(long, value_name = "FILE")]
    pub face_model: Option<PathBuf>,

    /// Mask image of an object to remove: vertical seams are carved through it until
    /// none of it is left (the width follows; --height still applies).
    #[arg(long, value_name = "MASK", conflicts_with = "width")]
    pub remove: Option<PathBuf>,

    /// With --remove: insert as many seams as were removed, back to the original width.
    #[arg(long, requires = "remove")]
    pub keep_size: bool,

    /// Write only these artifacts (comma-separated): original, annotated, gradients,
    /// annotated_gradients, carved, seams. manifest.json is always written.
    #[arg(long, value_name = "ARTIFACT,...", value_delimiter = ',')]
    pub only: Vec<Artifact>,

    /// Refuse images of more than N pixels, from their header, before decoding. The
    /// default keeps a carve inside Bacalhau's default 512 MiB of wasm memory.
    #[arg(long, value_name = "N", default_value_t = Options::default().max_pixels)]
    pub max_pixels: u64,

    /// The colour transparent pixels are shown over: white, black, gray, or #RRGGBB; or
    /// `none` to keep transparency (RGBA outputs, alpha carried through every seam).
    /// With --seams imageproc the colours stored under them are kept, as the example
    /// did: a colour is ignored there, and `none` refused.
    #[arg(long, value_name = "COLOR", default_value_t = Options::default().background, value_parser = parse_background)]
    pub background: Background,

    /// Refuse input files larger than N bytes, before reading them.
    #[arg(long, value_name = "N", default_value_t = Options::default().max_file_bytes)]
    pub max_file_size: u64,

    /// Cores to use [default: every core; always 1 under WASI]: inputs are carved N at a
    /// time, largest first; with fewer inputs than N, each image is measured on N / inputs
    /// threads, rounded down (one photo alone gets all N). The files are the same whatever
    /// N; lines come in input order. 1: a single core.
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,

    /// Carve only share I of N of the inputs (those whose file name's FNV-1a hash is I
    /// modulo N) and write manifest-I-of-N.json, so that N runs split a batch. On
    /// Bacalhau the share comes from BACALHAU_PARTITION_INDEX and _COUNT; `none` turns
    /// that off (for inputs Bacalhau has already split).
    #[arg(long, value_name = "I/N|none")]
    pub partition: Option<PartitionArg>,

    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,

    /// How progress is reported: `text` or `json`.
    ///
    /// `text`: lines for people on stderr (each input's plan, then seam counts and the
    /// time left once a carve takes over a second). `json`: one JSON object per line on
    /// stdout for programs, even with -q (events waiting, skipped, started, seam,
    /// finished, failed and summary; see README); error lines still go to stderr. Either
    /// way inputs are told of in input order, with seam progress for the earliest one not
    /// yet finished.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub progress: ProgressFormat,
    /// Where seams.json counts each seam's path from.
    ///
    /// `as-removed`: in the image it was removed from, one seam narrower each time.
    /// `input`: in the columns (rows, for horizontal seams) of the image the seams were
    /// taken from, seams.json's width x height (the input, or its copy scaled first), so
    /// that removing the first k seams' pixels from it gives the carve to k seams fewer.
    /// Only for a carve that removes seams along one axis: an input whose carve would
    /// change both axes or insert seams fails before it is carved.
    #[arg(long, value_name = "WHERE", default_value_t = Options::default().seam_paths)]
    pub seam_paths: SeamPaths,
}

/// How progress is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressFormat {
    /// Lines for people, on stderr.
    Text,
    /// JSON lines for programs, on stdout.
    Json,
}

/// Reads a colour: `white`, `black`, `gray`, or `#RRGGBB`.
fn parse_background(text: &str) -> Result<Background, String> {
    let colour = |c| Ok(Background::Over(c));
    let lower = text.to_ascii_lowercase();
    if lower == "none" {
        return Ok(Background::Keep);
    }
    if let Some((_, named)) = NAMED_COLOURS.iter().find(|(name, _)| *name == lower) {
        return colour(*named);
    }
    let hex = text.strip_prefix('#').unwrap_or(text);
    let bad = || format!("'{text}' is not a colour (white, black, gray, #RRGGBB or none)");
    if hex.len() != 6 || !hex.is_ascii() {
        return Err(bad());
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
    colour([byte(0)?, byte(2)?, byte(4)?])
}

/// `--partition`: a share, or none at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionArg {
    /// `I/N`.
    Share(Partition),
    /// `none`: carve every input, whatever the environment says.
    None,
}

impl std::str::FromStr for PartitionArg {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        if text == "none" {
            Ok(PartitionArg::None)
        } else {
            text.parse().map(PartitionArg::Share)
        }
    }
}

impl Args {
    /// The energy asked for, or the default for the seam rule: salient, or backward
    /// (the example's) with `--seams imageproc`.
    pub fn energy(&self) -> EnergyKind {
        self.energy.unwrap_or(self.seams.default_energy())
    }

    /// The inputs to carve: those given, or `inputs` when none is given.
    pub fn inputs(&self) -> Vec<PathBuf> {
        if self.inputs.is_empty() {
            vec![PathBuf::from("inputs")]
        } else {
            self.inputs.clone()
        }
    }

    /// Refuses, before any work and without touching anything, a run that cannot carve
    /// anything: no INPUT given and no `./inputs`, no INPUT that can be read (each named
    /// with why: missing, a link to nothing, a name too long, ...), or a file named both
    /// as an INPUT and as a mask.
    pub fn check_inputs(&self) -> Result<(), String> {
        if self.inputs.is_empty() {
            if std::fs::symlink_metadata("inputs").is_err() {
                return Err(
                    "no INPUT given and ./inputs does not exist: name the images or \
                     folders to carve (see --help)"
                        .to_string(),
                );
            }
            return Ok(());
        }
        // Links are followed: a link to nothing is as missing as a missing name.
        let unreadable: Vec<(&PathBuf, std::io::Error)> = self
            .inputs
            .iter()
            .filter_map(|p| std::fs::metadata(p).err().map(|e| (p, e)))
            .collect();
        if unreadable.len() == self.inputs.len() {
            let missing = |e: &std::io::Error| e.kind() == std::io::ErrorKind::NotFound;
            let names: Vec<String> = unreadable
                .iter()
                .map(|(p, e)| {
                    let dangling = std::fs::symlink_metadata(p).is_ok();
                    let note = match (missing(e), dangling) {
                        (true, true) => " (a link to nothing)".to_string(),
                        (true, false) => String::new(),
                        (false, _) => format!(" ({e})"),
                    };
                    format!("{}{note}", p.display())
                })
                .collect();
            let what = if unreadable.iter().all(|(_, e)| missing(e)) {
                "no such file or directory"
            } else {
                "cannot read any INPUT"
            };
            return Err(format!("{what}: {}", names.join(", ")));
        }
        for (flag, mask) in [("--protect", &self.protect), ("--remove", &self.remove)] {
            let Some(mask) = mask.as_ref().and_then(|m| std::fs::canonicalize(m).ok()) else {
                continue;
            };
            if let Some(input) = self
                .inputs
                .iter()
                .find(|p| std::fs::canonicalize(p).is_ok_and(|p| p == mask))
            {
                return Err(format!(
                    "{} is named both as an INPUT and as the {flag} mask; a mask marks \
                     pixels of the images it is given with, so name the image to carve \
                     as INPUT and the mask after {flag}",
                    input.display()
                ));
            }
        }
        Ok(())
    }

    /// The target width and height these arguments ask for, and which way they may
    /// change the axes; a geometry sets both, and may not be combined with the other flag.
    pub fn sizes(&self) -> Result<(Option<SizeSpec>, Option<SizeSpec>, Direction), String> {
        match (self.width, self.height) {
            (Some(SizeArg::Geometry(w, h, d)), None) | (None, Some(SizeArg::Geometry(w, h, d))) => {
                Ok((w, h, d))
            }
            (Some(SizeArg::Geometry(..)), Some(_)) | (Some(_), Some(SizeArg::Geometry(..))) => {
                Err("a geometry (WxH) sets both width and height; give it alone".to_string())
            }
            (w, h) => {
                let axis = |a: Option<SizeArg>| match a {
                    Some(SizeArg::Axis(s, d)) => (Some(s), d),
                    _ => (None, Direction::Either),
                };
                let ((w, dw), (h, dh)) = (axis(w), axis(h));
                let direction = match (dw, dh) {
                    (d, Direction::Either) | (Direction::Either, d) => d,
                    (a, b) if a == b => a,
                    (a, b) => {
                        return Err(format!(
                            "--width and --height end in {} and {}: give one of >, < and ^",
                            a.suffix(),
                            b.suffix()
                        ));
                    }
                };
                Ok((w, h, direction))
            }
        }
    }

    /// Whether faces are looked for: `--protect-faces`, or `--protect-skin`, which finds
    /// skin from them.
    fn finds_faces(&self) -> bool {
        self.protect_faces || self.protect_skin
    }

    /// The carving options these arguments ask for.
    pub fn options(&self) -> Result<Options, String> {
        if let (Some(model), false) = (&self.face_model, self.finds_faces()) {
            return Err(format!(
                "--face-model {}: the face model is only used with --protect-faces or --protect-skin",
                model.display()
            ));
        }
        // Here, not as clap's `requires = "aspect"`: clap does not enforce that when
        // --width or --height is given (they conflict with --aspect).
        if self.enlarge && self.aspect.is_none() {
            return Err(
                "--enlarge only changes --aspect (a width or height above the image's \
                 size enlarges by itself); give --aspect W:H, or drop --enlarge"
                    .to_string(),
            );
        }
        let (width, height, direction) = self.sizes()?;
        let artifacts: BTreeSet<Artifact> = if self.only.is_empty() {
            Artifact::ALL.into_iter().collect()
        } else {
            self.only.iter().copied().collect()
        };
        // Whether the request can enlarge is known here only for relative sizes; an
        // absolute one is checked against each image (the library's `Request::check`).
        if direction == Direction::Fill && (width.is_none() || height.is_none()) {
            return Err("^ fills a box: give both its sides, as WxH^ (800x800^)".to_string());
        }
        let grows = |spec: Option<SizeSpec>| match spec {
            _ if matches!(direction, Direction::ShrinkOnly | Direction::Fill) => false,
            Some(SizeSpec::Percent(p)) => p > 100.0,
            Some(SizeSpec::Relative(n)) => n > 0,
            _ => false,
        };
        if self.seams == SeamRule::Imageproc && self.background == Background::Keep {
            return Err(
                "--background none keeps transparency under the optimal rule; \
                 --seams imageproc keeps the colours stored under it, as the example did"
                    .to_string(),
            );
        }
        let masks = self.protect.is_some() || self.remove.is_some() || self.finds_faces();
        self.seams
            .check(
                self.energy(),
                masks,
                grows(width) || grows(height) || self.enlarge,
            )
            .map_err(|e| match e {
                seam_carver::Error::RuleUnsupported { what } => format!(
                    "--seams imageproc reproduces the example's removal only; {} uses the optimal rule",
                    match what {
                        Unsupported::ForwardEnergy => "--energy forward",
                        Unsupported::Masks => {
                            "--protect, --protect-faces, --protect-skin or --remove"
                        }
                        Unsupported::Enlargement => "enlarging",
                    }
                ),
                other => other.to_string(),
            })?;
        Ok(Options {
            width,
            height,
            aspect: self.aspect.map(|a| (a, self.enlarge)),
            direction,
            rule: self.seams,
            energy: self.energy(),
            protect: None,
            faces: None,
            skin: self.protect_skin,
            remove: None,
            keep_size: self.keep_size,
            amount: self.amount,
            order: self.order,
            carve_at_most: self.carve_at_most,
            mask_files: Vec::new(),
            artifacts,
            max_pixels: self.max_pixels,
            max_file_bytes: self.max_file_size,
            background: self.background,
            seam_paths: self.seam_paths,
            threads: 1,
        })
    }

    /// The share of the inputs to carve: `--partition`, else the one a Bacalhau execution
    /// is given in `env` (`BACALHAU_PARTITION_INDEX` of `BACALHAU_PARTITION_COUNT`, when
    /// the count is above 1).
    pub fn partition(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Partition>, String> {
        match self.partition {
            Some(PartitionArg::Share(p)) => Ok(Some(p)),
            Some(PartitionArg::None) => Ok(None),
            None => {
                let count = env("BACALHAU_PARTITION_COUNT");
                let index = env("BACALHAU_PARTITION_INDEX");
                match (index, count) {
                    (_, None) => Ok(None),
                    (_, Some(c)) if c.trim() == "1" || c.trim() == "0" => Ok(None),
                    (Some(i), Some(c)) => format!("{}/{}", i.trim(), c.trim())
                        .parse()
                        .map(Some)
                        .map_err(|e| format!("BACALHAU_PARTITION_INDEX and _COUNT: {e}")),
                    (None, Some(c)) => Err(format!(
                        "BACALHAU_PARTITION_COUNT is {c} but BACALHAU_PARTITION_INDEX is not set"
                    )),
                }
            }
        }
    }

    /// [`Args::options`] with the masks read and decoded; errors name the mask file.
    pub fn load_options(&self) -> Result<Options, RunError> {
        let mut options = self.options().map_err(RunError::Usage)?;
        let load = |path: &Option<PathBuf>| {
            path.as_deref()
                .map(|p| load_mask(p, options.max_pixels, options.max_file_bytes))
                .transpose()
        };
        let protect = load(&self.protect)?;
        let remove = load(&self.remove)?;
        options.protect = protect;
        options.remove = remove;
        if self.finds_faces() {
            let flag = if self.protect_skin {
                "--protect-skin"
            } else {
                "--protect-faces"
            };
            options.faces = Some(load_face_model(self.face_model.as_deref(), flag)?);
        }
        options.mask_files = [&self.protect, &self.remove]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        Ok(options)
    }
}

/// The face detector for `flag` (`--protect-faces` or `--protect-skin`): the model from
/// `file`, or the built-in one (natively; the WASI module has none).
fn load_face_model(file: Option<&std::path::Path>, flag: &str) -> Result<FaceDetector, RunError> {
    let Some(file) = file else {
        // Natively only: the WASI module reads the model from a file, so that it and its
        // Bacalhau jobs stay small, whichever features a workspace build unifies.
        let built_in = cfg!(not(target_family = "wasm")).then(FaceDetector::built_in);
        return built_in.flatten().ok_or_else(|| {
            RunError::Usage(format!(
                "{flag}: this WASI module has no built-in face model; give its file \
                 with --face-model (SeetaFace's {}, from {})",
                FaceDetector::MODEL_NAME,
                FaceDetector::MODEL_URL
            ))
        });
    };
    // The model is 1.2 MB: anything much larger is not it, and is not read.
    const MOST: u64 = 4 << 20;
    let bytes = read_input(file, MOST).map_err(|source| RunError::CannotRead {
        path: file.to_path_buf(),
        what: "face model",
        source: source.into(),
    })?;
    FaceDetector::from_model(&bytes).map_err(|e| RunError::BadFile {
        path: file.to_path_buf(),
        source: Box::new(e.into()),
    })
}

/// What `--width` or `--height` was given: one axis, or an ImageMagick-style geometry
/// `WxH` (`500x300`, `50%x100%`, `x300`, `-40x`) that sets both axes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SizeArg {
    /// A size for the flag's own axis, and which way it may change it (`800>`).
    Axis(SizeSpec, Direction),
    /// Width and height (an empty side leaves that axis as it is), and which way they may
    /// change them (`1200x800>`).
    Geometry(Option<SizeSpec>, Option<SizeSpec>, Direction),
}

impl FromStr for SizeArg {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (s, direction) = Direction::strip(text);
        match s.split_once(['x', 'X']) {
            None => s.parse().map(|spec| SizeArg::Axis(spec, direction)),
            Some((w, h)) => {
                let side = |t: &str| -> Result<Option<SizeSpec>, String> {
                    if t.is_empty() {
                        Ok(None)
                    } else {
                        t.parse().map(Some)
                    }
                };
                let (w, h) = (side(w)?, side(h)?);
                if w.is_none() && h.is_none() {
                    return Err(format!(
                        "invalid geometry '{text}': give a width, a height or both"
                    ));
                }
                Ok(SizeArg::Geometry(w, h, direction))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn parses_geometry() {
        const E: Direction = Direction::Either;
        assert_eq!("500".parse(), Ok(SizeArg::Axis(SizeSpec::Pixels(500), E)));
        assert_eq!(
            "500x300".parse(),
            Ok(SizeArg::Geometry(
                Some(SizeSpec::Pixels(500)),
                Some(SizeSpec::Pixels(300)),
                E
            ))
        );
        assert_eq!(
            "50%x100%".parse(),
            Ok(SizeArg::Geometry(
                Some(SizeSpec::Percent(50.0)),
                Some(SizeSpec::Percent(100.0)),
                E
            ))
        );
        assert_eq!(
            "x300".parse(),
            Ok(SizeArg::Geometry(None, Some(SizeSpec::Pixels(300)), E))
        );
        assert_eq!(
            "-40x".parse(),
            Ok(SizeArg::Geometry(Some(SizeSpec::Relative(-40)), None, E))
        );
        assert!("x".parse::<SizeArg>().is_err());
        assert!("10x20x30".parse::<SizeArg>().is_err());
    }

    #[test]
    fn clap_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn negative_width_is_a_value_not_a_flag() {
        let args = Args::try_parse_from(["seam-carver", "--width", "-100", "a.png"]).unwrap();
        assert_eq!(
            args.width,
            Some(SizeArg::Axis(SizeSpec::Relative(-100), Direction::Either))
        );
        assert_eq!(args.inputs, vec![PathBuf::from("a.png")]);
    }

    #[test]
    fn geometry_sets_both_axes_and_stands_alone() {
        let args = Args::try_parse_from(["", "--width", "50%x100%"]).unwrap();
        let options = args.options().unwrap();
        assert_eq!(options.width, Some(SizeSpec::Percent(50.0)));
        assert_eq!(options.height, Some(SizeSpec::Percent(100.0)));
        let args = Args::try_parse_from(["", "--height", "x300"]).unwrap();
        assert_eq!(args.options().unwrap().height, Some(SizeSpec::Pixels(300)));
        let args = Args::try_parse_from(["", "--width", "5x5", "--height", "4"]).unwrap();
        assert!(args.options().is_err());
    }

    #[test]
    fn geometry_flags_say_which_way_an_axis_may_change() {
        let sizes = |args: &[&str]| {
            let mut all = vec![""];
            all.extend_from_slice(args);
            Args::try_parse_from(all).unwrap().sizes()
        };
        assert_eq!(
            sizes(&["--width", "300x200>"]),
            Ok((
                Some(SizeSpec::Pixels(300)),
                Some(SizeSpec::Pixels(200)),
                Direction::ShrinkOnly
            ))
        );
        assert_eq!(
            sizes(&["--width", "150%<"]),
            Ok((Some(SizeSpec::Percent(150.0)), None, Direction::EnlargeOnly))
        );
        assert_eq!(
            sizes(&["--width", "800>", "--height", "600"]).unwrap().2,
            Direction::ShrinkOnly
        );
        assert!(sizes(&["--width", "800>", "--height", "600<"]).is_err());
        // --aspect sets the shape alone (clap refuses it beside a size).
        assert!(Args::try_parse_from(["", "--aspect", "1:1", "--height", "500>"]).is_err());
        assert!("x>".parse::<SizeArg>().is_err());
    }

    #[test]
    fn mask_and_energy_flags_are_checked() {
        let args = Args::try_parse_from(["", "--energy", "forward"]).unwrap();
        assert_eq!(args.options().unwrap().energy, EnergyKind::Forward);
        assert!(Args::try_parse_from(["", "--keep-size"]).is_err());
        assert!(Args::try_parse_from(["", "--remove", "m.png", "--width", "5"]).is_err());
        let args = Args::try_parse_from(["", "--energy", "forward", "--seams", "imageproc"]);
        assert!(args.unwrap().options().is_err());
        let args = Args::try_parse_from(["", "--protect", "/no/such/mask.png"]).unwrap();
        let err = args.load_options().unwrap_err().to_string();
        assert!(
            err.starts_with("/no/such/mask.png: cannot read mask"),
            "{err}"
        );
    }

    #[test]
    fn partition_comes_from_the_flag_or_bacalhau_s_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let bacalhau = env(&[
            ("BACALHAU_PARTITION_INDEX", "2"),
            ("BACALHAU_PARTITION_COUNT", "3"),
        ]);
        let args = Args::try_parse_from([""]).unwrap();
        assert_eq!(args.partition(bacalhau).unwrap(), Partition::new(2, 3));
        assert_eq!(args.partition(env(&[])).unwrap(), None);
        let single = env(&[
            ("BACALHAU_PARTITION_INDEX", "0"),
            ("BACALHAU_PARTITION_COUNT", "1"),
        ]);
        assert_eq!(args.partition(single).unwrap(), None);
        let args = Args::try_parse_from(["", "--partition", "none"]).unwrap();
        assert_eq!(args.partition(bacalhau).unwrap(), None);
        let args = Args::try_parse_from(["", "--partition", "0/2"]).unwrap();
        assert_eq!(args.partition(bacalhau).unwrap(), Partition::new(0, 2));
        assert!(Args::try_parse_from(["", "--partition", "2/2"]).is_err());
        assert!(Args::try_parse_from(["", "--jobs", "0"]).is_err());
    }

    #[test]
    fn no_flags_give_the_default_options() {
        // The command line's defaults are Options::default's, the one home.
        let (got, want) = (
            Args::try_parse_from([""]).unwrap().options().unwrap(),
            Options::default(),
        );
        assert_eq!(
            (
                got.amount,
                got.order,
                got.carve_at_most,
                got.rule,
                got.energy
            ),
            (
                want.amount,
                want.order,
                want.carve_at_most,
                want.rule,
                want.energy
            )
        );
        assert_eq!(
            (
                got.max_pixels,
                got.max_file_bytes,
                got.background,
                got.seam_paths
            ),
            (
                want.max_pixels,
                want.max_file_bytes,
                want.background,
                want.seam_paths
            )
        );
        assert_eq!(
            (got.direction, got.keep_size, got.skin),
            (want.direction, false, false)
        );
        assert_eq!(got.artifacts, want.artifacts);
    }

    #[test]
    fn backgrounds_read_back_as_they_are_written() {
        // --help shows the default through Display; parse_background reads it again.
        for background in [
            Background::Keep,
            Background::Over([255; 3]),
            Background::Over([0; 3]),
            Background::Over([128; 3]),
            Background::Over([0x12, 0xab, 0x00]),
        ] {
            assert_eq!(parse_background(&background.to_string()), Ok(background));
        }
        assert_eq!(Background::Over([0x12, 0xab, 0x00]).to_string(), "#12ab00");
        assert_eq!(parse_background("GREY"), Ok(Background::Over([128; 3])));
    }

    #[test]
    fn only_takes_a_list() {
        let args = Args::try_parse_from(["", "--only", "carved,seams"]).unwrap();
        let options = args.options().unwrap();
        assert_eq!(
            options.artifacts.into_iter().collect::<Vec<_>>(),
            vec![Artifact::Carved, Artifact::Seams]
        );
        assert!(Args::try_parse_from(["", "--only", "shrunk"]).is_err());
    }
}
