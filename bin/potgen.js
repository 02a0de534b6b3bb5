#!/usr/bin/env node
// The potgen command: runs the compiled bundle (dist/potgen.mjs), first rebuilding it from the
// TypeScript sources if any of them changed since it was built (see scripts/build.js).
import { ensureBuilt } from '../scripts/build.js';

const bundle = await ensureBuilt();
const { main } = await import(bundle);
process.exitCode = await main(process.argv);
