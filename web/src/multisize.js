// The multi-size image (Avidan and Shamir 2007): from one carve down to the smallest
// width, the order in which every pixel left, so that any width in between is shown by
// keeping, in each row, the pixels removed after that many seams. For a width-only
// removal this is exact: seam k of a carve does not depend on how many follow, so the
// first k seams of the long carve are the seams of a carve to width - k.

/**
 * For each pixel of the width x height original, row by row, the index of the seam that
 * removed it, or Infinity for a pixel that stayed. `seams` is seams.json's list of
 * vertical removed seams, each path in the image it was removed from.
 */
export function removalOrder(seams, width, height) {
  const order = new Float64Array(width * height).fill(Infinity);
  const alive = [];
  for (let y = 0; y < height; y++) {
    const row = new Int32Array(width);
    for (let x = 0; x < width; x++) row[x] = x;
    alive.push({ row, len: width });
  }
  seams.forEach((seam, k) => {
    seam.path.forEach((x, y) => {
      const line = alive[y];
      const original = line.row[x];
      line.row.copyWithin(x, x + 1, line.len);
      line.len -= 1;
      order[y * width + original] = k;
    });
  });
  return order;
}

/**
 * The original (RGBA, width x height) with its first `k` seams removed: RGBA of
 * (width - k) x height.
 */
export function atWidth(rgba, width, height, order, k) {
  const out = new Uint8ClampedArray((width - k) * height * 4);
  let o = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (order[i] >= k) {
        out.set(rgba.subarray(i * 4, i * 4 + 4), o);
        o += 4;
      }
    }
  }
  return out;
}
