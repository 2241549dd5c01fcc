import { Command } from 'commander';
import { diffCommand } from './diff';
import { gitopsCommand } from './gitops';
import { SynthesisError } from '../errors';
import { explainCommand } from './explain';
import { TreeStats } from '../synth/files';
import { WriteReport } from '../synth/writer';
import { synthesize } from '../synth/synthesize';
import { fileSystemError, FileSystemError } from '../synth/fs-errors';
import { describeHolder, LockHolder } from '../synth/lock';
import { contains } from '../synth/outdir';
import { CDK8S_OUTDIR_ENV, cdk8sDeletesOutput, mirrorForCdk8s } from '../synth/cdk8s-output';
import { formatReport, importKubeSphereFiles } from '../import';
import { Progress } from './progress';
import * as fs from 'fs';
import * as path from 'path';

/** Builds the `netiso` command line. Exported so tests can drive it without a subprocess. */
export function buildCli(): Command {
  const program = new Command('netiso')
    .description('KubeSphere-style project network isolation for GitOps')
    .showHelpAfterError();

  program.command('synth')
    .description('synthesize projects/ into dist/<cluster>/<project>/')
    .option('-p, --projects <dir>', 'directory of project definitions', 'projects')
    .option('-o, --outdir <dir>', 'output directory', 'dist')
    .option('--check', 'write nothing; exit 1 when the output directory is out of date')
    .option('-f, --force', 'write even if that removes every generated file (no definitions found, a cluster without projects), or into a directory that does not look like netiso output')
    .option('-q, --quiet', 'print nothing but errors')
    .action((opts: SynthCliOptions) => {
      try {
        synthAction(opts);
      } catch (e) {
        const error = fileSystemError(e);
        if (!(error instanceof FileSystemError)) throw error;
        console.error(`netiso synth: ${error.message}`);
        process.exitCode = 2;
      }
    });
  program.command('import-kubesphere')
    .description('import KubeSphere (v3.x) network isolation settings into a project definition file (see README, "Migrating from KubeSphere")')
    .argument('<paths...>', 'YAML or JSON exports (files or directories): Namespaces, Workspaces, WorkspaceTemplates, NamespaceNetworkPolicies, Services, the kubesphere-config ConfigMap')
    .option('-o, --out <file>', 'definition file to write', 'projects/kubesphere.ts')
    .option('-c, --cluster <name>', 'name of the netiso cluster the definitions declare', 'kubesphere')
    .option('--stdout', 'print the definition file instead of writing it')
    .option('-f, --force', 'overwrite the output file if it exists')
    .option('--egress-within-project', "re-allow egress within a project once egress is locked down (netiso's default; KubeSphere does not)")
    .option('--adopt-services', 'emit the ClusterIP Services that entries name as ProjectServices, so netiso owns them')
    .option('--manage-namespaces', 'emit the Namespace objects, so netiso owns them')
    .action((paths: string[], opts: {
      out: string; cluster: string; stdout?: boolean; force?: boolean; egressWithinProject?: boolean; adoptServices?: boolean; manageNamespaces?: boolean;
    }) => {
      if (!opts.stdout && fs.existsSync(opts.out) && !opts.force) {
        console.error(`netiso import-kubesphere: ${opts.out} exists; pass --force to overwrite it, or --out another file`);
        process.exitCode = 1;
        return;
      }
      let result;
      try {
        result = importKubeSphereFiles(paths, {
          cluster: opts.cluster,
          egressWithinProject: opts.egressWithinProject ?? false,
          adoptServices: opts.adoptServices ?? false,
          manageNamespaces: opts.manageNamespaces ?? false,
        });
      } catch (e) {
        console.error(`netiso import-kubesphere: ${(e as Error).message}`);
        process.exitCode = 1;
        return;
      }
      console.error(formatReport(result.report).trimEnd());
      if (opts.stdout) {
        process.stdout.write(result.source);
        return;
      }
      try {
        fs.mkdirSync(path.dirname(opts.out), { recursive: true });
        fs.writeFileSync(opts.out, result.source);
      } catch (e) {
        const error = fileSystemError(e, { fix: 'choose another file with --out' });
        if (!(error instanceof FileSystemError)) throw error;
        console.error(`netiso import-kubesphere: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      console.log(`wrote ${opts.out}: review it, then run \`netiso synth\` (npm run synth)`);
    });
  program.addCommand(explainCommand());
  program.addCommand(diffCommand());
  program.addCommand(gitopsCommand());
  return program;
}

interface SynthCliOptions {
  projects: string;
  outdir: string;
  check?: boolean;
  force?: boolean;
  quiet?: boolean;
}

/** How long a synth waits for another one writing the same output directory. */
const LOCK_WAIT_MS = 120_000;

function synthAction(opts: SynthCliOptions): void {
  const started = performance.now();
  const cdk8sOutdir = process.env[CDK8S_OUTDIR_ENV];
  if (cdk8sOutdir && !opts.check && contains(opts.outdir, cdk8sOutdir) && !cdk8sDeletesOutput(opts.outdir, cdk8sOutdir)) {
    throw new FileSystemError(`cdk8s's output directory ${cdk8sOutdir} is inside ${opts.outdir}; set output: in cdk8s.yaml to a directory of its own (e.g. cdk8s.out)`, cdk8sOutdir);
  }
  const progress = opts.quiet ? undefined : new Progress(process.stderr);
  const onProject = progress && ((done: number, total: number) => progress.update(opts.check ? 'checking' : 'synthesizing', done, total, 'projects'));
  const onWait = (holder: LockHolder | undefined) => {
    if (!opts.quiet) console.error(`waiting for ${describeHolder(holder)}, which is writing ${opts.outdir} …`);
  };
  let result: ReturnType<typeof synthesize>;
  try {
    result = synthesize({
      projectsDir: opts.projects, outdir: opts.outdir, onProject, dryRun: opts.check, force: opts.force, lock: { waitMs: LOCK_WAIT_MS, onWait },
    });
  } finally {
    progress?.clear();
  }
  const { stats, warnings, report } = result;
  if (opts.check) {
    const stale = [...report.written.map((f) => `${f} (missing or differs)`), ...report.removed.map((f) => `${f} (stale)`)].sort();
    if (stale.length) {
      console.error(`${opts.outdir} is out of date with ${opts.projects}; run \`${synthCommand(opts)}\` and commit the result:\n${stale.map((s) => `  - ${s}`).join('\n')}`);
      process.exitCode = 1;
    } else if (!opts.quiet) {
      console.log(`${opts.outdir} is up to date`);
    }
    return;
  }
  if (cdk8sOutdir) {
    if (cdk8sDeletesOutput(opts.outdir, cdk8sOutdir)) {
      console.error(`warning: cdk8s synth deleted ${opts.outdir} before running netiso (its output directory is ${cdk8sOutdir}), with any files placed there by hand; set output: in cdk8s.yaml to a scratch directory such as cdk8s.out, and netiso keeps writing ${opts.outdir} safely`);
    } else {
      mirrorForCdk8s(opts.outdir, report, cdk8sOutdir);
    }
  }
  if (!opts.quiet) for (const w of warnings) console.error(`warning: ${w.path}: ${w.message}`);
  if (!opts.quiet) for (const f of report.foreign) console.error(`note: ${path.join(opts.outdir, f)} was not generated by netiso; kept, and not listed in any kustomization.yaml`);
  if (!opts.quiet) console.log(summaryLine(stats, report, opts.outdir, performance.now() - started));
}

/**
 * The one-line result of `netiso synth`, e.g. `synthesized 1 cluster, 2 projects, 9 objects into
 * dist: 3 files written, 9 unchanged, 0 removed (0.4 s)`. Its shape is stable for scripts.
 */
function summaryLine(stats: TreeStats, report: WriteReport, outdir: string, elapsedMs: number): string {
  const kept = report.foreign.length ? `, ${report.foreign.length} kept (not generated)` : '';
  return `synthesized ${count(stats.clusters, 'cluster')}, ${count(stats.projects, 'project')}, ${count(stats.objects, 'object')} into ${outdir}: `
    + `${count(report.written.length, 'file')} written, ${report.unchanged.length} unchanged, ${report.removed.length} removed${kept} (${(elapsedMs / 1000).toFixed(1)} s)`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The synth command for these options, to quote in messages. */
function synthCommand(opts: { projects: string; outdir: string }): string {
  const args = [opts.projects !== 'projects' ? `--projects ${opts.projects}` : '', opts.outdir !== 'dist' ? `--outdir ${opts.outdir}` : ''].filter(Boolean);
  return args.length ? `netiso synth ${args.join(' ')}` : 'npm run synth';
}

/**
 * Runs the CLI. Problems in the definitions print as a list and exit 1; a file-system problem
 * prints as one line naming the path and the fix and exits 2.
 */
export function main(argv: string[]): void {
  guardOutput(process.stdout);
  guardOutput(process.stderr);
  try {
    buildCli().parse(argv);
  } catch (e) {
    if (e instanceof SynthesisError) {
      console.error(e.message);
      process.exitCode = 1;
      return;
    }
    const error = fileSystemError(e);
    if (error instanceof FileSystemError) {
      const command = argv[2] && !argv[2].startsWith('-') ? ` ${argv[2]}` : '';
      console.error(`netiso${command}: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}

const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * A reader that goes away (`netiso explain | head`) ends the output quietly instead of with an
 * EPIPE stack trace; any other failure to write it (a full disk behind `> report.md`) is one
 * line on the other stream and exit 2.
 */
function guardOutput(stream: NodeJS.WriteStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (e.code === 'EPIPE') return;
    const other = stream === process.stdout ? process.stderr : process.stdout;
    const error = fileSystemError(e, { action: `write to standard ${stream === process.stdout ? 'output' : 'error'}`, fix: 'check where the output goes (a full disk, a closed pipe)' });
    other.write(`netiso: ${(error as Error).message}\n`);
    process.exitCode = 2;
  });
}

if (require.main === module) main(process.argv);
