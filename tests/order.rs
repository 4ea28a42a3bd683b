//! The order of the two axes' seams (`Request::order`) against the naive oracle: a run of
//! seams is a fresh carve of the image the runs before it left (horizontal seams on the
//! transpose), and `optimal` is checked against every order there is on tiny images.

use crate::support::{self, transpose};
use crate::{cli, reference};
use image::RgbImage;
use reference::Energy;
use seam_carver::{Axis, Carved, EnergyKind, Order, Request, SeamRule, resize};

fn kinds() -> [(EnergyKind, Energy); 3] {
    [
        (EnergyKind::Backward, Energy::Backward),
        (EnergyKind::Forward, Energy::Forward),
        (EnergyKind::Salient, Energy::Salient),
    ]
}

/// The oracle's carve of `image` in `runs`, each `(axis, n)` removing `n` seams measured
/// afresh: the image and the total cost of its seams.
fn oracle(image: &RgbImage, runs: &[(Axis, u32)], energy: Energy) -> (RgbImage, u64) {
    let mut image = image.clone();
    let mut cost = 0;
    for &(axis, n) in runs {
        let turned = axis == Axis::Height;
        let start = if turned {
            transpose(&image)
        } else {
            image.clone()
        };
        let flags = vec![vec![0u8; start.width() as usize]; start.height() as usize];
        let (done, seams) = reference::guided_carve(&start, n, &flags, energy);
        cost += seams.iter().map(|s| s.cost).sum::<u64>();
        image = if turned { transpose(&done) } else { done };
    }
    (image, cost)
}

/// `count` in `parts` nearly equal parts, the larger ones last (written out again here,
/// not taken from the library).
fn parts(count: u32, parts: u32) -> Vec<u32> {
    (0..parts)
        .map(|i| count * (i + 1) / parts - count * i / parts)
        .collect()
}

/// The runs of an interleaved carve of `dv` and `dh` seams: as many rounds as the
/// smaller count, at most `Order::ROUNDS`, each vertical seams then horizontal ones.
fn interleaved(dv: u32, dh: u32) -> Vec<(Axis, u32)> {
    let rounds = dv.min(dh).min(Order::ROUNDS);
    parts(dv, rounds)
        .into_iter()
        .zip(parts(dh, rounds))
        .flat_map(|(v, d)| [(Axis::Width, v), (Axis::Height, d)])
        .collect()
}

fn carve(image: &RgbImage, size: (u32, u32), kind: EnergyKind, order: Order) -> Carved {
    let request = Request {
        energy: kind,
        order,
        ..Request::new(size.0, size.1, SeamRule::Optimal)
    };
    resize(image, &request).unwrap()
}

fn total(carved: &Carved) -> u64 {
    carved.taken().map(|(_, seam)| seam.cost).sum()
}

/// Images with room for seams on both axes.
fn images() -> Vec<(String, RgbImage)> {
    support::generated()
        .into_iter()
        .chain(support::golden_photos())
        .filter(|(_, image)| image.width() >= 4 && image.height() >= 4)
        .collect()
}

#[test]
fn every_fixed_order_is_the_oracle_s_carve_run_by_run() {
    for (name, image) in images() {
        let (w, h) = image.dimensions();
        // A third of each axis: several rounds of several seams when interleaved.
        let (dv, dh) = (w / 3, h / 3);
        let cases = [
            (
                Order::WidthFirst,
                vec![(Axis::Width, dv), (Axis::Height, dh)],
            ),
            (
                Order::HeightFirst,
                vec![(Axis::Height, dh), (Axis::Width, dv)],
            ),
            (Order::Interleaved, interleaved(dv, dh)),
        ];
        for (kind, energy) in kinds() {
            for (order, runs) in &cases {
                let label = format!("{name} {kind} {order}");
                let got = carve(&image, (w - dv, h - dh), kind, *order);
                let (want, cost) = oracle(&image, runs, energy);
                // Runs of one axis in a row are reported as one.
                let mut joined: Vec<(Axis, u32)> = Vec::new();
                for &(axis, n) in runs.iter().filter(|(_, n)| *n > 0) {
                    match joined.last_mut() {
                        Some((last, count)) if *last == axis => *count += n,
                        _ => joined.push((axis, n)),
                    }
                }
                assert_eq!(got.order, joined, "{label}: order");
                assert_eq!(total(&got), cost, "{label}: total cost");
                assert_eq!(got.image, want, "{label}: pixels");
            }
        }
    }
}

/// Every way to interleave `dv` vertical and `dh` horizontal seams, one seam a run.
fn every_order(dv: u32, dh: u32) -> Vec<Vec<(Axis, u32)>> {
    if dv == 0 && dh == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for (axis, left) in [(Axis::Width, dv), (Axis::Height, dh)] {
        if left == 0 {
            continue;
        }
        let (v, d) = match axis {
            Axis::Width => (dv - 1, dh),
            Axis::Height => (dv, dh - 1),
        };
        for rest in every_order(v, d) {
            out.push([vec![(axis, 1)], rest].concat());
        }
    }
    out
}

#[test]
fn optimal_order_is_the_cheapest_of_every_order_on_tiny_images() {
    assert_eq!(every_order(2, 3).len(), 10);
    let mut tried = 0;
    for (name, image) in images() {
        let (w, h) = image.dimensions();
        if w * h > 1200 {
            continue;
        }
        let (dv, dh) = ((w - 2).min(3), (h - 2).min(3));
        // Every interleaving seam by seam, and the fixed orders' runs.
        let mut candidates = every_order(dv, dh);
        candidates.push(vec![(Axis::Width, dv), (Axis::Height, dh)]);
        candidates.push(vec![(Axis::Height, dh), (Axis::Width, dv)]);
        candidates.push(interleaved(dv, dh));
        for (kind, energy) in kinds() {
            let label = format!("{name} {kind}");
            let results: Vec<(RgbImage, u64)> = candidates
                .iter()
                .map(|runs| oracle(&image, runs, energy))
                .collect();
            let least = results.iter().map(|(_, cost)| *cost).min().unwrap();
            let got = carve(&image, (w - dv, h - dh), kind, Order::Optimal);
            assert_eq!(total(&got), least, "{label}: total cost");
            assert!(
                results
                    .iter()
                    .any(|(pixels, cost)| *cost == least && *pixels == got.image),
                "{label}: pixels of a cheapest order"
            );
            let cheapest_fixed = [Order::WidthFirst, Order::HeightFirst, Order::Interleaved]
                .map(|order| total(&carve(&image, (w - dv, h - dh), kind, order)));
            assert!(
                least <= cheapest_fixed.into_iter().min().unwrap(),
                "{label}"
            );
            tried += 1;
        }
    }
    assert!(tried >= 30, "only {tried} cases");
}

#[test]
fn optimal_order_in_rounds_is_never_costlier_than_a_fixed_order() {
    let mut beaten = 0;
    for (name, image) in images() {
        let (w, h) = image.dimensions();
        // More seams than rounds on each axis where the image allows it.
        let (dv, dh) = (w * 2 / 5, h * 2 / 5);
        if dv <= Order::ROUNDS && dh <= Order::ROUNDS {
            continue;
        }
        for kind in [EnergyKind::Forward, EnergyKind::Salient] {
            let size = (w - dv, h - dh);
            let optimal = carve(&image, size, kind, Order::Optimal);
            let fixed = [Order::WidthFirst, Order::HeightFirst, Order::Interleaved]
                .map(|o| carve(&image, size, kind, o));
            let least = fixed.iter().map(total).min().unwrap();
            assert!(total(&optimal) <= least, "{name} {kind}");
            beaten += (total(&optimal) < least) as u32;
            assert_eq!(optimal.image.dimensions(), size, "{name} {kind}");
            // What the seams say is what was done: replayed, they give the same pixels.
            assert_eq!(
                optimal.apply_to(&image).unwrap(),
                optimal.image,
                "{name} {kind}"
            );
        }
    }
    // The table finds cheaper orders than all three, at least somewhere.
    assert!(beaten > 0);
}

#[test]
fn seams_json_lists_seams_as_taken_and_names_the_order() {
    let out = tempfile::tempdir().unwrap();
    cli::succeed(
        cli::bin()
            .arg(cli::golden_input("chelsea.png"))
            .args(["--width", "60", "--height", "40", "--order", "interleaved"])
            .args(["--only", "seams,annotated", "-o"])
            .arg(out.path()),
    );
    let report = cli::seams_report(&out.path().join("chelsea.seams.json"));
    assert_eq!(report.order.as_deref(), Some("interleaved"));
    // 12 columns and 8 rows in 8 rounds: 1 or 2 columns, then 1 row, eight times.
    let want: Vec<&str> = parts(12, 8)
        .into_iter()
        .flat_map(|v| {
            std::iter::repeat_n("vertical", v as usize).chain(std::iter::once("horizontal"))
        })
        .collect();
    assert_eq!(cli::orientations(&report), want);
    // Width-first is the default and is not named.
    cli::succeed(
        cli::bin()
            .arg(cli::golden_input("chelsea.png"))
            .args(["--width", "60", "--height", "40", "--only", "seams", "-o"])
            .arg(out.path().join("plain")),
    );
    let report = cli::seams_report(&out.path().join("plain/chelsea.seams.json"));
    assert_eq!(report.order, None);
    // An unknown order is refused with the names it takes.
    let bad = cli::bin()
        .arg(cli::golden_input("chelsea.png"))
        .args(["--order", "diagonal", "-o"])
        .arg(out.path().join("bad"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(cli::stderr_of(&bad).contains("'interleaved'"));
    assert!(!out.path().join("bad").exists());
}

#[test]
fn progress_counts_every_seam_the_search_finds() {
    let image = support::noise(40, 30, 7);
    // Every order (2 and 3 seams), then the table in rounds (12 and 10).
    for (dv, dh) in [(2, 3), (12, 10)] {
        let request = Request {
            order: Order::Optimal,
            ..Request::to(40 - dv, 30 - dh)
        };
        let mut reports = Vec::new();
        seam_carver::resize_with_progress(&image, &request, |done, total| {
            reports.push((done, total))
        })
        .unwrap();
        let total = request.seams(40, 30);
        assert!(total > dv + dh);
        assert!(reports.iter().all(|&(_, t)| t == total), "{dv}x{dh}");
        assert_eq!(reports.last(), Some(&(total, total)), "{dv}x{dh}");
    }
}

#[test]
fn an_optimal_order_too_long_to_search_says_so_and_names_the_way_out() {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("square.png");
    support::noise(1000, 1000, 3).save(&photo).unwrap();
    // 200 and 200 seams: 4,800 seams tried (one order: 400), over the 2,048 steps a
    // pixel of --max-pixels (here 1,000,000) allows.
    let output = cli::bin()
        .arg(&photo)
        .args(["--width", "80%x80%", "--order", "optimal"])
        .args(["--max-pixels", "1000000", "-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = cli::stderr_of(&output);
    assert!(
        stderr.contains("--order optimal tries 4800 seams on a 1000x1000 image")
            && stderr.contains("one order takes 400: use --order interleaved or width-first"),
        "{stderr}"
    );
    assert!(!dir.path().join("out/square.carved.png").exists());
}
