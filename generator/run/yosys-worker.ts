/**
 * Runs `@yowasp/yosys` off the caller's event loop, in a `worker_threads` Worker.
 *
 * `runYosys` executes the WebAssembly synchronously on the thread that calls it, for seconds to
 * minutes per design; in-process, that blocks every timer, I/O callback and RPC of the caller
 * (vitest's worker RPC timed out on it). Here each call gets its own Worker, which is terminated
 * once the run has ended, so several runs can proceed at once.
 *
 * The Worker is created with `eval: true` from the plain-JavaScript string below, not from a
 * module file: it works the same whether this file runs as TypeScript under vitest/tsx or from a
 * compiled JavaScript bundle in another folder, and needs no TypeScript loader in the Worker. The
 * parent resolves `@yowasp/yosys` and hands the Worker the absolute URL to `import()`.
 *
 * Protocol, Worker to parent (one message each):
 * - `{ kind: 'stdout' | 'stderr', bytes }` per output chunk, in the order Yosys wrote them;
 * - `{ kind: 'done', files }` with the output tree when Yosys exited with status 0;
 * - `{ kind: 'exit', code, files }` when it exited with another status (the runtime's `Exit`);
 * - `{ kind: 'error', name, message, stack }` for anything else (a trap, a failed import).
 */

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Tree } from '@yowasp/yosys';

/** Receives one chunk of Yosys output. Unlike `@yowasp/yosys`, never called with `null`. */
export type YosysOutput = (bytes: Uint8Array) => void;

export interface YosysWorkerOptions {
  readonly stdout?: YosysOutput;
  readonly stderr?: YosysOutput;
}

/**
 * Yosys exited with a non-zero status: the counterpart of `@yowasp/yosys`'s `Exit`, with the same
 * `code` and `files` (the tree as the run left it) and the same message.
 */
export class YosysExit extends Error {
  override name = 'YosysExit';
  constructor(
    readonly code: number,
    readonly files: Tree,
  ) {
    super(`Exited with status ${code}`);
  }
}

/**
 * The Worker's code: plain JavaScript (CommonJS, as `eval` Workers are), no loader needed.
 *
 * Besides running Yosys it cuts the cost of starting afresh in every Worker (measured on 2 busy
 * cores: about 1.5-2 s of CPU per run without these two measures, about 0.25 s with them):
 *
 * 1. Compiled WebAssembly modules are shared. The parent keeps the modules the first Worker
 *    compiled and hands them to later Workers, which then neither compile Yosys's 30 MB of
 *    WebAssembly again nor lose the machine code V8 optimised ("tiered up") during earlier runs: a
 *    Module sent to another thread shares its code. @yowasp/yosys compiles each .wasm file with
 *    WebAssembly.compileStreaming, which is wrapped to look the bytes up first.
 * 2. While @yowasp/yosys loads its resources, the global Response is a minimal stand-in, because
 *    its file: fetch only wraps the bytes of a file in a Response and unwraps them again, and
 *    loading and running the real one (undici) costs a fresh Worker a few hundred milliseconds.
 *    If loading fails with the stand-in, it is retried with the real Response.
 *
 * Both depend on how @yowasp/yosys (pinned in package.json) loads its resources; should a later
 * version load them another way, the wrapper finds nothing, the stand-in is not used or is
 * retried without, and every Worker simply compiles afresh.
 */
const WORKER_SOURCE = String.raw`
'use strict';
const { createHash } = require('node:crypto');
const { parentPort, workerData } = require('node:worker_threads');

/** The bytes a stand-in Response holds. */
const held = Symbol('bytes');

/** The part of Response that @yowasp/yosys's file: fetch uses. */
class FileResponse {
  constructor(body, init) {
    if (!(body instanceof Uint8Array)) throw new TypeError('FileResponse holds only bytes');
    this[held] = body;
    this.status = 200;
    this.ok = true;
    const headers = new Map(Object.entries((init && init.headers) || {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
    this.headers = { get: (name) => headers.get(String(name).toLowerCase()) ?? null };
  }
  async arrayBuffer() {
    const b = this[held];
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }
  async bytes() {
    return new Uint8Array(await this.arrayBuffer());
  }
}

/** The bytes of a real Response, read from its stream (arrayBuffer() is much slower for 30 MB). */
async function bodyBytes(response) {
  if (response instanceof FileResponse) return response[held];
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.byteLength;
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * Identifies a module among those of one @yowasp/yosys install: its length and a hash of its
 * first and last 64 KiB. (Two different modules that matched would fail loudly to link.)
 */
function moduleKey(bytes) {
  const edge = 65536;
  const hash = createHash('sha256');
  hash.update(bytes.subarray(0, edge));
  hash.update(bytes.subarray(Math.max(edge, bytes.byteLength - edge)));
  return bytes.byteLength + ':' + hash.digest('hex');
}

const known = new Map(workerData.modules.map((m) => [m.key, m.module]));
const compiled = [];
WebAssembly.compileStreaming = async function (source) {
  const bytes = await bodyBytes(await source);
  const key = moduleKey(bytes);
  const found = known.get(key);
  if (found !== undefined) return found;
  const module = await WebAssembly.compile(bytes);
  known.set(key, module);
  compiled.push({ key, module });
  return module;
};

/** Loads and compiles @yowasp/yosys's resources: runYosys does only that when given null. */
async function prefetch(yosys) {
  // Saved and restored as a descriptor: reading globalThis.Response would load undici.
  const real = Object.getOwnPropertyDescriptor(globalThis, 'Response');
  try {
    Object.defineProperty(globalThis, 'Response', { value: FileResponse, writable: true, configurable: true });
    await yosys.runYosys(null);
    return;
  } catch {
    // Retried below with the real Response.
  } finally {
    if (real === undefined) delete globalThis.Response;
    else Object.defineProperty(globalThis, 'Response', real);
  }
  await yosys.runYosys(null);
}

/** Copies a chunk only when it is a view into a larger buffer, then transfers its buffer. */
function post(kind) {
  return (bytes) => {
    if (bytes === null || bytes === undefined || bytes.byteLength === 0) return;
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    parentPort.postMessage({ kind, bytes: own }, [own.buffer]);
  };
}

function postError(error) {
  const e = error instanceof Error ? error : new Error(String(error));
  parentPort.postMessage({ kind: 'error', name: e.name, message: e.message, stack: e.stack });
}

(async () => {
  const { moduleUrl, args, files } = workerData;
  let yosys;
  try {
    yosys = await import(moduleUrl);
    await prefetch(yosys);
  } catch (error) {
    postError(error);
    return;
  }
  if (compiled.length > 0) parentPort.postMessage({ kind: 'modules', modules: compiled });
  try {
    const out = await yosys.runYosys(args, files, { stdout: post('stdout'), stderr: post('stderr') });
    parentPort.postMessage({ kind: 'done', files: out === undefined ? {} : out });
  } catch (error) {
    if (error instanceof yosys.Exit) {
      parentPort.postMessage({ kind: 'exit', code: error.code, files: error.files === undefined ? {} : error.files });
    } else {
      postError(error);
    }
  }
})();
`;

/** A compiled WebAssembly module of @yowasp/yosys, with the key the Worker computed from its bytes. */
interface SharedModule {
  readonly key: string;
  readonly module: WebAssembly.Module;
}

type WorkerMessage =
  | { kind: 'stdout' | 'stderr'; bytes: Uint8Array }
  | { kind: 'modules'; modules: SharedModule[] }
  | { kind: 'done'; files: Tree }
  | { kind: 'exit'; code: number; files: Tree }
  | { kind: 'error'; name: string; message: string; stack?: string };

/** The modules Workers compiled, per @yowasp/yosys entry point URL; kept for the process's life. */
const sharedModules = new Map<string, SharedModule[]>();

function keepModules(moduleUrl: string, modules: readonly SharedModule[]): void {
  const kept = sharedModules.get(moduleUrl) ?? [];
  for (const m of modules) if (!kept.some((k) => k.key === m.key)) kept.push(m);
  sharedModules.set(moduleUrl, kept);
}

let resolvedUrl: string | undefined;

/** Workers started and not yet exited. */
let live = 0;

/** How many Yosys Workers are running or winding down; for tests and diagnostics. */
export function liveYosysWorkers(): number {
  return live;
}

/**
 * The absolute `file:` URL of `@yowasp/yosys`'s entry point, resolved from this file's location
 * (so from the bundle's location once compiled).
 */
export function yosysModuleUrl(): string {
  if (resolvedUrl !== undefined) return resolvedUrl;
  let url: string | undefined;
  try {
    const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
    if (typeof resolve === 'function') url = resolve('@yowasp/yosys');
  } catch {
    url = undefined;
  }
  if (url === undefined || !url.startsWith('file:')) {
    url = pathToFileURL(createRequire(import.meta.url).resolve('@yowasp/yosys')).href;
  }
  resolvedUrl = url;
  return url;
}

/**
 * Runs Yosys with `args` on the in-memory `files` in a new Worker and resolves to the output
 * tree, like `@yowasp/yosys`'s `runYosys` but without blocking the caller's event loop.
 *
 * @rejects YosysExit when Yosys exits with a non-zero status.
 * @rejects Error for anything else (the Worker failed to start, crashed or ran out of memory),
 *   with the original message.
 */
export function runYosysInWorker(
  args: readonly string[],
  files: Tree,
  options: YosysWorkerOptions = {},
): Promise<Tree> {
  return new Promise<Tree>((resolve, reject) => {
    let settled = false;
    const moduleUrl = yosysModuleUrl();
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { moduleUrl, modules: sharedModules.get(moduleUrl) ?? [], args: [...args], files },
      });
    } catch (error) {
      reject(new Error(`cannot start a Yosys worker thread: ${(error as Error).message}`, { cause: error }));
      return;
    }
    live += 1;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
      // The Worker has posted its last message; do not wait for it to wind down by itself.
      void worker.terminate();
    };
    /** Hands a chunk of output to the caller; a callback that throws ends the run with its error. */
    const output = (callback: YosysOutput | undefined, bytes: Uint8Array): void => {
      try {
        callback?.(bytes);
      } catch (error) {
        settle(() => reject(error));
      }
    };
    worker.on('message', (message: WorkerMessage) => {
      if (settled) return;
      switch (message.kind) {
        case 'stdout':
          output(options.stdout, message.bytes);
          break;
        case 'stderr':
          output(options.stderr, message.bytes);
          break;
        case 'modules':
          keepModules(moduleUrl, message.modules);
          break;
        case 'done':
          settle(() => resolve(message.files));
          break;
        case 'exit':
          settle(() => reject(new YosysExit(message.code, message.files)));
          break;
        case 'error': {
          const error = new Error(message.message);
          error.name = message.name;
          if (message.stack !== undefined) error.stack = message.stack;
          settle(() => reject(error));
          break;
        }
      }
    });
    // Only failures of the Worker itself arrive here (it catches everything Yosys throws): keep
    // their Node error codes out of `code`, which callers read as Yosys's exit status.
    worker.on('error', (error) =>
      settle(() => reject(new Error(`the Yosys worker thread failed: ${error.message}`, { cause: error }))),
    );
    worker.on('exit', (code) => {
      live -= 1;
      settle(() => reject(new Error(`the Yosys worker thread stopped with exit code ${code} before it reported a result`)));
    });
  });
}
