// The slider's drawing against the plain one: `Slider.draw` at an image's own size, after
// any sequence of moves (small ones that remove or put back seams, large ones that
// rebuild), gives exactly `atWidth`'s pixels; and drawn smaller, each pixel is one of the
// carve's, the one nearest its centre. Run by `cargo test` (tests/web.rs) with node.
import { Slider, atWidth } from "../src/multisize.js";

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "not ok"} - ${what}`);
  if (!ok) failures += 1;
};

/** A width x height image and a removal order that takes `seams` shuffled pixels a row. */
function generated(width, height, seams, seed) {
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = next() >> 16;
  const order = new Int32Array(width * height).fill(0x7fffffff);
  const row = new Int32Array(width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) row[x] = x;
    for (let s = 0; s < seams; s++) {
      const pick = s + (next() % (width - s));
      [row[s], row[pick]] = [row[pick], row[s]];
      order[y * width + row[s]] = s;
    }
  }
  return { rgba, order, next };
}

for (const [width, height, seams] of [[40, 7, 30], [64, 20, 63], [9, 3, 8], [200, 5, 120]]) {
  const { rgba, order, next } = generated(width, height, seams, width * 31 + height);
  const slider = new Slider(rgba, width, height, order);
  let exact = 0;
  let k = 0;
  for (let step = 0; step < 300; step++) {
    // Mostly small steps either way, sometimes a jump.
    k = step % 10 === 9 ? next() % (seams + 1) : Math.max(0, Math.min(seams, k + (next() % 7) - 3));
    const w = width - k;
    const out = slider.draw(k, w, height, new Uint8ClampedArray(w * height * 4));
    if (out.join() === atWidth(rgba, width, height, order, k).join()) exact += 1;
  }
  check(exact === 300, `${width}x${height}, ${seams} seams: 300 moves, each exactly the carve (${exact})`);
  // Drawn at a third of the size: pixel (j, r) is the carve's pixel nearest its centre.
  const w = width - k;
  const [ow, oh] = [Math.max(1, Math.round(w / 3)), Math.max(1, Math.round(height / 3))];
  const small = new Uint32Array(slider.draw(k, ow, oh, new Uint8ClampedArray(ow * oh * 4)).buffer);
  const full = new Uint32Array(atWidth(rgba, width, height, order, k).buffer);
  let nearest = 0;
  for (let r = 0; r < oh; r++) {
    for (let j = 0; j < ow; j++) {
      const [x, y] = [Math.floor(((j + 0.5) * w) / ow), Math.floor(((r + 0.5) * height) / oh)];
      if (small[r * ow + j] === full[y * w + x]) nearest += 1;
    }
  }
  check(nearest === ow * oh, `${width}x${height} drawn ${ow}x${oh}: every pixel the carve's nearest (${nearest})`);
}
if (failures > 0) process.exit(1);
