//! Target sizes as people write them: `500` pixels, `-100` relative, or `83%`.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A requested size along one axis, resolved against the image's current size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SizeSpec {
    /// An absolute size in pixels (`500`).
    Pixels(u32),
    /// A change relative to the current size (`-100`, `+20`).
    Relative(i64),
    /// A percentage of the current size, rounded half up (`83%`, `62.5%`).
    Percent(f64),
}

impl SizeSpec {
    /// The target size in pixels for an axis that is `current` pixels long.
    ///
    /// ```
    /// use seam_carver::SizeSpec;
    /// let spec: SizeSpec = "83%".parse().unwrap();
    /// assert_eq!(spec.resolve(600).unwrap(), 498);
    /// assert_eq!("-100".parse::<SizeSpec>().unwrap().resolve(600).unwrap(), 500);
    /// ```
    pub fn resolve(self, current: u32) -> Result<u32> {
        let target: i64 = match self {
            SizeSpec::Pixels(p) => p as i64,
            SizeSpec::Relative(d) => current as i64 + d,
            SizeSpec::Percent(p) => (current as f64 * p / 100.0 + 0.5).floor() as i64,
        };
        if target < 1 {
            return Err(Error::SizeTooSmall {
                spec: self.to_string(),
                target,
                current,
            });
        }
        u32::try_from(target).map_err(|_| Error::SizeTooLarge {
            spec: self.to_string(),
        })
    }
}

impl fmt::Display for SizeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SizeSpec::Pixels(p) => write!(f, "{p}"),
            SizeSpec::Relative(d) => write!(f, "{d:+}"),
            SizeSpec::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl FromStr for SizeSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "invalid size '{s}': expected pixels (500), a change (-100 or +20) or a percentage (83%)"
            )
        };
        let t = s.trim();
        if let Some(p) = t.strip_suffix('%') {
            let p: f64 = p.parse().map_err(|_| bad())?;
            if !p.is_finite() {
                return Err(format!(
                    "invalid size '{s}': a percentage must be a finite number, such as 83%"
                ));
            }
            if p <= 0.0 {
                return Err(format!("invalid size '{s}': a percentage must be above 0"));
            }
            return Ok(SizeSpec::Percent(p));
        }
        if t.starts_with('-') || t.starts_with('+') {
            return t.parse::<i64>().map(SizeSpec::Relative).map_err(|_| bad());
        }
        let p: u32 = t.parse().map_err(|_| bad())?;
        if p == 0 {
            return Err(format!("invalid size '{s}': must be at least 1 pixel"));
        }
        Ok(SizeSpec::Pixels(p))
    }
}

/// Which way a size may change an axis: ImageMagick's geometry flags that mean something
/// for carving, `>` (only shrink), `<` (only enlarge) and `^` (fill: scale to cover the
/// box, then carve what overflows it), written after a size (`800>`, `1200x800>`,
/// `800x800^`).
///
/// ```
/// use seam_carver::Direction;
/// assert_eq!(Direction::ShrinkOnly.apply(600, 800), 600);
/// assert_eq!(Direction::ShrinkOnly.apply(1000, 800), 800);
/// assert_eq!(Direction::EnlargeOnly.apply(600, 800), 800);
/// assert_eq!(Direction::strip("1200x800>"), ("1200x800", Direction::ShrinkOnly));
/// assert_eq!(Direction::strip("800x800^"), ("800x800", Direction::Fill));
/// assert_eq!(Direction::strip("300x300!"), ("300x300", Direction::Either));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// Either way: the target as given.
    #[default]
    Either,
    /// `>`: an axis longer than its target is shortened; a shorter one is left as it is.
    ShrinkOnly,
    /// `<`: an axis shorter than its target is lengthened; a longer one is left as it is.
    EnlargeOnly,
    /// `^`: the image is first scaled, keeping its shape, to the smallest size that covers
    /// the box ([`Direction::fill`]), then the axis that overflows is carved to the box.
    Fill,
}

impl Direction {
    /// The length an axis `current` long gets for `target`.
    pub fn apply(self, current: u32, target: u32) -> u32 {
        match self {
            Direction::Either | Direction::Fill => target,
            Direction::ShrinkOnly => target.min(current),
            Direction::EnlargeOnly => target.max(current),
        }
    }

    /// A size written with its flag (`800>`) split into the size and the direction.
    /// ImageMagick's `!` (ignore the aspect ratio) is taken off too: a size here is
    /// always exact.
    pub fn strip(text: &str) -> (&str, Direction) {
        let t = text.trim_end();
        let t = t.strip_suffix('!').map_or(t, str::trim_end);
        if let Some(rest) = t.strip_suffix('>') {
            (rest, Direction::ShrinkOnly)
        } else if let Some(rest) = t.strip_suffix('<') {
            (rest, Direction::EnlargeOnly)
        } else if let Some(rest) = t.strip_suffix('^') {
            (rest, Direction::Fill)
        } else {
            (t, Direction::Either)
        }
    }

    /// The flag as written: `>`, `<` or nothing.
    pub fn suffix(self) -> &'static str {
        match self {
            Direction::Either => "",
            Direction::ShrinkOnly => ">",
            Direction::EnlargeOnly => "<",
            Direction::Fill => "^",
        }
    }

    /// For `^`: the size a `width` x `height` image is scaled to, keeping its shape
    /// (rounded half up), so that it covers `box_width` x `box_height` with one side
    /// exactly the box's; `None` when that is its own size.
    ///
    /// ```
    /// use seam_carver::Direction;
    /// assert_eq!(Direction::fill(600, 400, 300, 300), Some((450, 300)));
    /// assert_eq!(Direction::fill(600, 400, 800, 800), Some((1200, 800)));
    /// assert_eq!(Direction::fill(600, 400, 600, 300), None);
    /// ```
    pub fn fill(width: u32, height: u32, box_width: u32, box_height: u32) -> Option<(u32, u32)> {
        let (w, h) = (u64::from(width), u64::from(height));
        let (bw, bh) = (u64::from(box_width), u64::from(box_height));
        let round = |n: u64, d: u64| ((2 * n + d) / (2 * d)).min(u64::from(u32::MAX)) as u32;
        let size = if bw * h >= bh * w {
            // The width binds: scale by box_width / width.
            (box_width, round(h * bw, w).max(box_height))
        } else {
            (round(w * bh, h).max(box_width), box_height)
        };
        (size != (width, height)).then_some(size)
    }
}

/// The default share, in percent, of an axis seams may remove when both axes shrink,
/// beyond which [`prescale`] scales first: chosen on the object benchmark's tuning set
/// (`examples/objects.rs --extreme`), where seams alone lost to plain scaling in 6 to 7 of
/// 35 scenes at 30 % x 30 %, 20 % x 20 % and 16:9 at 50 % width, scaling first to 40 % in
/// 1 to 4, and faces, roofs and cars came out whole instead of eaten.
pub const CARVE_AT_MOST: u8 = 40;

/// The size to scale a `width` x `height` image to, keeping its shape, before carving it
/// to `target`, so that seams remove at most `most` percent of either axis: as little
/// scaling as that takes, but never below covering the target (when the shapes differ
/// too much for that, the covering size, as `WxH^` would scale). `None` when seams alone
/// remove no more than `most` percent of each axis, when either axis grows, or when
/// `most` is 100. Sizes are rounded half up.
///
/// Carving 90 % of an axis away is rarely what anyone wants (caire's issue 30: 1200x750
/// to 120x120); scaling first to 240x150 leaves seams half of each axis:
///
/// ```
/// assert_eq!(seam_carver::prescale(1200, 750, (120, 120), 50), Some((240, 150)));
/// assert_eq!(seam_carver::prescale(1200, 750, (900, 600), 50), None);
/// // A 16:9 strip of a square photo: the covering size, the rest carved.
/// assert_eq!(seam_carver::prescale(1000, 1000, (160, 90), 40), Some((160, 160)));
/// ```
pub fn prescale(width: u32, height: u32, target: (u32, u32), most: u8) -> Option<(u32, u32)> {
    let (tw, th) = target;
    if most >= 100 || tw > width || th > height || width == 0 || height == 0 {
        return None;
    }
    let keep = u64::from(100 - most);
    let (w, h) = (u64::from(width), u64::from(height));
    let (tw64, th64) = (u64::from(tw), u64::from(th));
    // Seams alone remove at most `most` % of each axis: t * 100 >= len * keep.
    if tw64 * 100 >= w * keep && th64 * 100 >= h * keep {
        return None;
    }
    // Scale factors as fractions (numerator, denominator), compared exactly.
    let less = |a: (u64, u64), b: (u64, u64)| {
        u128::from(a.0) * u128::from(b.1) < u128::from(b.0) * u128::from(a.1)
    };
    let min = |a, b| if less(b, a) { b } else { a };
    let max = |a, b| if less(a, b) { b } else { a };
    // The most that leaves each axis `keep` % of itself to the seams, and the least that
    // covers the target.
    let most_scale = min((tw64 * 100, w * keep), (th64 * 100, h * keep));
    let cover = max((tw64, w), (th64, h));
    let (num, den) = max(most_scale, cover);
    if num >= den {
        return None;
    }
    let round = |len: u64| ((2 * len * num + den) / (2 * den)) as u32;
    let size = (round(w).clamp(tw, width), round(h).clamp(th, height));
    (size != (width, height)).then_some(size)
}

/// A shape to reach: width to height as `W:H` (`16:9`, `1:1`, `1.91:1`), by carving the
/// axis that is too long (or, with `enlarge`, growing the one that is too short).
///
/// ```
/// use seam_carver::Aspect;
/// let square: Aspect = "1:1".parse().unwrap();
/// assert_eq!(square.fit(600, 400, false), (400, 400));
/// assert_eq!("16:9".parse::<Aspect>().unwrap().fit(600, 400, true), (711, 400));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aspect {
    /// The width's part, times `10^decimals` (`1.91:1` is 191:100).
    width: u64,
    /// The height's part, likewise.
    height: u64,
}

impl Aspect {
    /// The target size of a `width` x `height` image: one axis kept, the other its
    /// multiple of the ratio, rounded half up (at least 1 pixel). Without `enlarge` the
    /// axis that is too long is shortened; with it, the one that is too short is
    /// lengthened. A shape already right comes back as it is.
    pub fn fit(self, width: u32, height: u32, enlarge: bool) -> (u32, u32) {
        let (w, h) = (u128::from(width), u128::from(height));
        let (a, b) = (u128::from(self.width), u128::from(self.height));
        // round(n / d), half up, in integers.
        let round =
            |n: u128, d: u128| ((2 * n + d) / (2 * d)).clamp(1, u128::from(u32::MAX)) as u32;
        let too_wide = w * b > h * a;
        let too_tall = w * b < h * a;
        match (too_wide, too_tall, enlarge) {
            (true, _, false) => (round(h * a, b), height),
            (true, _, true) => (width, round(w * b, a)),
            (_, true, false) => (width, round(w * b, a)),
            (_, true, true) => (round(h * a, b), height),
            _ => (width, height),
        }
    }
}

impl fmt::Display for Aspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.width, self.height)
    }
}

impl FromStr for Aspect {
    type Err = String;

    /// `W:H`, each a positive number with at most 6 decimals.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| format!("invalid aspect '{s}': {why}");
        let (w, h) = s
            .trim()
            .split_once(':')
            .ok_or_else(|| bad("expected WIDTH:HEIGHT, such as 16:9, 1:1 or 1.91:1"))?;
        // Each part as a whole number of millionths.
        let part = |t: &str| -> Result<u64, String> {
            let digits = |d: &str| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit());
            let (whole, frac, dotted) = match t.split_once('.') {
                Some((whole, frac)) => (whole, frac, true),
                None => (t, "", false),
            };
            if !digits(whole) || (dotted && !digits(frac)) || frac.len() > 6 {
                return Err(bad(&format!(
                    "'{t}' is not a number such as 16 or 1.91 (at most 6 decimals)"
                )));
            }
            let whole: u64 = whole
                .parse()
                .ok()
                .filter(|&v| v <= 1_000_000)
                .ok_or_else(|| bad("each part must be at most 1000000"))?;
            let frac: u64 = format!("{frac:0<6}").parse().expect("six digits");
            Ok(whole * 1_000_000 + frac)
        };
        let (w, h) = (part(w)?, part(h)?);
        if w == 0 || h == 0 {
            return Err(bad("both parts must be above 0"));
        }
        let g = gcd(w, h);
        Ok(Aspect {
            width: w / g,
            height: h / g,
        })
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_prescale_covers_the_target_keeps_the_shape_and_leaves_at_most_most_to_seams() {
        let mut scaled = 0;
        for (w, h) in [(1200, 750), (640, 427), (300, 900), (97, 61)] {
            for tw in (1..=w).step_by((w / 9) as usize) {
                for th in (1..=h).step_by((h / 7) as usize) {
                    for most in [30, 50, 70] {
                        let Some((sw, sh)) = prescale(w, h, (tw, th), most) else {
                            continue;
                        };
                        scaled += 1;
                        let label = format!("{w}x{h} to {tw}x{th} at most {most}");
                        assert!(
                            sw >= tw && sh >= th && sw <= w && sh <= h,
                            "{label}: {sw}x{sh}"
                        );
                        assert!((sw, sh) != (w, h), "{label}");
                        // The shape, within rounding: sw / sh against w / h.
                        let skew = (sw as f64 / sh as f64) / (w as f64 / h as f64);
                        assert!(
                            (skew - 1.0).abs() <= 1.0 / sw.min(sh) as f64 + 1e-9,
                            "{label}: {sw}x{sh}"
                        );
                        // Seams remove at most `most` % of each axis, give or take the
                        // rounding, unless the covering size binds.
                        let share = |t: u32, l: u32| 100.0 * (1.0 - t as f64 / l as f64);
                        let covering = sw == tw || sh == th;
                        let over = share(tw, sw).max(share(th, sh)) - most as f64;
                        assert!(
                            covering || over <= 100.0 / sw.min(sh) as f64,
                            "{label}: {sw}x{sh}"
                        );
                    }
                }
            }
        }
        assert!(scaled > 100, "{scaled}");
        // Growth, a small change, or seams alone asked for: no scaling.
        assert_eq!(prescale(600, 400, (700, 100), 50), None);
        assert_eq!(prescale(600, 400, (500, 300), 50), None);
        assert_eq!(prescale(600, 400, (60, 40), 100), None);
    }

    use super::*;

    #[test]
    fn aspects_parse_reduced_and_refuse_nonsense() {
        assert_eq!("16:9".parse::<Aspect>().unwrap().to_string(), "16:9");
        assert_eq!("32:18".parse::<Aspect>().unwrap().to_string(), "16:9");
        assert_eq!("1.91:1".parse::<Aspect>().unwrap().to_string(), "191:100");
        assert_eq!(" 1:1 ".parse::<Aspect>().unwrap().to_string(), "1:1");
        for bad in [
            "",
            "16",
            "16/9",
            "0:1",
            "1:0",
            "-1:1",
            "1:x",
            "1.:1",
            "1.1234567:1",
            ":",
            "1e3:1",
            "2000000:1",
        ] {
            assert!(bad.parse::<Aspect>().is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn aspects_fit_by_one_axis() {
        let a = |s: &str| s.parse::<Aspect>().unwrap();
        // Too wide: the width is carved; with enlarge, the height grows.
        assert_eq!(a("1:1").fit(600, 400, false), (400, 400));
        assert_eq!(a("1:1").fit(600, 400, true), (600, 600));
        // Too tall: the height is carved; with enlarge, the width grows.
        assert_eq!(a("16:9").fit(400, 600, false), (400, 225));
        assert_eq!(a("16:9").fit(400, 600, true), (1067, 600));
        // Rounded half up; never below 1; a right shape is kept.
        assert_eq!(a("1.91:1").fit(1000, 1000, false), (1000, 524));
        assert_eq!(a("1000:1").fit(3, 500, false), (3, 1));
        assert_eq!(a("4:3").fit(800, 600, false), (800, 600));
        assert_eq!(a("4:3").fit(800, 600, true), (800, 600));
    }

    #[test]
    fn parses_each_form() {
        assert_eq!("500".parse(), Ok(SizeSpec::Pixels(500)));
        assert_eq!("-100".parse(), Ok(SizeSpec::Relative(-100)));
        assert_eq!("+7".parse(), Ok(SizeSpec::Relative(7)));
        assert_eq!("83%".parse(), Ok(SizeSpec::Percent(83.0)));
        assert!(
            "inf%"
                .parse::<SizeSpec>()
                .unwrap_err()
                .contains("finite number")
        );
        for bad in [
            "", "abc", "0", "-", "12px", "0%", "-5%", "%", "NaN%", "inf%",
        ] {
            assert!(bad.parse::<SizeSpec>().is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn resolves_against_current_size() {
        assert_eq!(SizeSpec::Pixels(500).resolve(600).unwrap(), 500);
        assert_eq!(SizeSpec::Relative(-100).resolve(600).unwrap(), 500);
        assert_eq!(SizeSpec::Percent(50.0).resolve(451).unwrap(), 226);
        assert!(SizeSpec::Relative(-600).resolve(600).is_err());
    }
}
