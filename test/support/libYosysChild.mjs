// Runs one Yosys script (@yowasp/yosys, WebAssembly) in its own process for test/support/libYosys.ts,
// so the in-process WebAssembly never blocks a test worker.
//   node libYosysChild.mjs '<script>' file.v ...
// The files are given to Yosys by their base names. Prints Yosys's log, then, if the script wrote
// stat.json, a line "@@stat@@" and that JSON. Exits with Yosys's status.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runYosys } from '@yowasp/yosys';

const [script, ...files] = process.argv.slice(2);
const tree = {};
for (const file of files) tree[path.basename(file)] = readFileSync(file, 'utf8');
const write = (bytes) => {
  if (bytes) process.stdout.write(bytes);
};
let status = 0;
try {
  const result = await runYosys(['-p', script], tree, { stdout: write, stderr: write });
  const stat = result?.['stat.json'];
  if (stat !== undefined) {
    process.stdout.write(`\n@@stat@@\n${typeof stat === 'string' ? stat : new TextDecoder().decode(stat)}\n`);
  }
} catch (error) {
  status = typeof error?.code === 'number' ? error.code : 1;
  if (status === 0) status = 1;
  if (!(error && 'code' in error)) process.stdout.write(`\n${String(error?.stack ?? error)}\n`);
}
process.exitCode = status;
