//! Work split over threads where each part's result does not depend on the split, so a
//! carve gives the same bytes on any number of threads. On WebAssembly (WASI preview 1
//! has no threads) everything runs on the calling thread.

/// Whether this target can start threads.
const CAN_SPAWN: bool = !cfg!(target_family = "wasm");

/// Cells below which a band is not worth a thread of its own.
const MIN_BAND_CELLS: usize = 64 * 1024;

/// How many threads a carve may use when nobody says: every core the system offers
/// (one on WebAssembly).
pub fn available() -> usize {
    if CAN_SPAWN {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        1
    }
}

/// Fills `out`, rows of `width` cells, in bands of whole rows on up to `threads` threads
/// (the calling thread takes the first band): `fill(first_row, band)` computes rows
/// `first_row ..` into `band`, and must compute each row the same whatever the band.
pub fn rows<T: Send>(
    out: &mut [T],
    width: usize,
    threads: usize,
    fill: impl Fn(usize, &mut [T]) + Sync,
) {
    let height = out.len().checked_div(width).unwrap_or(0);
    let bands = threads.min(out.len() / MIN_BAND_CELLS).min(height).max(1);
    if !CAN_SPAWN || bands == 1 {
        fill(0, out);
        return;
    }
    let band_rows = height.div_ceil(bands);
    std::thread::scope(|scope| {
        let mut chunks = out.chunks_mut(band_rows * width).enumerate();
        let (_, first) = chunks.next().expect("at least one band");
        let fill = &fill;
        for (i, chunk) in chunks {
            scope.spawn(move || fill(i * band_rows, chunk));
        }
        fill(0, first);
    });
}

/// Runs `a` and `b`, on two threads when `threads` is at least 2, and returns both
/// results.
pub fn join<A: Send, B>(
    threads: usize,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B,
) -> (A, B) {
    if !CAN_SPAWN || threads < 2 {
        let b = b();
        return (a(), b);
    }
    std::thread::scope(|scope| {
        let a = scope.spawn(a);
        let b = b();
        (a.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), b)
    })
}

/// A second thread kept for as long as a carve lasts, which each seam's removal hands
/// part of its work to (see [`Helper::pipeline`]). A thread started afresh for every
/// seam would not do: Linux tends to start a new thread on its parent's core, and in the
/// two or three milliseconds a removal takes the scheduler may not move it, so the two
/// took turns on one core (measured on a two-core machine: in some minutes 1.0 cores
/// busy, two threads no faster than one; with this kept thread 1.45). A kept thread is
/// moved to the idle core once and stays there.
pub(crate) struct Helper {
    /// The thread (a pool of one, which runs work that borrows the caller's data and is
    /// done before the call returns); `None` on WebAssembly, for one thread, or when
    /// the system refused to start one.
    /// (A pool left after a panic in its work runs the next call as before, so a
    /// carve holding it stays unwind safe, as it was before it held one.)
    #[cfg(not(target_family = "wasm"))]
    pool: Option<std::panic::AssertUnwindSafe<rayon_core::ThreadPool>>,
}

impl Helper {
    /// A helper thread when `threads` allows a second one, else none (the work then
    /// runs on the calling thread).
    #[cfg_attr(target_family = "wasm", allow(unused_variables))]
    pub(crate) fn new(threads: usize) -> Self {
        Helper {
            #[cfg(not(target_family = "wasm"))]
            pool: (threads >= 2)
                .then(|| {
                    rayon_core::ThreadPoolBuilder::new()
                        .num_threads(1)
                        .thread_name(|_| "seam-carver helper".into())
                        .build()
                        .ok()
                        .map(std::panic::AssertUnwindSafe)
                })
                .flatten(),
        }
    }

    /// Whether there is a helper thread (else [`Helper::pipeline`] runs everything on
    /// the calling thread).
    pub(crate) fn has_thread(&self) -> bool {
        #[cfg(not(target_family = "wasm"))]
        return self.pool.is_some();
        #[cfg(target_family = "wasm")]
        return false;
    }

    /// No helper: everything on the calling thread.
    pub(crate) fn none() -> Self {
        Self::new(1)
    }

    /// Runs `first` on this thread while the helper runs `work` on each of `items` in
    /// order, and hands each item, once worked on, to `then` on this thread, in the same
    /// order, with what `first` returned; returns that. Without a helper the same calls
    /// run in turn on this thread: `first`, then `work` and `then` for each item. A panic
    /// on either thread reaches the caller once both have stopped. (Called from a thread
    /// of some other rayon pool, the wait at the end may run that pool's jobs meanwhile.)
    pub(crate) fn pipeline<T: Send, S>(
        &self,
        items: Vec<T>,
        work: impl Fn(&mut T) + Sync,
        first: impl FnOnce() -> S,
        mut then: impl FnMut(&mut S, T),
    ) -> S {
        #[cfg(not(target_family = "wasm"))]
        if let (Some(pool), false) = (&self.pool, items.is_empty()) {
            // The body runs on this thread; the spawned job on the helper, and the scope
            // ends only once it is done.
            return pool.in_place_scope(|scope| {
                let (done, arrived) = std::sync::mpsc::channel();
                let work = &work;
                scope.spawn(move |_| {
                    for mut item in items {
                        work(&mut item);
                        if done.send(item).is_err() {
                            break;
                        }
                    }
                });
                let mut state = first();
                for item in arrived {
                    then(&mut state, item);
                }
                state
            });
        }
        let mut state = first();
        for mut item in items {
            work(&mut item);
            then(&mut state, item);
        }
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_fill_every_row_as_one_band_does() {
        for (width, height) in [(1, 1), (300, 1), (7, 40_000), (1000, 333), (3, 0)] {
            let fill = |first: usize, band: &mut [u64]| {
                for (i, cell) in band.iter_mut().enumerate() {
                    let (y, x) = (first + i / width, i % width);
                    *cell = (y * 1_000_003 + x) as u64;
                }
            };
            let mut one = vec![0; width * height];
            rows(&mut one, width, 1, fill);
            for threads in [2, 3, 8] {
                let mut many = vec![1; width * height];
                rows(&mut many, width, threads, fill);
                assert_eq!(one, many, "{width}x{height} on {threads}");
            }
        }
    }

    #[test]
    fn a_pipeline_hands_on_every_item_in_order_after_the_first_part() {
        for threads in [1, 2, 3] {
            let helper = Helper::new(threads);
            // Twice with the same helper: it is kept from one call to the next.
            for _ in 0..2 {
                let items: Vec<Vec<u32>> = (0..50).map(|i| vec![i]).collect();
                let seen = helper.pipeline(
                    items,
                    |item| item.push(item[0] * 2),
                    || vec![vec![u32::MAX]],
                    |seen, item| seen.push(item),
                );
                let mut expected = vec![vec![u32::MAX]];
                expected.extend((0..50).map(|i| vec![i, i * 2]));
                assert_eq!(seen, expected, "{threads} threads");
            }
        }
    }

    #[test]
    fn a_pipeline_works_on_the_helper_thread_and_borrows_the_callers_data() {
        let helper = Helper::new(2);
        let mut cells = [0u32; 40];
        let here = std::thread::current().id();
        let items: Vec<&mut [u32]> = cells.chunks_mut(10).collect();
        let elsewhere = helper.pipeline(
            items,
            |band| band.fill(std::thread::current().id().eq(&here) as u32 + 1),
            || 0,
            |count, band| *count += band.iter().filter(|&&c| c == 1).count(),
        );
        assert_eq!(elsewhere, 40, "every band worked on by the helper");
        assert!(cells.iter().all(|&c| c == 1));
    }

    #[test]
    fn a_panic_in_the_helpers_work_reaches_the_caller() {
        let helper = Helper::new(2);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            helper.pipeline(
                vec![1, 2, 3],
                |i| assert!(*i < 2, "item {i}"),
                || 0,
                |_, _| {},
            )
        }));
        assert!(caught.is_err());
        // The helper is still there for the next call.
        assert_eq!(helper.pipeline(vec![1], |_| {}, || 5, |s, i| *s += i), 6);
    }

    #[test]
    fn join_returns_both_results() {
        for threads in [1, 2] {
            assert_eq!(join(threads, || 2 + 2, || "b"), (4, "b"));
        }
    }
}
