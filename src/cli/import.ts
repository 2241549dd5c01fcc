import { Command } from 'commander';
import * as fs from 'fs';
import { FileSystemError, fileSystemError } from '../synth/fs-errors';
import * as path from 'path';
import { formatProblems } from '../errors';
import { formatReport, importKubeSphereFiles } from '../import';
import type { ImportReportItem } from '../import';
import { synthesisProblems } from '../import/verify';

/** Options of `netiso import-kubesphere`. */
export interface ImportCliOptions {
  /** The cluster's definition file; workspace files are written next to it. */
  out: string;
  cluster: string;
  stdout?: boolean;
  force?: boolean;
  egressWithinProject?: boolean;
  adoptServices?: boolean;
  manageNamespaces?: boolean;
}

/**
 * `netiso import-kubesphere`: KubeSphere's network isolation settings as definition files, the
 * cluster's in `--out` and one per workspace next to it. The result is synthesized in memory
 * first; definitions that do not synthesize are refused with their problems, and nothing is written.
 */
export function importCommand(): Command {
  return new Command('import-kubesphere')
    .description('import KubeSphere (v3.x) network isolation settings into project definition files (see docs/import.md)')
    .argument('<paths...>', 'YAML or JSON exports (files or directories): Namespaces, Workspaces, WorkspaceTemplates, NamespaceNetworkPolicies, Services, Nodes, the kubesphere-config ConfigMap')
    .option('-o, --out <file>', 'the cluster\'s definition file; each workspace gets <name>-<workspace>.ts next to it', 'projects/kubesphere.ts')
    .option('-c, --cluster <name>', 'name of the netiso cluster the definitions declare', 'kubesphere')
    .option('--stdout', 'print the definition files instead of writing them')
    .option('-f, --force', 'overwrite the files if they exist, and remove the workspace files of an earlier import that this one no longer writes')
    .option('--egress-within-project', "re-allow egress within a project once egress is locked down (netiso's default; KubeSphere does not)")
    .option('--adopt-services', 'emit the ClusterIP Services that entries name as ProjectServices, so netiso owns them')
    .option('--manage-namespaces', 'emit the Namespace objects, so netiso owns them')
    .action(async (paths: string[], opts: ImportCliOptions) => {
      try {
        const result = await importToFiles(paths, opts, (report) => console.error(formatReport(report).trimEnd()));
        if (opts.stdout) {
          for (const file of result.files) process.stdout.write(`// ==> ${file.path} <==\n${file.source}\n`);
          return;
        }
        const workspaces = result.files.length - 1;
        console.log(`wrote ${result.files[0].path} and ${workspaces} workspace file${workspaces === 1 ? '' : 's'} next to it${
          result.removed.length ? `; removed ${result.removed.join(', ')}` : ''}: review them, then run \`netiso synth\` (npm run synth)`);
      } catch (e) {
        // A file-system failure is exit 2, like every command's; bad input is exit 1.
        console.error(`netiso import-kubesphere: ${(e as Error).message}`);
        process.exitCode = e instanceof FileSystemError ? 2 : 1;
      }
    });
}

/** What {@link importToFiles} did. */
export interface ImportedFiles {
  /** The definition files, with the paths they are (or, with `stdout`, would be) written to. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly source: string }>;
  /** Workspace files of an earlier import that were removed. */
  readonly removed: readonly string[];
}

/**
 * The work of `netiso import-kubesphere`: imports `paths`, hands the report to `onReport`, and
 * (unless `stdout`) synthesizes the result in memory and writes it. Throws with a message for
 * the user when the input cannot be read, files would be overwritten without `force`, or the
 * result would not synthesize (then nothing is written).
 */
export async function importToFiles(paths: readonly string[], opts: ImportCliOptions, onReport: (report: readonly ImportReportItem[]) => void): Promise<ImportedFiles> {
  const dir = path.dirname(opts.out);
  const baseName = path.basename(opts.out).replace(/\.ts$/, '');
  const result = importKubeSphereFiles(paths, {
    cluster: opts.cluster,
    egressWithinProject: opts.egressWithinProject ?? false,
    adoptServices: opts.adoptServices ?? false,
    manageNamespaces: opts.manageNamespaces ?? false,
    baseName,
  });
  onReport(result.report);
  const files = result.files.map((f) => ({ path: path.join(dir, f.name), source: f.source }));
  if (opts.stdout) return { files, removed: [] };
  const targets = files.map((f) => f.path);
  const stale = earlierImportFiles(dir, baseName).filter((f) => !targets.includes(f));
  const existing = [...targets.filter((f) => fs.existsSync(f)), ...stale];
  if (existing.length && !opts.force) {
    throw new Error(`${existing.join(', ')} ${existing.length === 1 ? 'exists' : 'exist'}; pass --force to overwrite ${existing.length === 1 ? 'it' : 'them'} (and remove the workspace files this import no longer writes), or --out another file`);
  }
  const problems = await synthesisProblems(result.model, { baseName }, dir);
  if (problems.length) {
    throw new Error(`the imported definitions would not synthesize, so nothing was written; fix the input (or report the import's mistake):\n${formatProblems(problems).split('\n').slice(1).join('\n')}`);
  }
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const file of files) fs.writeFileSync(file.path, file.source);
    for (const file of stale) fs.rmSync(file);
  } catch (e) {
    throw fileSystemError(e, { fix: 'choose another file with --out' });
  }
  return { files, removed: stale };
}

/** Workspace files an earlier import wrote next to `<base>.ts` (recognised by their first line). */
function earlierImportFiles(dir: string, base: string): string[] {
  // Not a directory (yet): nothing to remove, and writing reports what is in the way.
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return fs.readdirSync(dir)
    .filter((f) => f.startsWith(`${base}-`) && f.endsWith('.ts'))
    .map((f) => path.join(dir, f))
    .filter((f) => fs.readFileSync(f, 'utf8').startsWith('// Imported from KubeSphere'))
    .sort();
}
