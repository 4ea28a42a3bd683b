//! Hostile and awkward inputs, natively and through the WASI module under Bacalhau's
//! rules: each file gets a defined outcome (a correct carve, or one error line naming it),
//! a batch of all of them exits 1 with every good file still carved, nothing panics or
//! traps, and a failed input leaves no files of its own.

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;

use image::{ImageBuffer, Luma, LumaA, Rgb, RgbImage, Rgba};
use seam_carver_cli::spec::{Job, Resources, Source};

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A PNG whose header claims 100000 x 100000 pixels, with no pixel data.
fn huge_png() -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A 40x30 PNG whose iCCP chunk inflates to 200 MB of zeros from about 200 KB: a
/// decompression bomb in an ancillary chunk, before any pixel.
fn iccp_bomb_png() -> Vec<u8> {
    use std::io::Write;
    let mut plain = Vec::new();
    ImageBuffer::from_pixel(40, 30, Rgb([9u8, 99, 199]))
        .write_to(
            &mut std::io::Cursor::new(&mut plain),
            image::ImageFormat::Png,
        )
        .unwrap();
    let mut profile = b"bomb\0\0".to_vec();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..200 {
        z.write_all(&zeros).unwrap();
    }
    profile.extend(z.finish().unwrap());
    // Signature (8 bytes) and IHDR (25): the iCCP chunk goes right after them.
    let mut out = plain[..33].to_vec();
    out.extend(png_chunk(b"iCCP", &profile));
    out.extend_from_slice(&plain[33..]);
    out
}

fn photo() -> RgbImage {
    image::open(support::root().join("golden/inputs/chelsea.png"))
        .unwrap()
        .to_rgb8()
}

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(image)
        .unwrap();
    out
}

/// The JPEG with an EXIF block saying "rotate 90 degrees clockwise to view" (6).
fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08\x00\x01".to_vec();
    tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn palette_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 24, 16);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(vec![255, 0, 0, 0, 255, 0, 0, 0, 255, 250, 250, 250]);
    let mut writer = encoder.write_header().unwrap();
    let data: Vec<u8> = (0..24 * 16).map(|i| ((i / 3 + i / 24) % 4) as u8).collect();
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    out
}

fn cmyk_jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    let data: Vec<u8> = (0..32 * 20)
        .flat_map(|i| [(i % 256) as u8, 40, (255 - i % 256) as u8, 10])
        .collect();
    encoder
        .encode(&data, 32, 20, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    out
}

/// What each corpus file should do: `Ok(carved width x height)` or `Err(part of the error)`.
type Expected = BTreeMap<&'static str, Result<(u32, u32), &'static str>>;

/// Writes the corpus into `dir` and returns the expected outcome of each file.
fn write_corpus(dir: &Path) -> Expected {
    let p = photo(); // 72 x 48
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    let mut png_bytes = Vec::new();
    p.write_to(
        &mut std::io::Cursor::new(&mut png_bytes),
        image::ImageFormat::Png,
    )
    .unwrap();
    write("empty.png", b"");
    write("truncated.png", &png_bytes[..png_bytes.len() / 2]);
    let jpg = jpeg(&p);
    write("truncated.jpg", &jpg[..600]);
    write("text.png", b"this is not an image, just text\n");
    write("huge.png", &huge_png());
    write("iccp-bomb.png", &iccp_bomb_png());
    ImageBuffer::from_pixel(1, 1, Rgb([1u8, 2, 3]))
        .save(dir.join("one.png"))
        .unwrap();
    ImageBuffer::from_pixel(1, 20, Rgb([1u8, 2, 3]))
        .save(dir.join("column.png"))
        .unwrap();
    ImageBuffer::from_fn(2, 3, |x, y| Rgb([(x * 90) as u8, (y * 60) as u8, 7]))
        .save(dir.join("two.png"))
        .unwrap();
    ImageBuffer::from_fn(30, 20, |x, y| {
        Rgb([(x * 2000) as u16, (y * 3000) as u16, 40000u16])
    })
    .save(dir.join("deep16.png"))
    .unwrap();
    ImageBuffer::from_fn(30, 20, |x, y| {
        Rgba([(x * 8) as u8, (y * 12) as u8, 99, (x * y) as u8])
    })
    .save(dir.join("alpha.png"))
    .unwrap();
    ImageBuffer::from_fn(30, 20, |x, y| Luma([(x * y) as u8]))
        .save(dir.join("gray.png"))
        .unwrap();
    ImageBuffer::from_fn(30, 20, |x, y| LumaA([(x * 8) as u8, (y * 9) as u8]))
        .save(dir.join("gray-alpha.png"))
        .unwrap();
    write("palette.png", &palette_png());
    write("cmyk.jpg", &cmyk_jpeg());
    write("upright.jpg", &with_exif_orientation(&jpg, 6));
    std::fs::create_dir(dir.join("folder.png")).unwrap();
    std::os::unix::fs::symlink("does-not-exist.png", dir.join("dangling.png")).unwrap();
    BTreeMap::from([
        ("empty.png", Err("empty file")),
        ("truncated.png", Err("cannot decode")),
        ("truncated.jpg", Err("cannot decode")),
        ("text.png", Err("not an image format seam-carver reads")),
        ("huge.png", Err("over the limit of 16000000 pixels")),
        // The profile is inflated only up to the header's memory limit and then dropped
        // (as the decoder drops any broken iCCP chunk; seam-carver applies no profile):
        // the pixels carve, in bounded memory, natively and in 512 MB of wasm memory.
        ("iccp-bomb.png", Ok((34, 30))),
        // 1 pixel wide: width/6 is no seam at all, a pass-through.
        ("one.png", Ok((1, 1))),
        ("column.png", Ok((1, 20))),
        ("two.png", Ok((2, 3))),
        ("deep16.png", Ok((25, 20))),
        ("alpha.png", Ok((25, 20))),
        ("gray.png", Ok((25, 20))),
        ("gray-alpha.png", Ok((25, 20))),
        ("palette.png", Ok((20, 16))),
        ("cmyk.jpg", Ok((27, 20))),
        // EXIF orientation 6: the 72x48 photo is carved upright, 48 wide and 72 high.
        ("upright.jpg", Ok((40, 72))),
        ("dangling.png", Err("cannot read file")),
    ])
}

/// Checks one engine's batch run over the corpus directory.
fn check_outcome(engine: &str, expected: &Expected, exit_code: i32, stderr: &str, out: &Path) {
    assert_eq!(exit_code, 1, "{engine}: {stderr}");
    assert!(!stderr.contains("panicked"), "{engine}: {stderr}");
    assert!(
        stderr.contains("skipping") && stderr.contains("folder.png"),
        "{engine}: {stderr}"
    );
    let files = support::read_flat_dir(out);
    for (name, outcome) in expected {
        let stem = name.rsplit_once('.').unwrap().0;
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error:") && l.contains(&format!("/{name}:")))
            .collect();
        let own: Vec<&String> = files
            .keys()
            .filter(|f| f.starts_with(&format!("{stem}.")))
            .collect();
        match outcome {
            Ok((w, h)) => {
                assert!(errors.is_empty(), "{engine} {name}: {errors:?}");
                assert_eq!(own.len(), 6, "{engine} {name}: {own:?}");
                let carved =
                    image::load_from_memory(&files[&format!("{stem}.carved.png")]).unwrap();
                assert_eq!(
                    (carved.width(), carved.height()),
                    (*w, *h),
                    "{engine} {name}"
                );
            }
            Err(reason) => {
                assert_eq!(errors.len(), 1, "{engine} {name}: {stderr}");
                assert!(errors[0].contains(reason), "{engine} {name}: {}", errors[0]);
                assert!(own.is_empty(), "{engine} {name} left {own:?}");
            }
        }
    }
    let manifest: seam_carver_cli::output::Manifest =
        serde_json::from_slice(&files["manifest.json"]).unwrap();
    let listed: Vec<&String> = manifest.files.keys().collect();
    let present: Vec<&String> = files.keys().filter(|n| *n != "manifest.json").collect();
    assert_eq!(
        listed, present,
        "{engine}: the manifest lists exactly what was written"
    );
}

#[test]
fn malformed_corpus_native() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let expected = write_corpus(&corpus);
    let out = dir.path().join("out");
    let output = assert_cmd::Command::cargo_bin("seam-carver")
        .unwrap()
        .arg(&corpus)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    check_outcome(
        "native",
        &expected,
        output.status.code().unwrap(),
        &stderr,
        &out,
    );
}

#[test]
fn a_pixel_limit_raised_beyond_the_memory_there_is_is_an_error_not_an_abort() {
    // 100000x100000 RGB: 60 GB to decode, more than this machine (or any test machine)
    // has; the decoder would abort on the allocation.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("huge.png");
    std::fs::write(&input, huge_png()).unwrap();
    let output = assert_cmd::Command::cargo_bin("seam-carver")
        .unwrap()
        .arg(&input)
        .args(["--max-pixels", "99999999999", "-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "huge.png: image is 100000x100000: decoding it takes at least 60000000000 bytes"
        ),
        "{stderr}"
    );
}

/// A job that runs the module on a host folder mounted at `/inputs` (a node's
/// `localDirectory` source) with `parameters`, writing to the result path `outputs`.
fn folder_job(inputs: &Path, parameters: &[&str], memory: &str) -> Job {
    let module = std::fs::read(support::wasm_module()).unwrap();
    let parameters = parameters.iter().map(|p| p.to_string()).collect();
    let mut job = Job::wasm("malformed", "/app/m.wasm", parameters)
        .with_source(
            "/app/m.wasm",
            Source::Inline {
                url: seam_carver_cli::job::data_url("application/wasm", &module),
            },
        )
        .with_source(
            "/inputs",
            Source::LocalDirectory {
                source_path: inputs.to_str().unwrap().to_string(),
            },
        );
    job.task_mut().resources = Some(Resources {
        cpu: None,
        memory: memory.to_string(),
    });
    job
}

#[test]
fn malformed_corpus_wasmtime_and_wazero() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let expected = write_corpus(&corpus);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let args: Vec<String> = ["/inputs", "-o", "/outputs"].map(String::from).to_vec();
    let output = support::run_wasmtime(&corpus, &out, &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    check_outcome(
        "wasmtime",
        &expected,
        output.status.code().unwrap(),
        &stderr,
        &out,
    );

    // On wazero under Bacalhau's rules, with its default memory.
    let run = support::run_job(
        &folder_job(&corpus, &["/inputs", "-o", "/outputs"], "512Mb"),
        &[],
    );
    assert!(
        run.status == Some(0) || run.status == Some(1),
        "a trap: {}",
        run.log
    );
    let code: i32 = run.read("exitCode").parse().unwrap();
    check_outcome(
        "wazero",
        &expected,
        code,
        &run.read("stderr"),
        &run.results.join("outputs"),
    );
}

#[test]
fn explicitly_named_directory_and_non_utf8_names() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9.png"));
    photo()
        .save_with_format(&odd, image::ImageFormat::Png)
        .unwrap();
    std::fs::create_dir(dir.path().join("sub.png")).unwrap();
    let out = dir.path().join("out");
    let output = assert_cmd::Command::cargo_bin("seam-carver")
        .unwrap()
        .arg(&odd)
        .arg(dir.path().join("sub.png"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    // A directory named explicitly is searched like any directory: this one holds no
    // images, which is not an error.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The non-UTF-8 name is carved; its outputs carry the name with U+FFFD.
    assert!(out.join("caf\u{fffd}.carved.png").is_file(), "{stderr}");
}

#[test]
fn an_image_over_the_pixel_limit_is_refused_cleanly_under_wasm() {
    // A header claiming 100000 x 100000 pixels (10 G, 30 GB of RGB), with 64 MiB of
    // memory: refused from its header, over the default --max-pixels, with exit status
    // 1 and no trap (a trap would publish nothing).
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("huge.png"), huge_png()).unwrap();
    let run = support::run_job(
        &folder_job(&inputs, &["/inputs/huge.png", "-o", "/outputs"], "64MiB"),
        &[],
    );
    assert_eq!(run.status, Some(1), "{}", run.log);
    assert_eq!(run.read("exitCode"), "1");
    assert!(
        run.read("stderr")
            .contains("image is 100000x100000 (10000000000 pixels), over the limit of 16000000"),
        "{}",
        run.read("stderr")
    );
    // With the limit raised past it: more than a 32-bit module can address, said so.
    let run = support::run_job(
        &folder_job(
            &inputs,
            &[
                "/inputs/huge.png",
                "--max-pixels",
                "99999999999",
                "-o",
                "/outputs",
            ],
            "64MiB",
        ),
        &[],
    );
    assert_eq!(run.status, Some(1), "{}", run.log);
    assert!(
        run.read("stderr").contains(
            "image is 100000x100000: decoding it takes at least 40000000000 bytes, more memory than can be had"
        ),
        "{}",
        run.read("stderr")
    );
}
