// The Web Worker that runs the module, so the page stays responsive while it carves.
// Messages in: {id, inputs: [[name, bytes]], masks: [[name, bytes]], args}.
// Messages out: {id, type: "stderr", line} while it runs, then
// {id, type: "done", exitCode, outputs: [[name, bytes]], stdout, stderr, ms, trap?}
// or {id, type: "fail", message} when the module could not be loaded at all.
import { carve } from "./carve.js";

let compiled = null;

function module() {
  compiled ??= fetch(new URL("../seam-carver.wasm", import.meta.url))
    .then((response) => {
      if (!response.ok) {
        throw new Error(`cannot load seam-carver.wasm: HTTP ${response.status} (build it with just build-wasi)`);
      }
      return response.arrayBuffer();
    })
    .then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

onmessage = async ({ data }) => {
  const { id, inputs, masks, args } = data;
  try {
    const wasm = await module();
    const started = performance.now();
    const result = await carve(wasm, { inputs: new Map(inputs), masks: new Map(masks) }, args, (line) =>
      postMessage({ id, type: "stderr", line }),
    );
    const outputs = [...result.outputs];
    postMessage(
      { id, type: "done", ...result, outputs, ms: performance.now() - started },
      outputs.map(([, bytes]) => bytes.buffer),
    );
  } catch (e) {
    compiled = null;
    postMessage({ id, type: "fail", message: String(e?.message ?? e) });
  }
};
