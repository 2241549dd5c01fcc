import { Engine, Labels, NAMESPACE_NAME_LABEL, PeerSubject, PortMatcher, Protocol, Workload, describePeer, peerListMatches, parseIp } from '../analysis';
import { dataplaneFindings, portSupportFindings } from '../cni/lint';
import { DataplaneSemantics, SPEC_SEMANTICS } from '../cni/semantics';
import { compare } from '../k8s/compare';
import { ExposedService } from '../constructs/exposed-service';
import { InternalWhitelist } from '../constructs/internal-whitelist';
import { ClusterAnalysis } from './analyze';
import { VerdictCache } from './verdicts';

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

/**
 * Every lint finding of an analysed cluster, sorted by rule, subject and message. The policy checks
 * ({@link lintPolicies}) run on the manifests; the SNAT and workspace checks on the definitions.
 */
export function lintCluster(analysis: ClusterAnalysis): LintFinding[] {
  return lintWith(analysis, new VerdictCache(analysis.engine));
}

/** {@link lintCluster} reusing the verdicts of a report run. @internal */
export function lintWith(analysis: ClusterAnalysis, verdicts: VerdictCache): LintFinding[] {
  const { cluster } = analysis;
  const s = cluster.settings;
  const dns: DnsTarget = {
    namespace: s.dns.namespace,
    podLabels: s.dns.podLabels,
    ports: s.dns.ports,
    ...(s.dns.nodeLocalIp ? { nodeLocalIp: s.dns.nodeLocalIp } : {}),
  };
  const out = [...lintPolicies(analysis.engine, dns, s.namespaceLabel, s.semantics), ...lintOneSided(verdicts), ...dataplaneFindings(cluster.name, s.semantics)];
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
  return out.sort((a, b) => compare(a.rule, b.rule) || compare(a.subject, b.subject) || compare(a.message, b.message));
}

/**
 * `one-sided`: a connection between declared workloads of two namespaces that one side's rules
 * allow on purpose and the other side refuses. Both sides must allow a connection, so this is
 * almost always a missing entry in the other project (KubeSphere's guide warns about the same:
 * "check that the peer project has the matching rule"). Probed on the destination's declared ports.
 */
function lintOneSided(verdicts: VerdictCache): LintFinding[] {
  const out: LintFinding[] = [];
  const workloads = verdicts.engine.cluster.workloads;
  for (const to of workloads) {
    for (const port of to.ports ?? []) {
      const protocol = port.protocol ?? 'TCP';
      for (const from of workloads) {
        if (from.namespace === to.namespace) continue;
        const v = verdicts.evaluate({ namespace: from.namespace, name: from.name }, { namespace: to.namespace, name: to.name }, port.containerPort, protocol);
        const what = `${from.namespace}/${from.name} -> ${to.namespace}/${to.name} on ${protocol} ${port.containerPort}`;
        const rules = (side: typeof v.egress) => side.allowedBy.map((r) => `${r.policy} ${r.direction} rule ${r.ruleIndex}`).join(', ');
        if (v.egress.isolated && v.egress.allowed && !v.ingress.allowed) {
          out.push({
            rule: 'one-sided',
            subject: what,
            message: `egress is allowed by ${rules(v.egress)}, but ${to.namespace} does not admit it (isolated by ${v.ingress.isolatingPolicies.join(', ')}); add an ingress allow-list entry from ${from.namespace} in ${to.namespace}, or drop the egress entry`,
          });
        } else if (v.ingress.isolated && v.ingress.allowed && !v.egress.allowed) {
          out.push({
            rule: 'one-sided',
            subject: what,
            message: `ingress is allowed by ${rules(v.ingress)}, but ${from.namespace} may not send it (egress-isolated by ${v.egress.isolatingPolicies.join(', ')}); add an egress allow-list entry to ${to.namespace} in ${from.namespace}, or drop the ingress entry`,
          });
        }
      }
    }
  }
  return out;
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

  for (const policy of engine.policies) {
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
      const subject = `${policy.id} ${rule.direction} rule ${rule.index}`;
      for (const peer of rule.peers.peers) {
        if (peer.kind !== 'pods') continue;
        const matched = namespaces.filter((n) => ('own' in peer.namespace ? n.name === peer.namespace.own : peer.namespace.selector.matches(n.labels)));
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
