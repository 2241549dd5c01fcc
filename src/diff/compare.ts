import { Engine, Labels, NAMESPACE_NAME_LABEL, RuleRef, SideVerdict, Verdict } from '../analysis';
import { compare } from '../k8s/compare';
import { stableJson } from '../k8s/read';
import { WORKSPACE_LABEL } from '../render/model';
import { ISOLATION_POLICY_NAME } from '../render/project';
import { FlowGroup, ObjectChanges, ProjectDiff, RISK_KINDS, Risk } from './report';
import { ExternalProbe, OTHER_NAMESPACE, PodProbe, PortProbe, Probe, ProbeSet, deriveProbes } from './probes';
import { DiffInputError, DistTree, ProjectObjects } from './sides';

type Obj = Record<string, unknown>;
type Projects = ReadonlyMap<string, ProjectObjects>;

/** An address no policy can single out: only isolation, which ignores the peer, is read from it. */
const ANY_ADDRESS = { ip: '192.0.2.1' };

/** One side of one changed flow, as seen from the project whose pod it concerns. */
interface RawChange {
  readonly project: string;
  readonly direction: 'ingress' | 'egress';
  readonly change: 'allowed' | 'denied';
  readonly local: PodProbe;
  readonly peer: Probe;
  readonly port: PortProbe;
  readonly reason: string;
  readonly rules: readonly RuleRef[];
}

/** How error messages name the two sides, e.g. `base (origin/main)`. */
type SideLabels = { readonly base: string; readonly head: string };

/** Compares two parsed sides cluster by cluster. */
export function diffTrees(base: DistTree, head: DistTree, sides: SideLabels = { base: 'base', head: 'head' }): { projects: ProjectDiff[]; risks: Risk[] } {
  const names = [...new Set([...base.clusters.keys(), ...head.clusters.keys()])].sort(compare);
  const projects: ProjectDiff[] = [];
  const risks: Risk[] = [];
  for (const name of names) {
    const result = diffCluster(name, base.clusters.get(name) ?? new Map(), head.clusters.get(name) ?? new Map(), sides);
    projects.push(...result.projects);
    risks.push(...result.risks);
  }
  risks.sort((a, b) => RISK_KINDS.indexOf(a.kind) - RISK_KINDS.indexOf(b.kind) || compare(a.cluster, b.cluster) || compare(a.project, b.project) || compare(a.message, b.message));
  return { projects, risks };
}

function diffCluster(cluster: string, base: Projects, head: Projects, sides: SideLabels): { projects: ProjectDiff[]; risks: Risk[] } {
  const baseObjs = objectsOf(base);
  const headObjs = objectsOf(head);
  const baseNs = namespaceLabels(baseObjs);
  const headNs = namespaceLabels(headObjs);
  // A namespace whose Namespace object disappears usually still exists (namespaces outlive
  // pruning or are managed elsewhere), so it keeps the labels the other side gave it.
  const labelsOn = (own: Map<string, Labels>, other: Map<string, Labels>) => (ns: string): Labels => ({
    ...(own.get(ns) ?? other.get(ns) ?? {}),
    [NAMESPACE_NAME_LABEL]: ns,
  });
  const baseLabels = labelsOn(baseNs, headNs);
  const headLabels = labelsOn(headNs, baseNs);
  const probes = deriveProbes(baseObjs, headObjs, (ns) => [baseLabels(ns), headLabels(ns)], sides);
  // A project new in head had no pods in base: nothing could reach it or leave it. Without this,
  // its namespace would count as unpoliced in base, and what the new project opens (even to the
  // internet) would never show as newly allowed.
  const absent = [...head.keys()].filter((p) => !base.has(p)).map(absentNamespacePolicy);
  const baseEngine = engineFor([...baseObjs, ...absent], probes, baseLabels, sides.base);
  const headEngine = engineFor(headObjs, probes, headLabels, sides.head);
  const projectNames = [...new Set([...base.keys(), ...head.keys()])].sort(compare);
  const isProject = new Set(projectNames);

  const changes: RawChange[] = [];
  const record = (src: Probe, dst: Probe, port: PortProbe, before: Verdict, after: Verdict): void => {
    if (dst.kind === 'pod' && isProject.has(dst.namespace) && before.ingress.allowed !== after.ingress.allowed) {
      changes.push({ project: dst.namespace, direction: 'ingress', local: dst, peer: src, port, ...why(before.ingress, after.ingress) });
    }
    if (src.kind === 'pod' && isProject.has(src.namespace) && before.egress.allowed !== after.egress.allowed) {
      changes.push({ project: src.namespace, direction: 'egress', local: src, peer: dst, port, ...why(before.egress, after.egress) });
    }
  };
  const ref = (p: Probe) => (p.kind === 'pod' ? { namespace: p.namespace, name: p.name } : { external: p.id });
  for (const port of probes.ports) {
    const query = (src: Probe, dst: Probe) => ({ from: ref(src), to: ref(dst), port: port.port, protocol: port.protocol });
    // Matrices find the changed pod pairs cheaply; only those are evaluated for rule references.
    for (const a of probes.pods) {
      for (const b of probes.pods) {
        if (a === b || baseEngine.connections(a.id, b.id).has(port.protocol, port.port) === headEngine.connections(a.id, b.id).has(port.protocol, port.port)) continue;
        record(a, b, port, baseEngine.evaluate(query(a, b)), headEngine.evaluate(query(a, b)));
      }
    }
    for (const pod of probes.pods) {
      if (!isProject.has(pod.namespace)) continue;
      for (const ext of probes.externals) {
        for (const [src, dst] of [[ext, pod], [pod, ext]] as const) {
          const v0 = baseEngine.evaluate(query(src, dst));
          const v1 = headEngine.evaluate(query(src, dst));
          if (v0.allowed !== v1.allowed) record(src, dst, port, v0, v1);
        }
      }
    }
  }

  const flows = groupChanges(changes, probes);
  const risks: Risk[] = [];
  const projects: ProjectDiff[] = [];
  for (const project of projectNames) {
    const b = base.get(project);
    const h = head.get(project);
    const objects = diffObjects(b, h);
    const own = flows.get(project) ?? [];
    const risk = (kind: Risk['kind'], message: string) => risks.push({ kind, cluster, project, message: `${cluster}/${project}: ${message}` });
    if (b && !h) {
      risk('project-removed', 'project removed; pruning deletes its NetworkPolicies, so its namespace fails open if it outlives them');
    } else if (b && h) {
      const anyPod = { namespace: project, name: '*' };
      const was = baseEngine.evaluate({ from: ANY_ADDRESS, to: anyPod, port: 1 }).ingress.isolated;
      const is = headEngine.evaluate({ from: ANY_ADDRESS, to: anyPod, port: 1 }).ingress.isolated;
      if (b.objects.has(`NetworkPolicy/${ISOLATION_POLICY_NAME}`) && !h.objects.has(`NetworkPolicy/${ISOLATION_POLICY_NAME}`)) {
        risk('isolation-removed', `isolation policy ${ISOLATION_POLICY_NAME} removed${is ? '' : '; no policy isolates ingress to its pods any more'}`);
      } else if (was && !is) {
        risk('isolation-removed', 'no policy isolates ingress to its pods any more');
      }
      const egressWas = baseEngine.evaluate({ from: anyPod, to: ANY_ADDRESS, port: 1 }).egress.isolated;
      const egressIs = headEngine.evaluate({ from: anyPod, to: ANY_ADDRESS, port: 1 }).egress.isolated;
      if (egressWas && !egressIs) risk('egress-lockdown-lifted', 'egress lockdown lifted; its pods may connect anywhere');
    }
    const mine = headLabels(project)[WORKSPACE_LABEL];
    for (const f of own) {
      if (f.change !== 'allowed') continue;
      if (f.direction === 'ingress' && f.external) risk('external-ingress', f.text.slice(2));
      for (const ns of f.peerNamespaces) {
        const theirs = headLabels(ns)[WORKSPACE_LABEL];
        if (mine && theirs && mine !== theirs) {
          risk('cross-workspace', `${f.direction} ${f.direction === 'ingress' ? 'from' : 'to'} namespace ${ns} (workspace ${theirs}) on ${f.ports} is now allowed; ${project} is in workspace ${mine}`);
        }
      }
    }
    if (!own.length && !objects.added.length && !objects.removed.length && !objects.changed.length) continue;
    projects.push({ cluster, project, status: !b ? 'added' : !h ? 'removed' : 'changed', objects, flows: own.map(({ peerNamespaces: _ns, ...f }) => f) });
  }
  return { projects, risks };
}

/** Name of the stand-in policy that makes a project absent from base deny everything. */
const ABSENT_POLICY = 'netiso-diff-project-absent';

function absentNamespacePolicy(namespace: string): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: ABSENT_POLICY, namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

function objectsOf(projects: Projects): Obj[] {
  return [...projects.values()].flatMap((p) => [...p.objects.values()]);
}

function namespaceLabels(objects: readonly Obj[]): Map<string, Labels> {
  const out = new Map<string, Labels>();
  for (const o of objects) {
    const meta = (o.metadata ?? {}) as Obj;
    if (o.kind === 'Namespace') out.set(String(meta.name), (meta.labels ?? {}) as Labels);
  }
  return out;
}

/** @throws DiffInputError naming `side` for a malformed policy. */
function engineFor(objects: readonly Obj[], probes: ProbeSet, labels: (ns: string) => Labels, side: string): Engine {
  try {
    return Engine.fromManifests(objects.filter((o) => o.kind === 'NetworkPolicy'), {
      namespaces: probes.namespaces.map((name) => ({ name, labels: labels(name) })),
      workloads: probes.pods.map((p) => ({ namespace: p.namespace, name: p.name, labels: p.labels, ports: probes.namedPorts })),
      externals: probes.externals.map((e) => ({ name: e.id, ip: e.ip })),
    });
  } catch (e) {
    throw new DiffInputError(`${side}: ${(e as Error).message}`);
  }
}

function why(before: SideVerdict, after: SideVerdict): { change: 'allowed' | 'denied'; reason: string; rules: readonly RuleRef[] } {
  if (after.allowed) {
    return after.isolated
      ? { change: 'allowed', reason: `allowed by ${ruleList(after.allowedBy)}`, rules: after.allowedBy }
      : { change: 'allowed', reason: before.isolatingPolicies.every((p) => p.endsWith(`/${ABSENT_POLICY}`)) ? 'new project, not isolated in this direction' : 'no policy isolates it any more', rules: [] };
  }
  return before.isolated
    ? { change: 'denied', reason: `was allowed by ${ruleList(before.allowedBy)}`, rules: before.allowedBy }
    : { change: 'denied', reason: `isolated by ${after.isolatingPolicies.map(policyName).join(', ')}; no rule allows it`, rules: [] };
}

function ruleList(rules: readonly RuleRef[]): string {
  return rules.map((r) => `${policyName(r.policy)} rule ${r.ruleIndex}`).join(', ');
}

function policyName(id: string): string {
  return id.slice(id.indexOf('/') + 1);
}

type Grouped = FlowGroup & { readonly peerNamespaces: readonly string[] };

/**
 * Folds per-probe changes into readable groups: ports first (same pods, peer and reason), then
 * the project's pods (same peer, ports, reason), then the peers of one namespace. A group that
 * covers every probe of a namespace reads as "all pods".
 */
function groupChanges(changes: readonly RawChange[], probes: ProbeSet): Map<string, Grouped[]> {
  const portOrder = new Map(probes.ports.map((p, i) => [p, i]));
  const probesOf = new Map<string, PodProbe[]>();
  for (const p of probes.pods) probesOf.set(p.namespace, [...(probesOf.get(p.namespace) ?? []), p]);

  // Step 1: ports.
  const byPorts = new Map<string, { c: RawChange; ports: Set<PortProbe> }>();
  for (const c of changes) {
    const key = JSON.stringify([c.project, c.direction, c.change, c.local.id, c.peer.id, c.reason]);
    const entry = byPorts.get(key) ?? { c, ports: new Set<PortProbe>() };
    entry.ports.add(c.port);
    byPorts.set(key, entry);
  }
  // Step 2: the project's pods.
  const byLocal = new Map<string, { c: RawChange; ports: PortProbe[]; locals: Set<PodProbe> }>();
  for (const { c, ports } of byPorts.values()) {
    const sorted = [...ports].sort((a, b) => (portOrder.get(a) as number) - (portOrder.get(b) as number));
    const key = JSON.stringify([c.project, c.direction, c.change, c.peer.id, sorted.map((p) => portOrder.get(p)), c.reason]);
    const entry = byLocal.get(key) ?? { c, ports: sorted, locals: new Set<PodProbe>() };
    entry.locals.add(c.local);
    byLocal.set(key, entry);
  }
  // Step 3: the peers.
  const byPeer = new Map<string, { c: RawChange; ports: PortProbe[]; locals: PodProbe[]; peers: Probe[] }>();
  for (const { c, ports, locals } of byLocal.values()) {
    const localList = [...locals].sort((a, b) => compare(a.id, b.id));
    const key = JSON.stringify([c.project, c.direction, c.change, localList.map((l) => l.id), ports.map((p) => portOrder.get(p)), c.reason]);
    const entry = byPeer.get(key) ?? { c, ports, locals: localList, peers: [] };
    entry.peers.push(c.peer);
    byPeer.set(key, entry);
  }

  const out = new Map<string, Grouped[]>();
  for (const { c, ports, locals, peers } of byPeer.values()) {
    const group = describeGroup(c, locals, peers, ports, probes, probesOf);
    out.set(c.project, [...(out.get(c.project) ?? []), group]);
  }
  for (const list of out.values()) {
    list.sort((a, b) => compare(a.change, b.change) || compare(a.direction, b.direction) || compare(a.peer, b.peer) || compare(a.pods, b.pods) || compare(a.ports, b.ports));
  }
  return out;
}

function describeGroup(c: RawChange, locals: PodProbe[], peers: Probe[], ports: PortProbe[], probes: ProbeSet, probesOf: Map<string, PodProbe[]>): Grouped {
  const nsProbes = probesOf.get(c.project) ?? [];
  const pods = locals.length === nsProbes.length ? 'all pods' : locals.map((l) => podWords(l, nsProbes)).join(', ');
  const peer = describePeers(peers, probes, probesOf);
  const portText = describePorts(ports, probes);
  const sentence = c.direction === 'ingress' ? `ingress from ${peer} to ${pods}` : `egress from ${pods} to ${peer}`;
  const text = c.change === 'allowed'
    ? `+ ${sentence} on ${portText}: now allowed (${c.reason})`
    : `- ${sentence} on ${portText}: now denied (${c.reason})`;
  return {
    direction: c.direction,
    change: c.change,
    pods,
    peer,
    ports: portText,
    reason: c.reason,
    rules: c.rules,
    external: peers.some((p) => p.kind === 'external'),
    text,
    peerNamespaces: [...new Set(peers.flatMap((p) => (p.kind === 'pod' ? [p.namespace] : [])))].sort(compare),
  };
}

/** Peers in words; whole namespaces and "every external address" are folded. */
function describePeers(peers: readonly Probe[], probes: ProbeSet, probesOf: Map<string, PodProbe[]>): string {
  const parts: string[] = [];
  const pods = peers.filter((p): p is PodProbe => p.kind === 'pod');
  const full: string[] = [];
  const partial: string[] = [];
  // The catch-all namespace reads last.
  const order = [...probes.namespaces.filter((n) => n !== OTHER_NAMESPACE), OTHER_NAMESPACE];
  for (const ns of order) {
    const mine = pods.filter((p) => p.namespace === ns).sort((a, b) => compare(a.id, b.id));
    const all = probesOf.get(ns) ?? [];
    if (!mine.length) continue;
    if (mine.length === all.length) full.push(ns);
    else partial.push(...mine.map((p) => `${podWords(p, all)} in ${where(ns)}`));
  }
  if (full.length === probes.namespaces.length) {
    parts.push('all pods in every namespace');
  } else {
    const named = full.filter((n) => n !== OTHER_NAMESPACE);
    if (named.length) parts.push(`all pods in namespace${named.length > 1 ? 's' : ''} ${named.join(', ')}`);
    if (full.includes(OTHER_NAMESPACE)) parts.push(`all pods in ${where(OTHER_NAMESPACE)}`);
  }
  parts.push(...partial);
  const externals = peers.filter((p): p is ExternalProbe => p.kind === 'external');
  // A whole family reads as such: that is what 0.0.0.0/0 or lifted isolation amounts to.
  for (const family of [4, 6]) {
    const mine = externals.filter((e) => ipFamily(e) === family);
    if (mine.length && mine.length === probes.externals.filter((e) => ipFamily(e) === family).length) parts.push(`any IPv${family} address`);
    else parts.push(...mine.map((e) => (e.internet ? `the internet (IPv${e.internet})` : `CIDR ${e.cidr}`)));
  }
  return parts.join('; ');
}

function ipFamily(e: ExternalProbe): 4 | 6 {
  return e.ip.includes(':') ? 6 : 4;
}

function where(ns: string): string {
  return ns === OTHER_NAMESPACE ? 'any other namespace' : `namespace ${ns}`;
}

function podWords(p: PodProbe, sameNamespace: readonly PodProbe[]): string {
  const keys = Object.keys(p.labels);
  if (keys.length) return `pods with ${keys.sort(compare).map((k) => `${k}=${p.labels[k]}`).join(',')}`;
  return sameNamespace.length > 1 ? 'other pods' : 'any pod';
}

function describePorts(ports: readonly PortProbe[], probes: ProbeSet): string {
  if (ports.length === probes.ports.length) return 'all ports';
  const parts: string[] = [];
  for (const protocol of [...new Set(probes.ports.map((p) => p.protocol))]) {
    const mine = ports.filter((p) => p.protocol === protocol);
    if (!mine.length) continue;
    if (mine.length === probes.ports.filter((p) => p.protocol === protocol).length) parts.push(`any ${protocol} port`);
    else parts.push(...mine.map((p) => p.label));
  }
  return parts.join(', ');
}

function diffObjects(base: ProjectObjects | undefined, head: ProjectObjects | undefined): ObjectChanges {
  const b = base?.objects ?? new Map<string, Obj>();
  const h = head?.objects ?? new Map<string, Obj>();
  const keys = [...new Set([...b.keys(), ...h.keys()])].sort(compare);
  return {
    added: keys.filter((k) => !b.has(k)),
    removed: keys.filter((k) => !h.has(k)),
    changed: keys.filter((k) => b.has(k) && h.has(k) && stableJson(b.get(k)) !== stableJson(h.get(k))),
  };
}
