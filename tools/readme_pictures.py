#!/usr/bin/env python3
"""Redraws the README's pictures of flags that show the default carve beside other
results: docs/gallery/shapes.jpg, amount.jpg, order.jpg and prescale.jpg.

    python3 tools/readme_pictures.py

It builds the release binary first (cargo, into $CARGO_TARGET_DIR or target/: a binary
left from other work would draw what that work carved), then runs it on the
bundled photo and the shared photos (../shared/images beside the checkout, or
SEAM_CARVER_PARITY_DIR), and ImageMagick's convert for liblqr's panels, and lays each
picture's panels out in rows on white, 10 pixels apart. Needs Pillow. Run it again after
a change to what the default carve looks like, then look at the pictures and their
captions.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BINARY = TARGET / "release" / "seam-carver"
SHARED = Path(os.environ.get("SEAM_CARVER_PARITY_DIR", ROOT.parent / "shared" / "images"))
COFFEE = ROOT / "inputs" / "coffee.png"
GAP = 10


def ours(image, *flags):
    """The carved picture of `image` with the command line's `flags`."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [str(BINARY), str(image), "-q", "-o", out, "--only", "carved", *flags],
            check=True,
        )
        (carved,) = Path(out).glob("*.carved.png")
        return Image.open(carved).convert("RGB")


def liblqr(image, *operations):
    """ImageMagick's result of `operations` (its -liquid-rescale is liblqr's)."""
    with tempfile.TemporaryDirectory() as out:
        path = Path(out) / "liblqr.png"
        subprocess.run(["convert", str(image), *operations, str(path)], check=True)
        return Image.open(path).convert("RGB")


def layout(rows, scale=1.0):
    """The rows of panels, each scaled by `scale`, left-aligned on white."""
    rows = [
        [p.resize((round(p.width * scale), round(p.height * scale)), Image.LANCZOS) for p in row]
        for row in rows
    ]
    width = max(sum(p.width for p in row) + GAP * (len(row) - 1) for row in rows)
    height = sum(max(p.height for p in row) for row in rows) + GAP * (len(rows) - 1)
    sheet = Image.new("RGB", (width, height), "white")
    y = 0
    for row in rows:
        x = 0
        for panel in row:
            sheet.paste(panel, (x, y))
            x += panel.width + GAP
        y += max(p.height for p in row) + GAP
    return sheet


def save(sheet, name):
    path = ROOT / "docs" / "gallery" / name
    sheet.save(path, quality=88)
    print(f"{path.relative_to(ROOT)}: {sheet.width}x{sheet.height}")


def main():
    built = subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "seam-carver-cli"], cwd=ROOT
    )
    if built.returncode != 0 or not BINARY.exists():
        sys.exit(f"could not build {BINARY}")
    chelsea, astronaut = SHARED / "chelsea.png", SHARED / "astronaut.png"
    for needed in (chelsea, astronaut):
        if not needed.exists():
            sys.exit(f"{needed} is missing (SEAM_CARVER_PARITY_DIR names the shared photos)")
    original = lambda path: Image.open(path).convert("RGB")  # noqa: E731

    save(
        layout(
            [
                [
                    original(COFFEE),
                    ours(COFFEE, "--aspect", "1:1"),
                    ours(COFFEE, "--aspect", "16:9"),
                    ours(COFFEE, "--width", "300x300^"),
                    liblqr(COFFEE, "-resize", "300x300^", "-liquid-rescale", "300x300!"),
                ],
                [
                    original(chelsea),
                    ours(chelsea, "--width", "500x500>"),
                    ours(chelsea, "--width", "500x500<"),
                    ours(COFFEE, "--width", "500x500>"),
                ],
            ],
            scale=0.5,
        ),
        "shapes.jpg",
    )
    save(
        layout([[ours(COFFEE, "--width", "70%", "--amount", a) for a in ("100", "50", "0")]]),
        "amount.jpg",
    )
    w, h = Image.open(chelsea).size
    save(
        layout(
            [
                [ours(chelsea, "--width", "80%", "--height", "80%", "--order", o)
                 for o in ("width-first", "height-first", "interleaved", "optimal")]
                + [liblqr(chelsea, "-liquid-rescale", f"{round(w * 0.8)}x{round(h * 0.8)}!")]
            ]
        ),
        "order.jpg",
    )
    rows = []
    for photo in (astronaut, COFFEE):
        w, h = Image.open(photo).size
        size = ["--width", "30%", "--height", "30%"]
        rows.append(
            [
                ours(photo, *size, "--carve-at-most", "100"),
                ours(photo, *size),
                ours(photo, *size, "--amount", "0"),
                liblqr(photo, "-liquid-rescale", f"{round(w * 0.3)}x{round(h * 0.3)}!"),
            ]
        )
    save(layout(rows), "prescale.jpg")


if __name__ == "__main__":
    main()
