import { diffTrees } from './compare';
import { DiffReport } from './report';
import { DistFiles, parseDist } from './sides';

/** What the command line named each side, for error messages: `base (origin/main): …`. */
export interface SideNames {
  readonly base?: string;
  readonly head?: string;
}

/**
 * Compares two synthesized trees (relative path → content, as read by `readSide` or rendered by
 * `renderDefinitions`) by what they let connect, not by their text. See `deriveProbes` for the
 * stand-in endpoints the verdicts are computed on.
 * Error messages start with the side: `base: …`, or `base (origin/main): …` given `names`.
 * @throws DiffInputError for unparsable YAML or a malformed policy.
 */
export function diffDist(base: DistFiles, head: DistFiles, names: SideNames = {}): DiffReport {
  const label = (role: 'base' | 'head') => (names[role] !== undefined ? `${role} (${names[role]})` : role);
  const { projects, risks } = diffTrees(parseDist(base, label('base')), parseDist(head, label('head')), { sides: { base: label('base'), head: label('head') } });
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
  };
}

/** True when some flow is allowed or denied that was not before, or a risk was found. */
export function hasConnectivityChange(report: DiffReport): boolean {
  return report.risks.length > 0 || report.summary.flowsAllowed + report.summary.flowsDenied > 0;
}
