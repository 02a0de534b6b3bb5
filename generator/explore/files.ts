/**
 * The two small helpers `explore` shares among its modules: whole-file writes and a job pool.
 * (runCompare keeps private copies; these are explore's own so that compare stays untouched.)
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes a text file whole or not at all: a temporary sibling renamed into place. */
export function writeWhole(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}

/** A label that is also a folder name. */
export function folderName(label: string): string {
  return label.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** One item that failed in `pool`, with its index. */
export interface PoolFailure {
  readonly index: number;
  readonly error: unknown;
}

/**
 * Runs `work` over `items` with at most `jobs` at once, keeping the items' order in the results.
 * Unlike Promise.all it lets every item finish before it reports failures, so that one point's
 * failure does not leave the others half-measured in the background.
 */
export async function pool<T, R>(
  items: readonly T[],
  jobs: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<{ results: (R | undefined)[]; failures: PoolFailure[] }> {
  const results = new Array<R | undefined>(items.length).fill(undefined);
  const failures: PoolFailure[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]!, i);
      } catch (error) {
        failures.push({ index: i, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  failures.sort((a, b) => a.index - b.index);
  return { results, failures };
}
