import { Command, Option } from 'commander';
import { hasConnectivityChange, diffDist } from '../diff/diff';
import { DIFF_FORMATS, DiffFormat, formatDiff } from '../diff/format';
import { DiffSide, checkSides, loadSide } from '../diff/sides';
import { renderDefinitions } from '../synth/synthesize';
import { prepareToRead } from '../synth/outdir';

interface DiffOptions {
  format: DiffFormat;
  failOn?: 'risk';
  synth?: boolean;
  dist: string;
  projects: string;
}

/**
 * `netiso diff <base> [head]`: the connectivity diff between two dist trees. Exit codes: 0 no
 * connectivity change, 1 changes (with `--fail-on risk`: only risks), 2 error, including usage
 * errors, so a CI gate never mistakes a typo for "changes found", and a side without any
 * `<cluster>/<project>/` file (a mistyped `--dist`), so it never mistakes one for "no changes".
 */
export function diffCommand(): Command {
  return new Command('diff')
    .description('compare what two dist trees let connect; each side is a dist directory or a git revision')
    .argument('<base>', 'dist directory, or git revision whose committed dist is read (e.g. origin/main)')
    .argument('[head]', 'dist directory or git revision; omit with --synth')
    .addOption(new Option('-f, --format <format>', 'output format').choices(DIFF_FORMATS).default('text'))
    .addOption(new Option('--fail-on <what>', 'exit 1 only for risk flags, not for any change').choices(['risk']))
    .option('--synth', 'use projects/ of the working tree, synthesized in memory, as the head')
    .option('--dist <path>', 'dist directory inside a git revision, relative to the current directory', 'dist')
    .option('-p, --projects <dir>', 'directory of project definitions (with --synth)', 'projects')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action((base: string, head: string | undefined, opts: DiffOptions) => {
      try {
        if (opts.synth === (head !== undefined)) throw new Error(opts.synth ? '--synth replaces the head argument; give only <base>' : 'give <base> and <head>, or <base> with --synth');
        // A directory side must not be read while a synth swaps it, nor after a swap was interrupted.
        for (const side of [base, head]) if (side !== undefined) prepareToRead(side, { waitMs: 120_000 });
        const baseSide = loadSide('base', base, opts.dist);
        const headSide: DiffSide = opts.synth
          ? { role: 'head', spec: '--synth', kind: 'synth', files: renderDefinitions({ projectsDir: opts.projects }).files }
          : loadSide('head', head as string, opts.dist);
        for (const note of checkSides(baseSide, headSide, opts.dist)) console.error(`netiso diff: ${note}`);
        const report = diffDist(baseSide.files, headSide.files, { base: baseSide.spec, head: headSide.spec });
        process.stdout.write(formatDiff(report, opts.format));
        const failing = opts.failOn === 'risk' ? report.risks.length > 0 : hasConnectivityChange(report);
        process.exitCode = failing ? 1 : 0;
      } catch (e) {
        console.error(`netiso diff: ${(e as Error).message}`);
        process.exitCode = 2;
      }
    });
}
