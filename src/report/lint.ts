import { CompiledPolicy, Engine, Labels, PeerSubject, Protocol, describePeer, peerListMatches, parseIp } from '../analysis';
import { compare } from '../analysis/model';
import { ExposedService } from '../constructs/exposed-service';
import { InternalWhitelist } from '../constructs/internal-whitelist';
import { ClusterAnalysis } from './analyze';

/** Which check produced a {@link LintFinding}. */
export type LintRule = 'dns' | 'never-matches' | 'cni-support' | 'snat-clients' | 'outside-workspace' | 'one-sided';

/** A policy that is valid but probably not what was meant. */
export interface LintFinding {
  readonly rule: LintRule;
  /** What the finding is about: a policy rule (`ns/policy ingress rule 0`), a workload, or an allow-list entry. */
  readonly subject: string;
  readonly message: string;
}

/** Where the cluster DNS answers, as the DNS check needs it. */
export interface DnsTarget {
  readonly namespace: string;
  readonly podLabels: Labels;
  readonly ports: readonly { readonly protocol: Protocol; readonly port: number }[];
  readonly nodeLocalIp?: string;
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
    ports: s.dns.ports.filter((p) => typeof p.port === 'number').map((p) => ({ protocol: p.protocol, port: p.port as number })),
    ...(s.dns.nodeLocalIp ? { nodeLocalIp: s.dns.nodeLocalIp } : {}),
  };
  const out = [...lintPolicies(analysis.engine, dns, s.namespaceLabel), ...lintOneSided(analysis.engine)];
  for (const project of cluster.projects) {
    for (const part of project.parts) {
      if (part instanceof ExposedService && part.externalTrafficPolicy === 'Cluster' && project.isolation !== 'none' && part.clients.length > 0) {
        const nodes = [...s.nodeCidrs, ...s.tunnelCidrs].join(', ');
        out.push({
          rule: 'snat-clients',
          subject: `${project.name}/${part.policyName}`,
          message: `clients ${part.clients.join(', ')} are allowed, but externalTrafficPolicy 'Cluster' lets kube-proxy SNAT any client to a node address (${nodes}), which this policy also allows: every address that reaches the node port gets in; use externalTrafficPolicy: 'Local'`,
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
export function lintOneSided(engine: Engine): LintFinding[] {
  const out: LintFinding[] = [];
  const workloads = engine.cluster.workloads;
  for (const to of workloads) {
    for (const port of to.ports ?? []) {
      const protocol = port.protocol ?? 'TCP';
      for (const from of workloads) {
        if (from.namespace === to.namespace) continue;
        const v = engine.evaluate({ from: { namespace: from.namespace, name: from.name }, to: { namespace: to.namespace, name: to.name }, port: port.containerPort, protocol });
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
 * - `cni-support`: SCTP or `endPort`, which not every CNI enforces.
 */
export function lintPolicies(engine: Engine, dns: DnsTarget, namespaceLabel: string): LintFinding[] {
  const out: LintFinding[] = [];
  const namespaces = [...engine.cluster.namespaces.values()];
  const workloadsIn = new Map<string, Labels[]>();
  for (const w of engine.cluster.workloads) workloadsIn.set(w.namespace, [...(workloadsIn.get(w.namespace) ?? []), w.labels]);

  const dnsNamespace = engine.cluster.namespaces.get(dns.namespace);
  const dnsPod: PeerSubject = { kind: 'pod', namespace: dns.namespace, namespaceLabels: dnsNamespace?.labels ?? { 'kubernetes.io/metadata.name': dns.namespace }, labels: dns.podLabels };
  const nodeLocal = dns.nodeLocalIp ? parseIp(dns.nodeLocalIp) : undefined;
  const dnsSubjects: PeerSubject[] = [dnsPod, ...(nodeLocal ? [{ kind: 'ip' as const, ip: nodeLocal }] : [])];
  const byNamespace = new Map<string, CompiledPolicy[]>();
  for (const p of engine.policies) byNamespace.set(p.namespace, [...(byNamespace.get(p.namespace) ?? []), p]);
  for (const [ns, policies] of byNamespace) {
    const declared = engine.cluster.workloads.filter((w) => w.namespace === ns);
    const subjects = declared.length ? declared.map((w) => ({ name: `${ns}/${w.name}`, labels: w.labels })) : [{ name: `pods of ${ns}`, labels: {} }];
    for (const subject of subjects) {
      const isolating = policies.filter((p) => p.egress && p.target.matches(subject.labels));
      if (isolating.length === 0) continue;
      const reaches = isolating.some((p) => (p.egress ?? []).some((rule) => dnsSubjects.some((d) => peerListMatches(rule.peers, d))
        && dns.ports.some((port) => rule.ports.matches(port.port, port.protocol, undefined))));
      if (!reaches) {
        out.push({
          rule: 'dns',
          subject: subject.name,
          message: `egress-isolated by ${isolating.map((p) => p.id).join(', ')}, but no rule lets it reach DNS (pods with ${Object.entries(dns.podLabels).map(([k, v]) => `${k}=${v}`).join(', ')} in namespace ${dns.namespace}${nodeLocal ? ` or ${nodeLocal.text}` : ''} on ${dns.ports.map((p) => `${p.protocol} ${p.port}`).join(', ')}); name lookups will fail`,
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
          const pinsName = 'selector' in peer.namespace && peer.namespace.selector.matchLabels.some(([k]) => k === namespaceLabel || k === 'kubernetes.io/metadata.name');
          if (!pinsName) out.push({ rule: 'never-matches', subject, message: `peer "${describePeer(peer)}" matches no namespace of the cluster, so it never matches` });
          continue;
        }
        if (!matched.every((n) => workloadsIn.has(n.name))) continue;
        if (matched.some((n) => workloadsIn.get(n.name)!.some((labels) => peer.pods.matches(labels)))) continue;
        out.push({ rule: 'never-matches', subject, message: `peer "${describePeer(peer)}" selects none of the workloads declared in ${matched.map((n) => n.name).join(', ')}; check its labels` });
      }
      for (const spec of rule.ports.specs) {
        if (spec.protocol === 'SCTP') out.push({ rule: 'cni-support', subject, message: 'uses SCTP, which not every CNI supports; check that yours enforces it' });
        if (spec.endPort !== undefined && spec.port !== undefined && spec.endPort !== spec.port) {
          out.push({ rule: 'cni-support', subject, message: `uses a port range (${spec.port}-${spec.endPort}, endPort), which not every CNI supports; check that yours enforces it` });
        }
      }
    }
  }
  return out;
}
