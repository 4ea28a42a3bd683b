"""seam_carver against seam-carving 1.1.0 (li-plus's package, numba) from Python, in one
run: the bench photo (the bundled one at 600x400, as li-plus's README's 600x407 less 200
columns) and the shared photos (SEAM_CARVER_PARITY_DIR, or ../shared/images beside the
checkout), each shrunk by a sixth of its width and grown by a fifth, with backward and
forward energy; the best of two calls each, after one to warm numba's compiler."""

import os
import time
from pathlib import Path

import numpy as np
import seam_carving
from PIL import Image

import seam_carver

ROOT = Path(__file__).resolve().parents[2]


def best(call, runs=2):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def photos():
    found = [("bench photo", ROOT / "inputs" / "coffee.png", 200)]
    shared = Path(os.environ.get("SEAM_CARVER_PARITY_DIR", ROOT.parent / "shared" / "images"))
    if shared.is_dir():
        for path in sorted(shared.iterdir()):
            if path.suffix.lower() in (".png", ".jpg"):
                found.append((path.name, path, None))
    return found


warm = np.asarray(Image.open(ROOT / "inputs" / "coffee.png").convert("RGB"))[:60, :80]
for mode in ("backward", "forward"):
    seam_carving.resize(warm, (70, 60), energy_mode=mode)
    seam_carving.resize(warm, (90, 60), energy_mode=mode)

print("| Python, one run | size | energy | seam-carving 1.1.0 ms | seam_carver ms | faster |")
print("|---|---|---|---:|---:|---:|")
slowest = None
for label, path, less in photos():
    src = np.asarray(Image.open(path).convert("RGB"))
    h, w = src.shape[:2]
    shrink = w - (less or w // 6)
    for size in ((shrink, h), (w + w // 5, h)):
        for mode in ("backward", "forward"):
            theirs = best(lambda: seam_carving.resize(src, size, energy_mode=mode))
            ours = best(lambda: seam_carver.resize(src, size, energy_mode=mode))
            ratio = theirs / ours
            slowest = ratio if slowest is None else min(slowest, ratio)
            print(
                f"| {label} {w}x{h} | {size[0]}x{size[1]} | {mode} | {theirs * 1000:.0f} "
                f"| {ours * 1000:.0f} | {ratio:.0f}x |"
            )
print(f"\nleast lead: {slowest:.0f}x (the default, salient energy, has no counterpart there)")
