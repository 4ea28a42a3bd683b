//! Options to a carve: the one home of the command line's defaults ([`Options`]), and an
//! input's [`Plan`] (decoded, scaled first where asked, faces found, the target size and
//! the limits checked) with the line that says what its carve will do.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use image::RgbImage;
use seam_carver::{
    Aspect, Direction, EnergyKind, Face, FaceDetector, Mask, Order, Request, SeamRule, SizeSpec,
};

use crate::decode::{decode_oriented, format_by_name, is_animated, over_background};
use crate::error::{Error, Result};
use crate::output::Artifact;

/// Default `--max-pixels`: the largest image whose carve fits Bacalhau's default 512 MiB
/// of wasm linear memory with all six artifacts (measured, see README).
pub const DEFAULT_MAX_PIXELS: u64 = 16_000_000;

/// What to do with every input of a run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Target width; `None` removes `width / 6` seams, as the Bacalhau example does,
    /// unless a height or an object removal is asked for, which leave the width alone.
    /// Larger than the image inserts seams.
    pub width: Option<SizeSpec>,
    /// Target height, reached by removing or inserting horizontal seams.
    pub height: Option<SizeSpec>,
    /// A shape to reach instead of `width` and `height`, and whether by inserting seams.
    pub aspect: Option<(Aspect, bool)>,
    /// Which way `width` and `height` may change each axis (`>`: only shrink, `<`: only
    /// enlarge).
    pub direction: Direction,
    /// How seams are traced.
    pub rule: SeamRule,
    /// The energy seams are measured in.
    pub energy: EnergyKind,
    /// Pixels seams avoid.
    pub protect: Option<Mask>,
    /// Find faces in each image and keep seams out of them.
    pub faces: Option<FaceDetector>,
    /// With `faces`: keep the skin around the faces found, too ([`Mask::skin`]).
    pub skin: bool,
    /// An object to carve away (the width follows from it).
    pub remove: Option<Mask>,
    /// After removing the object, insert seams back to the original width.
    pub keep_size: bool,
    /// The share (percent) of the change done by seams, the rest by scaling
    /// ([`Request::amount`]).
    pub amount: u8,
    /// The order of the two axes' seams when both change ([`Request::order`]).
    pub order: Order,
    /// When both axes shrink, the most of either (percent) seams remove: beyond it the
    /// image is scaled first ([`seam_carver::prescale`]); 100: seams alone.
    pub carve_at_most: u8,
    /// The files `protect` and `remove` were read from: a batch does not carve them.
    pub mask_files: Vec<PathBuf>,
    /// Which artifacts to write.
    pub artifacts: BTreeSet<Artifact>,
    /// Largest image, in pixels, that is decoded at all; larger ones are refused from
    /// their header, before any pixel memory is allocated.
    pub max_pixels: u64,
    /// Largest input file, in bytes, that is read at all.
    pub max_file_bytes: u64,
    /// What transparent pixels become (not under the imageproc rule, which keeps the
    /// example's colours).
    pub background: Background,
    /// The threads one image's carve may use (the library's `Request::threads`: that
    /// many measure the image, one more draws its energy map from 3 on; the same bytes on
    /// any number), and how many of its pictures are encoded at once.
    pub threads: usize,
    /// Where `seams.json` gives each seam's path.
    pub seam_paths: SeamPaths,
}

/// How `seams.json` gives each seam's path (`--seam-paths`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SeamPaths {
    /// In the image each seam was removed from.
    #[default]
    AsRemoved,
    /// In the input's own coordinates (one-axis removals only).
    Input,
}

/// As `--seam-paths` spells it (clap's names for the values, the one table).
impl std::fmt::Display for SeamPaths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use clap::ValueEnum;
        let value = self.to_possible_value().expect("no value is skipped");
        f.write_str(value.get_name())
    }
}

/// What a carve does with transparent pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Background {
    /// Composited over this colour, as a viewer shows them: RGB outputs.
    Over([u8; 3]),
    /// Kept: the carved and original pictures are RGBA, alpha carried through every seam
    /// exactly; seams are measured with transparent pixels as black (the library's rule).
    Keep,
}

/// As `--background` spells it: `none`, `white`, `black`, `gray` or `#rrggbb`.
impl std::fmt::Display for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Background::Keep => f.write_str("none"),
            Background::Over(colour) => match NAMED_COLOURS.iter().find(|(_, c)| c == colour) {
                Some((name, _)) => f.write_str(name),
                None => {
                    let [r, g, b] = colour;
                    write!(f, "#{r:02x}{g:02x}{b:02x}")
                }
            },
        }
    }
}

/// The colours `--background` takes by name (besides `#RRGGBB` and `none`).
pub const NAMED_COLOURS: [(&str, [u8; 3]); 4] = [
    ("white", [255; 3]),
    ("black", [0; 3]),
    ("gray", [128; 3]),
    ("grey", [128; 3]),
];

/// The default [`Options::max_file_bytes`]: 512 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 512 << 20;

impl Default for Options {
    fn default() -> Self {
        Options {
            width: None,
            height: None,
            aspect: None,
            direction: Direction::Either,
            rule: SeamRule::default(),
            energy: SeamRule::default().default_energy(),
            protect: None,
            faces: None,
            skin: false,
            remove: None,
            keep_size: false,
            amount: 100,
            order: Order::default(),
            carve_at_most: seam_carver::CARVE_AT_MOST,
            mask_files: Vec::new(),
            artifacts: Artifact::ALL.into_iter().collect(),
            max_pixels: DEFAULT_MAX_PIXELS,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            background: Background::Over([255, 255, 255]),
            threads: 1,
            seam_paths: SeamPaths::AsRemoved,
        }
    }
}

/// The most pixel steps (seams times the input's pixels) a carve may take, per pixel of
/// `--max-pixels`: with the default, 16,000,000 x 2,048, about 3.3 * 10^10, a minute or
/// two natively at 2 to 4 ns a step (`just bench`: 300000x1 at width/6, 1.5 * 10^10
/// steps, 67 s natively and 147 s on wasmtime). A 16 MP photo at half its width takes
/// just under it, at width/6 a third of it; a 1000000x1 image at width/6 five times it.
pub const STEPS_PER_MAX_PIXEL: u64 = 2048;

impl Options {
    /// The target width for an image `width` pixels wide.
    pub fn target_width(&self, width: u32) -> Result<u32> {
        match self.width {
            Some(spec) => Ok(spec.resolve(width)?),
            None if self.height.is_some() || self.remove.is_some() => Ok(width),
            None => Ok(width - width / 6),
        }
    }

    /// The target height for an image `height` pixels high.
    pub fn target_height(&self, height: u32) -> Result<u32> {
        self.height
            .map_or(Ok(height), |spec| Ok(spec.resolve(height)?))
    }

    /// The resize request for one image, with its targets and what was found in it.
    pub fn request<'a>(&'a self, width: u32, height: u32, found: &'a Found) -> Request<'a> {
        Request {
            width,
            height,
            rule: self.rule,
            energy: self.energy,
            protect: found.protect.as_ref().or(self.protect.as_ref()),
            faces: &found.faces,
            skin: found.skin.as_ref(),
            remove: found.remove.as_ref().or(self.remove.as_ref()),
            keep_size: self.keep_size,
            amount: self.amount,
            order: self.order,
            // The input's energy map is drawn only for the pictures of it.
            energy_map: self.artifacts.contains(&Artifact::Gradients)
                || self.artifacts.contains(&Artifact::AnnotatedGradients),
            step_ratio: None,
            threads: self.threads,
        }
    }
}

/// A decoded image with its plan: what the batch runner reports before carving starts.
pub struct Plan {
    /// The input as 8-bit RGB.
    pub image: RgbImage,
    /// With [`Background::Keep`], the input with its alpha (when it has any): what is
    /// carved, while `image` (over white) is drawn on.
    pub alpha: Option<image::RgbaImage>,
    /// Target width (the input's own for an object removal, which decides it itself).
    pub width: u32,
    /// Target height.
    pub height: u32,
    /// Seams the carve takes (for an object removal, a lower bound).
    pub seams: u32,
    /// The file is animated: only its first frame is carved.
    pub animated: bool,
    /// What was found in it to keep out of every seam.
    pub found: Found,
    /// With `^`, or when scaled first ([`Options::carve_at_most`]): the input's own
    /// size, from which `image` was scaled.
    pub scaled_from: Option<(u32, u32)>,
    /// `scaled_from` is set because seams alone would have taken more than
    /// [`Options::carve_at_most`] of an axis (else because of a `^` geometry).
    pub prescaled: bool,
}

/// What was found in an image to keep whole (with [`Options::faces`]).
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// The faces.
    pub faces: Vec<Face>,
    /// With [`Options::skin`]: the skin around them.
    pub skin: Option<Mask>,
    /// When the image was scaled before carving: `--protect` and `--remove`'s masks,
    /// scaled with it (else the options' own are used).
    pub protect: Option<Mask>,
    /// See `protect`.
    pub remove: Option<Mask>,
}

impl Plan {
    /// One line saying what the carve will do, for progress reports.
    pub fn describe(&self, options: &Options) -> String {
        let (w, h) = self.image.dimensions();
        if let Some(mask) = &options.remove {
            let back = if options.keep_size {
                ", then inserting as many to keep the size"
            } else {
                ""
            };
            return format!(
                "{w}x{h}: removing the {} pixels of mask {} (at least {} seams){back}{}",
                mask.count(),
                mask.name(),
                self.seams / if options.keep_size { 2 } else { 1 },
                self.protecting(options)
            );
        }
        // With --amount under 100 the seams go part of the way, then scaling.
        let request = options.request(self.width, self.height, &self.found);
        let carve_to = request.carve_to(w, h);
        let frames = if self.animated {
            " (an animated image: its first frame only)"
        } else {
            ""
        };
        format!(
            "{}{w}x{h} -> {}x{}, {}{}{}{frames}{}",
            self.scaled_first(options, &request),
            self.width,
            self.height,
            seams_taken((w, h), carve_to),
            self.scaling(options, carve_to),
            order_taken(options.order, &request, (w, h), carve_to),
            self.protecting(options)
        )
    }

    /// What the plan line says of scaling after the seams (`--amount` under 100).
    fn scaling(&self, options: &Options, (cw, ch): (u32, u32)) -> String {
        if (cw, ch) == (self.width, self.height) {
            String::new()
        } else if (cw, ch) == self.image.dimensions() {
            format!(
                ", only scaling ({} % of the change by seams is not one seam)",
                options.amount
            )
        } else {
            format!(
                " to {cw}x{ch}, then scaling ({} % of the change by seams)",
                options.amount
            )
        }
    }

    /// What the plan line says of scaling before the seams (`^`, `--carve-at-most`).
    fn scaled_first(&self, options: &Options, request: &Request) -> String {
        let (w, h) = self.image.dimensions();
        match self.scaled_from {
            Some((fw, fh)) if self.prescaled => {
                // What seams alone would have taken of the axis that loses most.
                let (tw, th) = request.carve_to(fw, fh);
                let share =
                    |from: u32, to: u32| 100 * u64::from(from - to.min(from)) / u64::from(from);
                let (taken, axis) = if share(fw, tw) >= share(fh, th) {
                    (share(fw, tw), "width")
                } else {
                    (share(fh, th), "height")
                };
                format!(
                    "{fw}x{fh} scaled to {w}x{h} first (seams alone would take {taken} % of \
                     the {axis}, over --carve-at-most {}), ",
                    options.carve_at_most
                )
            }
            Some((fw, fh)) => format!(
                "{fw}x{fh} scaled to {w}x{h} to fill {}x{}, ",
                self.width, self.height
            ),
            None => String::new(),
        }
    }
}

/// `removing 3 seams`, `inserting 1 seam`, ... for a carve from `(w, h)` to `(cw, ch)`.
fn seams_taken((w, h): (u32, u32), (cw, ch): (u32, u32)) -> String {
    let removing = w.saturating_sub(cw) + h.saturating_sub(ch);
    let inserting = cw.saturating_sub(w) + ch.saturating_sub(h);
    let seams = |n: u32| if n == 1 { "seam" } else { "seams" };
    match (removing, inserting) {
        (0, 0) => "no seams".to_string(),
        (r, 0) => format!("removing {r} {}", seams(r)),
        (0, i) => format!("inserting {i} {}", seams(i)),
        (r, i) => format!("removing {r} and inserting {i} {}", seams(i)),
    }
}

/// What the plan line says of the order of the axes, when both change.
fn order_taken(
    order: Order,
    request: &Request,
    (w, h): (u32, u32),
    (cw, ch): (u32, u32),
) -> String {
    match order {
        _ if cw == w || ch == h => String::new(),
        Order::WidthFirst => String::new(),
        Order::HeightFirst => ", height first".to_string(),
        Order::Interleaved => ", the axes interleaved".to_string(),
        Order::Optimal => format!(
            ", in the order of least cost ({} seams tried)",
            request.seams(w, h)
        ),
    }
}

impl Plan {
    /// What the plan line says of the faces: `, keeping 2 faces whole` (nothing without
    /// `--protect-faces`).
    /// A face is whole only while the seams can pass beside it: when more are removed
    /// across an axis than it has lines free of every face, the line says how many cross.
    fn protecting(&self, options: &Options) -> String {
        let faces = &self.found.faces;
        let n = faces.len();
        let noun = if n == 1 { "face" } else { "faces" };
        if options.faces.is_none() {
            return String::new();
        }
        if n == 0 {
            return ", no face found".to_string();
        }
        let (w, h) = self.image.dimensions();
        let spans = |f: &Face| ((f.x, f.width), (f.y, f.height));
        let free_columns = w - widest_cover(faces, h, spans);
        let free_rows = h - widest_cover(faces, w, |f| {
            let (across, along) = spans(f);
            (along, across)
        });
        let crossing = [
            (w.saturating_sub(self.width), free_columns, "columns"),
            (h.saturating_sub(self.height), free_rows, "rows"),
        ]
        .into_iter()
        .find(|&(removed, free, _)| removed > free);
        match crossing {
            Some((removed, free, lines)) if options.remove.is_none() => format!(
                ", {n} {noun} found, but only {free} {lines} are free of them: {} of the {removed} seams cross them",
                removed - free
            ),
            _ => {
                let them = if n == 1 { "it" } else { "them" };
                match self.found.skin.as_ref().map(Mask::count) {
                    Some(0) => format!(", keeping {n} {noun} whole (no skin colour around {them})"),
                    Some(skin) => {
                        format!(
                            ", keeping {n} {noun} and {skin} pixels of skin around {them} whole"
                        )
                    }
                    None => format!(", keeping {n} {noun} whole"),
                }
            }
        }
    }
}

/// The most pixels of one line (a row, for spans given as `(x, width)` then
/// `(y, height)`) that the boxes cover, over the `lines` lines.
fn widest_cover(
    faces: &[Face],
    lines: u32,
    spans: impl Fn(&Face) -> ((u32, u32), (u32, u32)),
) -> u32 {
    (0..lines)
        .map(|line| {
            let mut on: Vec<(u32, u32)> = faces
                .iter()
                .map(&spans)
                .filter(|&(_, (start, len))| line >= start && line - start < len)
                .map(|((start, len), _)| (start, start + len))
                .collect();
            on.sort_unstable();
            let (mut covered, mut reach) = (0, 0);
            for (start, end) in on {
                let start = start.max(reach);
                if end > start {
                    covered += end - start;
                    reach = end;
                }
            }
            covered
        })
        .max()
        .unwrap_or(0)
}

/// Decodes `bytes` (of the file `name`) and works out the target size, refusing
/// impossible carves and results larger than `max_pixels`.
pub fn plan(bytes: &[u8], name: &Path, options: &Options) -> Result<Plan> {
    let decoded = decode_oriented(bytes, format_by_name(name), options.max_pixels)?;
    // Transparent pixels show the background, as a viewer shows them; the example's
    // rule keeps the colours stored under them, as the example's code did.
    let alpha = (options.background == Background::Keep && decoded.color().has_alpha())
        .then(|| decoded.to_rgba8());
    let image = match (options.rule, options.background) {
        (SeamRule::Imageproc, _) => decoded.into_rgb8(),
        (SeamRule::Optimal, Background::Over(colour)) => over_background(&decoded, colour),
        (SeamRule::Optimal, Background::Keep) => over_background(&decoded, [255; 3]),
    };
    let (width, height) = options.targets(image.dimensions())?;
    let mut plan = Plan {
        seams: 0,
        image,
        alpha,
        width,
        height,
        animated: is_animated(bytes),
        found: Found::default(),
        scaled_from: None,
        prescaled: false,
    };
    plan.scale_first(options)?;
    let (w, h) = plan.image.dimensions();
    let faces = options
        .faces
        .as_ref()
        .map_or_else(Vec::new, |detector| detector.detect(&plan.image));
    let skin = options.skin.then(|| Mask::skin(&plan.image, &faces));
    let scaled_mask =
        |mask: &Option<Mask>| plan.scaled_from.and(mask.as_ref()).map(|m| m.scaled(w, h));
    plan.found = Found {
        faces,
        skin,
        protect: scaled_mask(&options.protect),
        remove: scaled_mask(&options.remove),
    };
    let request = options.request(width, height, &plan.found);
    request.check(w, h)?;
    if options.seam_paths == SeamPaths::Input {
        one_axis_removal(&request, w, h)?;
    }
    plan.seams = check_work(&request, w, h, options.max_pixels)?;
    Ok(plan)
}

impl Options {
    /// The size to reach from an image of `(w, h)`: from `--aspect`, or from the width and
    /// height each as `direction` lets it change.
    fn targets(&self, (w, h): (u32, u32)) -> Result<(u32, u32)> {
        Ok(match self.aspect {
            Some((aspect, enlarge)) => aspect.fit(w, h, enlarge),
            None => (
                self.direction.apply(w, self.target_width(w)?),
                self.direction.apply(h, self.target_height(h)?),
            ),
        })
    }
}

impl Plan {
    /// Scales the image before carving where asked: with `^`, to cover the target box
    /// keeping its shape (the overflow is carved); or when both axes shrink by more than
    /// [`Options::carve_at_most`], as little as that takes. Refuses a target or a covering
    /// size over `--max-pixels`.
    fn scale_first(&mut self, options: &Options) -> Result<()> {
        let (w, h) = self.image.dimensions();
        let (width, height) = (self.width, self.height);
        let fill = (options.direction == Direction::Fill)
            .then(|| Direction::fill(w, h, width, height))
            .flatten();
        for (x, y) in [Some((width, height)), fill].into_iter().flatten() {
            if x as u64 * y as u64 > options.max_pixels {
                return Err(Error::ResultTooLarge {
                    width: x,
                    height: y,
                    max: options.max_pixels,
                });
            }
        }
        let prescaled = match fill {
            None => options.request(width, height, &Found::default()).prescale(
                w,
                h,
                options.carve_at_most,
            ),
            Some(_) => None,
        };
        if let Some((sw, sh)) = fill.or(prescaled) {
            self.image = seam_carver::scale(&self.image, sw, sh);
            self.alpha = self.alpha.as_ref().map(|a| seam_carver::scale(a, sw, sh));
            self.scaled_from = Some((w, h));
        }
        self.prescaled = prescaled.is_some();
        Ok(())
    }
}

/// Refuses, for `--seam-paths input`, a carve whose seams have no single path in the image
/// they are taken from: one that inserts seams or changes both axes.
fn one_axis_removal(request: &Request, w: u32, h: u32) -> Result<()> {
    let (cw, ch) = request.carve_to(w, h);
    let what = if cw > w || ch > h || (request.remove.is_some() && request.keep_size) {
        "inserts seams"
    } else if cw < w && ch < h {
        "changes both axes"
    } else {
        return Ok(());
    };
    Err(Error::SeamPathsInInput { what })
}

/// The seams `request` takes on a `w` x `h` image, refused when they cost more pixel
/// steps than [`STEPS_PER_MAX_PIXEL`] allows (naming the optimal order when it is the
/// reason).
fn check_work(request: &Request, w: u32, h: u32, max_pixels: u64) -> Result<u32> {
    let seams = request.seams(w, h);
    let max = max_pixels.saturating_mul(STEPS_PER_MAX_PIXEL);
    let steps = |seams: u32| seams as u64 * w as u64 * h as u64;
    if steps(seams) <= max {
        return Ok(seams);
    }
    let one_order = Request {
        order: Order::WidthFirst,
        ..*request
    }
    .seams(w, h);
    if one_order < seams && steps(one_order) <= max {
        return Err(Error::OrderTooMuchWork {
            width: w,
            height: h,
            tried: seams,
            seams: one_order,
            max,
        });
    }
    Err(Error::TooMuchWork {
        width: w,
        height: h,
        seams,
        max,
    })
}
