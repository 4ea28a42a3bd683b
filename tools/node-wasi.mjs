// Runs the seam-carver WASI module on Node's `node:wasi` (V8), a third engine for the
// determinism check, with Bacalhau's layout: argv[0] empty, INPUT_DIR at /inputs and
// OUTPUT_DIR at /outputs. The exit status is the module's.
//
//   node tools/node-wasi.mjs MODULE INPUT_DIR OUTPUT_DIR [ARGS...]
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const [modulePath, inputDir, outputDir, ...args] = process.argv.slice(2);
if (!modulePath || !inputDir || !outputDir) {
  console.error('usage: node tools/node-wasi.mjs MODULE INPUT_DIR OUTPUT_DIR [ARGS...]');
  process.exit(2);
}
const wasi = new WASI({
  version: 'preview1',
  args: ['', ...args],
  env: {},
  preopens: { '/inputs': inputDir, '/outputs': outputDir },
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(modulePath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
