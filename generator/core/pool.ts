/** A bounded pool for independent long jobs (variants of compare, points of explore). */

/** One item that failed in `pool`, with its index. */
export interface PoolFailure {
  readonly index: number;
  readonly error: unknown;
}

/**
 * Runs `work` over `items` with at most `jobs` at once, keeping the items' order in the results.
 * Unlike Promise.all it lets every item finish before it reports failures, so that one item's
 * failure does not leave the others running in the background.
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
