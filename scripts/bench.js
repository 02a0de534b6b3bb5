#!/usr/bin/env node
// `npm run bench`: times whole potgen processes, like hyperfine, and prints the minimum and the
// median wall time of each beside its target. Plain Node, no dependencies.
//
//   npm run bench                          every command but `npm start`
//   npm run bench -- --with-start          also `npm start` (minutes)
//   npm run bench -- --only help           one entry (repeat --only, or give a comma list, for more)
//   npm run bench -- --runs 3              counted runs of every command (default: each entry's own)
//   npm run bench -- --warmup 0            warm-up runs of every command (default: each entry's own)
//   npm run bench -- --timeout 300         seconds before a run is killed (default: each entry's own)
//
// The benchmark reports; it does not judge: it exits 1 only when a command failed or timed out,
// never because a target was missed.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// What to time. `{node}` is this Node binary; `{tmp}` is a temporary folder, removed at the end.
// Commands run from the repository root. Defaults: 1 warm-up run, 5 counted runs.
//   name      what --only selects
//   argv      the command and its arguments
//   target    the wall time to stay under, in seconds
//   runs      counted runs (default 5); warmup: warm-up runs (default 1)
//   timeout   seconds before one run is killed, with everything it started
//   optIn     the flag that includes the entry; without it the entry is reported as skipped
//   env       extra environment variables ({tmp} and {run}, the run's number, are substituted)
// Builds keep compiled models in a cache of the benchmark's own ({tmp}/cache): the warm-up fills
// it, as a user's first build does. The -cold entries give every run an empty cache, so they time
// the type check too (a changed model file, or the first build of one).
// ---------------------------------------------------------------------------------------------
const COMMANDS = [
  { name: 'help', argv: ['{node}', 'bin/potgen.js', '--help'], target: 0.5, timeout: 60 },
  {
    name: 'build-conv3x3',
    argv: ['{node}', 'bin/potgen.js', 'build', 'examples/conv3x3.ts', '-o', '{tmp}/conv3x3'],
    target: 1.5,
    timeout: 120,
  },
  {
    name: 'build-conv3x3-cold',
    argv: ['{node}', 'bin/potgen.js', 'build', 'examples/conv3x3.ts', '-o', '{tmp}/conv3x3-cold'],
    env: { POTGEN_CACHE: '{tmp}/cold-cache-{run}' },
    target: 1.5,
    timeout: 120,
  },
  {
    name: 'build-lenet5',
    argv: ['{node}', 'bin/potgen.js', 'build', 'examples/lenet5/lenet5.ts', '-o', '{tmp}/lenet5'],
    target: 3,
    timeout: 300,
  },
  {
    name: 'build-lenet5-cold',
    argv: ['{node}', 'bin/potgen.js', 'build', 'examples/lenet5/lenet5.ts', '-o', '{tmp}/lenet5-cold'],
    env: { POTGEN_CACHE: '{tmp}/cold-cache-{run}' },
    target: 3,
    timeout: 300,
  },
  // LeNet-5 folded automatically for 1,000 cycles per inference (the folding section compares it
  // with the shipped, hand-folded build above).
  {
    name: 'build-lenet5-auto',
    argv: ['{node}', 'bin/potgen.js', 'build', 'examples/lenet5/lenet5_auto.ts', '--target-cycles', '1000', '-o', '{tmp}/lenet5-auto'],
    target: 3,
    timeout: 300,
  },
  { name: 'eval-lenet5', argv: ['{node}', 'bin/potgen.js', 'eval', 'examples/lenet5/lenet5.ts'], target: 15, runs: 3, timeout: 600 },
  // `potgen compare`: first with an empty cache (synthesis and gate-level simulation of every
  // variant), then unchanged (served from the cache). The compare section prints their tables.
  ...['conv3x3', 'lenet5'].flatMap((name) => {
    const model = name === 'conv3x3' ? 'examples/conv3x3.ts' : 'examples/lenet5/lenet5.ts';
    const argv = (out) => ['{node}', 'bin/potgen.js', 'compare', model, '-o', `{tmp}/${out}`];
    const env = { POTGEN_CACHE: `{tmp}/compare-cache-${name}` };
    return [
      { name: `compare-${name}`, argv: argv(`compare-${name}`), env, target: 900, runs: 1, warmup: 0, timeout: 3600 },
      { name: `compare-${name}-cached`, argv: argv(`compare-${name}-cached`), env, target: 60, runs: 1, warmup: 0, timeout: 600 },
    ];
  }),
  // `npm start` with everything installed. It writes its designs to rtl-out/ in the repository.
  { name: 'start', argv: ['{node}', 'scripts/start.js'], target: 60, runs: 1, warmup: 0, timeout: 1800, optIn: '--with-start' },
];

const DEFAULT_RUNS = 5;
const DEFAULT_WARMUP = 1;
/** Lines of a failed command's output quoted in the report. */
const TAIL_LINES = 8;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

function usage(message) {
  process.stderr.write(
    `bench: ${message}\n` +
      'usage: node scripts/bench.js [--only <name>[,<name>...]]... [--runs N] [--warmup N] [--timeout S] [--with-start]\n' +
      `entries: ${COMMANDS.map((c) => c.name).join(', ')}\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const options = { only: [], runs: undefined, warmup: undefined, timeout: undefined, optIns: new Set() };
  const optInFlags = new Set(COMMANDS.map((c) => c.optIn).filter(Boolean));
  const count = (flag, value, min) => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < min) usage(`${flag} needs a whole number of at least ${min}.`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--only') {
      const names = (value() ?? '').split(',').filter(Boolean);
      if (names.length === 0) usage('--only needs an entry name.');
      options.only.push(...names);
    } else if (flag === '--runs') options.runs = count('--runs', value(), 1);
    else if (flag === '--warmup') options.warmup = count('--warmup', value(), 0);
    else if (flag === '--timeout') {
      const s = Number(value());
      if (!(s > 0)) usage('--timeout needs a number of seconds above 0.');
      options.timeout = s;
    } else if (optInFlags.has(flag)) options.optIns.add(flag);
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write(helpText());
      process.exit(0);
    } else usage(`unknown option '${arg}'.`);
  }
  for (const name of options.only) {
    if (!COMMANDS.some((c) => c.name === name)) usage(`no entry named '${name}'.`);
  }
  return options;
}

function helpText() {
  return `${[
    'npm run bench: times whole potgen processes and prints min and median wall times.',
    '',
    '  --only <name>     time only this entry (repeatable, or a comma list)',
    '  --runs N          counted runs of every entry (default: the entry\'s own, usually 5)',
    '  --warmup N        warm-up runs of every entry (default: the entry\'s own, usually 1)',
    '  --timeout S       seconds before a run is killed (default: the entry\'s own)',
    ...COMMANDS.filter((c) => c.optIn).map((c) => `  ${c.optIn.padEnd(18)}also time '${c.name}' (${c.argv.slice(1).join(' ')})`),
    '',
    `entries: ${COMMANDS.map((c) => c.name).join(', ')}`,
  ].join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Running and timing
// ---------------------------------------------------------------------------------------------

/** The run in progress, killed with its process group if the bench itself is interrupted. */
let current;

/** Keeps the last lines of a stream without holding all of it. */
class Tail {
  constructor() {
    this.text = '';
  }
  write(chunk) {
    this.text += chunk.toString('utf8');
    if (this.text.length > 64 * 1024) this.text = this.text.slice(-16 * 1024);
  }
  lines(n) {
    const text = this.text.trimEnd();
    return text === '' ? [] : text.split('\n').slice(-n);
  }
}

/**
 * Runs `argv` once from the repository root and resolves to its wall time, or to its failure:
 * `{ seconds }` or `{ seconds, error, tail }`. A run past `timeoutSeconds` is killed together with
 * every process it started (it runs as the leader of its own process group).
 */
function runOnce(argv, timeoutSeconds, env) {
  return new Promise((resolve) => {
    const output = new Tail();
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let child;
    try {
      child = spawn(argv[0], argv.slice(1), { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (error) {
      resolve({ seconds: 0, error: `could not start: ${error.message}`, tail: [] });
      return;
    }
    current = child;
    let timedOut = false;
    let exited;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutSeconds * 1000);
    child.stdout.on('data', (chunk) => output.write(chunk));
    child.stderr.on('data', (chunk) => output.write(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      exited ??= { seconds: seconds(), error: `could not start: ${error.message}` };
      resolve({ ...exited, tail: output.lines(TAIL_LINES) });
    });
    child.on('exit', (code, signal) => {
      // Timed at exit: a grandchild that keeps the pipes open must not count.
      const took = seconds();
      clearTimeout(timer);
      if (timedOut) exited = { seconds: took, error: `timed out after ${timeoutSeconds} s and was killed` };
      else if (code !== 0) exited = { seconds: took, error: signal ? `killed by ${signal}` : `exit code ${code}` };
      else exited = { seconds: took };
      // Leave nothing behind: stray grandchildren of this run would skew the next one.
      killGroup(child);
    });
    child.on('close', () => {
      current = undefined;
      const result = exited ?? { seconds: seconds(), error: 'ended without an exit status' };
      resolve({ ...result, tail: result.error ? output.lines(TAIL_LINES) : [] });
    });
  });
}

/** Kills the process group led by `child` (no-op when it is already gone). */
function killGroup(child) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times one entry: warm-up runs, then counted runs. Stops at the first failure (a failing or
 * timed-out command is not run again). Progress goes to stderr; the result table to stdout.
 */
async function timeEntry(entry, options, tmp) {
  const argv = entry.argv.map((a) => a.replaceAll('{node}', process.execPath).replaceAll('{tmp}', tmp));
  const warmup = options.warmup ?? entry.warmup ?? DEFAULT_WARMUP;
  const runs = options.runs ?? entry.runs ?? DEFAULT_RUNS;
  const timeout = options.timeout ?? entry.timeout ?? 600;
  const times = [];
  const total = warmup + runs;
  for (let i = 0; i < total; i++) {
    const label = i < warmup ? `warm-up ${i + 1}/${warmup}` : `run ${i - warmup + 1}/${runs}`;
    process.stderr.write(`bench: ${entry.name}: ${label} ... `);
    const env = Object.fromEntries(
      Object.entries({ POTGEN_CACHE: '{tmp}/cache', ...entry.env }).map(([k, v]) => [k, v.replaceAll('{tmp}', tmp).replaceAll('{run}', String(i))]),
    );
    const r = await runOnce(argv, timeout, env);
    process.stderr.write(`${r.seconds.toFixed(2)} s${r.error ? ` FAILED (${r.error})` : ''}\n`);
    if (r.error) return { entry, argv, status: 'failed', times, error: `${label}: ${r.error}`, tail: r.tail, warmup };
    if (i >= warmup) times.push(r.seconds);
  }
  return { entry, argv, status: 'ok', times, min: Math.min(...times), median: median(times), warmup };
}

// ---------------------------------------------------------------------------------------------
// Report. One section per kind of figure; a later section (hardware figures of the builds:
// cycles, LUTs, ...) goes into SECTIONS beside the wall times and can read the build outputs,
// which stay in `tmp` until every section has printed.
// ---------------------------------------------------------------------------------------------

function formatSeconds(s) {
  return s === undefined ? '-' : `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

/** Renders rows of cells as a text table; `align` holds 'l' or 'r' per column. */
function table(header, rows, align) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const cell = (text, i) => (align[i] === 'r' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (cells) => cells.map(cell).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function wallTimeSection(results) {
  const rows = results.map((r) => {
    const target = `< ${formatSeconds(r.entry.target)}`;
    if (r.status === 'skipped') return [r.entry.name, '-', '-', '-', '-', target, `skipped (${r.reason})`];
    if (r.status === 'failed') return [r.entry.name, `${r.warmup}`, `${r.times.length}`, '-', '-', target, `FAILED: ${r.error}`];
    const met = r.median < r.entry.target ? 'met' : 'missed';
    return [r.entry.name, `${r.warmup}`, `${r.times.length}`, formatSeconds(r.min), formatSeconds(r.median), target, met];
  });
  const lines = [
    'Wall time of whole processes run from the repository root (warm-up runs are not counted)',
    '',
    table(['command', 'warm-up', 'runs', 'min', 'median', 'target', 'result'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'l']),
    '',
    'target met when the median is under it',
  ];
  for (const r of results.filter((x) => x.status === 'failed')) {
    lines.push('', `${r.entry.name} failed (${r.error}): ${r.argv.join(' ')}`);
    for (const t of r.tail) lines.push(`  | ${t}`);
  }
  return lines.join('\n');
}

/**
 * What `potgen compare` measured in this bench run: each variant's ratios to the baseline (read
 * from the compare.json it wrote) and how long synthesis and the activity estimate took (from
 * compare-timing.json of the run with an empty cache).
 */
function compareSection(results, { tmp }) {
  const lines = ['potgen compare: ratios to the baseline, and time per variant with an empty cache (Yosys synthesis, netlist-simulator set-up, simulation of two frames and attribution)'];
  for (const name of ['conv3x3', 'lenet5']) {
    const r = results.find((x) => x.entry.name === `compare-${name}`);
    if (!r || r.status !== 'ok') {
      lines.push('', `${name}: ${r ? (r.status === 'skipped' ? 'skipped' : `failed (${r.error})`) : 'not run'}`);
      continue;
    }
    let report;
    let timing;
    try {
      report = JSON.parse(readFileSync(path.join(tmp, `compare-${name}`, 'compare.json'), 'utf8'));
      timing = JSON.parse(readFileSync(path.join(tmp, `compare-${name}`, 'compare-timing.json'), 'utf8'));
    } catch (e) {
      lines.push('', `${name}: no report (${e.message})`);
      continue;
    }
    const rows = report.rows.map((row) => {
      const t = timing.variants.find((v) => v.label === row.variant);
      const s = t && !t.cached ? t.seconds : undefined;
      const range = row.energyRatioRange ? `${row.energyRatioRange.low.toFixed(2)}-${row.energyRatioRange.high.toFixed(2)}` : '-';
      return [
        row.variant,
        row.accuracy === undefined ? '-' : row.accuracy.toFixed(2),
        row.luts.toLocaleString('en-US'),
        String(row.dsp),
        `${row.ratios.luts.toFixed(2)}x`,
        `${row.energyNanojoules.toFixed(1)} nJ`,
        `${row.ratios.energy.toFixed(2)}x`,
        range,
        s ? formatSeconds(s.synthesis) : 'cached',
        s ? formatSeconds(s.compile) : '-',
        s ? formatSeconds(s.run) : '-',
        s ? formatSeconds(s.parse) : '-',
      ];
    });
    lines.push(
      '',
      `${name} (baseline ${report.baseline}; wall time ${formatSeconds(r.median)} with an empty cache)`,
      table(
        ['variant', 'acc %', 'LUT', 'DSP', 'LUT ratio', 'energy', 'energy ratio', 'ratio range', 'synth', 'set-up', 'sim', 'attribute'],
        rows,
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  return lines.join('\n');
}

/**
 * LeNet-5's cycles per inference and lane utilisation as shipped (hand-folded) and folded
 * automatically for 1,000 cycles, from the potgen.json of the builds this run timed.
 */
function foldingSection(results, { tmp }) {
  const lines = ['LeNet-5 folding: as shipped (lenet5.ts, pe/simd by hand) and automatic (lenet5_auto.ts --target-cycles 1000)'];
  const rows = [];
  for (const [name, label] of [
    ['build-lenet5', 'as shipped'],
    ['build-lenet5-auto', 'automatic, target 1000'],
  ]) {
    const r = results.find((x) => x.entry.name === name);
    if (!r || r.status !== 'ok') {
      rows.push([label, '-', '-', '-', '-']);
      continue;
    }
    const m = JSON.parse(readFileSync(path.join(tmp, name === 'build-lenet5' ? 'lenet5' : 'lenet5-auto', 'potgen.json'), 'utf8'));
    const folding = m.layers.filter((l) => typeof l.pe === 'number').map((l) => `${l.name} ${l.pe}x${l.simd}`).join(', ');
    rows.push([label, m.cyclesPerFrame.toLocaleString('en-US'), String(m.lanes.lanes), `${(100 * m.lanes.utilisation).toFixed(1)}%`, folding]);
  }
  const [shipped, auto] = rows.map((row) => Number(String(row[1]).replace(/,/g, '')));
  lines.push('', table(['build', 'cycles/inference', 'lanes', 'lane utilisation', 'PE x SIMD per layer'], rows, ['l', 'r', 'r', 'r', 'l']));
  if (shipped > 0 && auto > 0) lines.push('', `speed-up: ${(shipped / auto).toFixed(1)}x fewer cycles per inference`);
  return lines.join('\n');
}

/** The sections printed, in order; each takes the timing results and returns its text. */
const SECTIONS = [wallTimeSection, foldingSection, compareSection];

function environmentLine(loadBefore) {
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const commit = git.status === 0 ? git.stdout.trim() : 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  const changes = dirty.status === 0 && dirty.stdout.trim() !== '' ? ' + uncommitted changes' : '';
  const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
  return (
    `potgen bench: commit ${commit}${changes}, Node ${process.version}, ${os.cpus().length} cores\n` +
    `load average before ${load(loadBefore)}, after ${load(os.loadavg())} (other work on the machine skews wall times)`
  );
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const loadBefore = os.loadavg();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'potgen-bench-'));
  const cleanUp = () => rmSync(tmp, { recursive: true, force: true });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (current) killGroup(current);
      cleanUp();
      process.exit(130);
    });
  }
  const results = [];
  try {
    for (const entry of COMMANDS) {
      if (options.only.length > 0 && !options.only.includes(entry.name)) continue;
      if (entry.optIn && options.only.length === 0 && !options.optIns.has(entry.optIn)) {
        results.push({ entry, status: 'skipped', reason: `pass ${entry.optIn} to include it` });
        continue;
      }
      results.push(await timeEntry(entry, options, tmp));
    }
    process.stdout.write(`${environmentLine(loadBefore)}\n`);
    for (const section of SECTIONS) process.stdout.write(`\n${section(results, { tmp })}\n`);
  } finally {
    cleanUp();
  }
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

process.exitCode = await main();
