import { compilePolicy } from '../analysis/policy';
import { DataplaneSemantics } from '../cni/semantics';
import { ManifestModel, ReadOptions, readManifestTexts } from '../k8s/manifests';
import { TreeDiff, diffTrees } from './compare';
import { diffModels } from './manifests';
import { DiffReport } from './report';
import { DiffInputError, DistFiles, parseDist } from './sides';

/** What the command line named each side, for error messages: `base (origin/main): …`. */
export interface SideNames {
  readonly base?: string;
  readonly head?: string;
}

/** Options of {@link diffDist} and {@link diffManifests}. */
export interface DiffOptions {
  /** What the command line named each side, for messages. */
  readonly names?: SideNames;
  /** The dataplane each side is analysed on; two profiles on one tree compare dataplanes. @default the specification */
  readonly dataplanes?: readonly [DataplaneSemantics, DataplaneSemantics];
  /** List every changed pair of workloads (or workload and address range) in `pairs`. */
  readonly pairs?: boolean;
}

/**
 * Compares two synthesized trees (relative path → content, as read by `readSide` or rendered by
 * `renderDefinitions`) by what they let connect, not by their text: exact stand-in pods and
 * namespaces take the place of the workloads a `dist/` tree does not hold (see `standins.ts`).
 * Error messages start with the side: `base: …`, or `base (origin/main): …` given names.
 * @throws DiffInputError for unparsable YAML or a policy that cannot be analysed.
 */
export function diffDist(base: DistFiles, head: DistFiles, options: DiffOptions = {}): DiffReport {
  const label = labels(options.names);
  const cache = new Map<string, Record<string, unknown>[]>();
  return reportOf(diffTrees(parseDist(base, label.base, cache), parseDist(head, label.head, cache), { sides: label, ...rest(options) }));
}

/**
 * Compares two trees of any Kubernetes manifests (paths → texts: a repository's folders, a git
 * revision, a cluster export) with the manifest reader: real workloads, every namespace a
 * project. Objects the reader cannot read are reported in `problems` (the report is then
 * incomplete: flows they govern may be missing or wrong); with `strict`, they fail the diff.
 * @throws DiffInputError for an unreadable side in strict mode or a policy that cannot be analysed.
 */
export function diffManifests(base: DistFiles, head: DistFiles, options: DiffOptions & ReadOptions = {}): DiffReport {
  const label = labels(options.names);
  const read = (files: DistFiles, side: string): { model: ManifestModel; problems: string[] } => {
    const read = readManifestTexts(files, { ...(options.defaultNamespace ? { defaultNamespace: options.defaultNamespace } : {}) });
    const where = (file: string, line?: number) => `${side}: ${file}${line !== undefined ? `:${line}` : ''}`;
    const problems = read.problems.map((p) => `${where(p.file, p.line)}: ${p.message}`);
    // A policy the engine cannot compile is reported and left out like an unreadable object.
    const networkPolicies = read.networkPolicies.filter((p) => {
      try {
        compilePolicy(p.object);
        return true;
      } catch (e) {
        problems.push(`${where(p.source.file, p.source.line)}: ${(e as Error).message}`);
        return false;
      }
    });
    if (options.strict && problems.length) throw new DiffInputError(problems.join('\n'));
    return { model: { ...read, networkPolicies }, problems };
  };
  const b = read(base, label.base);
  const h = read(head, label.head);
  const tree = diffModels(b.model, h.model, { sides: label, ...rest(options) });
  return { ...reportOf(tree), ...(b.problems.length || h.problems.length ? { problems: [...b.problems, ...h.problems] } : {}) };
}

function labels(names: SideNames = {}): { base: string; head: string } {
  const label = (role: 'base' | 'head') => (names[role] !== undefined ? `${role} (${names[role]})` : role);
  return { base: label('base'), head: label('head') };
}

function rest(options: DiffOptions): { dataplanes?: readonly [DataplaneSemantics, DataplaneSemantics]; pairs?: boolean } {
  return { ...(options.dataplanes ? { dataplanes: options.dataplanes } : {}), ...(options.pairs ? { pairs: true } : {}) };
}

function reportOf({ projects, risks, pairs }: TreeDiff): DiffReport {
  const flows = projects.flatMap((p) => p.flows);
  const count = (pick: (p: (typeof projects)[number]) => readonly unknown[]) => projects.reduce((n, p) => n + pick(p).length, 0);
  return {
    risks,
    projects,
    summary: {
      projectsChanged: projects.length,
      flowsAllowed: flows.filter((f) => f.change === 'allowed').length,
      flowsDenied: flows.filter((f) => f.change === 'denied').length,
      objectsAdded: count((p) => p.objects.added),
      objectsRemoved: count((p) => p.objects.removed),
      objectsChanged: count((p) => p.objects.changed),
    },
    ...(pairs ? { pairs } : {}),
  };
}

/** True when some flow is allowed or denied that was not before, or a risk was found. */
export function hasConnectivityChange(report: DiffReport): boolean {
  return report.risks.length > 0 || report.summary.flowsAllowed + report.summary.flowsDenied > 0 || (report.pairs?.length ?? 0) > 0;
}
