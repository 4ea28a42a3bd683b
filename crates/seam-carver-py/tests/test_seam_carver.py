"""seam_carver from Python: every argument, every array layout, bad inputs, the CLI's
pixels, and seam-carving 1.1.0's API (installed beside it) as the thing it replaces."""

import inspect
import os
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest
import seam_carving
from PIL import Image

import seam_carver

ROOT = Path(__file__).resolve().parents[3]


def photo(width=60, height=40, seed=1):
    """A photo-like RGB array: smooth regions, an edge, some noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.where(x * 3 > width + y, 180, 40)
    img = np.stack([base + (x * 2 + y * c) % 50 for c in range(3)], axis=-1)
    return (img + rng.integers(0, 8, img.shape)).astype(np.uint8)


def is_subsequence(small, big):
    it = iter(map(tuple, big))
    return all(any(tuple(s) == b for b in it) for s in small)


# Shapes and layouts


@pytest.mark.parametrize("channels", [None, 1, 3, 4])
@pytest.mark.parametrize("order", ["width-first", "height-first"])
@pytest.mark.parametrize("size", [(45, 33), (80, 50), (45, 50)])
def test_every_pixel_format_and_order_gives_the_size_asked(channels, order, size):
    src = photo()
    if channels is None:
        src = src[:, :, 0].copy()
    elif channels == 1:
        src = src[:, :, :1].copy()
    elif channels == 4:
        src = np.concatenate([src, np.full(src.shape[:2] + (1,), 200, np.uint8)], -1)
    out = seam_carver.resize(src, size, order=order)
    assert out.dtype == np.uint8
    assert out.shape == (size[1], size[0]) + src.shape[2:]


def test_fortran_order_views_and_slices_carve_as_their_copies():
    base = photo(80, 50)
    want = seam_carver.resize(np.ascontiguousarray(base[::2, 5:70]), (50, 20))
    for view in [
        base[::2, 5:70],  # strided view
        np.asfortranarray(base[::2, 5:70]),  # Fortran order
        np.ascontiguousarray(base[::2, 5:70].transpose(1, 0, 2)).transpose(1, 0, 2),
    ]:
        assert np.array_equal(seam_carver.resize(view, (50, 20)), want)


def test_alpha_is_carried_through_every_seam_exactly():
    rgb = photo(48, 30)
    rng = np.random.default_rng(3)
    alpha = rng.integers(0, 256, rgb.shape[:2], dtype=np.uint8)
    alpha[:, :10] = 0  # a clear region with colours nobody sees
    src = np.concatenate([rgb, alpha[:, :, None]], -1)
    out = seam_carver.resize(src, (36, 30))
    assert out.shape == (30, 36, 4)
    for y in range(30):
        assert is_subsequence(out[y], src[y]), y
    # Opaque RGBA carves as RGB does.
    opaque = np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], -1)
    out = seam_carver.resize(opaque, (36, 27))
    assert np.array_equal(out[:, :, :3], seam_carver.resize(rgb, (36, 27)))
    assert (out[:, :, 3] == 255).all()


def test_gray_and_one_channel_agree():
    gray = photo()[:, :, 1].copy()
    a = seam_carver.resize(gray, (44, 31))
    b = seam_carver.resize(gray[:, :, None], (44, 31))
    assert np.array_equal(a, b[:, :, 0])


# Masks


@pytest.mark.parametrize("dtype", [bool, np.uint8, np.int64, np.float32])
def test_keep_mask_of_any_dtype_is_never_cut(dtype):
    src = photo(60, 40)
    keep = np.zeros((40, 60), dtype)
    keep[:, 20:28] = 1
    out = seam_carver.resize(src, (40, 40), keep_mask=keep)
    # The kept columns survive whole, side by side, in every row.
    for y in range(40):
        row = [tuple(p) for p in out[y]]
        kept = [tuple(p) for p in src[y, 20:28]]
        assert any(row[i : i + 8] == kept for i in range(len(row) - 7)), y


def test_protect_faces_keeps_the_face_box_whole_and_changes_nothing_without_one():
    src = np.asarray(Image.open(ROOT / "golden/inputs/astronaut-face.png").convert("RGB"))
    out, seams = seam_carver.resize(src, (64, 160), protect_faces=True, return_seams=True)
    plain = seam_carver.resize(src, (64, 160))
    # The face, about columns 54..85 of rows 21..52: whole, side by side, in every row,
    # which the plain carve does not keep.
    def kept(img):
        return all(
            any(
                [tuple(p) for p in img[y, i : i + 31]] == [tuple(p) for p in src[y, 54:85]]
                for i in range(img.shape[1] - 30)
            )
            for y in range(21, 52)
        )
    assert out.shape == (160, 64, 3) and len(seams) == 96
    assert kept(out) and not kept(plain)
    # A photo without a face: the same array as without the flag.
    cup = photo(60, 40)
    assert np.array_equal(seam_carver.resize(cup, (40, 40), protect_faces=True), seam_carver.resize(cup, (40, 40)))
    # The example's rule keeps no faces: refused up front, face or not.
    with pytest.raises(ValueError, match="protect_faces keeps faces with the optimal rule"):
        seam_carver.resize(cup, (40, 40), protect_faces=True, seams="imageproc")


def test_protect_skin_gives_the_command_lines_pixels_and_changes_nothing_without_a_face():
    # The golden case astronaut-skin: --protect-skin --width 80% --height 65% (where the skin
    # outside the face box changes the seams).
    src = np.asarray(Image.open(ROOT / "golden/inputs/astronaut-face.png").convert("RGB"))
    want = np.asarray(Image.open(ROOT / "golden/expected/astronaut-skin/astronaut-face.carved.png").convert("RGB"))
    out = seam_carver.resize(src, (128, 104), protect_skin=True)
    assert np.array_equal(out, want)
    assert not np.array_equal(seam_carver.resize(src, (128, 104), protect_faces=True), want)
    cup = photo(60, 40)
    assert np.array_equal(seam_carver.resize(cup, (40, 40), protect_skin=True), seam_carver.resize(cup, (40, 40)))
    with pytest.raises(ValueError, match="protect_skin keeps skin with the optimal rule"):
        seam_carver.resize(cup, (40, 40), protect_skin=True, seams="imageproc")


def test_drop_mask_removes_the_object_then_the_size_is_reached():
    src = photo(60, 40)
    drop = np.zeros((40, 60), bool)
    drop[5:30, 30:36] = True
    removed = seam_carver.resize(src, drop_mask=drop)
    assert removed.shape[1] <= 54 and removed.shape[0] == 40
    both = seam_carver.resize(src, (50, 36), drop_mask=drop)
    assert both.shape == (36, 50, 3)
    assert np.array_equal(seam_carver.remove_object(src, drop), removed)


def test_an_object_under_the_keep_mask_is_a_carve_error_with_its_kind():
    src = photo(30, 20)
    mask = np.zeros((20, 30), bool)
    mask[:, 10:12] = True
    with pytest.raises(seam_carver.CarveError) as caught:
        seam_carver.resize(src, drop_mask=mask, keep_mask=mask)
    assert caught.value.kind == "ObjectBlocked"
    assert "ObjectBlocked" in caught.value.details
    assert isinstance(caught.value, ValueError)


# Extras: seams, progress, the imageproc rule, step_ratio, the GIL


def test_seams_and_progress_are_reported():
    src = photo(50, 30)
    calls = []
    out, seams = seam_carver.resize(
        src, (44, 27), progress=lambda d, t: calls.append((d, t)), return_seams=True
    )
    assert out.shape == (27, 44, 3)
    assert [s["orientation"] for s in seams] == ["vertical"] * 6 + ["horizontal"] * 3
    assert all(len(s["path"]) == (30 if s["orientation"] == "vertical" else 44) for s in seams)
    assert calls == [(i, 9) for i in range(1, 10)]
    # Height first: the horizontal seams come first.
    _, seams = seam_carver.resize(src, (44, 27), order="height-first", return_seams=True)
    assert [s["orientation"] for s in seams] == ["horizontal"] * 3 + ["vertical"] * 6


def test_an_error_in_the_progress_callback_is_raised():
    def fail(done, total):
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        seam_carver.resize(photo(), (50, 40), progress=fail)


def test_step_ratio_bounds_each_insertion_pass():
    src = photo(20, 10)
    _, seams = seam_carver.resize(src, (40, 10), step_ratio=0.5, return_seams=True)
    assert [s["pass"] for s in seams] == [1] * 10 + [2] * 10
    _, seams = seam_carver.resize(src, (40, 10), return_seams=True)
    assert [s["pass"] for s in seams].count(1) == 19


def test_the_imageproc_rule_takes_backward_energy_only():
    src = photo()
    want = seam_carver.resize(src, (50, 40), energy_mode="backward", seams="imageproc")
    # Its default energy is backward, the only one it traces.
    assert np.array_equal(seam_carver.resize(src, (50, 40), seams="imageproc"), want)
    with pytest.raises(seam_carver.CarveError):
        seam_carver.resize(src, (50, 40), energy_mode="forward", seams="imageproc")


def test_sizes_past_max_pixels_are_refused_before_any_work():
    with pytest.raises(ValueError, match="over max_pixels=100000000"):
        seam_carver.resize(photo(), (10**12, 90))
    with pytest.raises(ValueError, match="over max_pixels=1000"):
        seam_carver.resize(photo(), (50, 40), max_pixels=1000)
    assert seam_carver.resize(photo(), (50, 40), max_pixels=2400).shape == (40, 50, 3)


def test_bool_arrays_are_carved_as_seam_carving_takes_them():
    src = photo()[:, :, 0] > 100
    out = seam_carver.resize(src, (50, 40))
    assert out.dtype == bool and out.shape == seam_carving.resize(src, (50, 40)).shape


def test_the_gil_is_released_while_carving():
    src = photo(900, 700)
    ticks = [0]
    done = threading.Event()

    def spin():
        while not done.is_set():
            ticks[0] += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        before = ticks[0]
        seam_carver.resize(src, (600, 700))
        during = ticks[0] - before
    finally:
        done.set()
        spinner.join()
    # Another Python thread ran while the carve did (it would be frozen under the GIL).
    assert during > 1000, during


# Bad inputs, as seam-carving reports them


BAD_CALLS = [
    ("order", lambda m: m.resize(photo(), (50, 40), order="diagonal")),
    ("mask ndim", lambda m: m.resize(photo(), (50, 40), keep_mask=np.zeros((40, 60, 2)))),
    ("mask shape", lambda m: m.resize(photo(), (50, 40), keep_mask=np.zeros((40, 61)))),
    ("size", lambda m: m.resize(photo(), (0, 40))),
    ("empty", lambda m: m.resize(np.zeros((0, 5, 3), np.uint8), (5, 5))),
    ("ndim", lambda m: m.resize(np.zeros((2, 3, 4, 5), np.uint8), (5, 5))),
    ("step", lambda m: m.resize(photo(), (90, 40), step_ratio=1.5)),
]


@pytest.mark.parametrize("label,call", BAD_CALLS, ids=[b[0] for b in BAD_CALLS])
def test_bad_arguments_raise_what_seam_carving_raises(label, call):
    with pytest.raises(ValueError) as theirs:
        call(seam_carving)
    with pytest.raises(ValueError) as ours:
        call(seam_carver)
    # seam-carving's words, word for word (ours may add a sentence after them).
    assert str(ours.value).startswith(str(theirs.value))


def test_bad_energy_modes_and_dtypes_say_what_is_accepted():
    with pytest.raises(ValueError, match="energy_mode"):
        seam_carver.resize(photo(), (50, 40), energy_mode="sideways")
    with pytest.raises(TypeError, match="numbers"):
        seam_carver.resize(photo().astype(np.complex64), (50, 40))
    with pytest.raises(ValueError, match="channels"):
        seam_carver.resize(np.zeros((5, 5, 2), np.uint8), (4, 5))


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int32, np.int64, np.float32, np.float64])
def test_every_numeric_dtype_comes_back_as_itself_its_values_kept(dtype):
    src = photo(50, 30).astype(dtype)
    out = seam_carver.resize(src, (40, 30))
    assert out.dtype == src.dtype
    for y in range(30):
        assert is_subsequence(out[y], src[y]), y
    # The same seams as the uint8 picture of the same values.
    assert np.array_equal(out.astype(np.uint8), seam_carver.resize(photo(50, 30), (40, 30)))
    # Inserted values are means, truncated to integers as seam-carving's are.
    grown = seam_carver.resize(src, (60, 30))
    assert grown.dtype == src.dtype and grown.shape == (30, 60, 3)


# Compatibility with seam-carving 1.1.0, mirroring its own tests (test/test_carve.py:
# test_resize, test_remove_object, test_protect_object): the same shapes, dtypes and
# exception types on the same calls


H, W, D = 40, 56, 9
SIZES = [(w, h) for w in (W - D, W, W + D) for h in (H - D, H, H + D)]


def sources():
    rgb = photo(W, H, seed=5)
    return {"gray": rgb[:, :, 0].copy(), "rgb": rgb}


def masks():
    keep = np.zeros((H, W), bool)
    keep[5:20, 5:15] = True
    drop = np.zeros((H, W), bool)
    drop[20:35, 30:40] = True
    return keep, drop


def same_result_kind(ours, theirs):
    assert ours.shape == theirs.shape
    assert ours.ndim == theirs.ndim
    assert ours.dtype == theirs.dtype


@pytest.mark.parametrize("kind", ["gray", "rgb"])
@pytest.mark.parametrize("energy_mode", ["backward", "forward"])
@pytest.mark.parametrize("order", ["width-first", "height-first"])
def test_resize_to_every_size_as_seam_carving(kind, energy_mode, order):
    src = sources()[kind]
    for size in SIZES:
        kwargs = dict(size=size, energy_mode=energy_mode, order=order)
        same_result_kind(seam_carver.resize(src, **kwargs), seam_carving.resize(src, **kwargs))


@pytest.mark.parametrize("kind", ["gray", "rgb"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64, np.float32, np.float64])
def test_resize_every_dtype_as_seam_carving(kind, dtype):
    src = sources()[kind].astype(dtype)
    for size in SIZES[::4]:
        same_result_kind(seam_carver.resize(src, size), seam_carving.resize(src, size))


@pytest.mark.parametrize("kind", ["gray", "rgb"])
def test_resize_with_a_keep_mask_as_seam_carving(kind):
    src = sources()[kind]
    keep, _ = masks()
    for size in SIZES:
        same_result_kind(
            seam_carver.resize(src, size, keep_mask=keep),
            seam_carving.resize(src, size, keep_mask=keep),
        )


@pytest.mark.parametrize("kind", ["gray", "rgb"])
@pytest.mark.parametrize("order", ["width-first", "height-first"])
def test_drop_mask_shrinks_the_axis_the_order_says(kind, order):
    src = sources()[kind]
    _, drop = masks()
    out = seam_carver.resize(src, order=order, drop_mask=drop)
    if order == "width-first":
        assert out.shape[0] == H and out.shape[1] < W
    else:
        assert out.shape[0] < H and out.shape[1] == W
    assert out.ndim == src.ndim and out.dtype == src.dtype
    # Removing and growing back in one call is the two calls.
    keep, _ = masks()
    both = seam_carver.resize(src, (W, H), drop_mask=drop, keep_mask=keep, order=order)
    assert both.shape[:2] == (H, W)


def test_remove_object_is_resize_with_a_drop_mask():
    src = sources()["rgb"]
    keep, drop = masks()
    assert np.array_equal(seam_carver.remove_object(src, drop), seam_carver.resize(src, drop_mask=drop))
    assert np.array_equal(
        seam_carver.remove_object(src, drop, keep),
        seam_carver.resize(src, drop_mask=drop, keep_mask=keep),
    )


SEAM_CARVING_ERRORS = [
    lambda m: m.resize(sources()["rgb"], (0, 100)),
    lambda m: m.resize(sources()["rgb"], (100, 0)),
    lambda m: m.resize(sources()["rgb"], (W + 1, H), step_ratio=0),
    lambda m: m.resize(sources()["rgb"], (W + 1, H), step_ratio=1.1),
    lambda m: m.resize(np.zeros(10), (100, 100)),
    lambda m: m.resize(sources()["rgb"], (100, 100), energy_mode="oops"),
    lambda m: m.resize(sources()["rgb"], (100, 100), order="oops"),
    lambda m: m.resize(sources()["rgb"], (100, 100), keep_mask=np.zeros((10, 10))),
    lambda m: m.resize(sources()["rgb"], (100, 100), keep_mask=np.zeros((H, W, 3))),
    lambda m: m.remove_object(np.empty((1, 2, 3, 4)), masks()[1]),
    lambda m: m.remove_object(sources()["rgb"], np.zeros((H, W - 1))),
    lambda m: m.remove_object(sources()["rgb"], masks()[1], np.zeros((H + 1, W))),
]


@pytest.mark.parametrize("call", SEAM_CARVING_ERRORS)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_seam_carving_s_error_cases_are_value_errors_here_too(call):
    with pytest.raises(ValueError):
        call(seam_carving)
    with pytest.raises(ValueError):
        call(seam_carver)


# The same pixels as the command line


def cli_carve(src, args):
    """The CLI's carve of the array `src` (handed over as a PNG, so that both read the
    very same pixels whatever decoder a JPEG would meet)."""
    binary = os.environ.get("SEAM_CARVER_BIN")
    if not binary:
        pytest.fail("SEAM_CARVER_BIN names the seam-carver binary (tests/python.rs sets it)")
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "photo.png"
        Image.fromarray(src).save(png)
        out = Path(tmp) / "out"
        subprocess.run([binary, str(png), "--only", "carved", "-q", "-o", str(out), *args], check=True)
        return np.asarray(Image.open(out / "photo.carved.png").convert("RGB"))


def photos():
    found = [ROOT / "inputs" / "coffee.png"]
    shared = os.environ.get("SEAM_CARVER_PARITY_DIR")
    if shared:
        found += sorted(p for p in Path(shared).iterdir() if p.suffix.lower() in (".jpg", ".png"))
    return found


@pytest.mark.parametrize("path", photos(), ids=lambda p: p.name)
def test_the_same_pixels_as_the_cli(path):
    src = np.asarray(Image.open(path).convert("RGB"))
    h, w = src.shape[:2]
    size = (w - w // 6, h - h // 10)
    assert np.array_equal(
        seam_carver.resize(src, size), cli_carve(src, ["--width", str(size[0]), "--height", str(size[1])])
    )
    assert np.array_equal(
        seam_carver.resize(src, (w + w // 5, h), energy_mode="forward"),
        cli_carve(src, ["--width", str(w + w // 5), "--energy", "forward"]),
    )


@pytest.mark.parametrize("most", [None, 100, 60])
def test_large_shrinks_are_scaled_first_as_the_cli_does(most):
    src = np.asarray(Image.open(ROOT / "inputs" / "coffee.png").convert("RGB"))
    keep = np.zeros(src.shape[:2], dtype=bool)
    keep[150:250, 250:350] = True
    kwargs = {} if most is None else {"carve_at_most": most}
    out = seam_carver.resize(src, (180, 120), keep_mask=keep, **kwargs)
    with tempfile.TemporaryDirectory() as tmp:
        mask = Path(tmp) / "keep.png"
        Image.fromarray(keep.astype(np.uint8) * 255).save(mask)
        flags = ["--width", "180", "--height", "120", "--protect", str(mask)]
        flags += [] if most is None else ["--carve-at-most", str(most)]
        assert np.array_equal(out, cli_carve(src, flags))
    assert out.shape == (120, 180, 3)
    # help() shows the defaults as numbers.
    defaults = inspect.signature(seam_carver.resize).parameters
    assert defaults["carve_at_most"].default == 40 and defaults["max_pixels"].default == 100_000_000
    for bad in (0, -1, 101):
        with pytest.raises(ValueError, match="carve_at_most"):
            seam_carver.resize(src, (180, 120), carve_at_most=bad)


@pytest.mark.parametrize("order", ["height-first", "interleaved", "optimal"])
def test_every_order_gives_the_cli_s_pixels_and_seams_as_taken(order):
    src = np.asarray(Image.open(ROOT / "golden" / "inputs" / "chelsea.png").convert("RGB"))
    size = (58, 36)
    out, seams = seam_carver.resize(src, size, order=order, return_seams=True)
    assert np.array_equal(out, cli_carve(src, ["--width", "58", "--height", "36", "--order", order]))
    kinds = [s["orientation"] for s in seams]
    assert kinds.count("vertical") == 14 and kinds.count("horizontal") == 12
    if order == "interleaved":
        # Eight rounds of 1 or 2 seams each way: 14 = 1+2+2+2+1+2+2+2, 12 = 1+2+1+2+...
        assert kinds[:6] == ["vertical", "horizontal", "vertical", "vertical", "horizontal", "horizontal"]


def test_the_readme_example_runs_as_written(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text()
    start = readme.index("```python\nimport numpy as np, seam_carver") + len("```python\n")
    code = readme[start : readme.index("```", start)]
    (tmp_path / "inputs").symlink_to(ROOT / "inputs")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert Image.open(tmp_path / "coffee-500x400.png").size == (500, 400)
