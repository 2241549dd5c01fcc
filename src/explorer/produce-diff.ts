import { LineCounter, isNode, isSeq, parseAllDocuments } from 'yaml';
import { compilePolicy, describePolicy } from '../analysis';
import { ruleLine, tierRuleLine } from '../analysis/describe';
import { NETWORK_POLICY_TIER } from '../analysis/tiers';
import { compileGuardrails, isGuardrailKind } from '../guardrails/compile';
import { addressWords, cidrRanges } from '../report/ranges';
import { compare } from '../k8s/compare';
import { stableJson } from '../k8s/read';
import { WORKSPACE_LABEL } from '../render/model';
import { DiffReport, FlowGroup, ProjectDiff } from '../diff/report';
import { DistFiles } from '../diff/sides';
import {
  ClusterBuilder, EXPLORER_SCHEMA, ExplorerData, ExplorerGroup, ExplorerPolicy, ExplorerRule, FlowAnswer, GroupKind, PolicyVersion, RuleRef, SideAnswer, side,
} from './model';
import { orderGroups, tierTarget } from './produce';

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
 * The explorer's data for `netiso diff`, from the diff report's data: per cluster, the projects
 * that changed and the peers of their changed flows on the axis (workloads and stand-in pods by
 * namespace, addresses by CIDR), each cell holding the flow groups that are newly allowed or newly
 * denied (only the side of the project whose pod a change concerns is evaluated, as in the diff),
 * the policies they cite with file and line on each side, and the risks.
 * @throws Error for a flow group that cites a NetworkPolicy of another namespace than its project's.
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
  const isProject = new Set(projects.map((p) => p.project));
  const flows: { from: Place; to: Place; flow: FlowAnswer }[] = [];
  const cited = new Set<string>();
  for (const p of projects) {
    for (const fg of p.flows) {
      const locals = fg.localWorkloads.map((w) => place(workloadPlace(w, 'project')));
      const peers = [
        ...fg.peerWorkloads.map((w) => place(workloadPlace(w, isProject.has(w.slice(0, w.indexOf('/'))) ? 'project' : 'namespace'))),
        ...(fg.peerCidrs.length ? [place(addressPlace(fg.peerCidrs))] : []),
      ];
      for (const r of fg.rules) cited.add(r.policy);
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
      ...(g.kind !== 'external' && !id.startsWith('(') ? { namespace: id } : {}),
      ...(ws ? { workspace: ws } : {}),
      members: [...g.names].sort((a, b) => Number(b === '*') - Number(a === '*') || compare(a, b)).map((m) => ({ name: m, ports: [] })),
      details: details.get(id) ?? [],
    };
  });
  for (const g of orderGroups(groups)) builder.group(g);
  for (const { from, to, flow } of flows) builder.flow({ group: from.group, member: from.member }, { group: to.group, member: to.member }, flow);

  const prefix = `${name}/`;
  for (const id of [...new Set([...base.keys(), ...head.keys()])].filter((k) => k.startsWith(prefix)).sort(compare)) {
    const policy = id.slice(prefix.length);
    const namespace = policy.includes(' ') ? undefined : policy.slice(0, policy.indexOf('/'));
    if ((namespace !== undefined && isProject.has(namespace)) || cited.has(policy)) builder.policy(policyOf(policy, base.get(id), head.get(id)));
  }
  builder.note('A diff shows what changed: each cell holds the connections newly allowed (+) or newly denied (-) between the pods and addresses the changes concern; `web/*` stands for every pod of web, `web/role=db` for its pods with that label.');
  builder.note("Each change is evaluated on the side of the project whose pods it concerns (ingress under the destination, egress under the source); the other side reads 'not evaluated'.");
  return builder.build();
}

/** A workload or stand-in of the diff (`web/api`, `web/*`, `web/role=db`, `(other)/*`) on the axis. */
function workloadPlace(ref: string, kind: GroupKind): Place {
  const slash = ref.indexOf('/');
  return { group: ref.slice(0, slash), kind, member: ref.slice(slash + 1) };
}

/** Addresses of a flow group, one external group per set of CIDRs, named in words. */
function addressPlace(cidrs: readonly string[]): Place {
  const words = addressWords(cidrRanges(cidrs), (l) => l.join(', '));
  return { group: `external ${words}`, kind: 'external', member: words };
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
  const rules = fg.rules.map((r): RuleRef => {
    if (!r.policy.includes(' ') && !r.policy.startsWith(`${namespace}/`)) throw new Error(`diff of ${namespace} cites policy ${r.policy} of another namespace`);
    return {
      policy: r.policy.includes(' ') ? r.policy : r.policy.slice(namespace.length + 1), index: r.ruleIndex,
      ...(r.name !== undefined ? { name: r.name } : {}),
      ...(r.tier !== undefined && r.tier !== NETWORK_POLICY_TIER ? { tier: r.tier } : {}),
      ...(r.action === 'deny' || r.action === 'pass' ? { action: r.action } : {}),
    };
  });
  const local: SideAnswer = { verdict: allowed ? 'allowed' : 'denied', rules, isolatedBy: [] };
  const other = side(peer.kind === 'external' ? 'unrestricted' : 'unknown');
  return {
    // The diff's words: its stand-in pods give named ports numbers no rule names, which only words hide.
    port: fg.ports,
    allowed,
    egress: fg.direction === 'egress' ? local : other,
    ingress: fg.direction === 'ingress' ? local : other,
    change: fg.change,
    reason: fg.reason,
  };
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

/**
 * `cluster/id` → the policy in words: NetworkPolicies (`cluster/namespace/name`) with the file and
 * the line of each rule, guardrail and CNI policies (`cluster/Kind name`) with their file.
 */
function policiesOf(side: DiffSideFiles): Map<string, SidePolicy> {
  const out = new Map<string, SidePolicy>();
  for (const [path, text] of side.files) {
    if (!/\.ya?ml$/.test(path) || !text.includes('Policy')) continue;
    const lines = new LineCounter();
    for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
      const obj = doc.toJS() as Record<string, unknown> | null;
      if (obj && isGuardrailKind(obj)) {
        const compiled = compileGuardrails([{ object: obj, source: path }]);
        for (const t of compiled.tiers) {
          for (const p of t.policies) {
            const rules = (list: typeof p.ingress, word: 'from' | 'to') => list?.map((r) => ({ text: tierRuleLine(r, word) }));
            out.set(`${path.split('/')[0]}/${p.id}`, { target: tierTarget(p, t.name), ingress: rules(p.ingress, 'from'), egress: rules(p.egress, 'to'), source: { file: side.fileName(path) }, json: stableJson(obj) });
          }
        }
        continue;
      }
      if (obj?.kind !== 'NetworkPolicy' || (obj.apiVersion !== undefined && obj.apiVersion !== 'networking.k8s.io/v1')) continue;
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
