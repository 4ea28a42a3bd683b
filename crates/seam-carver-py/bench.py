"""seam_carver against seam-carving 1.1.0 (li-plus's package, numba) from Python, on the
bundled photo at 600x400 less 200 columns (li-plus's README's own case, about 600x407
less 200): the best of three calls each, after one to warm numba's compiler."""

import sys
import time
from pathlib import Path

import numpy as np
import seam_carving
from PIL import Image

import seam_carver

ROOT = Path(__file__).resolve().parents[2]
src = np.asarray(Image.open(ROOT / "inputs" / "coffee.png").convert("RGB"))
h, w = src.shape[:2]
size = (w - 200, h)


def best(call, runs=3):
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


rows = [
    ("backward", lambda: seam_carving.resize(src, size, energy_mode="backward"),
     lambda: seam_carver.resize(src, size, energy_mode="backward")),
    ("forward", lambda: seam_carving.resize(src, size, energy_mode="forward"),
     lambda: seam_carver.resize(src, size, energy_mode="forward")),
]
print(f"| Python, {w}x{h} less 200 columns | seam-carving 1.1.0 ms | seam_carver ms | faster |")
print("|---|---:|---:|---:|")
for energy, theirs, ours in rows:
    t, o = best(theirs), best(ours)
    print(f"| {energy} energy | {t * 1000:.0f} | {o * 1000:.0f} | {t / o:.0f}x |")
default = best(lambda: seam_carver.resize(src, size))
print(f"| seam_carver's default (salient) | | {default * 1000:.0f} | |")
sys.stdout.flush()
