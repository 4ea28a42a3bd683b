// The multi-size image (Avidan and Shamir 2007): from one carve down to the smallest
// width, the order in which every pixel left, so that any width in between is shown by
// keeping, in each row, the pixels removed after that many seams. For a width-only
// removal this is exact: seam k of a carve does not depend on how many follow, so the
// first k seams of the long carve are the seams of a carve to width - k.

/** The order of a pixel no seam removed. */
const STAYED = 0x7fffffff;

/**
 * For each pixel of the width x height original, row by row, the index of the seam that
 * removed it, or STAYED for a pixel that stayed. `seams` is seams.json's list of
 * vertical removed seams, each path in the image it was removed from. Each row keeps a
 * Fenwick tree of the pixels still there, so a seam's column in the narrowed row is
 * found in the original in log(width) steps.
 */
export function removalOrder(seams, width, height) {
  const order = new Int32Array(width * height).fill(STAYED);
  const tree = new Int32Array(width + 1);
  let top = 1;
  while (top * 2 <= width) top *= 2;
  const paths = seams.map((seam) => seam.path);
  for (let y = 0; y < height; y++) {
    for (let i = 1; i <= width; i++) tree[i] = i & -i;
    for (let k = 0; k < paths.length; k++) {
      // The (x + 1)-th pixel still in the row, by binary lifting.
      let pos = 0;
      let rest = paths[k][y] + 1;
      for (let step = top; step > 0; step >>= 1) {
        const next = pos + step;
        if (next <= width && tree[next] < rest) {
          pos = next;
          rest -= tree[next];
        }
      }
      order[y * width + pos] = k;
      for (let i = pos + 1; i <= width; i += i & -i) tree[i] -= 1;
    }
  }
  return order;
}

/**
 * The original (RGBA, width x height) with its first `k` seams removed: RGBA of
 * (width - k) x height, copied a pixel (32 bits) at a time.
 */
export function atWidth(rgba, width, height, order, k) {
  const out = new Uint8ClampedArray((width - k) * height * 4);
  const from = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
  const to = new Uint32Array(out.buffer);
  let o = 0;
  for (let i = 0; i < width * height; i++) {
    if (order[i] >= k) to[o++] = from[i];
  }
  return out;
}
