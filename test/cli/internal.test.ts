/** A bug is not the user's fault: the CLI says "internal error (please report it)", shows the stack, and exits with status 2. */
import { describe, expect, it, vi } from 'vitest';
import { InternalError } from '../../generator/core/errors.ts';
import { runMain } from '../support/designs.ts';

vi.mock('../../generator/run/manifest.ts', () => ({
  readManifest: () => {
    throw new InternalError('a broken invariant');
  },
  readRtlFiles: () => ({}),
}));

describe('internal errors', () => {
  it('exit with status 2 and the stack, never as a user error', async () => {
    const r = await runMain('lint', 'anywhere');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^potgen: internal error \(please report it\): InternalError: a broken invariant\n {4}at /);
  });
});
