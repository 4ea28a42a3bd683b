// The Web Worker that runs the module, so the page stays responsive while it carves.
// Messages in: {id, inputs: [[name, bytes]], masks: [[name, bytes]], args, model}; with
// `model` true the face model is fetched (once) and placed at /model/MODEL_NAME.
// Messages out: {id, type: "stderr", line} while it runs, then
// {id, type: "done", exitCode, outputs: [[name, bytes]], stdout, stderr, ms, trap?}
// or {id, type: "fail", message} when the module could not be loaded at all.
import { MODEL_NAME, carve } from "./carve.js";

let compiled = null;
let faceModel = null;


function model() {
  faceModel ??= fetch(new URL(`../${MODEL_NAME}`, import.meta.url)).then(async (response) => {
    if (!response.ok) {
      throw new Error(`cannot load the face model ${MODEL_NAME}: HTTP ${response.status}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  });
  return faceModel;
}

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
    const files = { inputs: new Map(inputs), masks: new Map(masks) };
    if (data.model) files.model = new Map([[MODEL_NAME, await model()]]);
    const started = performance.now();
    const result = await carve(
      wasm,
      files,
      args,
      (line) => postMessage({ id, type: "stderr", line }),
      (line) => postMessage({ id, type: "stdout", line }),
    );
    const outputs = [...result.outputs];
    postMessage(
      { id, type: "done", ...result, outputs, ms: performance.now() - started },
      outputs.map(([, bytes]) => bytes.buffer),
    );
  } catch (e) {
    compiled = null;
    faceModel = null;
    postMessage({ id, type: "fail", message: String(e?.message ?? e) });
  }
};
