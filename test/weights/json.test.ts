import { describe, expect, it } from 'vitest';
import { WeightFileError } from '../../generator/core/errors.ts';
import type { NdArray } from '../../generator/core/tensors.ts';
import { checkFinite } from '../../generator/weights/finite.ts';
import { readJsonTensors } from '../../generator/weights/json.ts';
import { readNpy, writeNpy } from '../../generator/weights/npy.ts';

/** Asserts that `fn` throws a WeightFileError whose message is exactly `message`. */
function expectWeightError(fn: () => unknown, message: string): void {
  expect(fn).toThrowError(WeightFileError);
  expect(fn).toThrowError(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
}

const plainMap = (m: Map<string, NdArray>): Array<[string, number[], number[]]> =>
  [...m].map(([k, a]) => [k, [...a.shape], [...a.data]]);

const read = (text: string): Array<[string, number[], number[]]> => plainMap(readJsonTensors(text, 'w.json'));

describe('readJsonTensors', () => {
  it('infers shapes of nested arrays and sorts tensors by name', () => {
    const text = JSON.stringify({
      'conv1.weight': [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8.5],
        ],
      ],
      'conv1.bias': [0.5, -1e-3],
    });
    expect(read(text)).toEqual([
      ['conv1.bias', [2], [0.5, -1e-3]],
      ['conv1.weight', [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8.5]],
    ]);
  });

  it('reads the {"shape", "data"} form, scalars and empty tensors', () => {
    const text = `{
      "fc": {"shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]},
      "scale": 0.25,
      "s2": {"shape": [], "data": [-3]},
      "e1": [],
      "e2": [[], []],
      "e3": {"shape": [0, 4], "data": []}
    }`;
    expect(read(text)).toEqual([
      ['e1', [0], []],
      ['e2', [2, 0], []],
      ['e3', [0, 4], []],
      ['fc', [2, 3], [1, 2, 3, 4, 5, 6]],
      ['s2', [], [-3]],
      ['scale', [], [0.25]],
    ]);
  });

  it('accepts an empty object and a leading byte order mark', () => {
    expect(read('{}')).toEqual([]);
    expect(read('\uFEFF {"a": [1e2, -0.5E-1]}\n')).toEqual([['a', [2], [100, -0.05]]]);
  });
});

describe('readJsonTensors: invalid JSON', () => {
  it('reports the position of a syntax error', () => {
    expectWeightError(
      () => readJsonTensors('{"a": [1, 2,]}', 'w.json'),
      "w.json is not valid JSON at line 1, column 13 (position 12): unexpected character ']'.",
    );
    expectWeightError(
      () => readJsonTensors('{\n  "a": [1, 2]\n  "b": 3\n}', 'w.json'),
      `w.json is not valid JSON at line 3, column 3 (position 18): unexpected character '"' where ',' or '}' should be.`,
    );
    expectWeightError(
      () => readJsonTensors('{"a": [1, 2]', 'w.json'),
      "w.json is not valid JSON at line 1, column 13 (position 12): unexpected end of input where ',' or '}' should be.",
    );
    expectWeightError(
      () => readJsonTensors('', 'w.json'),
      'w.json is not valid JSON at line 1, column 1 (position 0): unexpected end of input.',
    );
    expectWeightError(
      () => readJsonTensors("{'a': [1]}", 'w.json'),
      `w.json is not valid JSON at line 1, column 2 (position 1): unexpected character "'" where a property name in double quotes should be.`,
    );
    expectWeightError(
      () => readJsonTensors('{"a" [1]}', 'w.json'),
      "w.json is not valid JSON at line 1, column 6 (position 5): unexpected character '[' where ':' should be.",
    );
    expectWeightError(
      () => readJsonTensors('{"a": 1} x', 'w.json'),
      "w.json is not valid JSON at line 1, column 10 (position 9): unexpected character 'x' after the end of the JSON value.",
    );
  });

  it('reports invalid numbers, strings and escapes', () => {
    expectWeightError(
      () => readJsonTensors('{"a": [01]}', 'w.json'),
      'w.json is not valid JSON at line 1, column 8 (position 7): invalid number.',
    );
    expectWeightError(
      () => readJsonTensors('{"a": [1., 2]}', 'w.json'),
      'w.json is not valid JSON at line 1, column 8 (position 7): invalid number.',
    );
    expectWeightError(
      () => readJsonTensors('{"a": [-]}', 'w.json'),
      'w.json is not valid JSON at line 1, column 8 (position 7): invalid number.',
    );
    expectWeightError(
      () => readJsonTensors('{"a\\q": 1}', 'w.json'),
      'w.json is not valid JSON at line 1, column 4 (position 3): invalid escape sequence in a string.',
    );
    expectWeightError(
      () => readJsonTensors('{"a\tb": 1}', 'w.json'),
      'w.json is not valid JSON at line 1, column 4 (position 3): unescaped control character in a string.',
    );
    expectWeightError(
      () => readJsonTensors('{"a": [1, 2', 'w.json'),
      "w.json is not valid JSON at line 1, column 12 (position 11): unexpected end of input where ',' or ']' should be.",
    );
    expectWeightError(
      () => readJsonTensors('{"ab', 'w.json'),
      'w.json is not valid JSON at line 1, column 5 (position 4): unterminated string.',
    );
  });

  it('explains NaN and Infinity literals, naming the tensor', () => {
    const why =
      "JSON has no NaN or Infinity (Python's json.dump writes them for non-finite floats), and every weight must be a finite number.";
    expectWeightError(
      () => readJsonTensors('{"conv1.bias": [0], "conv1.weight": [1, NaN]}', 'w.json'),
      `w.json is not valid JSON at line 1, column 41 (position 40): found NaN in tensor conv1.weight; ${why}`,
    );
    expectWeightError(
      () => readJsonTensors('{"fc": [[1, -Infinity]]}', 'w.json'),
      `w.json is not valid JSON at line 1, column 13 (position 12): found -Infinity in tensor fc; ${why}`,
    );
  });

  it('rejects a tensor name given twice', () => {
    expectWeightError(
      () => readJsonTensors('{"a": [1], "b": {"a": 1, "a": 2}, "a": [2]}', 'w.json'),
      'w.json is not valid JSON at line 1, column 35 (position 34): the tensor name "a" appears twice.',
    );
  });
});

describe('readJsonTensors: bad tensors', () => {
  it('rejects a top level that is not an object, and empty names', () => {
    expectWeightError(
      () => readJsonTensors('[[1, 2]]', 'w.json'),
      'w.json must hold a JSON object that maps tensor names to arrays, but it holds an array.',
    );
    expectWeightError(
      () => readJsonTensors('"weights.npy"', 'w.json'),
      'w.json must hold a JSON object that maps tensor names to arrays, but it holds the string "weights.npy".',
    );
    expectWeightError(() => readJsonTensors('{"": [1]}', 'w.json'), 'w.json holds a tensor with an empty name.');
  });

  it('rejects ragged arrays, naming the depth', () => {
    expectWeightError(
      () => readJsonTensors('{"conv1.weight": [[1, 2, 3], [4, 5]]}', 'w.json'),
      'w.json: tensor conv1.weight is ragged at depth 1: element [1] has 2 entries but element [0] has 3.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": [[[1, 2], [3, 4]], [[5, 6], [7]]]}', 'w.json'),
      'w.json: tensor w is ragged at depth 2: element [1,1] has 1 entry but element [0,0] has 2.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": [[1, 2], 3]}', 'w.json'),
      'w.json: tensor w is ragged at depth 1: element [1] is a number but element [0] is an array of 2 entries.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": [[1, 2], [3, [4]]]}', 'w.json'),
      'w.json: tensor w is ragged at depth 2: element [1,1] is an array but element [0,0] is a number.',
    );
  });

  it('rejects non-numbers, naming the tensor and the flat index', () => {
    expectWeightError(
      () => readJsonTensors('{"w": [[1, 2], [3, "NaN"]]}', 'w.json'),
      'w.json: tensor w holds the string "NaN" at index [1,1] (flat index 3); every weight must be a finite number.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": [1, null]}', 'w.json'),
      'w.json: tensor w holds null at index [1] (flat index 1); every weight must be a finite number.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": [true]}', 'w.json'),
      'w.json: tensor w holds the boolean true at index [0] (flat index 0); every weight must be a finite number.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": [[1, 2], "ab"]}', 'w.json'),
      'w.json: tensor w holds the string "ab" at index [1], where an array of 2 entries belongs; every weight must be a finite number.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": [[0, 1e999]]}', 'w.json'),
      'w.json: tensor w holds a number too large for a double at index [0,1] (flat index 1); every weight must be a finite number.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": -1e400}', 'w.json'),
      'w.json: tensor w holds a number too large for a double at index [] (flat index 0); every weight must be a finite number.',
    );
  });

  it('rejects tensors that are neither arrays nor {"shape", "data"} objects', () => {
    expectWeightError(
      () => readJsonTensors('{"w": "weights.npy"}', 'w.json'),
      'w.json: tensor w is the string "weights.npy"; a tensor must be a nested array of numbers or an object {"shape": [...], "data": [...]}.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": null}', 'w.json'),
      'w.json: tensor w is null; a tensor must be a nested array of numbers or an object {"shape": [...], "data": [...]}.',
    );
  });

  it('checks the {"shape", "data"} form', () => {
    expectWeightError(
      () => readJsonTensors('{"w": {"shape": [2, 3], "data": [1, 2, 3, 4, 5]}}', 'w.json'),
      'w.json: tensor w has shape [2,3], which holds 6 elements, but its data holds 5.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": {"shape": [2, 2], "data": [1, 2, "3", 4]}}', 'w.json'),
      'w.json: tensor w holds the string "3" at index [1,0] (flat index 2); every weight must be a finite number.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": {"shape": [2], "data": [[1], [2]]}}', 'w.json'),
      'w.json: tensor w holds an array at index [0] (flat index 0); every weight must be a finite number.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": {"shape": [2, -1], "data": []}}', 'w.json'),
      'w.json: tensor w has shape [2,-1]; a shape must be an array of non-negative integers.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": {"shape": "2x3", "data": []}}', 'w.json'),
      'w.json: tensor w has shape "2x3"; a shape must be an array of non-negative integers.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": {"shape": [1], "data": 5}}', 'w.json'),
      'w.json: tensor w has "data" that is the number 5; it must be a flat array of numbers.',
    );
    expectWeightError(
      () => readJsonTensors('{"w": {"shape": [1], "data": [1], "dtype": "f4"}}', 'w.json'),
      'w.json: tensor w is an object, so it must have exactly the keys "shape" and "data"; found "shape", "data", "dtype".',
    );
    expectWeightError(
      () => readJsonTensors('{"w": {}}', 'w.json'),
      'w.json: tensor w is an object, so it must have exactly the keys "shape" and "data"; found no keys.',
    );
  });
});

describe('checkFinite', () => {
  it('accepts finite tensors', () => {
    expect(() => checkFinite('w', { shape: [2], data: Float64Array.of(-0, 1e308) }, 'w.json')).not.toThrow();
    expect(() => checkFinite('w', { shape: [0], data: new Float64Array(0) }, 'w.json')).not.toThrow();
  });

  it('names the tensor, the multi-dimensional and the flat index of the first NaN or infinity', () => {
    const data = new Float64Array(16);
    data[11] = NaN; // [2,0,1,1] in shape [4,1,2,2]: 2*4 + 0*4 + 1*2 + 1 = 11
    data[12] = Infinity;
    expectWeightError(
      () => checkFinite('conv1.weight', { shape: [4, 1, 2, 2], data }, 'weights.json'),
      'weights.json: tensor conv1.weight holds NaN at index [2,0,1,1] (flat index 11); every weight must be a finite number.',
    );
    expectWeightError(
      () => checkFinite('b', { shape: [3], data: Float64Array.of(0, 0, -Infinity) }, 'w.npz'),
      'w.npz: tensor b holds -Infinity at index [2] (flat index 2); every weight must be a finite number.',
    );
  });

  it('catches non-finite values read from a .npy file', () => {
    const arr = readNpy(writeNpy({ shape: [1, 2], data: Float64Array.of(1, Infinity) }, '<f4'), 'x.npy');
    expectWeightError(
      () => checkFinite('fc.bias', arr, 'x.npy'),
      'x.npy: tensor fc.bias holds Infinity at index [0,1] (flat index 1); every weight must be a finite number.',
    );
  });
});
