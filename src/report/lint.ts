import { ConnSet, Engine, Labels, NAMESPACE_NAME_LABEL, NamespaceInfo, PeerSubject, PortMatcher, Protocol, Selector, SideResult, Workload, describePeer, peerListMatches, parseIp } from '../analysis';
import { dataplaneFindings, portSupportFindings } from '../cni/lint';
import { DataplaneSemantics, SPEC_SEMANTICS } from '../cni/semantics';
import { compare } from '../k8s/compare';
import { ExposedService } from '../constructs/exposed-service';
import { InternalWhitelist } from '../constructs/internal-whitelist';
import { Analysis, ClusterAnalysis } from './analyze';
import { listWords, workloadItems } from './sets';
import { at } from './summary';
import { localPolicy } from './because';

/** Which check produced a {@link LintFinding}. */
export type LintRule = 'dns' | 'never-matches' | 'cni-support' | 'snat-clients' | 'outside-workspace' | 'one-sided';

/** A policy that is valid but probably not what was meant. */
export interface LintFinding {
  readonly rule: LintRule;
  /** What the finding is about: a policy rule (`ns/policy ingress rule 0`), a workload, or an allow-list entry. */
  readonly subject: string;
  readonly message: string;
  /** `error`: on the cluster's CNI the policy does not do what it says (see `Cluster` prop `cni`). @default a warning */
  readonly severity?: 'error';
}

/** Where the cluster DNS answers, as the DNS check needs it. */
export interface DnsTarget {
  readonly namespace: string;
  readonly podLabels: Labels;
  /**
   * DNS ports, shaped like a {@link Port}: a number, a range (`endPort`), every port of the protocol
   * (no `port`), or a container port name, which the check cannot resolve and so does not check.
   */
  readonly ports: readonly DnsPort[];
  readonly nodeLocalIp?: string;
}

/** One DNS port of a {@link DnsTarget}; a {@link Port} fits. */
export interface DnsPort {
  readonly protocol: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** Where DNS answers when the input does not say: the `Cluster` defaults (kube-dns pods in kube-system, UDP and TCP 53). */
export const DEFAULT_DNS: DnsTarget = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] };

/**
 * Every lint finding of an analysis, sorted by rule, subject and message: {@link lintCluster} for
 * definitions; for manifests the policy checks with the default DNS, one-sided allows and the
 * dataplane's findings.
 */
export function lintAnalysis(analysis: Analysis): LintFinding[] {
  if (isClusterAnalysis(analysis)) return lintCluster(analysis);
  const { engine } = analysis;
  const out = [...lintPolicies(engine, DEFAULT_DNS, NAMESPACE_NAME_LABEL, engine.dataplane), ...lintOneSided(engine), ...dataplaneFindings(analysis.name, engine.dataplane)];
  return out.sort(findingOrder);
}

function isClusterAnalysis(analysis: Analysis): analysis is ClusterAnalysis {
  return analysis.input === 'definitions';
}

function findingOrder(a: LintFinding, b: LintFinding): number {
  return compare(a.rule, b.rule) || compare(a.subject, b.subject) || compare(a.message, b.message);
}

/**
 * Every lint finding of an analysed cluster, sorted by rule, subject and message. The policy checks
 * ({@link lintPolicies}) run on the manifests; the SNAT and workspace checks on the definitions.
 */
export function lintCluster(analysis: ClusterAnalysis): LintFinding[] {
  const { cluster } = analysis;
  const s = cluster.settings;
  const dns: DnsTarget = {
    namespace: s.dns.namespace,
    podLabels: s.dns.podLabels,
    ports: s.dns.ports,
    ...(s.dns.nodeLocalIp ? { nodeLocalIp: s.dns.nodeLocalIp } : {}),
  };
  const dataplane = analysis.engine.dataplane;
  const out = [...lintPolicies(analysis.engine, dns, s.namespaceLabel, dataplane), ...lintOneSided(analysis.engine), ...dataplaneFindings(cluster.name, dataplane)];
  for (const project of cluster.projects) {
    for (const part of project.parts) {
      if (part instanceof ExposedService && part.snatsClients && project.isolation !== 'none' && part.clients.length > 0) {
        const nodes = [...s.nodeCidrs, ...s.tunnelCidrs].join(', ');
        out.push({
          rule: 'snat-clients',
          subject: `${project.name}/${part.policyName}`,
          message: `clients ${part.clients.join(', ')} are allowed, but externalTrafficPolicy 'Cluster' lets kube-proxy SNAT any client to a node address${nodes ? ` (${nodes})` : ''}, which this policy also allows: every address that reaches the node port gets in; use externalTrafficPolicy: 'Local'`,
        });
      }
      if (part instanceof InternalWhitelist && project.workspace) {
        for (const peer of part.peers) {
          const spec = peer.resolve(cluster).peer;
          if (spec.kind !== 'namespace') continue;
          const other = cluster.findProject(spec.namespace);
          if (other?.workspace === project.workspace) continue;
          const where = !other ? 'a namespace netiso does not manage' : other.workspace ? `workspace ${other.workspace.name}` : 'no workspace';
          out.push({
            rule: 'outside-workspace',
            subject: `${project.name}/${part.policyName}`,
            message: `${peer} is outside workspace ${project.workspace.name} (it is in ${where}); check that this cross-workspace ${part.direction} is intended`,
          });
        }
      }
    }
  }
  return out.sort(findingOrder);
}

/**
 * `one-sided`: connections between workloads of two namespaces that a rule of one side allows and
 * the other side refuses, on ports the destination declares. Both sides must allow a connection,
 * so this is almost always a missing entry in the other project (KubeSphere's guide warns about
 * the same: "check that the peer project has the matching rule"). One finding per allowing rule.
 *
 * Computed on the side functions, never pair by pair: a pair one side's rules name is one of its
 * explicit entries, and a rule that allows every pod (its default) is checked once per function
 * against each destination's default, then against the destinations whose own rules name the source.
 */
export function lintOneSided(engine: Engine): LintFinding[] {
  const conn = engine.connectivity;
  const universe = engine.universe;
  const present = universe.classes.filter((c) => conn.present(c.index)).map((c) => c.index);
  const ports = (c: number): ConnSet => ConnSet.unionAll((conn.input.views[c]?.ports ?? []).map((p) => ConnSet.ports(p.protocol ?? 'TCP', p.containerPort, p.containerPort)));
  const destPorts = present.map(() => ConnSet.NONE);
  for (const c of present) destPorts[c] = ports(c);
  // Rules that allow on purpose: the allow rules behind a result (not the default of an open side).
  const ruled = new Map<string, ConnSet>();
  const byRules = (r: SideResult): ConnSet => {
    const key = `${r.reason}:${r.allowed.id}`;
    let out = ruled.get(key);
    if (!out) ruled.set(key, out = ConnSet.unionAll(conn.reason(r.reason).filter((s) => s.kind === 'rule' && s.rule.action !== 'deny').map((s) => s.conns)).intersect(r.allowed));
    return out;
  };
  const findings = new Map<string, { direction: 'ingress' | 'egress'; rule: string; policy: string; mine: Set<string>; others: Set<string>; otherNamespaces: Set<string>; isolating: Set<string>; conns: ConnSet }>();
  const record = (direction: 'ingress' | 'egress', subject: number, other: number, allowing: SideResult, refusing: SideResult, dest: number): void => {
    const allowed = byRules(allowing);
    if (allowed.isEmpty || universe.classes[subject].namespace === universe.classes[other].namespace) return;
    const missing = allowed.intersect(destPorts[dest]).subtract(refusing.allowed);
    if (missing.isEmpty) return;
    for (const step of conn.reason(allowing.reason)) {
      if (step.kind !== 'rule' || step.rule.action === 'deny' || step.conns.intersect(missing).isEmpty) continue;
      const key = `${step.rule.policy}\n${direction}\n${step.rule.ruleIndex}`;
      let f = findings.get(key);
      if (!f) findings.set(key, f = { direction, rule: `${step.rule.policy} ${direction} rule ${step.rule.ruleIndex}`, policy: step.rule.policy, mine: new Set(), others: new Set(), otherNamespaces: new Set(), isolating: new Set(), conns: ConnSet.NONE });
      for (const w of universe.classes[subject].workloads) f.mine.add(w);
      for (const w of universe.classes[other].workloads) f.others.add(w);
      f.otherNamespaces.add(universe.classes[other].namespace);
      const otherDirection = direction === 'egress' ? 'ingress' : 'egress';
      for (const s of conn.selecting(other, otherDirection)) if (s.isolates) f.isolating.add(s.policy);
      f.conns = f.conns.union(step.conns.intersect(missing));
    }
  };
  for (const direction of ['egress', 'ingress'] as const) {
    const side = (c: number) => (direction === 'egress' ? conn.egress(c) : conn.ingress(c));
    const otherSide = (c: number) => (direction === 'egress' ? conn.ingress(c) : conn.egress(c));
    const dest = (subject: number, other: number) => (direction === 'egress' ? other : subject);
    // The other side's explicit entries, inverted: who names whom.
    const naming = new Map<number, Map<number, SideResult>>();
    for (const o of present) {
      for (const [c, r] of otherSide(o).explicit()) {
        let m = naming.get(c);
        if (!m) naming.set(c, m = new Map());
        m.set(o, r);
      }
    }
    const broadMemo = new Map<object, number[]>();
    for (const c of present) {
      const mine = side(c);
      for (const [o, r] of mine.explicit()) record(direction, c, o, r, at(otherSide(o), c), dest(c, o));
      if (byRules(mine.def).isEmpty) continue;
      const named = naming.get(c) ?? new Map<number, SideResult>();
      // Against the others' defaults once per function; a destination's ports matter only for egress.
      let refusing = broadMemo.get(mine);
      if (!refusing) {
        refusing = present.filter((o) => !byRules(mine.def).intersect(direction === 'egress' ? destPorts[o] : ConnSet.ALL).subtract(otherSide(o).def.allowed).isEmpty);
        broadMemo.set(mine, refusing);
      }
      for (const o of refusing) if (!mine.explicit().has(o) && !named.has(o)) record(direction, c, o, mine.def, otherSide(o).def, dest(c, o));
      for (const [o, r] of named) if (!mine.explicit().has(o)) record(direction, c, o, mine.def, r, dest(c, o));
    }
  }
  const sizes = new Map<string, number>();
  for (const w of engine.cluster.workloads) sizes.set(w.namespace, (sizes.get(w.namespace) ?? 0) + 1);
  return [...findings.values()].map((f): LintFinding => {
    const home = f.policy.includes(' ') ? f.policy.slice(f.policy.indexOf(' ') + 1).split('/')[0] : f.policy.split('/')[0];
    const mine = listWords(workloadItems(f.mine, sizes), 4);
    const others = listWords(workloadItems(f.others, sizes), 4);
    const namespaces = listWords([...f.otherNamespaces].sort(compare), 4);
    // Policies of one namespace by their ids; of several, by their names (the same in each, typically).
    const names = f.otherNamespaces.size === 1 ? [...f.isolating] : [...new Set([...f.isolating].map(localPolicy))];
    const isolating = names.length ? ` (${f.direction === 'egress' ? 'isolated' : 'egress-isolated'} by ${listWords(names.sort(compare), 4)})` : '';
    const verb = f.otherNamespaces.size === 1 ? 'does' : 'do';
    return f.direction === 'egress'
      ? {
        rule: 'one-sided', subject: f.rule,
        message: `lets ${mine} connect to ${others} on ${f.conns.describe()}, but ${namespaces} ${verb} not admit it${isolating}; add an ingress allow-list entry from ${home} in ${namespaces}, or drop the egress entry`,
      }
      : {
        rule: 'one-sided', subject: f.rule,
        message: `admits ${others} to ${mine} on ${f.conns.describe()}, but ${namespaces} may not send it${isolating}; add an egress allow-list entry to ${home} in ${namespaces}, or drop the ingress entry`,
      };
  });
}

/**
 * Checks on the policies alone:
 * - `dns`: a declared workload (or, in a namespace without declared workloads, a pod with no labels)
 *   is egress-isolated and no rule lets it reach the DNS pods or the NodeLocal DNS address on a DNS port;
 * - `never-matches`: a pod peer whose namespaces all have declared workloads, none of which it selects;
 *   or a namespaceSelector that matches no known namespace (unless it pins a name with
 *   `namespaceLabel`: that namespace may just be one netiso does not know);
 * - `cni-support`: SCTP or `endPort`, which not every CNI enforces (on a chosen `dataplane`: an
 *   error where it does not, see {@link portSupportFindings}).
 */
export function lintPolicies(engine: Engine, dns: DnsTarget, namespaceLabel: string, dataplane: DataplaneSemantics = SPEC_SEMANTICS): LintFinding[] {
  const out: LintFinding[] = [];
  const namespaces = [...engine.cluster.namespaces.values()];
  const workloadsIn = groupBy(engine.cluster.workloads, (w) => w.namespace);

  const dnsNamespace = engine.cluster.namespaces.get(dns.namespace);
  const dnsPod: PeerSubject = { kind: 'pod', namespace: dns.namespace, namespaceLabels: dnsNamespace?.labels ?? { [NAMESPACE_NAME_LABEL]: dns.namespace }, labels: dns.podLabels };
  const nodeLocal = dns.nodeLocalIp ? parseIp(dns.nodeLocalIp) : undefined;
  const dnsSubjects: PeerSubject[] = [dnsPod, ...(nodeLocal ? [{ kind: 'ip' as const, ip: nodeLocal }] : [])];
  for (const [ns, policies] of groupBy(engine.policies, (p) => p.namespace)) {
    const declared: readonly Workload[] = workloadsIn.get(ns) ?? [];
    const subjects = declared.length ? declared.map((w) => ({ name: `${ns}/${w.name}`, labels: w.labels })) : [{ name: `pods of ${ns}`, labels: {} }];
    for (const subject of subjects) {
      const isolating = policies.filter((p) => p.egress && p.target.matches(subject.labels));
      if (isolating.length === 0) continue;
      const reaches = isolating.some((p) => (p.egress ?? []).some((rule) => dnsSubjects.some((d) => peerListMatches(rule.peers, d))
        && (dns.ports.length === 0 || dns.ports.some((port) => reachesDnsPort(rule.ports, port)))));
      if (!reaches) {
        out.push({
          rule: 'dns',
          subject: subject.name,
          message: `egress-isolated by ${isolating.map((p) => p.id).join(', ')}, but no rule lets it reach DNS (pods with ${Object.entries(dns.podLabels).map(([k, v]) => `${k}=${v}`).join(', ')} in namespace ${dns.namespace}${nodeLocal ? ` or ${nodeLocal.text}` : ''}${dns.ports.length ? ` on ${dns.ports.map(dnsPortText).join(', ')}` : ''}); name lookups will fail`,
        });
      }
    }
  }

  // Candidates by label, so that a selector pinning a label does not test every namespace.
  const byLabel = groupBy(namespaces.flatMap((n) => Object.entries(n.labels).map(([k, v]) => ({ key: `${k}=${v}`, n }))), (e) => e.key);
  const matching = (selector: Selector): NamespaceInfo[] => {
    let pool: readonly NamespaceInfo[] = namespaces;
    for (const [k, v] of selector.matchLabels) {
      const list = (byLabel.get(`${k}=${v}`) ?? []).map((e) => e.n);
      if (list.length < pool.length) pool = list;
    }
    return pool.filter((n) => selector.matches(n.labels));
  };
  for (const policy of engine.policies) {
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
      const subject = `${policy.id} ${rule.direction} rule ${rule.index}`;
      for (const peer of rule.peers.peers) {
        if (peer.kind !== 'pods') continue;
        const own = 'own' in peer.namespace ? engine.cluster.namespaces.get(peer.namespace.own) : undefined;
        const matched = 'own' in peer.namespace ? (own ? [own] : []) : matching(peer.namespace.selector);
        if (matched.length === 0) {
          const pinsName = 'selector' in peer.namespace && peer.namespace.selector.matchLabels.some(([k]) => k === namespaceLabel || k === NAMESPACE_NAME_LABEL);
          if (!pinsName) out.push({ rule: 'never-matches', subject, message: `peer "${describePeer(peer)}" matches no namespace of the cluster, so it never matches` });
          continue;
        }
        if (!matched.every((n) => workloadsIn.has(n.name))) continue;
        if (matched.some((n) => workloadsIn.get(n.name)!.some((w) => peer.pods.matches(w.labels)))) continue;
        out.push({ rule: 'never-matches', subject, message: `peer "${describePeer(peer)}" selects none of the workloads declared in ${matched.map((n) => n.name).join(', ')}; check its labels` });
      }
      for (const spec of rule.ports.specs) out.push(...portSupportFindings(subject, spec, dataplane));
    }
  }
  return out;
}

/**
 * Whether a rule's ports let some traffic reach the DNS port: a number, a range or every port of
 * the protocol. A named DNS port cannot be resolved (the DNS pods are not declared), so it does not
 * count against the rule.
 */
function reachesDnsPort(ports: PortMatcher, dns: DnsPort): boolean {
  if (ports.all || typeof dns.port === 'string') return true;
  const lo = dns.port ?? 1;
  const hi = dns.port === undefined ? 65535 : dns.endPort ?? dns.port;
  return ports.specs.some((spec) => spec.protocol === dns.protocol && spec.name === undefined
    && (spec.port === undefined || (spec.port <= hi && (spec.endPort ?? spec.port) >= lo)));
}

/** `UDP 53`, `TCP 53-54`, `all TCP ports`, `UDP port "dns"`, as {@link Port.toString}. */
function dnsPortText(p: DnsPort): string {
  if (p.port === undefined) return `all ${p.protocol} ports`;
  if (typeof p.port === 'string') return `${p.protocol} port "${p.port}"`;
  return p.endPort !== undefined && p.endPort !== p.port ? `${p.protocol} ${p.port}-${p.endPort}` : `${p.protocol} ${p.port}`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
