import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { formatProblems } from '../errors';
import { formatReport, importKubeSphereFiles } from '../import';
import type { DefinitionFile } from '../import';
import { synthesisProblems } from '../import/verify';

interface ImportCliOptions {
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
      const fail = (message: string) => {
        console.error(`netiso import-kubesphere: ${message}`);
        process.exitCode = 1;
      };
      const dir = path.dirname(opts.out);
      const baseName = path.basename(opts.out).replace(/\.ts$/, '');
      let result;
      try {
        result = importKubeSphereFiles(paths, {
          cluster: opts.cluster,
          egressWithinProject: opts.egressWithinProject ?? false,
          adoptServices: opts.adoptServices ?? false,
          manageNamespaces: opts.manageNamespaces ?? false,
          baseName,
        });
      } catch (e) {
        fail((e as Error).message);
        return;
      }
      console.error(formatReport(result.report).trimEnd());
      if (opts.stdout) {
        for (const file of result.files) process.stdout.write(`// ==> ${path.join(dir, file.name)} <==\n${file.source}\n`);
        return;
      }
      const targets = result.files.map((f) => path.join(dir, f.name));
      const stale = earlierImportFiles(dir, baseName).filter((f) => !targets.includes(f));
      const existing = [...targets.filter((f) => fs.existsSync(f)), ...stale];
      if (existing.length && !opts.force) {
        fail(`${existing.join(', ')} ${existing.length === 1 ? 'exists' : 'exist'}; pass --force to overwrite ${existing.length === 1 ? 'it' : 'them'} (and remove the workspace files this import no longer writes), or --out another file`);
        return;
      }
      const problems = await synthesisProblems(result.model, { baseName }, dir);
      if (problems.length) {
        fail(`the imported definitions would not synthesize, so nothing was written; fix the input (or report the import's mistake):\n${formatProblems(problems).split('\n').slice(1).join('\n')}`);
        return;
      }
      try {
        write(dir, result.files, stale);
      } catch (e) {
        fail(`cannot write to ${dir}: ${(e as Error).message}; choose another file with --out`);
        return;
      }
      console.log(`wrote ${targets.join(', ')}${stale.length ? `; removed ${stale.join(', ')}` : ''}: review them, then run \`netiso synth\` (npm run synth)`);
    });
}

/** Workspace files an earlier import wrote next to `<base>.ts` (recognised by their first line). */
function earlierImportFiles(dir: string, base: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => f.startsWith(`${base}-`) && f.endsWith('.ts'))
    .map((f) => path.join(dir, f))
    .filter((f) => fs.readFileSync(f, 'utf8').startsWith('// Imported from KubeSphere'))
    .sort();
}

function write(dir: string, files: readonly DefinitionFile[], stale: readonly string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const file of files) fs.writeFileSync(path.join(dir, file.name), file.source);
  for (const file of stale) fs.rmSync(file);
}
