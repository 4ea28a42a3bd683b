//! Splitting a batch among several runs: partition `index` of `count` carves the inputs
//! whose file name hashes to `index` (FNV-1a, 32 bits, modulo `count`), the rule
//! Bacalhau applies to S3 objects (`pkg/s3/partitioning.go`, on the object key), so that
//! every execution of a job with `Count: N` carves its own share.

use std::fmt;
use std::str::FromStr;

/// One share of a batch: `index` in `0..count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// Which share, from 0.
    pub index: u32,
    /// How many shares there are (at least 1).
    pub count: u32,
}

/// FNV-1a, 32 bits.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &b| {
        (hash ^ b as u32).wrapping_mul(0x0100_0193)
    })
}

/// The most shares a batch may be split into: far more executions than any cluster
/// runs for one job, and few enough that listing the shares is cheap.
pub const MAX_COUNT: u32 = 10_000;

impl Partition {
    /// Partition `index` of `count`, if `index < count <= MAX_COUNT`.
    pub fn new(index: u32, count: u32) -> Option<Partition> {
        (index < count && count <= MAX_COUNT).then_some(Partition { index, count })
    }

    /// Whether this share carves the input with this file name.
    pub fn takes(&self, file_name: &[u8]) -> bool {
        fnv1a32(file_name) % self.count == self.index
    }

    /// The manifest this share writes: a name no other share writes, so that the
    /// results of all shares can be merged into one folder.
    pub fn manifest_name(&self) -> String {
        format!("manifest-{}-of-{}.json", self.index, self.count)
    }

    /// The share a manifest's name says it came from (`manifest-I-of-N.json`).
    pub fn of_manifest(name: &str) -> Option<Partition> {
        let rest = name.strip_prefix("manifest-")?.strip_suffix(".json")?;
        let (index, count) = rest.split_once("-of-")?;
        Partition::new(index.parse().ok()?, count.parse().ok()?)
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Partition {
    type Err = String;

    /// Reads `I/N`, as `--partition` takes it.
    fn from_str(text: &str) -> Result<Partition, String> {
        let bad = || format!("'{text}' is not a partition I/N with 0 <= I < N <= {MAX_COUNT}");
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let index = index.trim().parse().map_err(|_| bad())?;
        let count = count.trim().parse().map_err(|_| bad())?;
        Partition::new(index, count).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn every_name_falls_in_exactly_one_share() {
        for name in ["a.png", "b.png", "c.png", "coffee.png", "IMG_0001.JPG"] {
            let owners: Vec<u32> = (0..3)
                .filter(|&i| Partition::new(i, 3).unwrap().takes(name.as_bytes()))
                .collect();
            assert_eq!(owners.len(), 1, "{name}");
        }
    }

    #[test]
    fn parses_and_names() {
        let p: Partition = "1/3".parse().unwrap();
        assert_eq!(p, Partition { index: 1, count: 3 });
        assert_eq!(p.manifest_name(), "manifest-1-of-3.json");
        assert_eq!(Partition::of_manifest("manifest-1-of-3.json"), Some(p));
        assert_eq!(Partition::of_manifest("manifest.json"), None);
        assert!("3/3".parse::<Partition>().is_err());
        assert!("0/0".parse::<Partition>().is_err());
        assert!("x".parse::<Partition>().is_err());
        assert!("0/10000".parse::<Partition>().is_ok());
        assert!("0/10001".parse::<Partition>().is_err());
        assert_eq!(
            Partition::of_manifest("manifest-0-of-4294967295.json"),
            None
        );
    }
}
