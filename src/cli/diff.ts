import * as fs from 'fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { semanticsOf } from '../cni/cni';
import { CNI_PROFILES, cniProfile } from '../cni/names';
import { DataplaneSemantics } from '../cni/semantics';
import { DiffOptions as EngineDiffOptions, diffDist, diffManifests, hasConnectivityChange } from '../diff/diff';
import { DEFAULT_MD_MAX_BYTES, DIFF_FORMATS, DiffFormat, formatDiff } from '../diff/format';
import { DiffReport } from '../diff/report';
import { DiffSide, checkSides, loadSide, shareIdenticalTexts } from '../diff/sides';
import { renderDefinitions } from '../synth/synthesize';
import { htmlOutputProblem, writeDiffExplorer } from '../explorer/cli';
import { prepareToRead } from '../synth/outdir';

interface DiffOptions {
  format: DiffFormat | 'html';
  output?: string;
  failOn?: 'risk';
  synth?: boolean;
  dist: string;
  projects: string;
  manifests?: boolean;
  path: string;
  namespace?: string;
  strict?: boolean;
  cni?: string;
  pairs?: boolean;
  maxBytes?: number;
}

/**
 * `netiso diff <base> [head]`: the connectivity diff between two trees. Exit codes: 0 no
 * connectivity change, 1 changes (with `--fail-on risk`: only risks), 2 error, including usage
 * errors, so a CI gate never mistakes a typo for "changes found", and a side without any
 * `<cluster>/<project>/` file (a mistyped `--dist`), so it never mistakes one for "no changes".
 */
export function diffCommand(): Command {
  return new Command('diff')
    .description('compare what two trees let connect: netiso dist trees, or any manifests with --manifests; each side is a directory or a git revision')
    .argument('<base>', 'directory, or git revision whose committed tree is read (e.g. origin/main)')
    .argument('[head]', 'directory or git revision; omit with --synth, or with --cni a,b to compare two dataplanes on <base>')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...DIFF_FORMATS, 'html']).default('text'))
    .option('-o, --output <file>', 'write the complete report to this file (html: the explorer, changed cells marked); stdout keeps the short one')
    .option('--max-bytes <n>', `cut text and md output after this many bytes, saying what was left out (default for md: ${DEFAULT_MD_MAX_BYTES}, a pull-request comment's size)`, (v) => positive(v, '--max-bytes'))
    .addOption(new Option('--fail-on <what>', 'exit 1 only for risk flags, not for any change').choices(['risk']))
    .option('--synth', 'use projects/ of the working tree, synthesized in memory, as the head')
    .option('--dist <path>', 'dist directory inside a git revision, relative to the current directory', 'dist')
    .option('-p, --projects <dir>', 'directory of project definitions (with --synth)', 'projects')
    .option('--manifests', 'the sides hold any Kubernetes manifests (YAML or JSON, kustomize folders, cluster exports), not a netiso dist')
    .option('--path <path>', 'with --manifests: directory inside a git revision to read (default: the whole revision)', '.')
    .option('-n, --namespace <name>', 'with --manifests: namespace of objects that name none (default: default)')
    .option('--strict', 'with --manifests: fail on any object that cannot be read, instead of reporting it')
    .option('--cni <profile[,profile]>', `analyse as this dataplane enforces it; two profiles compare the dataplanes (${CNI_PROFILES.map((p) => p.name).join(', ')}; add +masquerade-all for kube-proxy's masqueradeAll)`)
    .option('--pairs', 'also list every changed pair of workloads (or workload and address range)')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (base: string, head: string | undefined, opts: DiffOptions) => {
      try {
        const dataplanes = parseCni(opts.cni);
        const sameTree = head === undefined && !opts.synth && (opts.cni ?? '').includes(',');
        if (!sameTree && opts.synth === (head !== undefined)) {
          throw new Error(opts.synth ? '--synth replaces the head argument; give only <base>' : 'give <base> and <head>, <base> with --synth, or one tree with --cni a,b');
        }
        if (opts.manifests && opts.synth) throw new Error('--synth renders netiso definitions; it cannot be combined with --manifests');
        if (opts.format === 'html') {
          const outputProblem = htmlOutputProblem(opts.format, opts.output, 1, 'netiso-diff.html');
          if (outputProblem) throw new Error(outputProblem);
        }
        // A directory side must not be read while a synth swaps it, nor after a swap was interrupted.
        for (const side of [base, head]) if (side !== undefined) prepareToRead(side, { waitMs: 120_000 });
        const where = opts.manifests ? opts.path : opts.dist;
        const baseSide = loadSide('base', base, where);
        const headSide: DiffSide = sameTree
          ? { ...baseSide, role: 'head' }
          : opts.synth
            ? { role: 'head', spec: '--synth', kind: 'synth', files: (await renderDefinitions({ projectsDir: opts.projects })).files }
            : loadSide('head', head as string, where);
        if (!sameTree) shareIdenticalTexts(baseSide.files, headSide.files);
        const options: EngineDiffOptions = {
          names: { base: baseSide.spec, head: sameTree ? baseSide.spec : headSide.spec },
          ...(dataplanes ? { dataplanes } : {}),
          ...(opts.pairs ? { pairs: true } : {}),
        };
        let report: DiffReport;
        if (opts.manifests) {
          // Objects that cannot be read are listed in the report itself (and make the exit code 1).
          report = diffManifests(baseSide.files, headSide.files, { ...options, ...(opts.namespace ? { defaultNamespace: opts.namespace } : {}), ...(opts.strict ? { strict: true } : {}) });
        } else {
          for (const note of checkSides(baseSide, headSide, opts.dist)) console.error(`netiso diff: ${note}`);
          report = diffDist(baseSide.files, headSide.files, options);
        }
        if (opts.format === 'html') {
          writeDiffExplorer(report, baseSide, headSide, where, opts.output as string);
        } else {
          if (opts.output) writeFile(opts.output, formatDiff(report, opts.format));
          const maxBytes = opts.maxBytes ?? (opts.format === 'md' ? DEFAULT_MD_MAX_BYTES : undefined);
          process.stdout.write(formatDiff(report, opts.format, { ...(maxBytes ? { maxBytes } : {}), ...(opts.output ? { fullReport: `in ${opts.output}` } : {}) }));
        }
        const failing = opts.failOn === 'risk' ? report.risks.length > 0 : hasConnectivityChange(report);
        // An incomplete reading never passes a gate as "no change".
        process.exitCode = failing || report.problems?.length ? 1 : 0;
      } catch (e) {
        console.error(`netiso diff: ${(e as Error).message}`);
        process.exitCode = 2;
      }
    });
}

function parseCni(value: string | undefined): [DataplaneSemantics, DataplaneSemantics] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length < 1 || names.length > 2) throw new Error(`--cni takes one profile, or two to compare (e.g. calico,cilium-1.16), not ${JSON.stringify(value)}`);
  const semantics = (name: string): DataplaneSemantics => {
    const [profile, ...settings] = name.split('+');
    const unknown = settings.filter((s) => s !== 'masquerade-all');
    if (unknown.length) throw new Error(`--cni ${name}: unknown setting ${unknown.map((u) => `+${u}`).join(', ')}; the only one is +masquerade-all`);
    return semanticsOf(cniProfile(profile), { masqueradeAll: settings.includes('masquerade-all') });
  };
  const [a, b] = names.map(semantics);
  return [a, b ?? a];
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1000) throw new InvalidArgumentError(`${flag} must be a whole number of bytes, at least 1000, not ${JSON.stringify(value)}`);
  return n;
}

function writeFile(file: string, content: string): void {
  try {
    fs.writeFileSync(file, content);
  } catch (e) {
    throw new Error(`cannot write ${file}: ${(e as Error).message}; choose another --output`);
  }
}
