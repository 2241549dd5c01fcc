import { compilePolicy, ContainerPort, Protocol } from '../../src/analysis';
import { Tier, TierPeer, TierPolicy, TierRule, TIER_ORDER } from '../../src/analysis/tiers';
import { ipBlockMatches, parseIp } from '../../src/k8s/ip';
import { Labels } from '../../src/k8s/names';
import { compileGuardrails } from '../../src/guardrails/compile';

/**
 * A small, slow reference of the fold described in `src/analysis/tiers.ts`, for the guardrail
 * tests only: it lets them check what the emitted guardrails mean before the engine evaluates
 * tiers, and cross-checks the engine once it does. Pods and outside addresses; no nodes.
 */
export type Endpoint =
  | { readonly kind: 'pod'; readonly namespace: string; readonly namespaceLabels: Labels; readonly labels: Labels; readonly ports: readonly ContainerPort[]; readonly name: string }
  | { readonly kind: 'ip'; readonly ip: string; readonly name: string };

/** NetworkPolicies (as the engine compiles them) and guardrail objects as tiers. */
export function referenceTiers(networkPolicies: readonly unknown[], guardrails: readonly unknown[]): Tier[] {
  const policies: TierPolicy[] = networkPolicies.map(compilePolicy).map((p) => ({
    id: `NetworkPolicy ${p.id}`,
    priority: 1000,
    subject: { namespace: p.namespace, pods: p.target },
    ...(p.ingress ? { ingress: p.ingress.map(toRule) } : {}),
    ...(p.egress ? { egress: p.egress.map(toRule) } : {}),
    isolates: { ingress: p.ingress !== undefined, egress: p.egress !== undefined },
  }));
  const { tiers, problems } = compileGuardrails(guardrails.map((object) => ({ object })));
  if (problems.length) throw new Error(problems.join('\n'));
  const np = tiers.find((t) => t.name === 'networkPolicy');
  const merged: Tier = { name: 'networkPolicy', order: TIER_ORDER.networkPolicy, endAction: 'deny', policies: [...policies, ...(np?.policies ?? [])] };
  return [...tiers.filter((t) => t !== np), merged].sort((a, b) => a.order - b.order);
}

function toRule(r: ReturnType<typeof compilePolicy>['ingress'] extends readonly (infer R)[] | undefined ? R : never): TierRule {
  const peers: TierPeer[] = r.peers.all ? [{ kind: 'all', key: 'all' }] : r.peers.peers.map((p) => (p.kind === 'ipBlock'
    ? { kind: 'ips', blocks: [p.block], key: p.key }
    : { kind: 'pods', namespaces: 'own' in p.namespace ? { own: p.namespace.own } : p.namespace.selector, pods: p.pods, key: p.key }));
  return { index: r.index, action: 'allow', peers, ports: r.ports.all ? 'all' : r.ports.specs };
}

/** Whether `from` may connect to `to` on `port`/`protocol`: both the egress and the ingress side. */
export function referenceAllows(tiers: readonly Tier[], from: Endpoint, to: Endpoint, port: number, protocol: Protocol): boolean {
  const destPorts = to.kind === 'pod' ? to.ports : undefined;
  return side(tiers, 'egress', from, to, port, protocol, destPorts) && side(tiers, 'ingress', to, from, port, protocol, destPorts);
}

function side(tiers: readonly Tier[], direction: 'ingress' | 'egress', pod: Endpoint, peer: Endpoint, port: number, protocol: Protocol, destPorts: readonly ContainerPort[] | undefined): boolean {
  if (pod.kind !== 'pod') return true;
  for (const tier of tiers) {
    const selecting = tier.policies.filter((p) => p[direction] !== undefined && selects(p, pod));
    let passed = false;
    let isolated = false;
    for (const p of selecting) {
      isolated ||= p.isolates[direction];
      for (const rule of p[direction] ?? []) {
        if (!rule.peers.some((x) => peerMatches(x, peer, p)) || !portMatches(rule, port, protocol, destPorts)) continue;
        if (rule.action === 'allow') return true;
        if (rule.action === 'deny') return false;
        passed = true;
        break;
      }
      if (passed) break;
    }
    if (!passed && isolated && tier.endAction === 'deny') return false;
  }
  return true;
}

function selects(p: TierPolicy, pod: Extract<Endpoint, { kind: 'pod' }>): boolean {
  const s = p.subject;
  const nsOk = 'namespace' in s ? s.namespace === pod.namespace : s.namespaces.matches(pod.namespaceLabels);
  return nsOk && s.pods.matches(pod.labels);
}

function peerMatches(peer: TierPeer, e: Endpoint, policy: TierPolicy): boolean {
  switch (peer.kind) {
    case 'all': return true;
    case 'pods': {
      if (e.kind !== 'pod') return false;
      const ns = peer.namespaces;
      const own = 'namespace' in policy.subject ? policy.subject.namespace : undefined;
      return ('own' in ns ? e.namespace === (ns.own ?? own) : ns.matches(e.namespaceLabels)) && peer.pods.matches(e.labels);
    }
    case 'ips': return e.kind === 'ip' && peer.blocks.some((b) => ipBlockMatches(b, parseIp(e.ip)!));
    case 'entity': return peer.entity === 'all' || (e.kind === 'ip' ? peer.entity === 'world' : peer.entity === 'cluster');
    case 'nodes': return false;
  }
}

function portMatches(rule: TierRule, port: number, protocol: Protocol, destPorts: readonly ContainerPort[] | undefined): boolean {
  if (rule.ports === 'all') return true;
  return rule.ports.some((s) => {
    if (s.protocol !== protocol) return false;
    if (s.name !== undefined) return (destPorts ?? []).some((c) => c.name === s.name && (c.protocol ?? 'TCP') === protocol && c.containerPort === port);
    return s.port === undefined || (port >= s.port && port <= (s.endPort ?? s.port));
  });
}
