// Runs the seam-carver WASI module on Node's `node:wasi` (V8), a third engine for the
// determinism check, with Bacalhau's layout: argv[0] empty, INPUT_DIR at /inputs and
// OUTPUT_DIR at /outputs, and each `--dir HOST::GUEST` given first (the face model's
// folder at /model, say). The exit status is the module's.
//
//   node tools/node-wasi.mjs [--dir HOST::GUEST]... MODULE INPUT_DIR OUTPUT_DIR [ARGS...]
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const usage = 'usage: node tools/node-wasi.mjs [--dir HOST::GUEST]... MODULE INPUT_DIR OUTPUT_DIR [ARGS...]';
const argv = process.argv.slice(2);
const preopens = {};
while (argv[0] === '--dir') {
  const [host, guest] = (argv[1] ?? '').split('::');
  if (!host || !guest) {
    console.error(usage);
    process.exit(2);
  }
  preopens[guest] = host;
  argv.splice(0, 2);
}
const [modulePath, inputDir, outputDir, ...args] = argv;
if (!modulePath || !inputDir || !outputDir) {
  console.error(usage);
  process.exit(2);
}
const wasi = new WASI({
  version: 'preview1',
  args: ['', ...args],
  env: {},
  preopens: { ...preopens, '/inputs': inputDir, '/outputs': outputDir },
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(modulePath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
