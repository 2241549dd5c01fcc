import { Command, Option } from 'commander';
import { SynthesisError } from '../errors';
import { Cni, semanticsOf } from '../cni/cni';
import { DataplaneSemantics } from '../cni/semantics';
import { ManifestReadError, formatProblem, readManifestFiles } from '../k8s/manifests';
import { Analysis, analyzeCluster, analyzeManifests } from '../report/analyze';
import { REPORT_FORMATS, ReportFormat, formatReports } from '../report/format';
import { CNI_PROFILES, cniProfile } from '../cni/names';
import { ExplainOptions, explain } from '../report/report';
import { htmlOutputProblem, writeExplorers } from '../explorer/cli';
import { loadDefinitions } from '../synth/load';
import { requireDefinitions } from '../synth/synthesize';

interface CliOptions {
  projects: string;
  manifests?: string[];
  namespace?: string;
  cluster?: string;
  project?: string;
  workload?: string[];
  peer?: string[];
  direction?: 'ingress' | 'egress';
  cni?: string;
  format: ReportFormat | 'html';
  output?: string;
  pairs?: boolean;
  strict?: boolean;
}

/** Exit codes of `netiso explain`. */
export const EXPLAIN_EXIT = {
  /** Analysed; the input was read whole (and, with `--strict`, lint found nothing). */
  ok: 0,
  /** Analysed, but the manifests had problems (skipped, listed), or `--strict` and lint found something. */
  findings: 1,
  /** Nothing analysed: a usage error, an unknown name, definitions that fail, or with `--strict` a read problem. */
  error: 2,
} as const;

const HELP = `
Inputs: the project definitions (--projects, default projects/), or any Kubernetes manifests
(--manifests: files and directories; Namespaces, workloads, NetworkPolicies, guardrail and CNI
policies, Services, Ingresses, Routes; see docs/manifests.md).

The default report groups the allowed connections by answer: pairs with the same connections and
the same rules on both sides are one entry (its size follows the distinct answers, not the pairs);
--pairs adds every pair as np-guard's list prints it. Rules are named within the namespace of
their side. netiso matches pod addresses against ipBlocks when it knows them (np-guard never does).

--cni names the dataplane the answers hold for (definitions: the cluster's cni; manifests: the
NetworkPolicy specification):
${CNI_PROFILES.map((p) => `  ${p.name}: ${p.means}`).join('\n')}

Exit codes: 0 analysed; 1 the manifests had problems (skipped and listed; the report says when an
answer may be wrong), or --strict and lint found something; 2 nothing analysed (usage, an unknown
name, definitions with errors, --strict and a read problem). See docs/explain.md.`;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/**
 * `netiso explain`: who may reach whom, grouped by answer, with the rules on both sides; lint;
 * writes nothing but `--output`.
 */
export function explainCommand(): Command {
  return new Command('explain')
    .description('explain what is reachable: allowed connections grouped by answer, with the rules that allow them, and lint')
    .option('-p, --projects <dir>', 'directory of project definitions', 'projects')
    .option('-m, --manifests <paths...>', 'analyse these manifest files or directories instead of the definitions')
    .option('-n, --namespace <name>', 'with --manifests: namespace of objects that name none (default "default")')
    .option('-c, --cluster <name>', 'only this cluster of the definitions; with --manifests, the name to report them under')
    .option('--project <name>', 'only connections of this project (namespace): its workloads with any peer')
    .option('-w, --workload <name>', 'only connections of this workload (namespace/name, or name in any namespace); repeat or comma-separate', collect)
    .option('--peer <name>', 'with --workload or --project: only their connections with this workload; repeat or comma-separate', collect)
    .addOption(new Option('--direction <direction>', 'with --workload or --project: only connections into (ingress) or out of (egress) them').choices(['ingress', 'egress']))
    .option('--cni <profile>', 'evaluate as this dataplane enforces policies (see below)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS, 'html']).default('text'))
    .option('-o, --output <file>', 'with --format html: the file to write; {cluster} in it stands for the cluster name')
    .option('--pairs', 'also list every allowed pair (np-guard\'s list)')
    .option('--strict', 'exit 1 when lint finds anything; with --manifests, stop at any read problem (exit 2)')
    .addHelpText('after', HELP)
    .action(async (opts: CliOptions) => {
      try {
        process.exitCode = await run(opts);
      } catch (e) {
        if (e instanceof ManifestReadError) {
          console.error(`netiso explain --strict: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'} reading ${(opts.manifests ?? []).join(', ')}; nothing was analysed:\n${e.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
        } else {
          console.error(e instanceof SynthesisError ? e.message : `netiso explain: ${(e as Error).message}`);
        }
        process.exitCode = EXPLAIN_EXIT.error;
      }
    });
}

async function run(opts: CliOptions): Promise<number> {
  const cni = opts.cni !== undefined ? cniProfile(opts.cni) : undefined;
  const analyses = opts.manifests ? [manifestAnalysis(opts, cni)] : await definitionAnalyses(opts, cni);
  const outputProblem = htmlOutputProblem(opts.format, opts.output, analyses.length);
  if (outputProblem) throw new Error(outputProblem);
  const options: ExplainOptions = {
    ...(opts.project !== undefined ? { project: opts.project } : {}),
    ...(opts.workload?.length ? { workloads: opts.workload } : {}),
    ...(opts.peer?.length ? { peers: opts.peer } : {}),
    ...(opts.direction ? { direction: opts.direction } : {}),
    ...(opts.pairs ? { pairs: true } : {}),
  };
  const reports = analyses.map((a) => explain(a, options));
  if (opts.format === 'html') writeExplorers(analyses, reports, opts.output as string);
  else process.stdout.write(formatReports(reports, opts.format));
  let code: number = EXPLAIN_EXIT.ok;
  const problems = analyses.reduce((n, a) => n + a.problems.length, 0);
  if (problems > 0) code = EXPLAIN_EXIT.findings;
  const findings = reports.reduce((n, r) => n + r.lint.length, 0);
  if (opts.strict && findings > 0) {
    console.error(`netiso explain --strict: ${findings} lint finding${findings === 1 ? '' : 's'}`);
    code = EXPLAIN_EXIT.findings;
  }
  return code;
}

function manifestAnalysis(opts: CliOptions, cni: Cni | undefined): Analysis {
  const paths = opts.manifests as string[];
  const read = readManifestFiles(paths, { ...(opts.namespace !== undefined ? { defaultNamespace: opts.namespace } : {}), ...(opts.strict ? { strict: true } : {}) });
  const analysis = analyzeManifests(read, opts.cluster ?? paths.join(', '), cni ? { dataplane: semanticsOf(cni) } : {});
  const problems = analysis.problems;
  if (problems.length && opts.strict) throw new ManifestReadError(problems);
  if (problems.length) {
    const what = analysis.complete ? 'no policy was among them' : 'the report is INCOMPLETE: a skipped object may hold a policy';
    console.error(`netiso explain: ${problems.length} problem${problems.length === 1 ? '' : 's'} reading ${paths.join(', ')}; what could not be read was skipped (${what}):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  }
  return analysis;
}

async function definitionAnalyses(opts: CliOptions, cni: Cni | undefined): Promise<Analysis[]> {
  if (opts.namespace !== undefined) throw new Error('--namespace is for --manifests: definitions name every namespace');
  requireDefinitions(opts.projects);
  const { clusters, problems } = await loadDefinitions(opts.projects);
  if (problems.length) throw new SynthesisError(problems);
  let selected = clusters.clusters.filter((c) => opts.cluster === undefined || c.name === opts.cluster);
  if (opts.cluster !== undefined && selected.length === 0) {
    throw new Error(`no cluster ${opts.cluster} in ${opts.projects}; clusters: ${clusters.clusters.map((c) => c.name).join(', ')}`);
  }
  if (opts.project !== undefined) selected = selected.filter((c) => c.findProject(opts.project as string));
  if (opts.project !== undefined && selected.length === 0) throw new Error(`no project ${opts.project} in ${opts.cluster ? `cluster ${opts.cluster}` : opts.projects}`);
  return selected.map((c) => {
    const dataplane: DataplaneSemantics | undefined = cni ? semanticsOf(cni, c.clusterProps.kubeProxy) : undefined;
    return analyzeCluster(c, dataplane ? { dataplane } : {});
  });
}
