import { LineCounter, isNode, isSeq, parseAllDocuments } from 'yaml';
import { compilePolicy, describePolicy } from '../analysis';
import { ruleLine } from '../analysis/describe';
import { compare } from '../k8s/compare';
import { stableJson } from '../k8s/read';
import { WORKSPACE_LABEL } from '../render/model';
import { DiffReport, FlowGroup, ProjectDiff } from '../diff/report';
import { DistFiles } from '../diff/sides';
import {
  ClusterBuilder, EXPLORER_SCHEMA, ExplorerData, ExplorerGroup, ExplorerPolicy, ExplorerRule, FlowAnswer, GroupKind, PolicyVersion, SideAnswer, side,
} from './model';
import { orderGroups } from './produce';

/** One side of a diff as the explorer cites it: its files, and how to name one of them. */
export interface DiffSideFiles {
  readonly files: DistFiles;
  /** Display name of a file given by its path in `files`, e.g. `origin/main:dist/demo/web/NetworkPolicy.x.k8s.yaml`. */
  readonly fileName: (path: string) => string;
}

/** Where a diff's flow group sits on the matrix: a group id and a member name. */
interface Place {
  readonly group: string;
  readonly kind: GroupKind;
  readonly member: string;
}

/**
 * The explorer's data for `netiso diff`: per cluster, the projects that changed and the peers of
 * their changed flows on the axis, each cell holding the flow groups that are newly allowed or
 * newly denied (only the side of the project whose pod a change concerns is evaluated, as in the
 * diff), the policies they cite with file and line on each side, and the risks.
 * @throws Error for a peer the diff describes in words this producer does not know.
 */
export function diffExplorerData(report: DiffReport, sides: { readonly base: DiffSideFiles; readonly head: DiffSideFiles }, title: string): ExplorerData {
  const clusters = [...new Set([...report.projects.map((p) => p.cluster), ...report.risks.map((r) => r.cluster)])].sort(compare);
  const base = policiesOf(sides.base);
  const head = policiesOf(sides.head);
  const workspaces = new Map([...workspacesOf(sides.base.files), ...workspacesOf(sides.head.files)]);
  const s = report.summary;
  return {
    schema: EXPLORER_SCHEMA,
    kind: 'diff',
    title,
    subtitle: s.projectsChanged
      ? `${s.projectsChanged} project(s) changed: ${s.flowsAllowed} flow group(s) newly allowed, ${s.flowsDenied} newly denied; objects ${s.objectsAdded} added, ${s.objectsRemoved} removed, ${s.objectsChanged} changed; ${report.risks.length} risk(s).`
      : 'No changes.',
    clusters: clusters.map((name) => clusterOf(name, report.projects.filter((p) => p.cluster === name), base, head, workspaces)),
    risks: report.risks.map((r) => ({ kind: r.kind, cluster: r.cluster, group: r.project, message: r.message })),
  };
}

function clusterOf(
  name: string, projects: readonly ProjectDiff[], base: ReadonlyMap<string, SidePolicy>, head: ReadonlyMap<string, SidePolicy>, workspaces: ReadonlyMap<string, string>,
): ReturnType<ClusterBuilder['build']> {
  const members = new Map<string, { kind: GroupKind; names: Set<string> }>();
  const place = (p: Place): Place => {
    const g = members.get(p.group) ?? { kind: p.kind, names: new Set<string>() };
    g.names.add(p.member);
    members.set(p.group, g);
    return p;
  };
  for (const p of projects) members.set(p.project, members.get(p.project) ?? { kind: 'project', names: new Set() });
  const flows: { from: Place; to: Place; flow: FlowAnswer }[] = [];
  for (const p of projects) {
    for (const fg of p.flows) {
      const locals = podsOf(fg.pods).map((member) => place({ group: p.project, kind: 'project', member }));
      const peers = peersOf(fg.peer).map(place);
      for (const local of locals) {
        for (const peer of peers) {
          const [from, to] = fg.direction === 'ingress' ? [peer, local] : [local, peer];
          flows.push({ from, to, flow: flowOf(fg, p.project, peer) });
        }
      }
    }
  }

  const builder = new ClusterBuilder(name);
  const details = new Map(projects.map((p) => [p.project, projectDetails(p)]));
  const groups = [...members].map(([id, g]): ExplorerGroup => {
    const ws = workspaces.get(`${name}/${id}`);
    return {
      id,
      kind: g.kind,
      ...(g.kind === 'project' || (g.kind === 'namespace' && !id.startsWith('(')) ? { namespace: id } : {}),
      ...(ws ? { workspace: ws } : {}),
      members: [...g.names].sort((a, b) => Number(b === 'all pods') - Number(a === 'all pods') || compare(a, b)).map((m) => ({ name: m, ports: [] })),
      details: details.get(id) ?? [],
    };
  });
  for (const g of orderGroups(groups)) builder.group(g);
  for (const { from, to, flow } of flows) builder.flow({ group: from.group, member: from.member }, { group: to.group, member: to.member }, flow);

  for (const p of projects) {
    for (const id of [...new Set([...base.keys(), ...head.keys()])].filter((k) => k.startsWith(`${name}/${p.project}/`)).sort(compare)) {
      builder.policy(policyOf(id.slice(name.length + 1), base.get(id), head.get(id)));
    }
  }
  builder.note('A diff shows what changed: each cell holds the flows newly allowed (+) or newly denied (-), folded as netiso diff folds them; rows and columns are the pod sets and addresses the changes concern.');
  builder.note("Each change is evaluated on the side of the project whose pods it concerns (ingress under the destination, egress under the source); the other side reads 'not evaluated'.");
  return builder.build();
}

function projectDetails(p: ProjectDiff): string[] {
  const status = p.status === 'changed' ? 'changed' : `${p.status} by the change`;
  return [
    `Project ${p.project}: ${status}.`,
    ...p.objects.added.map((o) => `added ${o}`),
    ...p.objects.removed.map((o) => `removed ${o}`),
    ...p.objects.changed.map((o) => `changed ${o}`),
  ];
}

function flowOf(fg: FlowGroup, namespace: string, peer: Place): FlowAnswer {
  const allowed = fg.change === 'allowed';
  const rules = fg.rules.map((r) => {
    if (!r.policy.startsWith(`${namespace}/`)) throw new Error(`diff of ${namespace} cites policy ${r.policy} of another namespace`);
    return { policy: r.policy.slice(namespace.length + 1), index: r.ruleIndex };
  });
  const local: SideAnswer = { verdict: allowed ? 'allowed' : 'denied', rules, isolatedBy: [] };
  const other = side(peer.kind === 'external' ? 'unrestricted' : 'unknown');
  return {
    port: fg.ports,
    allowed,
    egress: fg.direction === 'egress' ? local : other,
    ingress: fg.direction === 'ingress' ? local : other,
    change: fg.change,
    reason: fg.reason,
  };
}

/** The project's pods of a flow group: `all pods`, or `pods with role=db, other pods`. */
function podsOf(pods: string): string[] {
  return pods.split(', ');
}

const OTHER_NAMESPACE_GROUP = '(any other namespace)';
const EVERY_NAMESPACE_GROUP = '(every namespace)';

/**
 * The peers of a flow group, from the words `netiso diff` folds them into: `; `-separated parts,
 * each whole namespaces, pods of one namespace, or addresses.
 */
export function peersOf(peer: string): Place[] {
  const out: Place[] = [];
  for (const part of peer.split('; ')) {
    let m: RegExpMatchArray | null;
    if (part === 'all pods in every namespace') out.push({ group: EVERY_NAMESPACE_GROUP, kind: 'namespace', member: 'all pods' });
    else if ((m = part.match(/^all pods in namespaces? (.+)$/))) out.push(...m[1].split(', ').map((ns): Place => ({ group: ns, kind: 'namespace', member: 'all pods' })));
    else if (part === 'all pods in any other namespace') out.push({ group: OTHER_NAMESPACE_GROUP, kind: 'namespace', member: 'all pods' });
    else if ((m = part.match(/^(.+) in namespace (\S+)$/))) out.push({ group: m[2], kind: 'namespace', member: m[1] });
    else if ((m = part.match(/^(.+) in any other namespace$/))) out.push({ group: OTHER_NAMESPACE_GROUP, kind: 'namespace', member: m[1] });
    else if ((m = part.match(/^CIDR (\S+)$/))) out.push({ group: `external ${m[1]}`, kind: 'external', member: m[1] });
    else if (/^(any IPv[46] address|the internet \(IPv[46]\))$/.test(part)) out.push({ group: `external ${part}`, kind: 'external', member: part });
    else throw new Error(`cannot place the diff's peer "${part}" on the explorer's matrix`);
  }
  return out;
}

/** `cluster/namespace` → workspace, from the Namespace objects of a side. */
function workspacesOf(files: DistFiles): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, text] of files) {
    if (!/\/Namespace\.[^/]*\.ya?ml$/.test(path)) continue;
    for (const doc of parseAllDocuments(text)) {
      const obj = doc.toJS() as { kind?: string; metadata?: { name?: string; labels?: Record<string, string> } } | null;
      const ws = obj?.metadata?.labels?.[WORKSPACE_LABEL];
      if (obj?.kind === 'Namespace' && obj.metadata?.name && ws) out.set(`${path.split('/')[0]}/${obj.metadata.name}`, ws);
    }
  }
  return out;
}

/** A policy of one side, with its canonical JSON to tell whether the other side's differs. */
type SidePolicy = PolicyVersion & { readonly json: string };

/** `cluster/namespace/name` → the policy in words, with the file and the line of each rule. */
function policiesOf(side: DiffSideFiles): Map<string, SidePolicy> {
  const out = new Map<string, SidePolicy>();
  for (const [path, text] of side.files) {
    if (!/\.ya?ml$/.test(path) || !text.includes('NetworkPolicy')) continue;
    const lines = new LineCounter();
    for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
      const obj = doc.toJS() as Record<string, unknown> | null;
      if (obj?.kind !== 'NetworkPolicy') continue;
      // The diff has already compiled every policy of both sides, so this cannot throw for a side it accepted.
      const compiled = compilePolicy(obj);
      const d = describePolicy(compiled);
      const rules = (dir: 'ingress' | 'egress', word: 'from' | 'to'): ExplorerRule[] | undefined => {
        const desc = d[dir];
        if (!desc.restricted) return undefined;
        const seq = doc.getIn(['spec', dir], true);
        return desc.rules.map((r, i) => {
          const item = isSeq(seq) ? seq.items[i] : undefined;
          const offset = isNode(item) ? item.range?.[0] : undefined;
          return { text: ruleLine(r, word), ...(offset !== undefined ? { line: lines.linePos(offset).line } : {}) };
        });
      };
      out.set(`${path.split('/')[0]}/${compiled.id}`, {
        target: d.target,
        ingress: rules('ingress', 'from'),
        egress: rules('egress', 'to'),
        source: { file: side.fileName(path) },
        json: stableJson(obj),
      });
    }
  }
  return out;
}

function policyOf(id: string, before: SidePolicy | undefined, after: SidePolicy | undefined): ExplorerPolicy {
  const plain = ({ json: _json, ...v }: SidePolicy): PolicyVersion => v;
  if (!after) return { id, ...plain(before!), change: 'removed' };
  if (!before) return { id, ...plain(after), change: 'added' };
  if (before.json === after.json) return { id, ...plain(after) };
  return { id, ...plain(after), change: 'changed', before: plain(before) };
}
