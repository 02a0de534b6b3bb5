/**
 * Reader for weights stored as JSON: an object whose keys are tensor names ("conv1.weight") and
 * whose values are either rectangular nested arrays of numbers or `{"shape": [...], "data": [...]}`
 * with the data flattened in C (row-major) order.
 */

import { WeightFileError } from '../core/errors.ts';
import { formatIndex, unravelIndex, type NdArray } from '../core/tensors.ts';

/** Where a JSON text first breaks the grammar, or where a top-level key repeats. */
interface ScanProblem {
  readonly pos: number;
  readonly reason: string;
}

const MAX_DEPTH = 512;

/**
 * Checks `text` against the JSON grammar (RFC 8259) starting at `start`, and finds repeated
 * top-level keys, which JSON.parse would silently collapse. Returns the first problem, if any.
 */
function scanJson(text: string, start: number): ScanProblem | undefined {
  let pos = start;
  let topKey: string | undefined;
  const topKeys = new Set<string>();

  class Stop {
    constructor(readonly problem: ScanProblem) {}
  }
  const fail = (reason: string, at = pos): never => {
    throw new Stop({ pos: at, reason });
  };
  const describeHere = (): string => {
    if (pos >= text.length) return 'unexpected end of input';
    const cp = text.codePointAt(pos) as number;
    const ch = String.fromCodePoint(cp);
    if (cp < 0x20) return `unexpected control character U+${cp.toString(16).padStart(4, '0').toUpperCase()}`;
    return ch === "'" ? `unexpected character "'"` : `unexpected character '${ch}'`;
  };
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };
  const string = (): void => {
    pos++; // opening quote
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        return;
      }
      if (c < 0x20) fail('unescaped control character in a string');
      if (c === 0x5c) {
        const e = text[pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail('invalid \\u escape in a string');
          pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          pos += 2;
        } else {
          fail('invalid escape sequence in a string');
        }
      } else {
        pos++;
      }
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const NON_FINITE = /-?(?:NaN|Infinity)|\+Infinity/y;
  const value = (depth: number): void => {
    ws();
    const c = text[pos];
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) fail(`values are nested more than ${MAX_DEPTH} levels deep`);
      const close = c === '{' ? '}' : ']';
      pos++;
      ws();
      if (text[pos] === close) {
        pos++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[pos] !== '"') fail(`${describeHere()} where a property name in double quotes should be`);
          const keyStart = pos;
          string();
          if (depth === 0) {
            topKey = JSON.parse(text.slice(keyStart, pos)) as string;
            if (topKeys.has(topKey)) fail(`the tensor name "${topKey}" appears twice`, keyStart);
            topKeys.add(topKey);
          }
          ws();
          if (text[pos] !== ':') fail(`${describeHere()} where ':' should be`);
          pos++;
        }
        value(depth + 1);
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === close) {
          pos++;
          return;
        }
        fail(`${describeHere()} where ',' or '${close}' should be`);
      }
    }
    if (c === '"') return string();
    NUMBER.lastIndex = pos;
    if (NUMBER.test(text)) {
      const end = NUMBER.lastIndex;
      const next = text[end];
      // A number must not run straight into more number-like text, e.g. "01" or "1.".
      if (next !== undefined && /[0-9.eE+-]/.test(next)) fail('invalid number', pos);
      pos = end;
      return;
    }
    NON_FINITE.lastIndex = pos;
    if (NON_FINITE.test(text)) {
      const word = text.slice(pos, NON_FINITE.lastIndex);
      const inTensor = topKey !== undefined ? ` in tensor ${topKey}` : '';
      fail(
        `found ${word}${inTensor}; JSON has no NaN or Infinity (Python's json.dump writes them for non-finite floats), and every weight must be a finite number`,
      );
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return;
      }
    }
    if (c === '-') fail('invalid number');
    fail(describeHere());
  };
  try {
    value(0);
    ws();
    if (pos < text.length) fail(`${describeHere()} after the end of the JSON value`);
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return e.problem;
    throw e;
  }
}

function lineAndColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: pos - lineStart + 1 };
}

function entries(n: number): string {
  return `${n} ${n === 1 ? 'entry' : 'entries'}`;
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') {
    const s = v.length > 40 ? `${v.slice(0, 40)}...` : v;
    return `the string ${JSON.stringify(s)}`;
  }
  if (typeof v === 'boolean') return `the boolean ${v}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (Array.isArray(v)) return 'an array';
  return 'an object';
}

/** Builds one tensor from its JSON value; `tensor` is `"<where>: tensor <name>"`. */
function toTensor(tensor: string, value: unknown): NdArray {
  const nonNumber = (v: unknown, flat: number, index: readonly number[]): WeightFileError =>
    new WeightFileError(
      typeof v === 'number'
        ? `${tensor} holds a number too large for a double at index ${formatIndex(index)} (flat index ${flat}); every weight must be a finite number.`
        : `${tensor} holds ${describeJson(v)} at index ${formatIndex(index)} (flat index ${flat}); every weight must be a finite number.`,
    );

  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw nonNumber(value, 0, []);
    return { shape: [], data: Float64Array.of(value) };
  }

  if (Array.isArray(value)) {
    const shape: number[] = [];
    for (let v: unknown = value; Array.isArray(v); v = v[0]) {
      shape.push(v.length);
      if (v.length === 0) break;
    }
    const ndim = shape.length;
    const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
    const index: number[] = [];
    let flat = 0;
    const refAt = (depth: number): string => formatIndex(new Array<number>(depth).fill(0));
    const walk = (v: unknown, depth: number): void => {
      if (depth < ndim) {
        const n = shape[depth] as number;
        if (Array.isArray(v)) {
          if (v.length !== n) {
            throw new WeightFileError(
              `${tensor} is ragged at depth ${depth}: element ${formatIndex(index)} has ${entries(v.length)} but element ${refAt(depth)} has ${n}.`,
            );
          }
          for (let i = 0; i < n; i++) {
            index.push(i);
            walk(v[i], depth + 1);
            index.pop();
          }
          return;
        }
        if (typeof v === 'number') {
          throw new WeightFileError(
            `${tensor} is ragged at depth ${depth}: element ${formatIndex(index)} is a number but element ${refAt(depth)} is an array of ${entries(n)}.`,
          );
        }
        throw new WeightFileError(
          `${tensor} holds ${describeJson(v)} at index ${formatIndex(index)}, where an array of ${entries(n)} belongs; every weight must be a finite number.`,
        );
      }
      if (typeof v === 'number' && Number.isFinite(v)) {
        data[flat++] = v;
        return;
      }
      if (Array.isArray(v)) {
        throw new WeightFileError(
          `${tensor} is ragged at depth ${depth}: element ${formatIndex(index)} is an array but element ${refAt(depth)} is a number.`,
        );
      }
      throw nonNumber(v, flat, index);
    };
    walk(value, 0);
    return { shape, data };
  }

  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    const extra = Object.keys(obj).filter((k) => k !== 'shape' && k !== 'data');
    if (extra.length > 0 || !('shape' in obj) || !('data' in obj)) {
      const found = Object.keys(obj).map((k) => JSON.stringify(k)).join(', ') || 'no keys';
      throw new WeightFileError(
        `${tensor} is an object, so it must have exactly the keys "shape" and "data"; found ${found}.`,
      );
    }
    const shape = obj['shape'];
    const data = obj['data'];
    if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
      throw new WeightFileError(
        `${tensor} has shape ${JSON.stringify(shape)}; a shape must be an array of non-negative integers.`,
      );
    }
    if (!Array.isArray(data)) {
      throw new WeightFileError(`${tensor} has "data" that is ${describeJson(data)}; it must be a flat array of numbers.`);
    }
    const dims = shape as number[];
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new WeightFileError(
        `${tensor} has shape ${formatIndex(dims)}, which holds ${count} elements, but its data holds ${data.length}.`,
      );
    }
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const v: unknown = data[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw nonNumber(v, i, unravelIndex(i, dims));
      out[i] = v;
    }
    return { shape: [...dims], data: out };
  }

  throw new WeightFileError(
    `${tensor} is ${describeJson(value)}; a tensor must be a nested array of numbers or an object {"shape": [...], "data": [...]}.`,
  );
}

/**
 * Parses a JSON weights file into tensors, sorted by name. `where` names the file in error
 * messages. Every value must be a finite number; shapes are checked for rectangularity.
 */
export function readJsonTensors(text: string, where: string): Map<string, NdArray> {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // tolerate a UTF-8 byte order mark
  const problem = scanJson(text, start);
  if (problem) {
    const { line, column } = lineAndColumn(text, problem.pos);
    throw new WeightFileError(
      `${where} is not valid JSON at line ${line}, column ${column} (position ${problem.pos}): ${problem.reason}.`,
    );
  }
  const root: unknown = JSON.parse(start === 0 ? text : text.slice(start));
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new WeightFileError(
      `${where} must hold a JSON object that maps tensor names to arrays, but it holds ${describeJson(root)}.`,
    );
  }
  const tensors = new Map<string, NdArray>();
  for (const name of Object.keys(root).sort()) {
    if (name === '') throw new WeightFileError(`${where} holds a tensor with an empty name.`);
    tensors.set(name, toTensor(`${where}: tensor ${name}`, (root as Record<string, unknown>)[name]));
  }
  return tensors;
}
