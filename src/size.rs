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
            return Err(Error::Size(format!(
                "size {self} leaves {target} pixels of {current}; at least 1 must remain"
            )));
        }
        u32::try_from(target).map_err(|_| Error::Size(format!("size {self} is too large")))
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
            if !p.is_finite() || p <= 0.0 {
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

/// What `--width` or `--height` was given: one axis, or an ImageMagick-style geometry
/// `WxH` (`500x300`, `50%x100%`, `x300`, `-40x`) that sets both axes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SizeArg {
    /// A size for the flag's own axis.
    Axis(SizeSpec),
    /// Width and height; an empty side leaves that axis as it is.
    Geometry(Option<SizeSpec>, Option<SizeSpec>),
}

impl FromStr for SizeArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(['x', 'X']) {
            None => s.parse().map(SizeArg::Axis),
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
                        "invalid geometry '{s}': give a width, a height or both"
                    ));
                }
                Ok(SizeArg::Geometry(w, h))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_geometry() {
        assert_eq!("500".parse(), Ok(SizeArg::Axis(SizeSpec::Pixels(500))));
        assert_eq!(
            "500x300".parse(),
            Ok(SizeArg::Geometry(
                Some(SizeSpec::Pixels(500)),
                Some(SizeSpec::Pixels(300))
            ))
        );
        assert_eq!(
            "50%x100%".parse(),
            Ok(SizeArg::Geometry(
                Some(SizeSpec::Percent(50.0)),
                Some(SizeSpec::Percent(100.0))
            ))
        );
        assert_eq!(
            "x300".parse(),
            Ok(SizeArg::Geometry(None, Some(SizeSpec::Pixels(300))))
        );
        assert_eq!(
            "-40x".parse(),
            Ok(SizeArg::Geometry(Some(SizeSpec::Relative(-40)), None))
        );
        assert!("x".parse::<SizeArg>().is_err());
        assert!("10x20x30".parse::<SizeArg>().is_err());
    }

    #[test]
    fn parses_each_form() {
        assert_eq!("500".parse(), Ok(SizeSpec::Pixels(500)));
        assert_eq!("-100".parse(), Ok(SizeSpec::Relative(-100)));
        assert_eq!("+7".parse(), Ok(SizeSpec::Relative(7)));
        assert_eq!("83%".parse(), Ok(SizeSpec::Percent(83.0)));
        for bad in ["", "abc", "0", "-", "12px", "0%", "-5%", "%"] {
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
