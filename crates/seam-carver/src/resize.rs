//! Resizing to a target size: seams removed or inserted along each axis (horizontal ones
//! as vertical seams of the transpose) in the request's [`Order`], under masks and any
//! energy, and object removal.

use std::borrow::Cow;

use image::{GenericImageView, Pixel, Rgb, RgbImage};

use crate::carve::{Carver, Purpose, Seam, original_columns};
use crate::energy::{EnergyKind, EnergyMap};
use crate::error::{Axis, Error, Operation, Result};
use crate::faces::Face;
use crate::guided::PROTECT;
use crate::mask::{self, Mask};
use crate::order::Order;
use crate::pixels::{self, Buffer, NewPixel};
use crate::seam::SeamRule;

/// The longest seam carved: its cost must fit in 32 bits (at most 5,118 a pixel: a
/// salient straight step of up to 4,095 with its crowded weight, plus up to 1,023 for a
/// diagonal step).
pub const MAX_SEAM_LENGTH: u32 = 800_000;

/// Refuses a seam across `len` pixels when it is longer than [`MAX_SEAM_LENGTH`].
pub(crate) fn seam_length(len: u32) -> Result<()> {
    match len {
        len if len <= MAX_SEAM_LENGTH => Ok(()),
        len => Err(Error::SeamTooLong {
            len,
            max: MAX_SEAM_LENGTH,
        }),
    }
}

/// The result of a carve: the new image, of the input's pixel type, and the seams
/// taken, in order.
#[derive(Clone)]
pub struct Carved<P: Pixel = Rgb<u8>> {
    /// The carved (or enlarged) image.
    pub image: Buffer<P>,
    /// The vertical seams, in order, each in the image it was removed from (inserted
    /// seams: in the image before their pass, see [`Seam::inserted`]).
    pub vertical: Vec<Seam>,
    /// The horizontal seams, in order, each in the image it was taken from: each `path`
    /// holds the seam's row in each column, left to right.
    pub horizontal: Vec<Seam>,
    /// The order the seams were taken in, as runs: `(Axis::Width, n)` for the next `n` of
    /// `vertical`, `(Axis::Height, n)` for the next `n` of `horizontal`. Width first (see
    /// [`Request::order`]): at most one run of each.
    pub order: Vec<(Axis, u32)>,
    /// The input's Sobel (backward) energy map, the example's gradients picture, whatever
    /// energy the seams were measured in; `None` when [`Request::energy_map`] is false.
    pub energy: Option<EnergyMap>,
    /// The input's width and height.
    pub input: (u32, u32),
    /// With [`Request::amount`] under 100: the size the seams reached, from which the
    /// image was then scaled to its final size.
    pub carved: Option<(u32, u32)>,
}

impl<P: Pixel> Carved<P> {
    /// Every seam with its axis, in the order taken ([`Carved::order`]).
    ///
    /// ```
    /// use seam_carver::{Axis, Order, Request, resize};
    /// let image = image::RgbImage::from_fn(12, 9, |x, y| image::Rgb([(x * 20) as u8, (y * 25) as u8, 0]));
    /// let carved = resize(&image, &Request { order: Order::Interleaved, ..Request::to(10, 7) })?;
    /// let axes: Vec<Axis> = carved.taken().map(|(axis, _)| axis).collect();
    /// assert_eq!(axes, [Axis::Width, Axis::Height, Axis::Width, Axis::Height]);
    /// # Ok::<(), seam_carver::Error>(())
    /// ```
    pub fn taken(&self) -> impl Iterator<Item = (Axis, &Seam)> + '_ {
        let (mut vertical, mut horizontal) = (self.vertical.iter(), self.horizontal.iter());
        self.order.iter().flat_map(move |&(axis, n)| {
            let run: Vec<&Seam> = match axis {
                Axis::Width => vertical.by_ref().take(n as usize).collect(),
                Axis::Height => horizontal.by_ref().take(n as usize).collect(),
            };
            run.into_iter().map(move |seam| (axis, seam))
        })
    }

    /// Where in the input each removed seam's pixels were: for a carve that only removed
    /// seams along one axis, each seam's path in the input's columns (vertical seams, a
    /// column for each row) or rows (horizontal seams, a row for each column), in the
    /// order removed; `None` when both axes changed or seams were inserted. Removing the
    /// first `k` of them from the input gives the carve to `k` seams fewer: the
    /// multi-size image of Avidan and Shamir.
    ///
    /// ```
    /// use seam_carver::{Request, resize};
    /// let image = image::RgbImage::from_fn(6, 2, |x, _| image::Rgb([[0, 200, 0, 0, 90, 0][x as usize]; 3]));
    /// let carved = resize(&image, &Request::to(4, 2))?;
    /// let paths = carved.removed_in_input().unwrap();
    /// // Each removed pixel, named in the input: two seams, a column in each row.
    /// assert_eq!(paths.len(), 2);
    /// assert!(paths.iter().all(|path| path.len() == 2 && path.iter().all(|&x| x < 6)));
    /// # Ok::<(), seam_carver::Error>(())
    /// ```
    pub fn removed_in_input(&self) -> Option<Vec<Vec<u32>>> {
        let (width, height) = self.input;
        let removed = |seams: &[Seam]| seams.iter().all(|s| s.inserted.is_none());
        match (self.vertical.is_empty(), self.horizontal.is_empty()) {
            (false, true) if removed(&self.vertical) => Some(original_columns(
                &self.vertical,
                width,
                height,
                SeamRule::Optimal,
            )),
            (true, false) if removed(&self.horizontal) => Some(original_columns(
                &self.horizontal,
                height,
                width,
                SeamRule::Optimal,
            )),
            (true, true) => Some(Vec::new()),
            _ => None,
        }
    }

    /// The same seams applied to another image of the input's size, of any pixel type:
    /// a mask, a depth map or an alpha channel that should follow the carve. Inserted
    /// pixels are the mean of their two neighbours, or a copy of one where a one-pixel line
    /// of this image would break, as in the carve.
    ///
    /// ```
    /// use seam_carver::{Request, resize};
    /// let photo = image::RgbImage::from_fn(20, 10, |x, y| image::Rgb([(x * 12) as u8, (y * 20) as u8, 0]));
    /// let labels = image::GrayImage::from_fn(20, 10, |x, _| image::Luma([x as u8]));
    /// let carved = resize(&photo, &Request::to(15, 8))?;
    /// let moved = carved.apply_to(&labels)?;
    /// assert_eq!(moved.dimensions(), (15, 8));
    /// # Ok::<(), seam_carver::Error>(())
    /// ```
    pub fn apply_to<Q: Pixel + 'static>(&self, image: &Buffer<Q>) -> Result<Buffer<Q>> {
        let (width, height) = image.dimensions();
        if (width, height) != self.input {
            return Err(Error::MaskSize {
                mask: "the image the seams are applied to".to_string(),
                mask_width: width,
                mask_height: height,
                width: self.input.0,
                height: self.input.1,
            });
        }
        let replayed = pixels::replay(image.clone(), &self.vertical, &self.horizontal, &self.order);
        Ok(match self.carved {
            Some(_) => crate::scale(&replayed, self.image.width(), self.image.height()),
            None => replayed,
        })
    }
}

impl<P: Pixel> std::fmt::Debug for Carved<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Carved")
            .field("image", &self.image.dimensions())
            .field("vertical", &self.vertical)
            .field("horizontal", &self.horizontal)
            .field("order", &self.order)
            .field("energy", &self.energy.as_ref().map(|e| e.dimensions()))
            .finish()
    }
}

/// What a resize should do to one image.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// Target width: smaller removes seams, larger inserts them.
    pub width: u32,
    /// Target height.
    pub height: u32,
    /// In which order the seams of the two axes are taken when both change.
    pub order: Order,
    /// How seams are traced (`Imageproc` only for plain removal with backward energy).
    pub rule: SeamRule,
    /// The energy seams are measured in.
    pub energy: EnergyKind,
    /// Pixels no seam crosses while any other seam exists.
    pub protect: Option<&'a Mask>,
    /// Boxes kept whole as `protect` keeps its pixels, usually the faces a
    /// `FaceDetector` (feature `faces`) found (parts outside the image are ignored).
    pub faces: &'a [Face],
    /// More pixels kept as `protect` keeps its own, usually the skin around those faces
    /// ([`Mask::skin`]).
    pub skin: Option<&'a Mask>,
    /// An object to remove: vertical seams are carved through it until none of it is
    /// left, and the width target is ignored.
    pub remove: Option<&'a Mask>,
    /// After an object removal, insert as many seams as were removed.
    pub keep_size: bool,
    /// The share, in percent (0 to 100), of the change in each axis done by seams; the
    /// rest is plain scaling ([`scale`](crate::scale)) after the carve, as Photoshop's
    /// Content-Aware Scale's "Amount" blends the two. 100 (the default): seams alone; 0:
    /// plain scaling. Not with an object removal.
    pub amount: u8,
    /// The most seams one insertion pass inserts, as a share of the width then (at
    /// least one, at most the width less one); `None`: the width less one, so that
    /// growth up to about twice the width is one pass. The `seam-carving` Python
    /// package's `step_ratio`, whose default is 0.5.
    pub step_ratio: Option<f32>,
    /// Whether [`Carved::energy`] gets the input's energy map (the example's gradients
    /// picture), a pass over the image drawn beside the carve or after it (see
    /// [`Request::threads`]; true, the default); false leaves it empty, for callers that
    /// never draw it.
    pub energy_map: bool,
    /// How many threads a carve may use: at most this many measure the image in bands of
    /// rows (the calling thread among them); from 2 on, while the image is at least 512
    /// Ki pixels and 32 rows (checked before each seam, so a narrowing carve may drop
    /// back to one), a second thread, kept for the whole carve, compacts two thirds of
    /// each removed seam's rows, band by band, while the calling thread compacts the rest,
    /// finds the seams and keeps their costs. One more thread draws the input's energy
    /// map beside the carve from 3 on, or for an image too small for that second thread;
    /// else it is drawn after the carve, on all of them. 1 (or 0): the calling thread
    /// alone. The result is the same bytes on any number.
    /// [`Request::new`] sets every core the system offers; on WebAssembly there is one.
    pub threads: usize,
}

impl<'a> Request<'a> {
    /// A request for `width` x `height` with every default: optimal seams, salient
    /// energy, no masks.
    ///
    /// ```
    /// let request = seam_carver::Request::to(500, 400);
    /// assert_eq!(request.energy, seam_carver::EnergyKind::Salient);
    /// ```
    pub fn to(width: u32, height: u32) -> Self {
        Self::new(width, height, SeamRule::default())
    }

    /// A plain request: remove or insert seams to reach `width` x `height`, measured in
    /// the rule's default energy ([`SeamRule::default_energy`]: salient energy, or with
    /// [`SeamRule::Imageproc`] backward energy, the example's).
    pub fn new(width: u32, height: u32, rule: SeamRule) -> Self {
        Request {
            width,
            height,
            order: Order::default(),
            rule,
            energy: rule.default_energy(),
            protect: None,
            faces: &[],
            skin: None,
            remove: None,
            keep_size: false,
            amount: 100,
            energy_map: true,
            step_ratio: None,
            threads: crate::parallel::available(),
        }
    }

    /// Checks that this request can be carried out on an image of `width` x `height`.
    ///
    /// ```
    /// use seam_carver::{Error, Request, SeamRule};
    /// let request = Request::new(10, 4, SeamRule::Optimal);
    /// assert!(request.check(12, 4).is_ok());
    /// assert!(matches!(request.check(1, 4), Err(Error::TooSmall { .. })));
    /// ```
    pub fn check(&self, width: u32, height: u32) -> Result<()> {
        let grows = self.width > width || self.height > height || self.keep_size;
        self.rule.check(
            self.energy,
            self.protect.is_some()
                || self.skin.is_some()
                || self.remove.is_some()
                || !self.faces.is_empty(),
            grows,
        )?;
        for mask in [self.protect, self.skin, self.remove].into_iter().flatten() {
            mask.check_size(width, height)?;
        }
        let vertical = self.width != width || self.remove.is_some();
        let horizontal = self.height != height;
        for (works, len) in [(vertical, height), (horizontal, self.width.max(width))] {
            if works {
                seam_length(len)?;
            }
        }
        if self.keep_size && self.remove.is_none() {
            return Err(Error::KeepSizeWithoutRemoval);
        }
        if self.amount > 100 {
            return Err(Error::AmountOutOfRange {
                amount: self.amount,
            });
        }
        if self.amount < 100 && self.remove.is_some() {
            return Err(Error::AmountWithRemoval);
        }
        let too_small = |axis, operation| Error::TooSmall {
            width,
            height,
            axis,
            operation,
        };
        if self.remove.is_some() {
            if width < 2 {
                return Err(too_small(Axis::Width, Operation::RemoveObject));
            }
        } else if self.width <= width {
            check_removal(Axis::Width, width, height, width - self.width)?;
        } else if width < 2 {
            return Err(too_small(Axis::Width, Operation::Enlarge));
        }
        if self.height < height {
            let narrowed = if self.remove.is_some() { 1 } else { self.width };
            check_removal(Axis::Height, narrowed, height, height - self.height)?;
        } else if self.height > height && height < 2 {
            return Err(too_small(Axis::Height, Operation::Enlarge));
        }
        Ok(())
    }

    /// The size the seams reach for an image of `width` x `height`: the target, or with
    /// an [`amount`](Request::amount) under 100 that share of the way to it (rounded half
    /// away from the image's size), from which the image is then scaled.
    ///
    /// ```
    /// let request = seam_carver::Request { amount: 60, ..seam_carver::Request::to(500, 300) };
    /// assert_eq!(request.carve_to(600, 400), (540, 340));
    /// assert_eq!(seam_carver::Request::to(500, 300).carve_to(600, 400), (500, 300));
    /// ```
    pub fn carve_to(&self, width: u32, height: u32) -> (u32, u32) {
        if self.amount >= 100 || self.remove.is_some() {
            return (self.width, self.height);
        }
        let part = |from: u32, to: u32| {
            let change = i64::from(to) - i64::from(from);
            let share = (change.abs() * i64::from(self.amount) + 50) / 100;
            (i64::from(from) + change.signum() * share) as u32
        };
        (part(width, self.width), part(height, self.height))
    }

    /// The size to scale an image of `width` x `height` to before this request's carve so
    /// that its seams remove at most `most` percent of either axis ([`prescale`], the rule
    /// the command line's `--carve-at-most` applies): the seams' share of the change
    /// ([`Request::amount`]) counted, so that with an amount of 50 seams may do twice the
    /// change before scaling first is needed; never for an object removal.
    ///
    /// ```
    /// use seam_carver::{CARVE_AT_MOST, Request};
    /// assert_eq!(Request::to(180, 120).prescale(600, 400, CARVE_AT_MOST), Some((300, 200)));
    /// // Half the change by seams: 600 to 390 is 35 % of the width, under 40 %.
    /// let half = Request { amount: 50, ..Request::to(180, 120) };
    /// assert_eq!(half.prescale(600, 400, CARVE_AT_MOST), None);
    /// ```
    ///
    /// [`prescale`]: crate::prescale
    pub fn prescale(&self, width: u32, height: u32, most: u8) -> Option<(u32, u32)> {
        if self.remove.is_some() || self.amount == 0 {
            return None;
        }
        // Seams take `amount` % of the change: at most `most` % of an axis by seams is at
        // most `most / amount` of it in all.
        let share = (u32::from(most) * 100 / u32::from(self.amount.min(100))).min(100) as u8;
        crate::size::prescale(width, height, (self.width, self.height), share)
    }

    /// Seams this request finds in an image of `width` x `height`, for progress reports:
    /// those it takes (for an object removal a lower bound, the most masked pixels in one
    /// row), and with [`Order::Optimal`] every seam of the orders it tries.
    pub fn seams(&self, width: u32, height: u32) -> u32 {
        let (to_width, to_height) = self.carve_to(width, height);
        let vertical = match self.remove {
            Some(mask) => {
                let most = mask.widest_row();
                if self.keep_size { 2 * most } else { most }
            }
            None => to_width.abs_diff(width),
        };
        let horizontal = to_height.abs_diff(height);
        if self.remove.is_none() && to_width < width && to_height < height {
            self.order.work(vertical, horizontal)
        } else {
            vertical + horizontal
        }
    }
}

/// Counts seams for `progress(done, total)`; `total` grows if an estimate was low.
struct Ticker<'p> {
    done: u32,
    total: u32,
    progress: &'p mut dyn FnMut(u32, u32),
}

impl Ticker<'_> {
    fn tick(&mut self) {
        self.done += 1;
        self.total = self.total.max(self.done);
        (self.progress)(self.done, self.total);
    }
}

/// An image with its per-pixel mask flags (empty without masks).
struct Layer {
    image: RgbImage,
    flags: Vec<u8>,
}

impl Layer {
    /// What a carver has left, its buffers freed.
    fn of(carver: Carver) -> Self {
        Layer {
            image: carver.image(),
            flags: carver.flags(),
        }
    }
}

/// Resizes `image` as `request` says: the new image, of the same pixel type, the seams
/// taken and the input's energy.
///
/// Any image `image` has works: [`image::RgbImage`], [`image::RgbaImage`] (alpha carried
/// through every seam and insertion, never flattened), [`image::GrayImage`], 16-bit and
/// floating-point ones, a [`image::DynamicImage`] (as RGBA), views. Seams are measured on
/// the 8-bit colours multiplied by their opacity (a transparent pixel counts as black),
/// and taken from the image's own pixels; an inserted pixel is the mean of two
/// neighbours, channel by channel, or a copy of one where a one-pixel line would break.
///
/// ```
/// use seam_carver::{Request, SeamRule, resize};
/// let image = image::RgbImage::from_fn(12, 6, |x, y| image::Rgb([(x * y) as u8, 0, 0]));
/// let grown = resize(&image, &Request::new(15, 5, SeamRule::Optimal))?;
/// assert_eq!(grown.image.dimensions(), (15, 5));
/// assert_eq!(grown.vertical.iter().filter(|s| s.inserted.is_some()).count(), 3);
/// assert_eq!(grown.horizontal.len(), 1);
///
/// let clear = image::RgbaImage::from_fn(12, 6, |x, _| image::Rgba([200, 0, 0, (x * 20) as u8]));
/// let narrowed = resize(&clear, &Request::to(9, 6))?;
/// assert!(narrowed.image.pixels().all(|p| p[3] % 20 == 0));
/// # Ok::<(), seam_carver::Error>(())
/// ```
pub fn resize<I>(image: &I, request: &Request) -> Result<Carved<I::Pixel>>
where
    I: GenericImageView,
    I::Pixel: 'static,
{
    resize_with_progress(image, request, |_, _| {})
}

/// [`resize`], calling `progress(done, total)` after each seam (`total` is an estimate
/// for an object removal, raised if it was low).
///
/// ```
/// use seam_carver::{Request, SeamRule, resize_with_progress};
/// let image = image::RgbImage::from_fn(12, 6, |x, y| image::Rgb([(x * y) as u8, 0, 0]));
/// let mut reports = Vec::new();
/// resize_with_progress(&image, &Request::new(10, 6, SeamRule::Optimal), |done, total| {
///     reports.push((done, total))
/// })?;
/// assert_eq!(reports, [(1, 2), (2, 2)]);
/// # Ok::<(), seam_carver::Error>(())
/// ```
pub fn resize_with_progress<I>(
    image: &I,
    request: &Request,
    mut progress: impl FnMut(u32, u32),
) -> Result<Carved<I::Pixel>>
where
    I: GenericImageView,
    I::Pixel: 'static,
{
    let (width, height) = image.dimensions();
    request.check(width, height)?;
    // With an amount under 100, the seams reach part of the way; scaling does the rest.
    let carve_to = request.carve_to(width, height);
    let partial = Request {
        width: carve_to.0,
        height: carve_to.1,
        amount: 100,
        ..*request
    };
    let carved = carve_rgb(&pixels::measured(image), &partial, &mut progress)?;
    // 8-bit RGB is what was carved: its pixels are the result. Any other type is given
    // the same seams.
    let carved_image: Box<dyn std::any::Any> = Box::new(carved.image);
    let result = match carved_image.downcast::<Buffer<I::Pixel>>() {
        Ok(same) => *same,
        Err(_) => pixels::replay(
            pixels::buffer(image),
            &carved.vertical,
            &carved.horizontal,
            &carved.order,
        ),
    };
    let target = (request.width, request.height);
    let (image, carved_to) = if carve_to == target {
        (result, None)
    } else {
        (crate::scale(&result, target.0, target.1), Some(carve_to))
    };
    Ok(Carved {
        image,
        vertical: carved.vertical,
        horizontal: carved.horizontal,
        order: carved.order,
        energy: carved.energy,
        input: carved.input,
        carved: carved_to,
    })
}

/// The carve of an 8-bit RGB image, its pixels moved with the seams.
fn carve_rgb(
    image: &RgbImage,
    request: &Request,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<Carved> {
    let (width, height) = image.dimensions();
    request.check(width, height)?;
    let mut ticker = Ticker {
        done: 0,
        total: request.seams(width, height),
        progress,
    };
    let flags = mask::flags(
        width,
        height,
        [request.protect, request.skin],
        request.faces,
        request.remove,
    )?;
    // The input's energy map (a picture for the user): drawn on one more thread beside
    // the carve when a core is left over (a large image's seams take two threads), else
    // after it on every thread the carve may use, rather than on a thread competing with
    // the carve's two.
    let (w, h) = (width as usize, height as usize);
    let energy_map = |threads| {
        let raw = crate::energy::energy_map_on(image.as_raw().as_chunks::<3>().0, w, h, threads);
        EnergyMap::from_raw(width, height, raw)
    };
    let beside = request.threads >= 3 || !crate::carve::in_bands(w, h);
    let (energy, carved) = match (request.energy_map, beside) {
        (false, _) => (None, carve_layers(image, flags, request, &mut ticker)),
        (true, true) => crate::parallel::join(
            request.threads,
            || energy_map(1),
            || carve_layers(image, flags, request, &mut ticker),
        ),
        (true, false) => {
            let carved = carve_layers(image, flags, request, &mut ticker)?;
            (energy_map(request.threads), Ok(carved))
        }
    };
    let taken = carved?;
    Ok(Carved {
        image: taken.image.into_owned(),
        vertical: taken.seams,
        horizontal: taken.horizontal,
        order: taken.order,
        energy,
        input: (width, height),
        carved: None,
    })
}

/// What a carve has taken so far: the image it has reached (at first the input itself,
/// borrowed) with its mask flags, the seams of each axis, the order they were taken in
/// and their total cost.
#[derive(Clone)]
struct Taken<'a> {
    image: Cow<'a, RgbImage>,
    flags: Vec<u8>,
    seams: Vec<Seam>,
    horizontal: Vec<Seam>,
    order: Vec<(Axis, u32)>,
    cost: u64,
}

impl<'a> Taken<'a> {
    fn start(image: &'a RgbImage, flags: Vec<u8>) -> Self {
        Taken {
            image: Cow::Borrowed(image),
            flags,
            seams: Vec::new(),
            horizontal: Vec::new(),
            order: Vec::new(),
            cost: 0,
        }
    }

    /// The length of `axis` now.
    fn len(&self, axis: Axis) -> u32 {
        match axis {
            Axis::Width => self.image.width(),
            Axis::Height => self.image.height(),
        }
    }

    /// Adds a layer reached by `seams` across `axis`.
    fn then(mut self, axis: Axis, layer: Layer, seams: Vec<Seam>) -> Self {
        self.image = Cow::Owned(layer.image);
        self.flags = layer.flags;
        self.cost += seams.iter().map(|s| s.cost).sum::<u64>();
        crate::order::push_run(&mut self.order, axis, seams.len() as u32);
        match axis {
            Axis::Width => self.seams.extend(seams),
            Axis::Height => self.horizontal.extend(seams),
        }
        self
    }

    /// Brings `axis` to `target` by removing or inserting seams (horizontal ones as
    /// vertical seams of the transpose), measuring the image afresh.
    fn reach(
        mut self,
        axis: Axis,
        target: u32,
        request: &Request,
        ticker: &mut Ticker,
    ) -> Result<Self> {
        if self.len(axis) == target {
            return Ok(self);
        }
        let (layer, seams) = match axis {
            Axis::Width if target < self.image.width() => {
                let carver = remover(&self.image, self.flags.clone(), request);
                remove_seams(carver, target, request, ticker)
            }
            Axis::Width => {
                let layer = Layer {
                    image: std::mem::take(&mut self.image).into_owned(),
                    flags: std::mem::take(&mut self.flags),
                };
                reach_width(layer, target, request, ticker)?
            }
            Axis::Height => {
                let (width, height) = self.image.dimensions();
                let turned = Layer {
                    image: pixels::transpose(&*self.image),
                    flags: transpose_flags(&self.flags, width, height),
                };
                let (done, seams) = reach_width(turned, target, request, ticker)?;
                let (w, h) = done.image.dimensions();
                let layer = Layer {
                    image: pixels::transpose(&done.image),
                    flags: transpose_flags(&done.flags, w, h),
                };
                (layer, seams)
            }
        };
        Ok(self.then(axis, layer, seams))
    }

    /// Removes `n` seams across `axis`.
    fn remove(self, axis: Axis, n: u32, request: &Request, ticker: &mut Ticker) -> Result<Self> {
        let target = self.len(axis) - n;
        self.reach(axis, target, request, ticker)
    }
}

/// The carve of `image` with mask `flags` as `request` says: the object removed first,
/// then each axis brought to its target in the request's [`Order`]. Returns the carved
/// image, the seams of both axes and the order they were taken in.
fn carve_layers<'a>(
    image: &'a RgbImage,
    flags: Vec<u8>,
    request: &Request,
    ticker: &mut Ticker,
) -> Result<Taken<'a>> {
    let mut taken = Taken::start(image, flags);
    if let Some(mask) = request.remove {
        // A carver measures the image for removal, from `image` itself.
        let carver = remover(image, taken.flags.clone(), request);
        let (layer, seams) = remove_object(carver, mask, request, ticker)?;
        taken = taken.then(Axis::Width, layer, seams);
    }
    let width = if request.remove.is_some() {
        taken.image.width()
    } else {
        request.width
    };
    let height = request.height;
    let (w, h) = taken.image.dimensions();
    let both_shrink = width < w && height < h;
    let done = match request.order {
        Order::HeightFirst => taken.reach(Axis::Height, height, request, ticker)?.reach(
            Axis::Width,
            width,
            request,
            ticker,
        )?,
        Order::Interleaved if both_shrink => interleave(taken, (width, height), request, ticker)?,
        Order::Optimal if both_shrink => least_cost(taken, (width, height), request, ticker)?,
        // Removals before growth; width first when both or neither shrink.
        Order::Interleaved | Order::Optimal if height < h => taken
            .reach(Axis::Height, height, request, ticker)?
            .reach(Axis::Width, width, request, ticker)?,
        _ => taken.reach(Axis::Width, width, request, ticker)?.reach(
            Axis::Height,
            height,
            request,
            ticker,
        )?,
    };
    Ok(done)
}

/// From `taken` to `target` (both axes smaller) in [`Order::Interleaved`]: a round of
/// vertical seams, then one of horizontal seams, as many rounds as the smaller count
/// allows, at most [`Order::ROUNDS`].
fn interleave<'a>(
    mut taken: Taken<'a>,
    (width, height): (u32, u32),
    request: &Request,
    ticker: &mut Ticker,
) -> Result<Taken<'a>> {
    let (w, h) = taken.image.dimensions();
    let rounds = (w - width).min(h - height).min(Order::ROUNDS);
    let across = crate::order::split(w - width, rounds);
    let down = crate::order::split(h - height, rounds);
    for (v, d) in across.into_iter().zip(down) {
        taken = taken.remove(Axis::Width, v, request, ticker)?.remove(
            Axis::Height,
            d,
            request,
            ticker,
        )?;
    }
    Ok(taken)
}

/// The order of least total cost from `taken` to `target` (both axes smaller), as
/// [`Order::Optimal`] describes: width-first, height-first, interleaved, and every order
/// seam by seam when there are few, else the transport map over rounds of seams; the
/// cheapest kept (ties in that order).
fn least_cost<'a>(
    taken: Taken<'a>,
    (width, height): (u32, u32),
    request: &Request,
    ticker: &mut Ticker,
) -> Result<Taken<'a>> {
    let (w, h) = taken.image.dimensions();
    let width_first = taken
        .clone()
        .reach(Axis::Width, width, request, ticker)?
        .reach(Axis::Height, height, request, ticker)?;
    let height_first = taken
        .clone()
        .reach(Axis::Height, height, request, ticker)?
        .reach(Axis::Width, width, request, ticker)?;
    let interleaved = interleave(taken.clone(), (width, height), request, ticker)?;
    let mut best = width_first;
    for other in [height_first, interleaved] {
        if other.cost < best.cost {
            best = other;
        }
    }
    let (v, d) = (w - width, h - height);
    if crate::order::exhaustive(v, d) {
        let every = cheapest_of_every_order(taken, v, d, request, ticker)?;
        return Ok(if every.cost < best.cost { every } else { best });
    }
    let across = crate::order::split(w - width, (w - width).min(Order::ROUNDS));
    let down = crate::order::split(h - height, (h - height).min(Order::ROUNDS));
    // The table's first row: rounds of vertical seams only.
    let mut row = vec![taken];
    for &v in &across {
        let next = row[row.len() - 1]
            .clone()
            .remove(Axis::Width, v, request, ticker)?;
        row.push(next);
    }
    // Each further row from the one above it (a round of horizontal seams) or from the
    // entry to its left (a round of vertical ones), whichever costs less.
    for &d in &down {
        let mut next: Vec<Taken> = Vec::with_capacity(row.len());
        for (i, above) in row.into_iter().enumerate() {
            let down = above.remove(Axis::Height, d, request, ticker)?;
            let entry = match next.last() {
                Some(left) => {
                    let right = left
                        .clone()
                        .remove(Axis::Width, across[i - 1], request, ticker)?;
                    if down.cost < right.cost { down } else { right }
                }
                None => down,
            };
            next.push(entry);
        }
        row = next;
    }
    let table = row.pop().expect("the table has a last entry");
    if table.cost < best.cost {
        best = table;
    }
    Ok(best)
}

/// The cheapest of every order of removing `v` vertical and `d` horizontal seams from
/// `taken`, one seam at a time (ties: a vertical seam first).
fn cheapest_of_every_order<'a>(
    taken: Taken<'a>,
    v: u32,
    d: u32,
    request: &Request,
    ticker: &mut Ticker,
) -> Result<Taken<'a>> {
    if v == 0 && d == 0 {
        return Ok(taken);
    }
    let across = if v > 0 {
        let next = taken.clone().remove(Axis::Width, 1, request, ticker)?;
        Some(cheapest_of_every_order(next, v - 1, d, request, ticker)?)
    } else {
        None
    };
    if d == 0 {
        return Ok(across.expect("a vertical seam is left"));
    }
    let next = taken.remove(Axis::Height, 1, request, ticker)?;
    let down = cheapest_of_every_order(next, v, d - 1, request, ticker)?;
    Ok(match across {
        Some(across) if across.cost <= down.cost => across,
        _ => down,
    })
}

/// Checks that `seams` seams across `axis` can be removed from a `width` x `height`
/// image: none is always possible; otherwise the axis needs 2 pixels and one must remain.
fn check_removal(axis: Axis, width: u32, height: u32, seams: u32) -> Result<()> {
    let len = match axis {
        Axis::Width => width,
        Axis::Height => height,
    };
    if seams == 0 {
        Ok(())
    } else if len < 2 || width.min(height) < 1 {
        Err(Error::TooSmall {
            width,
            height,
            axis,
            operation: Operation::Carve,
        })
    } else if seams >= len {
        Err(Error::TooManySeams { seams, axis, len })
    } else {
        Ok(())
    }
}

/// Brings the layer to `target` columns by removing or inserting seams.
fn reach_width(
    layer: Layer,
    target: u32,
    request: &Request,
    ticker: &mut Ticker,
) -> Result<(Layer, Vec<Seam>)> {
    let width = layer.image.width();
    if target < width {
        let carver = remover(&layer.image, layer.flags, request);
        Ok(remove_seams(carver, target, request, ticker))
    } else if target > width {
        enlarge(layer, target - width, request, ticker)
    } else {
        Ok((layer, Vec::new()))
    }
}

/// A carver for removing seams from `image` with mask `flags` as `request` says.
fn remover(image: &RgbImage, flags: Vec<u8>, request: &Request) -> Carver {
    Carver::guided(
        image,
        request.energy,
        flags,
        request.threads,
        Purpose::Removal,
    )
}

/// Removes seams until the carver's image is `target` columns wide.
fn remove_seams(
    mut carver: Carver,
    target: u32,
    request: &Request,
    ticker: &mut Ticker,
) -> (Layer, Vec<Seam>) {
    let mut seams = Vec::new();
    while carver.width() > target {
        seams.push(carver.take_seam(request.rule));
        ticker.tick();
    }
    (Layer::of(carver), seams)
}

/// Carves vertical seams through the pixels of `mask` until none is left, then, with
/// `keep_size`, inserts as many seams as were removed.
fn remove_object(
    mut carver: Carver,
    mask: &Mask,
    request: &Request,
    ticker: &mut Ticker,
) -> Result<(Layer, Vec<Seam>)> {
    let width = carver.width();
    // A row marked across its whole width could only go with the last column: say so
    // before carving rather than after width - 1 seams.
    if let Some(y) = mask.full_row() {
        return Err(Error::ObjectCoversRow {
            mask: mask.name().to_string(),
            row: y,
        });
    }
    let mut seams = Vec::new();
    while carver.remove_left() > 0 {
        let left = carver.remove_left();
        if carver.width() < 2 {
            return Err(Error::ObjectLeft {
                mask: mask.name().to_string(),
                left,
            });
        }
        seams.push(carver.take_seam(SeamRule::Optimal));
        // The cheapest seam crosses a protected pixel only when every seam does: an
        // object is never removed through what is protected.
        if carver.remove_left() == left || carver.protected_crossed() > 0 {
            return Err(Error::ObjectBlocked {
                mask: mask.name().to_string(),
                left,
            });
        }
        ticker.tick();
    }
    let removed = width - carver.width();
    let mut layer = Layer::of(carver);
    if request.keep_size {
        let (grown, inserted) = enlarge(layer, removed, request, ticker)?;
        seams.extend(inserted);
        layer = grown;
    }
    Ok((layer, seams))
}

/// Inserts `count` vertical seams (Avidan and Shamir 2007): finds the seams removal would
/// take, then after each of their pixels inserts the rounded average of that pixel and
/// its right neighbour, or a copy of one where a thin line would break
/// ([`pixels::new_pixels`]). A pass inserts at most the current width less one (liblqr's
/// default step, twice the width), so growth to about twice the width is one pass in
/// which nearly every pixel is doubled once, as plain scaling would, rather than two
/// passes whose seams wander across outlines; larger growth takes several passes, each
/// on the image the previous one made, and in each later pass the pixels earlier passes
/// doubled and inserted are protected, so the new seams go where the image is not
/// stretched yet instead of stretching one region again.
fn enlarge(
    mut layer: Layer,
    count: u32,
    request: &Request,
    ticker: &mut Ticker,
) -> Result<(Layer, Vec<Seam>)> {
    let kind = request.energy;
    let mut seams = Vec::new();
    let mut left = count;
    let mut pass = 0;
    // Pixels doubled or inserted by the passes so far (empty before the first).
    let mut stretched: Vec<bool> = Vec::new();
    while left > 0 {
        pass += 1;
        let (width, height) = layer.image.dimensions();
        if width < 2 {
            return Err(Error::TooSmall {
                width,
                height,
                axis: Axis::Width,
                operation: Operation::Enlarge,
            });
        }
        let step = match request.step_ratio {
            Some(ratio) => ((ratio as f64 * width as f64).round() as u32).clamp(1, width - 1),
            None => width - 1,
        };
        let n = left.min(step);
        let flags = if stretched.is_empty() {
            layer.flags.clone()
        } else {
            let of = |i: usize| layer.flags.get(i).copied().unwrap_or(0);
            (0..stretched.len())
                .map(|i| of(i) | if stretched[i] { PROTECT } else { 0 })
                .collect()
        };
        let mut carver = Carver::guided(
            &layer.image,
            kind,
            flags,
            request.threads,
            Purpose::Insertion,
        );
        let found: Vec<Seam> = (0..n)
            .map(|_| {
                let seam = carver.take_seam(SeamRule::Optimal);
                ticker.tick();
                seam
            })
            .collect();
        drop(carver);
        let columns = original_columns(&found, width, height, SeamRule::Optimal);
        (layer, stretched) = insert_columns(&layer, &stretched, &columns);
        seams.extend(found.into_iter().zip(columns).map(|(seam, path)| Seam {
            path,
            cost: seam.cost,
            inserted: Some(pass),
        }));
        left -= n;
    }
    Ok((layer, seams))
}

/// The layer with a new pixel after every pixel the seams (columns per row) name: the
/// rounded average of that pixel and its right neighbour (itself at the right edge), or a
/// copy of one ([`pixels::new_pixels`]), with the pixel's flags; and which pixels are now
/// `stretched` (were, or are one of a doubled pair).
fn insert_columns(layer: &Layer, stretched: &[bool], seams: &[Vec<u32>]) -> (Layer, Vec<bool>) {
    let (width, height) = layer.image.dimensions();
    let (w, h) = (width as usize, height as usize);
    let doubled = pixels::doubled(w, h, seams.iter().map(|seam| &seam[..]));
    let new_width = width + seams.len() as u32;
    let has_flags = !layer.flags.is_empty();
    let mut raw = Vec::with_capacity(new_width as usize * h * 3);
    let mut flags = Vec::with_capacity(if has_flags { new_width as usize * h } else { 0 });
    let mut now_stretched = Vec::with_capacity(new_width as usize * h);
    let colours = layer.image.as_raw().as_chunks::<3>().0;
    let mut made = pixels::new_pixels(colours, w, &doubled).into_iter();
    for (i, (&p, &twice)) in colours.iter().zip(&doubled).enumerate() {
        raw.extend_from_slice(&p);
        now_stretched.push(twice || stretched.get(i).is_some_and(|&was| was));
        if has_flags {
            flags.push(layer.flags[i]);
        }
        if twice {
            let q = colours[if (i + 1) % w == 0 { i } else { i + 1 }];
            raw.extend_from_slice(&match made.next() {
                Some(NewPixel::Left) => p,
                Some(NewPixel::Right) => q,
                _ => [0, 1, 2].map(|c| (p[c] as u16 + q[c] as u16).div_ceil(2) as u8),
            });
            now_stretched.push(true);
            if has_flags {
                flags.push(layer.flags[i]);
            }
        }
    }
    let layer = Layer {
        image: RgbImage::from_raw(new_width, height, raw).expect("buffer matches the new size"),
        flags,
    };
    (layer, now_stretched)
}

/// Per-pixel flags of a `width` x `height` image, transposed like the image
/// ([`pixels::transpose`]).
fn transpose_flags(flags: &[u8], width: u32, height: u32) -> Vec<u8> {
    if flags.is_empty() {
        return Vec::new();
    }
    let (w, h) = (width as usize, height as usize);
    (0..w)
        .flat_map(|x| (0..h).map(move |y| flags[y * w + x]))
        .collect()
}
