//! The order of a carve's vertical and horizontal seams when both axes change.
//!
//! ```
//! use seam_carver::{Order, Request, resize};
//! let photo = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([(x * 6) as u8, (y * 8) as u8, (x * y) as u8]));
//! let carved = resize(&photo, &Request { order: Order::Optimal, ..Request::to(32, 24) })?;
//! let taken: u64 = carved.taken().map(|(_, seam)| seam.cost).sum();
//! let width_first = resize(&photo, &Request::to(32, 24))?;
//! assert!(taken <= width_first.taken().map(|(_, seam)| seam.cost).sum());
//! # Ok::<(), seam_carver::Error>(())
//! ```

use crate::error::Axis;

/// In which order the seams of a carve that changes both axes are taken. Whatever the
/// order, an axis that grows is grown after the other axis's seams are removed, except
/// in [`Order::WidthFirst`] and [`Order::HeightFirst`], which do just what they say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Order {
    /// Every vertical seam, then every horizontal one, as liblqr and GIMP carve.
    #[default]
    WidthFirst,
    /// Every horizontal seam, then every vertical one.
    HeightFirst,
    /// The axes in turns: each axis's removals split into the same number of nearly equal
    /// rounds (at most [`Order::ROUNDS`], at most its seam count), a round of vertical
    /// seams, then one of horizontal seams, and so on, so that neither axis is carved
    /// all at once from an image the other has not touched yet.
    Interleaved,
    /// The order of least total seam cost. With at most [`Order::EXHAUSTIVE`] orders to
    /// choose from (up to 3 seams on each axis, or 1 and up to 19), every order, seam by
    /// seam: exact. Beyond that, Avidan and Shamir's transport map: each axis's removals
    /// split into at most [`Order::ROUNDS`] nearly equal rounds, and a table of the image
    /// reached after each number of vertical and horizontal rounds, keeping at each entry
    /// the cheaper of coming from the left (after a round of vertical seams) or from
    /// above (horizontal ones); seam by seam when each axis loses at most `ROUNDS`. The
    /// table keeps one image an entry, so it can miss a cheaper order whose start was
    /// dearer. Width-first, height-first and interleaved are carved too and the cheapest
    /// kept (ties: width-first, height-first, interleaved, the search), so the result
    /// never costs more than any of them. Each round measures the image afresh: on a
    /// 512x512 photo at 80 % x 80 %, about 30 times the time of width-first.
    Optimal,
}

crate::names::named!(Order, "order", {
    WidthFirst => "width-first",
    HeightFirst => "height-first",
    Interleaved => "interleaved",
    Optimal => "optimal",
});

impl Order {
    /// The most rounds an axis is split into by [`Order::Interleaved`] and
    /// [`Order::Optimal`]. Each round measures the image afresh.
    pub const ROUNDS: u32 = 8;

    /// The most orders [`Order::Optimal`] tries one by one.
    pub const EXHAUSTIVE: u64 = 20;

    /// The seams found to remove `vertical` and `horizontal` seams in this order: more
    /// than their sum for [`Order::Optimal`], which tries many orders.
    pub(crate) fn work(self, vertical: u32, horizontal: u32) -> u32 {
        if self != Order::Optimal || vertical == 0 || horizontal == 0 {
            return vertical + horizontal;
        }
        // Width-first, height-first and interleaved.
        let fixed = 3 * (vertical + horizontal);
        if exhaustive(vertical, horizontal) {
            // A seam for every path from the start to each entry but the start.
            let paths = orders(vertical + 1, horizontal + 1) - 2;
            return fixed + paths as u32;
        }
        let (gv, gh) = (vertical.min(Self::ROUNDS), horizontal.min(Self::ROUNDS));
        // The table: each row of it removes every vertical seam, each column every
        // horizontal one.
        fixed + (gh + 1) * vertical + (gv + 1) * horizontal
    }
}

/// How many orders there are of `v` vertical and `d` horizontal seams: (v + d)! / v! d!,
/// or more than [`Order::EXHAUSTIVE`] times 100 when that is larger.
fn orders(v: u32, d: u32) -> u64 {
    let (small, large) = (u64::from(v.min(d)), u64::from(v.max(d)));
    let mut n: u64 = 1;
    for i in 1..=small {
        // n * (large + i) / i stays exact: n is C(large + i - 1, i - 1).
        n = n * (large + i) / i;
        if n > Order::EXHAUSTIVE * 100 {
            return n;
        }
    }
    n
}

/// Whether [`Order::Optimal`] tries every order of `v` vertical and `d` horizontal seams.
pub(crate) fn exhaustive(v: u32, d: u32) -> bool {
    orders(v, d) <= Order::EXHAUSTIVE
}

/// `count` split into `parts` nearly equal parts (the larger ones last), in order.
pub(crate) fn split(count: u32, parts: u32) -> Vec<u32> {
    let (count, parts) = (u64::from(count), u64::from(parts.max(1)));
    (0..parts)
        .map(|i| (count * (i + 1) / parts - count * i / parts) as u32)
        .collect()
}

/// Appends a run of `n` seams across `axis` to `order`, joining a run of the same axis
/// before it.
pub(crate) fn push_run(order: &mut Vec<(Axis, u32)>, axis: Axis, n: u32) {
    if n == 0 {
        return;
    }
    match order.last_mut() {
        Some((last, count)) if *last == axis => *count += n,
        _ => order.push((axis, n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &order in Order::ALL {
            assert_eq!(order.name().parse::<Order>(), Ok(order));
        }
        assert!("diagonal".parse::<Order>().is_err());
    }

    #[test]
    fn a_count_splits_into_nearly_equal_parts_that_add_up() {
        assert_eq!(split(10, 4), [2, 3, 2, 3]);
        assert_eq!(split(3, 3), [1, 1, 1]);
        assert_eq!(split(7, 1), [7]);
        for count in 0..40 {
            for parts in 1..10 {
                let s = split(count, parts);
                assert_eq!(s.iter().sum::<u32>(), count);
                let (lo, hi) = (s.iter().min().unwrap(), s.iter().max().unwrap());
                assert!(hi - lo <= 1, "{count} in {parts}: {s:?}");
            }
        }
    }

    #[test]
    fn runs_of_one_axis_join() {
        let mut order = Vec::new();
        push_run(&mut order, Axis::Width, 2);
        push_run(&mut order, Axis::Width, 3);
        push_run(&mut order, Axis::Height, 0);
        push_run(&mut order, Axis::Height, 1);
        push_run(&mut order, Axis::Width, 1);
        assert_eq!(
            order,
            [(Axis::Width, 5), (Axis::Height, 1), (Axis::Width, 1)]
        );
    }

    #[test]
    fn optimal_order_counts_every_seam_it_finds() {
        assert_eq!(Order::Optimal.work(0, 5), 5);
        assert_eq!(Order::WidthFirst.work(4, 5), 9);
        // Every order of 1 and 1: the three fixed ones (6 seams), then the tree of both
        // (a seam to each of (1,0), (0,1), then two to (1,1)).
        assert_eq!(Order::Optimal.work(1, 1), 6 + 4);
        // 9 and 9: the three fixed orders, then a table of 9 rows of 8 rounds each way.
        assert_eq!(Order::Optimal.work(9, 9), 54 + 9 * 9 + 9 * 9);
    }

    #[test]
    fn orders_are_counted_up_to_the_search_s_limit() {
        assert_eq!(orders(3, 3), 20);
        assert_eq!(orders(1, 19), 20);
        assert_eq!(orders(0, 7), 1);
        assert!(exhaustive(3, 3) && exhaustive(19, 1) && !exhaustive(4, 3));
        // Large counts stop early instead of overflowing.
        assert!(orders(4000, 3000) > Order::EXHAUSTIVE);
    }
}
