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

#[cfg(test)]
mod tests {
    use super::*;

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
