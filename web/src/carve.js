// Runs the seam-carver WASI module as a Bacalhau node does: argv ["", ...args], cwd "/",
// one filesystem at "/" with the inputs under /inputs, masks under /masks, the face model
// under /model and an empty /outputs; returns the exit code, what the module wrote to /outputs, and its output
// lines. Shared by the page's worker and the Node check; no DOM.
import {
  ConsoleStdout,
  Directory,
  File,
  OpenFile,
  PreopenDirectory,
  WASI,
} from "../node_modules/@bjorn3/browser_wasi_shim/dist/index.js";

/**
 * @param {WebAssembly.Module} module the compiled seam-carver.wasm
 * @param {{inputs: Map<string, Uint8Array>, masks?: Map<string, Uint8Array>, model?: Map<string, Uint8Array>}} files
 * @param {string[]} args the parameters after argv[0]
 * @param {(line: string) => void} onStderr called with each line the module writes to stderr
 * @param {(line: string) => void} onStdout called with each line the module writes to stdout
 *   (with `--progress json`, its progress events)
 */
/** A console that calls `write` with each line it is given, a line ending at "\n" or at
 * "\r": the module sees a terminal here, and redraws its seam progress with "\r". */
function lines(write) {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let pending = "";
  return new ConsoleStdout((bytes) => {
    pending += decoder.decode(bytes, { stream: true });
    const parts = pending.split(/\r\n|\r|\n/);
    pending = parts.pop();
    for (const part of parts) if (part !== "") write(part);
  });
}

/** The face model's file name: the worker mounts it at /model, `--face-model` names it. */
export const MODEL_NAME = "seeta_fd_frontal_v1.0.bin";

export async function carve(module, files, args, onStderr = () => {}, onStdout = () => {}) {
  const dir = (entries) =>
    new Directory(new Map([...entries].map(([name, bytes]) => [name, new File(bytes, { readonly: true })])));
  const outputs = new Directory(new Map());
  const root = new Map([
    ["inputs", dir(files.inputs)],
    ["masks", dir(files.masks ?? new Map())],
    ["model", dir(files.model ?? new Map())],
    ["outputs", outputs],
  ]);
  const stdout = [];
  const stderr = [];
  const fds = [
    new OpenFile(new File(new Uint8Array(), { readonly: true })),
    lines((line) => {
      stdout.push(line);
      onStdout(line);
    }),
    lines((line) => {
      stderr.push(line);
      onStderr(line);
    }),
    new PreopenDirectory("/", root),
  ];
  const wasi = new WASI(["", ...args], [], fds, { debug: false });
  const instance = await WebAssembly.instantiate(module, {
    wasi_snapshot_preview1: wasi.wasiImport,
  });
  let exitCode;
  try {
    exitCode = wasi.start(instance);
  } catch (e) {
    // A trap: Bacalhau publishes nothing for it.
    return { exitCode: null, trap: String(e), outputs: new Map(), stdout, stderr };
  }
  const written = new Map();
  for (const [name, inode] of outputs.contents) {
    if (inode instanceof File) written.set(name, inode.data);
  }
  return { exitCode, outputs: written, stdout, stderr };
}
