//! `import seam_carver`: the seam-carver library for Python, with the API of the
//! `seam-carving` package (li-plus, 1.1.0), so that existing code switches by changing
//! its import. Arrays in and out are numpy `uint8` arrays: `HxW` gray, `HxWx1`, `HxWx3`
//! RGB and `HxWx4` RGBA (alpha carried through every seam), in any memory layout. The
//! carve runs without the GIL.

use image::{GrayImage, ImageBuffer, Luma, Pixel, Rgb, Rgba};
use numpy::{PyArray1, PyArrayMethods, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use seam_carver::{Axis, EnergyKind, Mask, Order, Request, Seam, SeamRule};

pyo3::create_exception!(
    seam_carver,
    CarveError,
    PyValueError,
    "A carve seam-carver refuses (too many seams, an object it cannot remove, ...). \
     A ValueError, as seam-carving raises; `kind` names the reason and `details` \
     holds its numbers."
);

/// The most pixels a result may have unless `max_pixels` says otherwise: 100 million,
/// 400 MB of RGBA, so that a mistyped size is an error rather than a machine brought
/// to its knees.
const DEFAULT_MAX_PIXELS: u64 = 100_000_000;

// `resize`'s text signature writes these defaults out as numbers.
const _: () = assert!(DEFAULT_MAX_PIXELS == 100_000_000 && seam_carver::CARVE_AT_MOST == 40);

type Buffer<P> = ImageBuffer<P, Vec<<P as Pixel>::Subpixel>>;

/// What a call asks for, checked.
#[derive(Clone)]
struct Spec {
    size: Option<(u32, u32)>,
    energy: EnergyKind,
    height_first: bool,
    /// The library's order of the two axes (`height_first` is done by transposing, as
    /// seam-carving does).
    order: Order,
    keep: Option<Vec<bool>>,
    drop: Option<Vec<bool>>,
    step_ratio: Option<f32>,
    rule: SeamRule,
    /// Find faces and keep their boxes as `keep` keeps its pixels.
    protect_faces: bool,
    /// With the faces, keep the skin around them too.
    protect_skin: bool,
    /// When both axes shrink, the most of either (percent) seams take before the
    /// array is scaled first (the command line's `--carve-at-most`).
    carve_at_most: u8,
}

/// A seam as it is reported: its orientation in the input and the seam itself.
type Taken = (&'static str, Seam);

fn transpose<P: Pixel>(image: &Buffer<P>) -> Buffer<P> {
    ImageBuffer::from_fn(image.height(), image.width(), |x, y| *image.get_pixel(y, x))
}

fn transpose_flags(flags: &[bool], width: usize, height: usize) -> Vec<bool> {
    (0..width)
        .flat_map(|x| (0..height).map(move |y| flags[y * width + x]))
        .collect()
}

fn mask_of(name: &str, flags: &[bool], width: u32, height: u32) -> Mask {
    Mask::from_fn(name, width, height, |x, y| {
        flags[y as usize * width as usize + x as usize]
    })
}

/// A carve's image, the values that followed it, and its seams.
type Carried<P, Q> = (Buffer<P>, Option<Buffer<Q>>, Vec<Taken>);

/// The carve of the 8-bit `image` as `spec` says: the object removed first, then the
/// size reached, the kept area carried along; height-first by carving the transpose.
/// `data`, the same picture in another sample type (an array of floats or wide
/// integers, which `image` is the 0..255 reading of), gets the same seams.
fn carve<P: Pixel<Subpixel = u8> + 'static, Q: Pixel + 'static>(
    image: Buffer<P>,
    data: Option<Buffer<Q>>,
    spec: &Spec,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<Carried<P, Q>, seam_carver::Error> {
    let (w, h) = image.dimensions();
    let turn = |flags: &Option<Vec<bool>>| {
        flags
            .as_ref()
            .map(|f| transpose_flags(f, w as usize, h as usize))
    };
    let (mut image, mut data, keep, drop, size) = if spec.height_first {
        let size = spec.size.map(|(tw, th)| (th, tw));
        let data = data.map(|d| transpose(&d));
        (
            transpose(&image),
            data,
            turn(&spec.keep),
            turn(&spec.drop),
            size,
        )
    } else {
        (image, data, spec.keep.clone(), spec.drop.clone(), spec.size)
    };
    let (vertical, horizontal) = if spec.height_first {
        ("horizontal", "vertical")
    } else {
        ("vertical", "horizontal")
    };
    let base = |width, height| Request {
        energy: spec.energy,
        order: spec.order,
        // Python gets no energy map: none is drawn.
        energy_map: false,
        step_ratio: spec.step_ratio,
        ..Request::new(width, height, spec.rule)
    };
    let (cw, ch) = image.dimensions();
    // The kept area as an image, so that it can follow the object's removal.
    let mut keep = keep.map(|flags| {
        GrayImage::from_fn(cw, ch, |x, y| {
            Luma([flags[y as usize * cw as usize + x as usize] as u8 * 255])
        })
    });
    let keep_mask = |keep: &Option<GrayImage>| {
        keep.as_ref().map(|k| {
            let flags: Vec<bool> = k.pixels().map(|p| p[0] > 0).collect();
            mask_of("keep_mask", &flags, k.width(), k.height())
        })
    };
    let mut taken = Vec::new();
    let drop = drop.map(|d| mask_of("drop_mask", &d, cw, ch));
    // Two steps at most: the object's removal, then the size.
    let steps = [
        drop.as_ref().map(|object| (Some(object), (cw, ch))),
        size.map(|size| (None, size)),
    ];
    for (object, (tw, th)) in steps.into_iter().flatten() {
        let protect = keep_mask(&keep);
        let request = Request {
            protect: protect.as_ref(),
            remove: object,
            ..base(tw, th)
        };
        let carved = seam_carver::resize_with_progress(&image, &request, &mut *progress)?;
        if object.is_some() {
            keep = keep.map(|k| carved.apply_to(&k)).transpose()?;
        }
        data = data.map(|d| carved.apply_to(&d)).transpose()?;
        taken.extend(carved.taken().map(|(axis, s)| match axis {
            Axis::Width => (vertical, s.clone()),
            Axis::Height => (horizontal, s.clone()),
        }));
        image = carved.image;
    }
    if spec.height_first {
        image = transpose(&image);
        data = data.map(|d| transpose(&d));
    }
    Ok((image, data, taken))
}

/// `keep` with every pixel of the `faces`' boxes and of the `skin` set too (a `width` x
/// `height` image); unchanged when there is no face.
fn keep_found(
    keep: Option<Vec<bool>>,
    faces: &[seam_carver::Face],
    skin: Option<&seam_carver::Mask>,
    width: u32,
    height: u32,
) -> Option<Vec<bool>> {
    if faces.is_empty() {
        return keep;
    }
    let mut keep = keep.unwrap_or_else(|| vec![false; width as usize * height as usize]);
    for (columns, rows) in faces.iter().filter_map(|f| f.clipped(width, height)) {
        for row in rows {
            let start = (row * width) as usize;
            keep[start + columns.start as usize..start + columns.end as usize].fill(true);
        }
    }
    if let Some(skin) = skin {
        for (i, kept) in keep.iter_mut().enumerate() {
            *kept |= skin.is_set(i as u32 % width, i as u32 / width);
        }
    }
    Some(keep)
}

/// The error seam-carver's refusal becomes: a [`CarveError`] with its kind and numbers.
fn carve_error(py: Python<'_>, error: seam_carver::Error) -> PyErr {
    let details = format!("{error:?}");
    let kind: String = details
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let err = CarveError::new_err(error.to_string());
    let value = err.value(py);
    let _ = value.setattr("kind", kind);
    let _ = value.setattr("details", details);
    err
}

/// A numpy shape as Python prints it: `(3, 4)`.
fn shape_text(shape: &[usize]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A mask argument as one flag per pixel, as seam-carving reads it (`np.asarray(mask,
/// dtype=bool)`, 2-d, the image's height and width).
fn read_mask(mask: &Bound<'_, PyAny>, height: usize, width: usize) -> PyResult<Vec<bool>> {
    let numpy = mask.py().import("numpy")?;
    let kwargs = PyDict::new(mask.py());
    kwargs.set_item("dtype", numpy.getattr("uint8")?)?;
    let as_bool = numpy
        .call_method("asarray", (mask,), None)?
        .call_method1("astype", ("bool",))?;
    let flags = numpy.call_method("asarray", (as_bool,), Some(&kwargs))?;
    let flags: PyReadonlyArrayDyn<'_, u8> = flags.extract()?;
    let shape = flags.shape().to_vec();
    if shape.len() != 2 {
        return Err(PyValueError::new_err(format!(
            "expect mask to be a 2d binary map, got shape {}",
            shape_text(&shape)
        )));
    }
    if shape != [height, width] {
        return Err(PyValueError::new_err(format!(
            "expect the shape of mask to match the image, got {} vs {}",
            shape_text(&shape),
            shape_text(&[height, width])
        )));
    }
    Ok(flags.as_array().iter().map(|&v| v != 0).collect())
}

/// Python's `round` (half to even), as seam-carving rounds sizes.
fn round_size(value: f64) -> i64 {
    value.round_ties_even() as i64
}

/// Resizes an image by seam carving: seam-carving 1.1.0's `resize`, with the same
/// arguments and meanings, and a few of seam-carver's own as keywords.
///
/// - `src`: an array, `HxW` gray, `HxWx1`, `HxWx3` RGB or `HxWx4` RGBA (alpha carried
///   through every seam), in any memory layout; `uint8` is carved as it is, other
///   numeric dtypes are read as 0..255 intensities for the seams and come back in
///   their own dtype, their values kept.
/// - `size`: `(width, height)` to reach (rounded as Python rounds), or None.
/// - `energy_mode`: None for seam-carver's default (salient energy: forward energy on
///   a smoothed copy plus how much each pixel stands out, which keeps plain objects on
///   textured backgrounds), or `"backward"`, `"forward"` as in seam-carving, or
///   `"salient"`.
/// - `order`: `"width-first"` or `"height-first"` as in seam-carving, or seam-carver's
///   `"interleaved"` (the axes' seams in turns, at most 8 rounds each) or `"optimal"`
///   (the order of least total seam cost; 25 to 40 times slower), the command line's
///   `--order`.
/// - `keep_mask`: pixels no seam crosses while another exists; `drop_mask`: an object
///   removed before the resize (both 2-d, any dtype, nonzero = set).
/// - `step_ratio`: the most seams one insertion pass inserts, as a share of the width;
///   None (the default) for seam-carver's one pass up to the width less one.
/// - `seams`: `"optimal"` (exact minimum-cost seams) or `"imageproc"` (the Bacalhau
///   example's tracing, backward energy only).
/// - `progress`: called as `progress(done, total)` after each seam found (with
///   `order="optimal"`, every seam of the orders it tries: `total` is that count).
/// - `return_seams`: also return the seams taken, as a list of dicts (`orientation`,
///   `path`, `cost`, `inserted`, `pass`).
/// - `max_pixels`: the most pixels the input and the result may have (100 million).
/// - `protect_faces`: find faces (SeetaFace's frontal detector, faces of 20 pixels and
///   up) and keep their boxes whole as `keep_mask` does; an image without a face is
///   carved exactly as without it.
/// - `protect_skin`: as `protect_faces`, and keep the skin around each face too: the
///   pixels near it whose colour matches that face's own skin (necks, arms, hands; not
///   sand, wood or brick of a similar hue), the command line's `--protect-skin`.
/// - `carve_at_most`: when both axes shrink by more than this percentage of either (40
///   by default), the array (and `keep_mask`) is first scaled down, keeping its shape
///   (Lanczos3), as little as that takes, then carved: the command line's
///   `--carve-at-most`, the same pixels; 100 for seams alone (seam-carving's way). The
///   seams returned are then in the scaled array.
///
/// A `progress` callback that raises stops being called, and its exception is raised
/// once the carve is over: a carve cannot be cancelled part way.
///
/// Raises ValueError for bad arguments (as seam-carving does), CarveError (a
/// ValueError) for a carve seam-carver refuses, TypeError for an array that is not of
/// numbers. With `seams="imageproc"` the default energy is backward (the only one it
/// traces).
#[pyfunction]
#[pyo3(signature = (src, size=None, energy_mode=None, order="width-first", keep_mask=None, drop_mask=None, step_ratio=None, *, seams="optimal", progress=None, return_seams=false, max_pixels=DEFAULT_MAX_PIXELS, protect_faces=false, protect_skin=false, carve_at_most=i64::from(seam_carver::CARVE_AT_MOST)),
    // The defaults as numbers (PyO3 shows a Rust expression as `...`), held to the
    // constants at compile time below.
    text_signature = "(src, size=None, energy_mode=None, order='width-first', keep_mask=None, drop_mask=None, step_ratio=None, *, seams='optimal', progress=None, return_seams=False, max_pixels=100000000, protect_faces=False, protect_skin=False, carve_at_most=40)")]
#[allow(clippy::too_many_arguments)]
fn resize(
    py: Python<'_>,
    src: &Bound<'_, PyAny>,
    size: Option<Vec<f64>>,
    energy_mode: Option<&str>,
    order: &str,
    keep_mask: Option<&Bound<'_, PyAny>>,
    drop_mask: Option<&Bound<'_, PyAny>>,
    step_ratio: Option<f64>,
    seams: &str,
    progress: Option<Py<PyAny>>,
    return_seams: bool,
    max_pixels: u64,
    protect_faces: bool,
    protect_skin: bool,
    carve_at_most: i64,
) -> PyResult<Py<PyAny>> {
    if !(1..=100).contains(&carve_at_most) {
        return Err(PyValueError::new_err(format!(
            "expect carve_at_most to be a percentage from 1 to 100, got {carve_at_most}"
        )));
    }
    let carve_at_most = carve_at_most as u8;
    // Any numeric array, as seam-carving takes: uint8 is carved as it is; other types
    // (wider integers, floats) are read as 0..255 intensities for the seams, which
    // their own values then follow, and come back in their own type.
    let numpy = py.import("numpy")?;
    let array = numpy.call_method1("asarray", (src,))?;
    let dtype = array.getattr("dtype")?;
    let kind: String = dtype.getattr("kind")?.extract()?;
    let is_u8 = dtype.getattr("name")?.extract::<String>()? == "uint8";
    if !is_u8 && !matches!(kind.as_str(), "b" | "i" | "u" | "f") {
        return Err(PyTypeError::new_err(format!(
            "seam_carver carves arrays of numbers, got dtype {dtype}"
        )));
    }
    let shape: Vec<usize> = array.getattr("shape")?.extract()?;
    if shape.iter().product::<usize>() == 0 || !(2..=3).contains(&shape.len()) {
        return Err(PyValueError::new_err(format!(
            "expect a 3d rgb image or a 2d grayscale image, got image in shape {}",
            shape_text(&shape)
        )));
    }
    if (shape[0] as u128 * shape[1] as u128) as f64 > max_pixels as f64 {
        return Err(PyValueError::new_err(format!(
            "the image has {} pixels, over max_pixels={max_pixels}",
            shape[0] * shape[1]
        )));
    }
    let channels = if shape.len() == 3 { shape[2] } else { 1 };
    if ![1, 3, 4].contains(&channels) {
        return Err(PyValueError::new_err(format!(
            "expect 1, 3 or 4 channels (gray, RGB, RGBA), got image in shape {}",
            shape_text(&shape)
        )));
    }
    let rule = match seams {
        "optimal" => SeamRule::Optimal,
        "imageproc" => SeamRule::Imageproc,
        other => {
            return Err(PyValueError::new_err(format!(
                "expect seams to be one of ('optimal', 'imageproc'), got {other}"
            )));
        }
    };
    if (protect_faces || protect_skin) && rule == SeamRule::Imageproc {
        // Refused whether or not the array holds a face, not only when one is found.
        let what = if protect_skin {
            "protect_skin keeps skin"
        } else {
            "protect_faces keeps faces"
        };
        return Err(PyValueError::new_err(format!(
            "{what} with the optimal rule; seams='imageproc' reproduces the example's removal only",
        )));
    }
    let energy = match energy_mode {
        None => rule.default_energy(),
        Some("backward") => EnergyKind::Backward,
        Some("forward") => EnergyKind::Forward,
        Some("salient") => EnergyKind::Salient,
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "expect energy_mode to be one of ('backward', 'forward', 'salient') or None, got {other}"
            )));
        }
    };
    let (height_first, order) = match order {
        "width-first" => (false, Order::WidthFirst),
        "height-first" => (true, Order::WidthFirst),
        "interleaved" => (false, Order::Interleaved),
        "optimal" => (false, Order::Optimal),
        other => {
            // seam-carving's own words (it has the first two orders only), then ours.
            return Err(PyValueError::new_err(format!(
                "expect order to be one of ('width-first', 'height-first'), got {other} \
                 (seam_carver also takes 'interleaved' and 'optimal')"
            )));
        }
    };
    if let Some(ratio) = step_ratio
        && !(ratio > 0.0 && ratio <= 1.0)
    {
        return Err(PyValueError::new_err(format!(
            "expect `step_ratio` to be between (0,1], got {ratio}"
        )));
    }
    let (height, width) = (shape[0], shape[1]);
    let keep = keep_mask.map(|m| read_mask(m, height, width)).transpose()?;
    let drop = drop_mask.map(|m| read_mask(m, height, width)).transpose()?;
    let size = match size {
        None => None,
        Some(pair) if pair.len() == 2 => {
            let (w, h) = (round_size(pair[0]), round_size(pair[1]));
            if w <= 0 || h <= 0 {
                return Err(PyValueError::new_err(format!(
                    "expect target size to be positive, got ({}, {})",
                    pair[0], pair[1]
                )));
            }
            let pixels = (w as u128 * h as u128) as f64;
            if pixels > max_pixels as f64 {
                return Err(PyValueError::new_err(format!(
                    "the result would be {w}x{h} ({pixels} pixels), over max_pixels={max_pixels}; \
                     raise max_pixels (and have the memory) to carve it"
                )));
            }
            Some((w as u32, h as u32))
        }
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "expect size to be (width, height), got {other:?}"
            )));
        }
    };
    let spec = Spec {
        size,
        energy,
        height_first,
        order,
        keep,
        drop,
        step_ratio: step_ratio.map(|r| r as f32),
        rule,
        protect_faces,
        protect_skin,
        carve_at_most,
    };
    // Every layout (C, Fortran, strided views) read in logical order: numpy makes a
    // C-ordered copy of any other (a C-ordered array is read as it is), which is then
    // copied whole (an element-by-element walk took more time than a short carve).
    let contiguous = |array| numpy.call_method1("ascontiguousarray", (array,));
    let (bytes, wide): (Vec<u8>, Option<Vec<f64>>) = if is_u8 {
        let view: PyReadonlyArrayDyn<'_, u8> = contiguous(array.clone())?.extract()?;
        (view.as_slice()?.to_vec(), None)
    } else {
        let floats = contiguous(array.call_method1("astype", ("float64",))?)?;
        let view: PyReadonlyArrayDyn<'_, f64> = floats.extract()?;
        let wide: Vec<f64> = view.as_slice()?.to_vec();
        let bytes = wide
            .iter()
            .map(|v| v.round().clamp(0.0, 255.0) as u8)
            .collect();
        (bytes, Some(wide))
    };
    let (w, h) = (width as u32, height as u32);
    let mut callback_error: Option<PyErr> = None;
    let outcome = py.detach(|| {
        let mut report = |done: u32, total: u32| {
            if let (Some(callback), None) = (&progress, &callback_error) {
                Python::attach(|py| {
                    if let Err(e) = callback.call1(py, (done, total)) {
                        callback_error = Some(e);
                    }
                });
            }
        };
        match channels {
            1 => carve_raw::<Luma<u8>, Luma<f64>>(w, h, bytes, wide, &spec, &mut report),
            3 => carve_raw::<Rgb<u8>, Rgb<f64>>(w, h, bytes, wide, &spec, &mut report),
            _ => carve_raw::<Rgba<u8>, Rgba<f64>>(w, h, bytes, wide, &spec, &mut report),
        }
    });
    if let Some(e) = callback_error {
        return Err(e);
    }
    let (out_w, out_h, raw, wide, taken) = outcome.map_err(|e| carve_error(py, e))?;
    let mut out_shape = vec![out_h as usize, out_w as usize];
    if shape.len() == 3 {
        out_shape.push(channels);
    }
    let result = match wide {
        None => PyArray1::from_vec(py, raw).reshape(out_shape)?.into_any(),
        Some(values) => PyArray1::from_vec(py, values)
            .reshape(out_shape)?
            .call_method1("astype", (dtype,))?,
    };
    if !return_seams {
        return Ok(result.unbind());
    }
    let list = PyList::empty(py);
    for (orientation, seam) in taken {
        let item = PyDict::new(py);
        item.set_item("orientation", orientation)?;
        item.set_item("path", seam.path)?;
        item.set_item("cost", seam.cost)?;
        item.set_item("inserted", seam.inserted.is_some())?;
        item.set_item("pass", seam.inserted)?;
        list.append(item)?;
    }
    Ok((result, list).into_pyobject(py)?.into_any().unbind())
}

/// The carve of an array read as `bytes` (and, for a type other than uint8, its own
/// `wide` values) of `P` pixels: the result's size, bytes, values and seams.
type Outcome = (u32, u32, Vec<u8>, Option<Vec<f64>>, Vec<Taken>);

fn carve_raw<P: Pixel<Subpixel = u8> + 'static, Q: Pixel<Subpixel = f64> + 'static>(
    width: u32,
    height: u32,
    bytes: Vec<u8>,
    wide: Option<Vec<f64>>,
    spec: &Spec,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<Outcome, seam_carver::Error> {
    let mut image = Buffer::<P>::from_raw(width, height, bytes).expect("the array's size");
    let mut data = wide.map(|v| Buffer::<Q>::from_raw(width, height, v).expect("the array's size"));
    // Both axes shrinking by more than seams should take: scaled first, keeping the
    // shape, the kept area with it, as the command line does (not with an object to
    // remove, which decides the width itself).
    let (mut width, mut height) = (width, height);
    let mut scaled_spec;
    let mut spec = spec;
    if let (Some((tw, th)), None) = (spec.size, &spec.drop)
        && let Some((sw, sh)) = Request::to(tw, th).prescale(width, height, spec.carve_at_most)
    {
        image = seam_carver::scale(&image, sw, sh);
        data = data.map(|d| seam_carver::scale(&d, sw, sh));
        scaled_spec = spec.clone();
        scaled_spec.keep = spec.keep.as_ref().map(|keep| {
            let scaled = mask_of("keep_mask", keep, width, height).scaled(sw, sh);
            (0..sh)
                .flat_map(|y| (0..sw).map(move |x| (x, y)))
                .map(|(x, y)| scaled.is_set(x, y))
                .collect()
        });
        spec = &scaled_spec;
        (width, height) = (sw, sh);
    }
    // The faces found, and their skin, join the kept area (none found: the carve is the
    // plain one).
    let with_faces;
    let spec: &Spec = match spec.protect_faces || spec.protect_skin {
        true => {
            let faces = seam_carver::FaceDetector::bundled().detect(&image);
            let skin = spec
                .protect_skin
                .then(|| seam_carver::Mask::skin(&image, &faces));
            let mut spec = spec.clone();
            spec.keep = keep_found(spec.keep.take(), &faces, skin.as_ref(), width, height);
            with_faces = spec;
            &with_faces
        }
        false => spec,
    };
    let (image, data, taken) = carve(image, data, spec, progress)?;
    let (w, h) = image.dimensions();
    Ok((w, h, image.into_raw(), data.map(|d| d.into_raw()), taken))
}

/// Removes the object `drop_mask` marks, never cutting through `keep_mask`:
/// seam-carving 1.1.0's `remove_object` (the same as `resize(src,
/// drop_mask=drop_mask, keep_mask=keep_mask)`).
#[pyfunction]
#[pyo3(signature = (src, drop_mask, keep_mask=None, *, energy_mode=None, progress=None))]
fn remove_object(
    py: Python<'_>,
    src: &Bound<'_, PyAny>,
    drop_mask: &Bound<'_, PyAny>,
    keep_mask: Option<&Bound<'_, PyAny>>,
    energy_mode: Option<&str>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Py<PyAny>> {
    resize(
        py,
        src,
        None,
        energy_mode,
        "width-first",
        keep_mask,
        Some(drop_mask),
        None,
        "optimal",
        progress,
        false,
        DEFAULT_MAX_PIXELS,
        false,
        false,
        i64::from(seam_carver::CARVE_AT_MOST),
    )
}

/// Content-aware image resizing by seam carving, with the API of the `seam-carving`
/// package: `seam_carver.resize(src, (width, height))`.
#[pymodule(name = "seam_carver")]
fn python_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(resize, m)?)?;
    m.add_function(wrap_pyfunction!(remove_object, m)?)?;
    m.add("CarveError", m.py().get_type::<CarveError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
