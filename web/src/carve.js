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
 */
export async function carve(module, files, args, onStderr = () => {}) {
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
    ConsoleStdout.lineBuffered((line) => stdout.push(line)),
    ConsoleStdout.lineBuffered((line) => {
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
