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
 * vertical removed seams written with `--seam-paths input`: each path names, row by row,
 * the column of the original the seam removed (the module maps each seam to the
 * original; nothing is recomputed here).
 */
export function removalOrder(seams, width, height) {
  const order = new Int32Array(width * height).fill(STAYED);
  seams.forEach((seam, k) => {
    for (let y = 0; y < height; y++) order[y * width + seam.path[y]] = k;
  });
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

/** The first index in list[lo, hi) whose value is at least `v` (hi if none). */
function lowerBound(list, lo, hi, v) {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The slider's drawing: the image at any width, drawn `outWidth` x `outHeight` (at most
 * its own size, each pixel the carve's pixel nearest its centre). For the rows it draws
 * it keeps the columns still there, and moving from one width to another removes or
 * puts back only the pixels of the seams in between, so a step costs about the rows drawn
 * times their length in memory moves, not a look at every pixel of the photo. At the
 * image's own size it draws exactly `atWidth`'s image.
 */
export class Slider {
  constructor(rgba, width, height, order) {
    this.from = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
    this.width = width;
    this.height = height;
    this.order = order;
    let seams = 0;
    for (let i = 0; i < width; i++) if (order[i] !== STAYED) seams += 1;
    // Where seam s left row y: removedAt[s * height + y].
    this.removedAt = new Int32Array(seams * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const s = order[y * width + x];
        if (s !== STAYED) this.removedAt[s * height + y] = x;
      }
    }
    this.rows = null; // the source row of each drawn row
    this.columns = null; // per drawn row, the columns still there (capacity width)
    this.k = 0;
    this.scratch = new Int32Array(width);
  }

  /** The rows drawn for `outHeight`, with their columns at `k` seams removed, by a scan. */
  rebuild(k, outHeight) {
    const { width, height, order } = this;
    this.rows = new Int32Array(outHeight);
    this.columns = [];
    for (let r = 0; r < outHeight; r++) {
      const y = Math.floor(((r + 0.5) * height) / outHeight);
      this.rows[r] = y;
      const list = new Int32Array(width);
      let n = 0;
      for (let x = 0; x < width; x++) if (order[y * width + x] >= k) list[n++] = x;
      this.columns.push(list);
    }
    this.k = k;
  }

  /** Moves every drawn row from `this.k` to `k` seams removed. */
  move(k) {
    const { width, height, removedAt, scratch } = this;
    const [lo, hi] = k > this.k ? [this.k, k] : [k, this.k];
    const d = hi - lo;
    for (let r = 0; r < this.rows.length; r++) {
      const y = this.rows[r];
      const list = this.columns[r];
      const n = width - this.k;
      // The columns of seams lo..hi in this row, in order.
      for (let s = 0; s < d; s++) scratch[s] = removedAt[(lo + s) * height + y];
      const moved = scratch.subarray(0, d).sort();
      if (k > this.k) {
        // Remove them: copy the runs between them down.
        let write = 0;
        let read = 0;
        for (let m = 0; m < d; m++) {
          const at = lowerBound(list, read, n, moved[m]);
          list.copyWithin(write, read, at);
          write += at - read;
          read = at + 1;
        }
        list.copyWithin(write, read, n);
      } else {
        // Put them back: merge from the end.
        let read = n - 1;
        let write = n + d - 1;
        for (let m = d - 1; m >= 0; m--) {
          const at = lowerBound(list, 0, read + 1, moved[m]) - 1;
          list.copyWithin(write - (read - at) + 1, at + 1, read + 1);
          write -= read - at;
          list[write--] = moved[m];
          read = at;
        }
      }
    }
    this.k = k;
  }

  /** The image at width `width - k`, `outWidth` x `outHeight`, into `out` (RGBA bytes,
   * `outWidth * outHeight * 4` long), which it returns. */
  draw(k, outWidth, outHeight, out) {
    if (this.rows?.length !== outHeight || Math.abs(k - this.k) > this.width / 8) this.rebuild(k, outHeight);
    else if (k !== this.k) this.move(k);
    const w = this.width - k;
    const to = new Uint32Array(out.buffer, out.byteOffset, outWidth * outHeight);
    const want = new Int32Array(outWidth);
    for (let j = 0; j < outWidth; j++) want[j] = Math.floor(((j + 0.5) * w) / outWidth);
    for (let r = 0; r < outHeight; r++) {
      const base = this.rows[r] * this.width;
      const list = this.columns[r];
      const o = r * outWidth;
      for (let j = 0; j < outWidth; j++) to[o + j] = this.from[base + list[want[j]]];
    }
    return out;
  }
}
