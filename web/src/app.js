// The page: an image in, the module run in a worker with the options chosen, its files
// shown and offered for download, and the multi-size slider. `window.seamCarver` lets the
// browser test read what the page produced.
import { MODEL_NAME } from "./carve.js";
import { Slider, atWidth, removalOrder } from "./multisize.js";

const $ = (id) => document.getElementById(id);
const startWorker = () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let worker = startWorker();

const state = {
  file: null, // {name, bytes}
  original: null, // {width, height, rgba} of the module's NAME.original.png
  files: new Map(), // name -> bytes of the last carve
  hashes: {}, // name -> sha256 hex of the last carve's files
  explore: null, // {width, height, rgba, order, min, slider, scratch}
  scale: 1, // the pictures' common scale (fitScale)
  busy: false,
  urls: [], // blob URLs of the shown pictures and links
  runs: 0, // module runs so far
  progress: [], // [seams done, seams, seconds left] as the last run's events gave them
  finished: 0, // actions finished so far
};

/** Counts finished actions (loads, carves, slider preparations), for the test. */
const finished = (action) => async (...args) => {
  try {
    await action(...args);
  } finally {
    state.finished += 1;
  }
};

// ---- running the module -------------------------------------------------------------

let nextId = 0;
const pending = new Map();

function listen({ data }) {
  const job = pending.get(data.id);
  if (!job) return;
  if (data.type === "stderr") return;
  if (data.type === "stdout") {
    // --progress json: one event per line.
    let event = null;
    try {
      event = JSON.parse(data.line);
    } catch {
      return;
    }
    job.onEvent(event);
    return;
  }
  pending.delete(data.id);
  job.resolve(data);
}
worker.onmessage = listen;

/** Ends the running module at once: the worker is terminated and a fresh one started;
 * what was running resolves as `{type: "cancelled"}`. */
function cancel() {
  if (pending.size === 0) return;
  worker.terminate();
  worker = startWorker();
  worker.onmessage = listen;
  for (const job of pending.values()) job.resolve({ type: "cancelled" });
  pending.clear();
}
$("cancel").addEventListener("click", cancel);

/** Runs the module on the current file with `args` after its input (the face model
 * mounted when they name it); resolves to its result. */
function run(args, masks = []) {
  const { name, bytes } = state.file;
  const id = nextId++;
  state.runs += 1;
  state.progress = [];
  state.lastArgs = args;
  return new Promise((resolve) => {
    pending.set(id, { resolve, onEvent: showProgress });
    worker.postMessage({
      id,
      inputs: [[name, bytes]], // structured clone: the worker gets its own copy
      masks,
      model: args.includes("--face-model"),
      // Progress as events on stdout; it changes no output, so "made with" leaves it out.
      args: [`/inputs/${name}`, "-o", "/outputs", "--progress", "json", ...args],
    });
  });
}

/** The CLI's one-line error from a failed run, or why the run itself failed. */
function failure(result) {
  if (result.type === "cancelled") return null;
  if (result.type === "fail") return `error: ${result.message}`;
  if (result.exitCode === null) return `error: the module trapped: ${result.trap}`;
  if (result.exitCode === 0) return null;
  const line = result.stderr.find((l) => l.startsWith("error:"));
  return line ?? `error: the module exited with code ${result.exitCode}: ${result.stderr.join(" ")}`;
}

/** A progress event from the module: the plan when a carve starts, then seams done and
 * the time left (the module's estimate from its pace). */
function showProgress(event) {
  const bar = $("progress");
  if (event.event === "started") {
    $("status").textContent = event.plan;
  } else if (event.event === "seam") {
    bar.max = event.total;
    bar.value = event.done;
    state.progress.push([event.done, event.total, event.left_s]);
    const left = event.left_s === null || event.done === event.total ? "" : `, ${timeLeft(event.left_s)}`;
    $("status").textContent =
      event.done === event.total
        ? `all ${event.total} seams done: drawing and encoding the pictures…`
        : `seam ${event.done} of ${event.total}${left}`;
  }
}

/** Seconds left as people read them (the command line's words). */
function timeLeft(seconds) {
  return seconds < 90 ? `about ${Math.max(1, Math.ceil(seconds))} s left` : `about ${Math.round(seconds / 60)} min left`;
}

function busy(on, what = "") {
  state.busy = on;
  $("carve").disabled = on || !state.original;
  $("explore").disabled = on || !state.original;
  const bar = $("progress");
  bar.hidden = !on;
  $("cancel").hidden = !on;
  if (on) {
    bar.removeAttribute("value");
    $("status").textContent = what;
  }
}

function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message ?? "";
  if (message) $("error").scrollIntoView({ block: "nearest" });
}

// ---- images ---------------------------------------------------------------------------

/** Decodes PNG bytes exactly (no colour management): {width, height, rgba}. */
async function decodePng(bytes) {
  const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }), {
    colorSpaceConversion: "none",
    premultiplyAlpha: "none",
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  return { width: bitmap.width, height: bitmap.height, rgba: data };
}

function paint(canvas, width, height, rgba) {
  canvas.width = width;
  canvas.height = height;
  canvas.style.setProperty("--w", width);
  canvas.getContext("2d").putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
}

async function sha256(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The hash of an image's RGB bytes, to compare pixels whatever the encoding. */
function rgbHash(rgba) {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4) {
    rgb[o++] = rgba[i];
    rgb[o++] = rgba[i + 1];
    rgb[o++] = rgba[i + 2];
  }
  return sha256(rgb);
}

/** The name less its extension, as Rust's `Path::file_stem` (`.png` stays `.png`): the
 * module names its outputs after it. */
const stem = (name) => name.replace(/(?!^)\.[^.]*$/, "");
/** A URL for `bytes`, kept until the next carve replaces the pictures and links. */
const blobUrl = (bytes, type) => {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  state.urls.push(url);
  return url;
};

/** One scale for every picture: the original fits the pictures' column (or, with "actual
 * pixels" ticked, 1:1, each picture scrolling inside its frame), and the carved image and
 * the slider's are shown at that same scale, so their sizes compare truly. */
function fitScale() {
  if (!state.original) return;
  state.scale = scaleFor(state.original.width);
  document.documentElement.style.setProperty("--scale", String(state.scale));
  if (state.explore) showWidth(Number($("explore-slider").value));
}
window.addEventListener("resize", fitScale);

/** The pictures' scale for an original `width` pixels wide. */
function scaleFor(width) {
  const room = $("views").clientWidth - 20;
  return $("zoom").checked ? 1 : Math.max(Math.min(1, room / width), 0.05);
}
$("zoom").addEventListener("change", fitScale);

// ---- loading an image -----------------------------------------------------------------

async function load(file) {
  // A new file ends whatever the module was doing for the old one.
  cancel();
  const bytes = new Uint8Array(await file.arrayBuffer());
  // The module reads the name the file had; keep it, minus path separators and control
  // characters (a newline would cut its error line in two).
  state.file = { name: file.name.replace(/[/\\\x00-\x1f\x7f]/g, "_") || "image", bytes };
  state.original = null;
  state.explore = null;
  $("explore-figure").hidden = true;
  $("explore-slider").disabled = true;
  $("explore-status").textContent = "";
  for (const id of ["result", "annotated-figure", "gradients-figure"]) $(id).hidden = true;
  showError(null);
  busy(true, `reading ${state.file.name}…`);
  // The module decodes it (every format it reads, exactly as it will carve it).
  const result = await run(["--width", "100%", "--only", "original"]);
  busy(false);
  if (result.type === "cancelled") {
    $("status").textContent = "cancelled";
    return;
  }
  const error = failure(result);
  if (error) {
    // Nothing of the previous image stays up to be carved by mistake.
    for (const id of ["original", "mask", "faces"]) $(id).width = 0;
    showError(error);
    $("loaded").hidden = true;
    $("status").textContent = "";
    return;
  }
  const png = new Map(result.outputs).get(`${stem(state.file.name)}.original.png`);
  state.original = await decodePng(png);
  const { width, height, rgba } = state.original;
  paint($("original"), width, height, rgba);
  for (const id of ["mask", "faces"]) {
    $(id).width = width;
    $(id).height = height;
    $(id).style.setProperty("--w", width);
  }
  fitScale();
  $("loaded").hidden = false;
  $("loaded").textContent = `${state.file.name}: ${width}x${height}`;
  $("status").textContent = "";
  busy(false);
}

const loadFinished = finished(load);
$("file").addEventListener("change", () => {
  if ($("file").files[0]) loadFinished($("file").files[0]);
});
const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  if (e.dataTransfer.files[0]) loadFinished(e.dataTransfer.files[0]);
});

// ---- sizes: fields and sliders --------------------------------------------------------

for (const axis of ["width", "height"]) {
  const field = $(axis);
  const slider = $(`${axis}-slider`);
  slider.addEventListener("input", () => {
    field.value = slider.value === "100" && axis === "height" ? "" : `${slider.value}%`;
  });
  // The slider follows the field: a percentage, or pixels and changes against the image.
  field.addEventListener("input", () => {
    const text = field.value.trim();
    const size = state.original?.[axis];
    const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
    if (percent) slider.value = percent[1];
    else if (text === "") slider.value = axis === "width" ? "83" : "100";
    else if (size && /^\d+$/.test(text)) slider.value = String(Math.round((Number(text) / size) * 100));
    else if (size && /^[+-]\d+$/.test(text)) slider.value = String(Math.round(((size + Number(text)) / size) * 100));
  });
}

// ---- the mask brush -------------------------------------------------------------------

const maskCanvas = $("mask");
let painting = false;

function brushAt(event) {
  const rect = maskCanvas.getBoundingClientRect();
  const x = ((event.clientX - rect.left) * maskCanvas.width) / rect.width;
  const y = ((event.clientY - rect.top) * maskCanvas.height) / rect.height;
  const mode = document.querySelector('input[name="brush"]:checked').value;
  const radius = (Number($("brush-size").value) / 2) * (maskCanvas.width / rect.width);
  const context = maskCanvas.getContext("2d", { willReadFrequently: true });
  context.globalCompositeOperation = mode === "erase" ? "destination-out" : "source-over";
  context.fillStyle = mode === "remove" ? "rgb(230, 0, 0)" : "rgb(0, 200, 0)";
  context.beginPath();
  context.arc(x, y, radius, 0, 2 * Math.PI);
  context.fill();
}

maskCanvas.addEventListener("pointerdown", (e) => {
  if (!state.original) return;
  painting = true;
  maskCanvas.setPointerCapture(e.pointerId);
  brushAt(e);
});
maskCanvas.addEventListener("pointermove", (e) => painting && brushAt(e));
maskCanvas.addEventListener("pointerup", () => (painting = false));
/** Marks the rectangle typed as `x, y, width, height` (image pixels) with the brush's
 * kind: a way to mark a region from the keyboard. */
function markRectangle() {
  if (!state.original) return;
  const numbers = $("rect").value.split(/[\s,]+/).filter(Boolean).map(Number);
  if (numbers.length !== 4 || numbers.some((n) => !Number.isInteger(n) || n < 0) || !numbers[2] || !numbers[3]) {
    showError(`error: rectangle '${$("rect").value}': expected x, y, width, height in whole pixels`);
    return;
  }
  showError(null);
  const [x, y, w, h] = numbers;
  const mode = document.querySelector('input[name="brush"]:checked').value;
  const context = maskCanvas.getContext("2d", { willReadFrequently: true });
  context.globalCompositeOperation = mode === "erase" ? "destination-out" : "source-over";
  context.fillStyle = mode === "remove" ? "rgb(230, 0, 0)" : "rgb(0, 200, 0)";
  context.fillRect(x, y, w, h);
}
$("add-rect").addEventListener("click", markRectangle);
$("rect").addEventListener("keydown", (e) => e.key === "Enter" && markRectangle());

$("clear-mask").addEventListener("click", () => {
  maskCanvas.getContext("2d", { willReadFrequently: true }).clearRect(0, 0, maskCanvas.width, maskCanvas.height);
});

/** The painted masks as white-on-black PNGs: [[name, bytes]] for those painted. */
async function masks() {
  const { width, height } = maskCanvas;
  if (!width) return [];
  const painted = maskCanvas.getContext("2d", { willReadFrequently: true }).getImageData(0, 0, width, height).data;
  const out = [];
  for (const [kind, isKind] of [
    ["protect", (r, g) => g > r],
    ["remove", (r, g) => r > g],
  ]) {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext("2d");
    const image = context.createImageData(width, height);
    let set = 0;
    for (let i = 0; i < painted.length; i += 4) {
      const on = painted[i + 3] >= 128 && isKind(painted[i], painted[i + 1]);
      set += on;
      image.data.fill(on ? 255 : 0, i, i + 3);
      image.data[i + 3] = 255;
    }
    if (set === 0) continue;
    context.putImageData(image, 0, 0);
    const blob = await canvas.convertToBlob({ type: "image/png" });
    out.push([`${kind}.png`, new Uint8Array(await blob.arrayBuffer())]);
  }
  return out;
}

function options(painted) {
  const args = [];
  const width = $("width").value.trim();
  const height = $("height").value.trim();
  const hasRemove = painted.some(([name]) => name === "remove.png");
  const aspect = $("aspect").value;
  if (aspect && !hasRemove) {
    args.push("--aspect", aspect);
  } else {
    if (width && !hasRemove) args.push("--width", width);
    if (height) args.push("--height", height);
  }
  const order = $("order").value;
  if (order !== "width-first") args.push("--order", order);
  // The CLI refuses --amount with --remove, and the object decides the width anyway.
  const amount = $("amount").value.trim();
  if (amount !== "" && amount !== "100" && !hasRemove) args.push("--amount", amount);
  args.push(...seamArgs());
  for (const [name] of painted) args.push(`--${stem(name)}`, `/masks/${name}`);
  args.push(...faceArgs());
  if (hasRemove && $("keep-size").checked) args.push("--keep-size");
  return args;
}

/** With "protect faces" or "protect skin too" (which finds faces as well): the flag, and
 * the model the worker mounts at /model. */
function faceArgs() {
  const flag = $("protect-skin").checked ? "--protect-skin" : $("protect-faces").checked ? "--protect-faces" : null;
  return flag ? [flag, "--face-model", `/model/${MODEL_NAME}`] : [];
}

/** What the caption says was kept automatically. */
function keptWhole(report) {
  if (!report.faces) return "";
  const n = report.faces.length;
  const faces = `${n} face${n === 1 ? "" : "s"}`;
  return report.skin_pixels === undefined
    ? `, ${faces} kept whole`
    : `, ${faces} and ${report.skin_pixels} pixels of skin kept whole`;
}

/** Outlines the faces a carve found (seams.json's `faces`, in the pixels of the image
 * carved, `ratio` times the original's when it was scaled first) over the original. */
function drawFaces(faces, ratio = 1) {
  const canvas = $("faces");
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.strokeStyle = "rgb(0, 160, 255)";
  context.lineWidth = Math.max(2, canvas.width / 200);
  for (const f of faces ?? []) context.strokeRect(f.x * ratio, f.y * ratio, f.width * ratio, f.height * ratio);
  state.faces = faces ?? null;
}

/** The energy and rule flags: the energy is left out where it is the rule's default, as
 * on the command line (salient, or backward with the imageproc rule). */
function seamArgs() {
  const rule = $("rule").value;
  const energy = $("energy").value;
  const fallback = rule === "imageproc" ? "backward" : "salient";
  return [...(energy === fallback ? [] : ["--energy", energy]), "--seams", rule];
}

// Skin is found around faces: "protect skin too" includes "protect faces".
$("protect-skin").addEventListener("change", () => {
  if ($("protect-skin").checked) $("protect-faces").checked = true;
});
$("protect-faces").addEventListener("change", () => {
  if (!$("protect-faces").checked) $("protect-skin").checked = false;
});

// The example's rule comes with the example's energy.
$("rule").addEventListener("change", () => {
  $("energy").value = $("rule").value === "imageproc" ? "backward" : "salient";
});

// ---- carving --------------------------------------------------------------------------

async function carve() {
  if (!state.original || state.busy) return;
  showError(null);
  busy(true, "carving…");
  state.files = new Map();
  state.hashes = {};
  state.carved = null;
  for (const url of state.urls.splice(0)) URL.revokeObjectURL(url);
  for (const id of ["result", "annotated-figure", "gradients-figure"]) $(id).hidden = true;
  drawFaces(null);
  const painted = await masks();
  // A removal decides the width itself (the CLI refuses both): say so, not drop it silently.
  const unused =
    painted.some(([name]) => name === "remove.png") && ($("width").value.trim() || $("aspect").value)
      ? "; the width and shape fields were not used: removing the painted object decides the width"
      : "";
  const result = await run(options(painted), painted);
  busy(false);
  if (result.type === "cancelled") {
    $("status").textContent = "cancelled: the previous result is cleared";
    return;
  }
  const error = failure(result);
  if (error) {
    showError(error);
    $("status").textContent = "";
    return;
  }
  state.files = new Map(result.outputs);
  state.hashes = {};
  for (const [name, bytes] of state.files) state.hashes[name] = await sha256(bytes);
  const base = stem(state.file.name);
  const get = (suffix) => state.files.get(`${base}.${suffix}`);
  const carved = await decodePng(get("carved.png"));
  const report = JSON.parse(new TextDecoder().decode(get("seams.json")));
  // Scaled first (`^`, --carve-at-most): the seams, faces and pictures of the seams are
  // the scaled image's, which is `report.width` wide.
  const scaledFirst = report.scaled_from ? report.width / state.original.width : 1;
  drawFaces(report.faces, 1 / scaledFirst);
  $("carved").src = blobUrl(get("carved.png"), "image/png");
  $("annotated").src = blobUrl(get("annotated.png"), "image/png");
  $("gradients").src = blobUrl(get("gradients.png"), "image/png");
  $("carved").style.setProperty("--w", carved.width);
  $("downloads").style.setProperty("--w", carved.width);
  // Each picture at its own pixels times the page's one scale.
  for (const id of ["annotated", "gradients"]) $(id).style.setProperty("--w", report.width);
  const { width, height } = state.original;
  const scaledNote = report.scaled_from ? ` (scaled to ${report.width}x${report.height} first)` : "";
  state.madeWith = state.lastArgs.join(" ");
  $("made-with").textContent = `made with: ${state.madeWith}`;
  $("made-with").classList.remove("stale");
  $("result-caption").textContent =
    `Carved: ${width}x${height}${scaledNote} → ${carved.width}x${carved.height}, ` +
    `${report.seams.length} seams, ${(result.ms / 1000).toFixed(2)} s` +
    keptWhole(report) +
    unused;
  state.carved = carved;
  const links = $("downloads");
  links.replaceChildren();
  for (const [name, bytes] of state.files) {
    const a = document.createElement("a");
    a.href = blobUrl(bytes, name.endsWith(".json") ? "application/json" : "image/png");
    a.download = name;
    a.textContent = name;
    links.append(a);
  }
  for (const id of ["result", "annotated-figure", "gradients-figure"]) $(id).hidden = false;
  $("status").textContent =
    `done: ${state.files.size} files` +
    (painted.some(([name]) => name === "remove.png") && ($("width").value.trim() || $("aspect").value)
      ? " (the width and shape fields are not used with a removal: the object decides the width)"
      : "");
  $("carve").focus();
}

$("carve").addEventListener("click", finished(carve));

// A result says when the options or the mask have been touched since it was made.
function markStale() {
  if (!state.madeWith || $("result").hidden) return;
  $("made-with").classList.add("stale");
  $("made-with").textContent = `made with: ${state.madeWith} (options changed since: carve again)`;
}
$("controls").addEventListener("input", markStale);
$("controls").addEventListener("click", (e) => e.target.closest("#clear-mask, #add-rect") && markStale());
maskCanvas.addEventListener("pointerup", markStale);

// ---- the multi-size slider ------------------------------------------------------------

async function prepareSlider() {
  if (!state.original || state.busy) return;
  showError(null);
  busy(true, "carving to the smallest width…");
  const painted = (await masks()).filter(([name]) => name === "protect.png");
  const args = ["--width", $("smallest").value.trim(), ...seamArgs()];
  for (const [name] of painted) args.push(`--${stem(name)}`, `/masks/${name}`);
  args.push(...faceArgs(), "--seam-paths", "input", "--only", "seams");
  const result = await run(args, painted);
  busy(false);
  if (result.type === "cancelled") {
    $("status").textContent = "cancelled";
    return;
  }
  const error = failure(result);
  if (error) {
    showError(error);
    return;
  }
  const report = JSON.parse(
    new TextDecoder().decode(new Map(result.outputs).get(`${stem(state.file.name)}.seams.json`)),
  );
  const { width, height, rgba } = state.original;
  const seams = report.seams.filter((s) => s.orientation === "vertical" && !s.inserted);
  if (seams.length === 0 || report.output_width >= width) {
    showError("error: the smallest width must be narrower than the image");
    return;
  }
  const order = removalOrder(seams, width, height);
  state.explore = { width, height, rgba, order, min: width - seams.length, slider: new Slider(rgba, width, height, order) };
  const slider = $("explore-slider");
  slider.min = String(state.explore.min);
  slider.max = String(width);
  slider.value = String(width);
  slider.disabled = false;
  $("explore-figure").hidden = false;
  showWidth(width);
  $("status").textContent = `slider ready: ${state.explore.min} to ${width} pixels`;
}

/** Draws the slider's picture at width `w`, at the resolution it is shown at (the
 * page's scale times the screen's pixel ratio, at most the image's own): each pixel drawn
 * is the carve's own, so a 12 MP photo redraws in a few milliseconds. */
function showWidth(w) {
  const e = state.explore;
  const k = e.width - w;
  const density = Math.min(1, (state.scale ?? 1) * (window.devicePixelRatio || 1));
  const outWidth = Math.max(1, Math.min(w, Math.round(w * density)));
  const outHeight = Math.max(1, Math.min(e.height, Math.round(e.height * density)));
  const canvas = $("explore-canvas");
  canvas.width = outWidth;
  canvas.height = outHeight;
  canvas.style.setProperty("--w", w);
  // One buffer for every step (a new 10 MB one per step would keep the collector busy).
  const bytes = outWidth * outHeight * 4;
  if (!(e.scratch?.byteLength >= bytes)) e.scratch = new ArrayBuffer(bytes);
  const pixels = e.slider.draw(k, outWidth, outHeight, new Uint8ClampedArray(e.scratch, 0, bytes));
  canvas.getContext("2d").putImageData(new ImageData(pixels, outWidth, outHeight), 0, 0);
  $("explore-caption").textContent = `${w}x${e.height}: exact (the same pixels as a carve to width ${w})`;
  $("explore-status").textContent = `${w} px`;
}

$("explore").addEventListener("click", finished(prepareSlider));
$("explore-slider").addEventListener("input", () => showWidth(Number($("explore-slider").value)));

// ---- what the browser test reads --------------------------------------------------------

window.seamCarver = {
  ready: () => Boolean(state.original) && !state.busy,
  status: () => $("status").textContent,
  madeWith: () => $("made-with").textContent,
  loaded: () => ($("loaded").hidden ? null : $("loaded").textContent),
  /** Page width beyond the window (0: no horizontal scrolling). */
  overflow: () => document.documentElement.scrollWidth - window.innerWidth,
  /** Shown widths of the original and the carved picture, in CSS pixels. */
  shownWidths: () => [$("original").getBoundingClientRect().width, $("carved").getBoundingClientRect().width],
  idle: () => !state.busy,
  hashes: () => state.hashes,
  error: () => ($("error").hidden ? null : $("error").textContent),
  /** The blob URLs the page keeps alive (the shown pictures and the links). */
  liveUrls: () => [...state.urls],
  /** The RGB hash of what the slider's canvas shows. */
  sliderShownHash: () => {
    const c = $("explore-canvas");
    return rgbHash(c.getContext("2d").getImageData(0, 0, c.width, c.height).data);
  },
  /** The RGB hash of the slider's image at `w` pixels, whole (and shows it). */
  sliderRgbHash: (w) => {
    showWidth(w);
    const e = state.explore;
    return rgbHash(atWidth(e.rgba, e.width, e.height, e.order, e.width - w));
  },
  /** Times the slider on a generated `width` x `height` photo with a made-up removal
   * order down to half its width: milliseconds to draw each of `steps` widths, sorted. */
  timeSlider: (width, height, steps) => {
    const rgba = new Uint8ClampedArray(width * height * 4);
    let seed = 11;
    for (let i = 0; i < rgba.length; i++) rgba[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16;
    // Each row loses its pixels in a shuffled order, half of them at most.
    const half = Math.floor(width / 2);
    const order = new Int32Array(width * height).fill(0x7fffffff);
    const row = new Int32Array(width);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) row[x] = x;
      for (let x = 0; x < half; x++) {
        const pick = x + ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % (width - x));
        [row[x], row[pick]] = [row[pick], row[x]];
        order[y * width + row[x]] = x;
      }
    }
    const saved = [state.explore, $("explore-figure").hidden, state.scale];
    state.explore = { width, height, rgba, order, min: width - half, slider: new Slider(rgba, width, height, order) };
    state.scale = scaleFor(width); // as if it were the photo loaded
    $("explore-figure").hidden = false;
    const times = [];
    for (let i = 0; i < steps; i++) {
      const w = width - Math.floor(((i + 1) * half) / (steps + 1));
      const start = performance.now();
      showWidth(w);
      times.push(performance.now() - start);
    }
    [state.explore, $("explore-figure").hidden, state.scale] = saved;
    if (state.explore) showWidth(Number($("explore-slider").value));
    return times.sort((a, b) => a - b);
  },
  /** The RGB hash of the last carve's carved.png, decoded. */
  carvedRgbHash: () => rgbHash(state.carved.rgba),
  carvedSize: () => [state.carved.width, state.carved.height],
  sliderRange: () => (state.explore ? [state.explore.min, state.explore.width] : null),
  runs: () => state.runs,
  finished: () => state.finished,
  lastArgs: () => state.lastArgs,
  /** The [done, total, seconds left] the last run's seam events gave, in order. */
  progress: () => state.progress,
  /** The faces the last carve found (seams.json's `faces`), or null without the toggle. */
  faces: () => state.faces ?? null,
  /** Whether the faces overlay has drawn pixels on the box edges it lists. */
  facesDrawn: () => {
    const canvas = $("faces");
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    return (state.faces ?? []).every((f) => data[(f.y * canvas.width + f.x + Math.floor(f.width / 2)) * 4 + 3] > 0);
  },
  /** Pure red pixels (removed seams) of the last annotated.png inside [x0, x1) x [y0, y1). */
  removedIn: async (x0, y0, x1, y1) => {
    const image = await decodePng(state.files.get(`${stem(state.file.name)}.annotated.png`));
    let n = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * image.width + x) * 4;
        n += image.rgba[i] === 255 && image.rgba[i + 1] === 0 && image.rgba[i + 2] === 0;
      }
    }
    return n;
  },
};
