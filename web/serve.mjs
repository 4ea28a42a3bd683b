// A static file server for the page (no server-side logic): serves web/, the WASI
// module, by default $CARGO_TARGET_DIR (or ../target)/wasm32-wasip1/release/seam-carver.wasm,
// or SEAM_CARVER_WASM, and the face model from crates/seam-carver/model/. Usage: node serve.mjs [PORT] (default 8000; 0 picks a free one).
// Prints "serving http://127.0.0.1:PORT/" once listening.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));
const target = process.env.CARGO_TARGET_DIR
  ? resolve(process.env.CARGO_TARGET_DIR)
  : join(root, "..", "target");
const wasm = process.env.SEAM_CARVER_WASM ?? join(target, "wasm32-wasip1", "release", "seam-carver.wasm");
const model = join(root, "..", "crates", "seam-carver", "model", "seeta_fd_frontal_v1.0.bin");
const fixed = new Map([
  ["/seam-carver.wasm", wasm],
  ["/seeta_fd_frontal_v1.0.bin", model],
]);
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".json": "application/json",
};

const server = createServer(async (request, response) => {
  let path;
  try {
    path = decodeURIComponent(new URL(request.url, "http://localhost").pathname);
  } catch {
    // A malformed escape (`/%`, `/%E0%A4%A`) or URL: refused, and the server keeps serving.
    response.writeHead(400, { "content-type": "text/plain" }).end("bad request\n");
    return;
  }
  const file = fixed.get(path) ?? join(root, normalize(path === "/" ? "/index.html" : path));
  if (!fixed.has(path) && !file.startsWith(root)) {
    response.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    response.end(body);
  } catch {
    response.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}\n`);
  }
});

server.listen(Number(process.argv[2] ?? 8000), "127.0.0.1", () => {
  console.log(`serving http://127.0.0.1:${server.address().port}/ (module: ${wasm})`);
});
