/**
 * An exploration taken off the machine: a job list, a Slurm array script and a GitHub Actions
 * matrix workflow, each running `potgen explore <model> --point i` with the options that made the
 * plan, so that every task replans the same points and measures only its own. `--collect` then
 * merges their result.json files.
 */
import path from 'node:path';
import { PACKAGE_ROOT } from '../core/paths.ts';
import type { QuantVariant } from '../dsl/types.ts';
import type { ExplorePlan } from './plan.ts';

/** The options that decide the plan, as `potgen explore` takes them. */
export interface PlanArgs {
  readonly variants?: readonly QuantVariant[];
  readonly targets?: readonly number[];
  readonly points?: number;
}

/** A variant as `--quant` spells it (the inverse of the CLI's parseQuant). */
export function quantArg(q: QuantVariant): string {
  const storage = q.storage ? `:${q.storage}` : '';
  if (q.kind === 'pot') return `pot:${q.bits}${q.prune ? `:prune${Math.round(q.prune * 100)}` : ''}${storage}`;
  return `uniform:${q.bits}:${q.scale ?? 'layer'}${storage}`;
}

/** The command-line options that reproduce the plan. */
export function planArgs(a: PlanArgs): string[] {
  return [
    ...(a.variants?.length ? ['--quant', a.variants.map(quantArg).join(',')] : []),
    ...(a.targets ? ['--targets', a.targets.join(',')] : a.points !== undefined ? ['--points', String(a.points)] : []),
  ];
}

/** Quotes a word for bash only when it needs it. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_/.,:=+@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A path as the jobs run it: relative to the working directory when below it (portable to a checkout), else as it is. */
function portable(p: string, workdir: string): string {
  const rel = path.relative(workdir, path.resolve(workdir, p));
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : path.resolve(workdir, p);
}

export interface JobSetting {
  /** The model file as the user named it. */
  readonly model: string;
  /** The folder the tasks write points/<label>/result.json into. */
  readonly out: string;
  /** The folder the job files go to. */
  readonly jobsDir: string;
  /** Where paths are relative to: the directory `--emit-jobs` ran in. */
  readonly workdir: string;
  readonly args: PlanArgs;
}

/** The contents of explore-jobs.json, explore.slurm and explore-matrix.yml, by file name. */
export function jobFiles(plan: ExplorePlan, s: JobSetting): Map<string, string> {
  const n = plan.points.length;
  const count = `${n} point${n === 1 ? '' : 's'}`;
  const model = portable(s.model, s.workdir);
  const out = portable(s.out, s.workdir);
  const args = ['explore', model, '--out', out, ...planArgs(s.args)];
  const bin = path.join(PACKAGE_ROOT, 'bin', 'potgen.js');
  const words = args.map(shellWord).join(' ');
  const files = new Map<string, string>();

  files.set(
    'explore-jobs.json',
    `${JSON.stringify(
      {
        model,
        out,
        // Run each point as: potgen <command...> --point <index>; then potgen explore --collect <out>.
        command: args,
        points: plan.points.map((p) => ({ index: p.index, label: p.label, quant: p.quant, target: p.target })),
        plan,
      },
      null,
      2,
    )}\n`,
  );

  files.set(
    'explore.slurm',
    `#!/bin/bash
#SBATCH --job-name=potgen-explore-${plan.design.replace(/[^A-Za-z0-9_-]/g, '_')}
#SBATCH --array=0-${n - 1}
#SBATCH --cpus-per-task=2
#SBATCH --output=${path.resolve(s.workdir, s.jobsDir)}/slurm-%A_%a.log
#
# potgen explore of ${plan.model} as a Slurm job array: one task per point (${count}), written
# by potgen explore --emit-jobs. Add --time, --mem or --partition as your cluster needs. Submit:
#   sbatch ${shellWord(path.join(s.jobsDir, 'explore.slurm'))}
# When every task has finished, merge their results:
#   potgen explore --collect ${shellWord(out)}
# Without Slurm, one point runs as: SLURM_ARRAY_TASK_ID=0 bash explore.slurm
# POTGEN replaces the potgen command (default: the install that wrote this file).
set -euo pipefail
: "\${SLURM_ARRAY_TASK_ID:?set SLURM_ARRAY_TASK_ID to the index of a point, 0 to ${n - 1}}"
cd ${shellWord(s.workdir)}
if [ -n "\${POTGEN:-}" ]; then read -r -a potgen <<< "$POTGEN"; else potgen=(node ${shellWord(bin)}); fi
exec "\${potgen[@]}" ${words} --point "$SLURM_ARRAY_TASK_ID"
`,
  );

  // In a checkout potgen runs from its own bin/ when the model lives in potgen's repository, else from npm.
  const binRel = portable(bin, s.workdir);
  const potgen = path.isAbsolute(binRel) ? 'npx potgen' : `node ${binRel}`;
  const setup = `      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci`;
  files.set(
    'explore-matrix.yml',
    `# potgen explore of ${plan.model} as a GitHub Actions matrix: one job per point (${count}),
# written by potgen explore --emit-jobs. Copy it to .github/workflows/ in the repository that holds
# the model: paths are relative to where --emit-jobs ran, which must be the repository's root.
# The collect job merges the points' result.json artifacts into explore.md, .json and .html.
name: potgen explore ${plan.design}
on: workflow_dispatch
jobs:
  point:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        point: [${plan.points.map((p) => p.index).join(', ')}]
        include:
${plan.points.map((p) => `          - point: ${p.index}\n            label: ${p.label}`).join('\n')}
    steps:
${setup}
      - name: measure point \${{ matrix.point }} (\${{ matrix.label }})
        run: |
          ${potgen} ${words} --point \${{ matrix.point }}
      - uses: actions/upload-artifact@v4
        with:
          name: \${{ matrix.label }}
          path: ${out}/points/\${{ matrix.label }}/result.json
          if-no-files-found: error
  collect:
    needs: point
    runs-on: ubuntu-latest
    steps:
${setup}
      - uses: actions/download-artifact@v4
        with:
          path: ${out}/points
      - run: |
          ${potgen} explore --collect ${shellWord(out)}
      - uses: actions/upload-artifact@v4
        with:
          name: explore-report
          path: |
            ${out}/explore.md
            ${out}/explore.json
            ${out}/explore.html
`,
  );
  return files;
}
