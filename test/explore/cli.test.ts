/** `potgen explore` refusing bad input: one message, exit 1, nothing written. And its help. */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain, tempDir } from '../support/designs.ts';

const MODEL = 'test/explore/fixtures/convAuto.ts';
const dir = tempDir('potgen-explore-cli-');

/** Runs explore and checks that it failed with one message matching `message` and wrote no report or job file into `out`. */
async function refuses(args: string[], message: RegExp, out = path.join(dir, 'never')): Promise<void> {
  const r = await runMain('explore', ...args);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
  if (existsSync(out)) expect(readdirSync(out).filter((f) => f.startsWith('explore'))).toEqual([]);
}

describe('potgen explore refuses bad input', () => {
  const out = path.join(dir, 'never');

  it('an unknown quantisation', async () => {
    await refuses([MODEL, '--quant', 'pot:4,float:8', '-o', out], /--quant <list>.*float:8.*is invalid.*pot:<bits>/s);
  });

  it('a target that is not a positive whole number', async () => {
    await refuses([MODEL, '--targets', '144,0', '-o', out], /--targets <list>.*each at least 1/s);
    await refuses([MODEL, '--targets', '144,-5', '-o', out], /each at least 1/);
    await refuses([MODEL, '--targets', '1.5', '-o', out], /each at least 1/);
  });

  it('--points with --targets', async () => {
    await refuses([MODEL, '--points', '3', '--targets', '144', '-o', out], /--targets.*cannot be used with.*--points/s);
  });

  it('a point out of range', async () => {
    // 144, 600 and 2592 fold three ways: points 0 to 2.
    await refuses([MODEL, '--targets', '144,600,2592', '--point', '3', '-o', out], /There is no point 3: the plan has 3 points, 0 to 2\./);
    expect(existsSync(out)).toBe(false);
  });

  it('no target a folding reaches', async () => {
    await refuses([MODEL, '--targets', '10,20', '-o', out], /No target can be reached[\s\S]*pot-4 at 20: No folding reaches 20 cycles per inference/);
    expect(existsSync(out)).toBe(false);
  });

  it('--collect on a folder without points', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    await refuses(['--collect', empty], /holds no points\/<label>\/result\.json.*nothing to collect/, empty);
    await refuses(['--collect', path.join(dir, 'absent')], /nothing to collect/);
  });

  it('--collect on a result that is not one', async () => {
    const bad = path.join(dir, 'bad');
    mkdirSync(path.join(bad, 'points', 'x'), { recursive: true });
    writeFileSync(path.join(bad, 'points', 'x', 'result.json'), '{"plan": ');
    await refuses(['--collect', bad], /result\.json cannot be read as JSON/, bad);
  });

  it('neither a model nor --collect, and --allow-missing alone', async () => {
    await refuses([], /Name the model file to explore/);
    await refuses([MODEL, '--allow-missing'], /--allow-missing goes with --collect/);
  });
});

describe('potgen explore --help', () => {
  it('explains every option', async () => {
    const r = await runMain('explore', '--help');
    expect(r.status).toBe(0);
    for (const option of ['--out', '--quant', '--points', '--targets', '--jobs', '--point', '--emit-jobs', '--collect', '--allow-missing']) {
      expect(r.stdout).toMatch(new RegExp(`^  (-o, )?${option} .*\\S`, 'm'));
    }
    expect(r.stdout).toMatch(/SLURM_ARRAY_TASK_ID/);
  });
});
