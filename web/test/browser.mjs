// The page in a real browser: Debian's Chromium, headless, driven by playwright-core.
// Serves web/ with serve.mjs, then checks that
//  - a golden input carved with a golden case's options gives every file of that case
//    byte for byte (sha256 against golden/expected/CASE/), for four cases (--order
//    interleaved and --amount among them);
//  - "protect faces" gives the golden astronaut's files byte for byte and draws the box;
//    "protect skin too" gives the golden astronaut-skin files and counts the skin;
//  - a protect mask painted with the mouse keeps every seam out of what was painted;
//  - a file that is not an image shows the CLI's one-line error;
//  - the width slider shows widths without running the module again, each the same
//    pixels as a carve to that width;
//  - the progress bar moves during a carve of a large photo, and Cancel stops one within
//    a second, after which the page carves again;
//  - serve.mjs answers malformed paths with 400 and keeps serving;
//  - the carved picture is shown at the original's scale, and neither a 1280x900 window
//    nor a 390x844 phone scrolls sideways after a carve (screenshots saved).
// Saves a screenshot to $SEAM_CARVER_WEB_ARTIFACTS (default: $CARGO_TARGET_DIR or
// ../target, then web-test/). Exits non-zero naming the first check that failed.
// Chromium: $CHROMIUM, else `chromium` on PATH.
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const web = fileURLToPath(new URL("..", import.meta.url));
const repo = resolve(web, "..");
const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, "target");
const artifacts = process.env.SEAM_CARVER_WEB_ARTIFACTS ?? join(target, "web-test");
mkdirSync(artifacts, { recursive: true });

function fail(message) {
  console.error(`not ok - ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

function check(condition, message) {
  if (!condition) fail(message);
  console.log(`ok - ${message}`);
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
  } catch {
    fail("Chromium not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM");
  }
}

async function startServer() {
  const server = spawn(process.execPath, [join(web, "serve.mjs"), "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((ok, no) => {
    server.stdout.on("data", (chunk) => {
      const match = /serving (http:\/\/\S+)/.exec(String(chunk));
      if (match) ok(match[1]);
    });
    server.on("exit", (code) => no(new Error(`serve.mjs exited with ${code}`)));
  });
  return { server, url };
}

/** Does `act`, then waits until the page has finished the action it started. */
async function andWait(page, act) {
  const before = await page.evaluate(() => window.seamCarver.finished());
  await act();
  await page.waitForFunction((n) => window.seamCarver.finished() > n, before, { timeout: 120_000 });
}

async function open(page, file) {
  await andWait(page, () => page.setInputFiles("#file", file));
}

async function carveWith(page, options) {
  await page.selectOption("#aspect", options.aspect ?? "");
  await page.fill("#width", options.width ?? "");
  await page.fill("#height", options.height ?? "");
  await page.selectOption("#order", options.order ?? "width-first");
  await page.fill("#amount", options.amount ?? "100");
  const rule = options.rule ?? "optimal";
  await page.selectOption("#rule", rule);
  await page.selectOption("#energy", options.energy ?? (rule === "imageproc" ? "backward" : "salient"));
  await andWait(page, () => page.click("#carve"));
}

/** The page's options for a golden case's arguments (only the flags the page has). */
function pageOptions(args) {
  const options = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    const key = {
      "--width": "width",
      "--height": "height",
      "--energy": "energy",
      "--seams": "rule",
      "--order": "order",
      "--amount": "amount",
    }[flag];
    if (!key) fail(`golden case flag ${flag} has no field on the page`);
    options[key] = value;
  }
  return options;
}

const { server, url } = await startServer();
// serve.mjs answers malformed paths with 400 and keeps serving (any page the user visits
// could send them to 127.0.0.1).
for (const bad of ["%", "%E0%A4%A", "a%ZZ"]) {
  const response = await fetch(`${url}${bad}`);
  check(response.status === 400, `serve.mjs answers /${bad} with 400 (${response.status})`);
}
check((await fetch(url)).status === 200, "serve.mjs still serves the page after them");
const browser = await chromium.launch({
  executablePath: chromiumPath(),
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // Every request the page makes of the server is answered (no favicon or other 404;
  // the test's own loads of revoked blob URLs below are meant to fail).
  const missing = [];
  page.on("response", (r) => r.status() >= 400 && missing.push(`${r.status()} ${r.url()}`));
  page.on("requestfailed", (r) => r.url().startsWith("blob:") || missing.push(`failed ${r.url()}`));
  await page.goto(url);
  await page.waitForFunction(() => window.seamCarver);

  // 1. Golden cases: every file byte for byte.
  const cases = JSON.parse(readFileSync(join(repo, "golden", "cases.json"), "utf8"));
  for (const name of ["chelsea-half", "coffee-imageproc", "rocket-order-interleaved", "coffee-amount"]) {
    const golden = cases.find((c) => c.name === name);
    await open(page, join(repo, "golden", "inputs", golden.inputs[0]));
    await carveWith(page, pageOptions(golden.args));
    const got = await page.evaluate(() => window.seamCarver.hashes());
    check(!(await page.evaluate(() => window.seamCarver.error())), `${name}: carved without an error`);
    const expected = JSON.parse(readFileSync(join(repo, "golden", "expected", name, "manifest.json"), "utf8")).files;
    expected["manifest.json"] = sha256(readFileSync(join(repo, "golden", "expected", name, "manifest.json")));
    const names = Object.keys(expected).sort();
    check(JSON.stringify(Object.keys(got).sort()) === JSON.stringify(names), `${name}: the page wrote ${names.join(", ")}`);
    for (const file of names) check(got[file] === expected[file], `${name}: ${file} is byte-identical to the golden file`);
  }

  // 1b. "protect faces": the golden astronaut's files byte for byte (the case carves it
  // beside a photo with no face; each input's files are its own), and the box drawn.
  await open(page, join(repo, "golden", "inputs", "astronaut-face.png"));
  await page.check("#protect-faces");
  await carveWith(page, { width: "50%" });
  check(!(await page.evaluate(() => window.seamCarver.error())), "protect faces: carved without an error");
  const faceHashes = await page.evaluate(() => window.seamCarver.hashes());
  const faceCase = JSON.parse(
    readFileSync(join(repo, "golden", "expected", "astronaut-faces", "manifest.json"), "utf8"),
  ).files;
  const faceFiles = Object.keys(faceCase).filter((f) => f.startsWith("astronaut-face."));
  check(faceFiles.length === 6, `the golden case lists the astronaut's 6 files (${faceFiles.join(", ")})`);
  for (const file of faceFiles) {
    check(faceHashes[file] === faceCase[file], `protect faces: ${file} is byte-identical to the golden file`);
  }
  const faces = await page.evaluate(() => window.seamCarver.faces());
  check(faces?.length === 1, `protect faces: one face found (${JSON.stringify(faces)})`);
  check(await page.evaluate(() => window.seamCarver.facesDrawn()), "protect faces: its box is drawn on the original");
  await page.uncheck("#protect-faces");

  // 1c. "protect skin too": the golden astronaut-skin case byte for byte, and the caption
  // counts the skin kept.
  await page.check("#protect-skin");
  await carveWith(page, { width: "80%", height: "65%" });
  check(!(await page.evaluate(() => window.seamCarver.error())), "protect skin: carved without an error");
  const skinHashes = await page.evaluate(() => window.seamCarver.hashes());
  const skinCase = JSON.parse(
    readFileSync(join(repo, "golden", "expected", "astronaut-skin", "manifest.json"), "utf8"),
  ).files;
  check(Object.keys(skinCase).length === 6, "the golden skin case lists 6 files");
  for (const file of Object.keys(skinCase)) {
    check(skinHashes[file] === skinCase[file], `protect skin: ${file} is byte-identical to the golden file`);
  }
  const skinCaption = await page.textContent("#result-caption");
  check(/1 face and [1-9]\d* pixels of skin kept whole/.test(skinCaption), `protect skin: the caption counts it (${skinCaption})`);
  check(await page.isChecked("#protect-faces"), "ticking protect skin ticks protect faces (skin is found around faces)");
  await page.uncheck("#protect-faces");
  check(!(await page.isChecked("#protect-skin")), "unticking protect faces unticks protect skin");

  // 1d. After a carve the focus is back on Carve (not lost to the page), and carving
  // again keeps as many blob URLs alive as one carve needs (the old ones are revoked).
  await andWait(page, () => page.click("#carve"));
  check(
    (await page.evaluate(() => document.activeElement?.id)) === "carve",
    "after a carve the focus is on the Carve button",
  );
  const urlsBefore = await page.evaluate(() => window.seamCarver.liveUrls());
  await andWait(page, () => page.click("#carve"));
  await andWait(page, () => page.click("#carve"));
  const urlsAfter = await page.evaluate(() => window.seamCarver.liveUrls());
  // A revoked blob URL no longer loads.
  const loads = (u) => page.evaluate((u) => fetch(u).then(() => true, () => false), u);
  const oldLoading = (await Promise.all(urlsBefore.map(loads))).filter(Boolean).length;
  const newLoading = (await Promise.all(urlsAfter.map(loads))).filter(Boolean).length;
  check(
    urlsBefore.length > 0 && urlsAfter.length === urlsBefore.length && oldLoading === 0 && newLoading === urlsAfter.length,
    `a carve revokes the blob URLs of the one before (${urlsBefore.length} kept per carve; ${oldLoading} old ones still load, ${newLoading} of the new)`,
  );

  // 2. A protect mask painted with the mouse: no seam goes through it.
  await open(page, join(repo, "inputs", "coffee.png"));
  const box = await page.locator("#mask").boundingBox();
  const scale = box.width / 600;
  const band = { x0: 250, x1: 330, y0: 60, y1: 340 }; // image pixels: the cup's middle
  const unmasked = async () => {
    await carveWith(page, { width: "60%" });
    return page.evaluate((b) => window.seamCarver.removedIn(b.x0 + 12, b.y0 + 12, b.x1 - 12, b.y1 - 12), band);
  };
  const before = await unmasked();
  check(before > 0, `without a mask seams cross the band (${before} removed pixels there)`);
  await page.check('input[name="brush"][value="protect"]');
  for (let y = band.y0; y <= band.y1; y += 8) {
    await page.mouse.move(box.x + band.x0 * scale, box.y + y * scale);
    await page.mouse.down();
    await page.mouse.move(box.x + band.x1 * scale, box.y + y * scale, { steps: 8 });
    await page.mouse.up();
  }
  const after = await unmasked();
  const args = await page.evaluate(() => window.seamCarver.lastArgs());
  check(args.includes("/masks/protect.png"), `the painted mask was passed (${args.join(" ")})`);
  check(after === 0, `with the band painted as protected no seam crosses it (${after} removed pixels there)`);
  const [shownOriginal, shownCarved] = await page.evaluate(() => window.seamCarver.shownWidths());
  check(
    Math.abs(shownCarved / shownOriginal - 360 / 600) < 0.01,
    `the carved picture is shown at the original's scale (${shownCarved.toFixed(0)} of ${shownOriginal.toFixed(0)} px for 360 of 600)`,
  );
  await page.click("#clear-mask");

  // 2a. The same band marked from the keyboard: a typed rectangle, Enter.
  await page.check('input[name="brush"][value="protect"]');
  await page.focus("#rect");
  await page.keyboard.type(`${band.x0}, ${band.y0}, ${band.x1 - band.x0}, ${band.y1 - band.y0}`);
  await page.keyboard.press("Enter");
  const typed = await unmasked();
  check(typed === 0, `a rectangle typed and entered protects the band too (${typed} removed pixels there)`);
  await page.click("#clear-mask");

  // 2b. A painted object to remove decides the width: the caption says the field was not used.
  await page.check('input[name="brush"][value="remove"]');
  await page.fill("#rect", "250, 60, 30, 280");
  await page.press("#rect", "Enter");
  await carveWith(page, { width: "300" });
  const removal = await page.textContent("#result-caption");
  check(
    /600x400 → 570x400/.test(removal) && /width and shape fields were not used/.test(removal),
    `a removal says the width field was not used (${removal})`,
  );
  await page.click("#clear-mask");
  await page.check('input[name="brush"][value="protect"]');
  // The width slider follows what is typed: pixels, a change, nothing.
  const sliderFor = async (text) => {
    await page.fill("#width", text);
    return page.evaluate(() => document.getElementById("width-slider").value);
  };
  const followed = [await sliderFor("300"), await sliderFor("-100"), await sliderFor("45%"), await sliderFor("")];
  check(followed.join(" ") === "50 83 45 83", `the width slider follows the field (${followed.join(" ")})`);

  // 2a'. The result names the options that made it, and says when they change.
  await carveWith(page, { width: "60%" });
  const made = await page.evaluate(() => window.seamCarver.madeWith());
  check(made === "made with: --width 60% --seams optimal", `the result is labelled (${made})`);
  await page.fill("#width", "50%");
  const stale = await page.evaluate(() => window.seamCarver.madeWith());
  check(stale.endsWith("(options changed since: carve again)"), `a changed option marks it stale (${stale})`);

  // 2b. A shape preset: the page passes --aspect and the carve has that shape.
  await carveWith(page, { aspect: "1:1" });
  check(
    JSON.stringify(await page.evaluate(() => window.seamCarver.carvedSize())) === "[400,400]" &&
      (await page.evaluate(() => window.seamCarver.lastArgs())).join(" ").includes("--aspect 1:1"),
    "the 1:1 shape preset carves coffee.png to 400x400",
  );

  // 2c. Scaled first (both axes past --carve-at-most): the caption says so, and the
  // pictures of the seams are shown at their own pixels (the scaled image's), not
  // stretched to the original's width.
  await carveWith(page, { width: "30%", height: "30%" });
  const scaledCaption = await page.textContent("#result-caption");
  const annotatedWidth = await page.evaluate(() =>
    document.getElementById("annotated").style.getPropertyValue("--w"),
  );
  check(
    scaledCaption.startsWith("Carved: 600x400 (scaled to 300x200 first) → 180x120") && annotatedWidth === "300",
    `a carve scaled first says so and shows the seams at the scaled size (${scaledCaption}; --w ${annotatedWidth})`,
  );

  // 3. A file that is not an image: the CLI's one-line error.
  const notes = join(mkdtempSync(join(tmpdir(), "seam-carver-web-")), "notes.png");
  writeFileSync(notes, "not a picture\n");
  await open(page, notes);
  const error = await page.evaluate(() => window.seamCarver.error());
  check(
    /^error: \/inputs\/notes\.png: not an image format seam-carver reads/.test(error ?? ""),
    `a text file named notes.png shows the CLI's error line (${error})`,
  );

  // 3a. Odd names: a file named `.png` loads (the module names its outputs `.png.*`), and a
  // newline in a name does not cut the error line; nothing of the last image stays.
  const noise = readFileSync(join(repo, "golden", "inputs", "noise.png"));
  await andWait(page, () => page.setInputFiles("#file", { name: ".png", mimeType: "image/png", buffer: noise }));
  const dotted = await page.evaluate(() => window.seamCarver.loaded());
  check(dotted === ".png: 30x22", `a file named .png loads (${dotted})`);
  await andWait(page, () =>
    page.setInputFiles("#file", { name: "two\nlines.png", mimeType: "image/png", buffer: Buffer.from("no picture") }),
  );
  const cut = await page.evaluate(() => window.seamCarver.error());
  check(
    /^error: \/inputs\/two_lines\.png: not an image format/.test(cut ?? "") && !cut.includes("\n"),
    `a newline in a name leaves one error line (${JSON.stringify(cut)})`,
  );
  check(!(await page.evaluate(() => window.seamCarver.ready())), "and the page does not offer to carve the previous image");

  // 3b. Progress: a carve of a large generated photo moves the bar while it runs, from
  // the module's --progress json events, with the time left.
  const large = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(2400, 1500);
    const context = canvas.getContext("2d");
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 400; i++) {
      context.fillStyle = `rgb(${next() * 255}, ${next() * 255}, ${next() * 255})`;
      context.fillRect(next() * 2400, next() * 1500, next() * 300, next() * 300);
    }
    const blob = await canvas.convertToBlob({ type: "image/png" });
    return [...new Uint8Array(await blob.arrayBuffer())];
  });
  await andWait(page, () =>
    page.setInputFiles("#file", { name: "large.png", mimeType: "image/png", buffer: Buffer.from(large) }),
  );
  // A photo wider than the window is fitted to the pictures' column: no sideways scroll.
  const fitted = await page.evaluate(() => [
    Math.round(document.getElementById("original").getBoundingClientRect().width),
    window.seamCarver.overflow(),
  ]);
  check(
    fitted[0] < 1500 && fitted[1] <= 0,
    `a 2400-pixel-wide photo is fitted to the column (${fitted[0]} px wide, ${fitted[1]} px too wide)`,
  );
  const started = Date.now();
  await carveWith(page, { width: "50%" });
  const progress = await page.evaluate(() => window.seamCarver.progress());
  const during = progress.filter(([done, total]) => done > 0 && done < total);
  check(
    during.length > 0 && progress.at(-1)[0] === 1200,
    `the bar moved during a ${((Date.now() - started) / 1000).toFixed(1)} s carve (${progress.length} progress events, ${during.length} before the end)`,
  );
  check(
    progress[0][2] === null &&
      during.slice(1).every(([, , left]) => typeof left === "number" && left >= 0) &&
      progress.at(-1)[2] === 0,
    `each event after the first says how long is left (${JSON.stringify(during.slice(0, 3))}…)`,
  );

  // 3c. Cancel: stops a running carve within a second, and the page carves again.
  await page.fill("#width", "50%");
  const beforeCancel = await page.evaluate(() => window.seamCarver.finished());
  await page.click("#carve");
  await page.waitForFunction(() => window.seamCarver.progress().length > 0, null, { timeout: 60_000 });
  const cancelAt = Date.now();
  await page.click("#cancel");
  await page.waitForFunction((n) => window.seamCarver.finished() > n && window.seamCarver.idle(), beforeCancel, {
    timeout: 5_000,
  });
  const stopped = Date.now() - cancelAt;
  check(stopped < 1000, `Cancel stopped the carve in ${stopped} ms`);
  check(/^cancelled/.test(await page.evaluate(() => window.seamCarver.status())), "the status says it was cancelled");
  check(await page.locator("#result").isHidden(), "no stale result is shown");
  await carveWith(page, { width: "-2" });
  check(!(await page.evaluate(() => window.seamCarver.error())), "after Cancel a new carve works");
  check(
    JSON.stringify(await page.evaluate(() => window.seamCarver.carvedSize())) === "[2398,1500]",
    "and gives its result",
  );

  // 4. The multi-size slider: instant, and exact at every width tested.
  await open(page, join(repo, "inputs", "coffee.png"));
  await page.fill("#smallest", "50%");
  await andWait(page, () => page.click("#explore"));
  const range = await page.evaluate(() => window.seamCarver.sliderRange());
  check(JSON.stringify(range) === "[300,600]", `the slider spans 300 to 600 pixels (${range})`);
  const runs = await page.evaluate(() => window.seamCarver.runs());
  const widths = [599, 551, 450, 301, 300];
  const shown = {};
  for (const w of widths) {
    await page.locator("#explore-slider").fill(String(w));
    shown[w] = await page.evaluate((w) => window.seamCarver.sliderRgbHash(w), w);
  }
  check((await page.evaluate(() => window.seamCarver.runs())) === runs, "moving the slider runs the module no more");
  for (const w of widths) {
    await carveWith(page, { width: String(w) });
    const [cw] = await page.evaluate(() => window.seamCarver.carvedSize());
    const carved = await page.evaluate(() => window.seamCarver.carvedRgbHash());
    check(cw === w && carved === shown[w], `the slider at ${w} pixels shows exactly a carve to width ${w}`);
  }
  check(errors.length === 0, `no script errors on the page (${errors.join("; ")})`);
  // The slider draws at the resolution it is shown at; "actual pixels" shows 1:1.
  const drawn = () =>
    page.evaluate(() => {
      const c = document.getElementById("explore-canvas");
      return [c.width, Math.round(c.getBoundingClientRect().width)];
    });
  await page.locator("#explore-slider").fill("450");
  const [fitPixels, fitShown] = await drawn();
  await page.check("#zoom");
  const [zoomPixels, zoomShown] = await drawn();
  // At actual pixels the canvas holds the carve itself, after the moves above.
  for (const w of [450, 452, 449, 300, 598]) {
    await page.locator("#explore-slider").fill(String(w));
    const canvasHash = await page.evaluate(() => window.seamCarver.sliderShownHash());
    const exact = await page.evaluate((w) => window.seamCarver.sliderRgbHash(w), w);
    check(canvasHash === exact, `actual pixels: the canvas at ${w} pixels is the carve to ${w}`);
  }
  await page.locator("#explore-slider").fill("450");
  const zoomOverflow = await page.evaluate(() => window.seamCarver.overflow());
  check(
    zoomPixels === 450 && zoomShown === 450 && zoomOverflow <= 0,
    `actual pixels: the slider's 450 pixels shown 450 wide (${zoomPixels}, ${zoomShown}), the page not wider (${zoomOverflow})`,
  );
  await page.uncheck("#zoom");
  check(
    fitShown <= 450 && Math.abs(fitPixels - fitShown) <= 1,
    `fitted: drawn at the size it is shown (${fitPixels} pixels, ${fitShown} wide)`,
  );
  // A 12 MP photo: milliseconds per slider step, fitted (measured, reported; the
  // target, 16 ms, is not asserted: timing is the bench's business).
  const times = await page.evaluate(() => window.seamCarver.timeSlider(4000, 3000, 40));
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  console.log(`slider on a 12 MP photo: median ${at(0.5)} ms, p95 ${at(0.95)} ms per step (${times.length} steps)`);
  check(times.length === 40, "the slider drew 40 widths of a 12 MP photo");
  await page.locator("#explore-slider").fill("450");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, "web.png"), fullPage: true });
  console.log(`screenshot: ${join(artifacts, "web.png")}`);

  // 5. No horizontal scrolling, wide or on a phone, after a carve with every picture.
  for (const [label, viewport] of [
    ["1280x900", { width: 1280, height: 900 }],
    ["390x844 (phone)", { width: 390, height: 844 }],
    ["360x740 (small phone)", { width: 360, height: 740 }],
  ]) {
    const view = await browser.newPage({ viewport });
    view.on("pageerror", (e) => errors.push(String(e)));
    await view.goto(url);
    await view.waitForFunction(() => window.seamCarver);
    await open(view, join(repo, "inputs", "coffee.png"));
    await carveWith(view, { width: "60%" });
    const overflow = await view.evaluate(() => window.seamCarver.overflow());
    check(overflow <= 0, `${label}: no horizontal scrolling after a carve (${overflow} px too wide)`);
    const shot = join(artifacts, `web-${viewport.width}.png`);
    await view.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
    await view.close();
  }
  check(errors.length === 0, `no script errors on the other pages (${errors.join("; ")})`);
  check(missing.length === 0, `every request the page made was answered (${missing.join("; ")})`);
} finally {
  await browser.close();
  server.kill();
}
