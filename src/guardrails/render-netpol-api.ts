import { Manifest } from '../render/model';
import { Port } from '../values/port';
import { GuardPeer, GuardrailPlan, GuardRule, GuardSubject } from './model';
import { describeSubject } from './plan';
import { chunk, clusterObject, GUARDRAIL_NAME_PREFIX, inSelector, labelSelector, portRanges, Rendered } from './render-common';
import { NAMESPACE_NAME_LABEL } from '../k8s/names';

/**
 * The differences between ClusterNetworkPolicy (v1alpha2) and AdminNetworkPolicy /
 * BaselineAdminNetworkPolicy (v1alpha1): everything else (subjects, peers, Pass and Deny, rule
 * order) is the same, so one renderer serves both.
 */
export interface NetpolDialect {
  readonly apiVersion: string;
  /** Kind of Admin tier objects, and of the Baseline object. */
  readonly adminKind: string;
  readonly baselineKind: string;
  /** v1alpha2 puts the tier into `spec.tier`; v1alpha1 has a kind per tier. */
  readonly tierField: boolean;
  /** v1alpha1's BaselineAdminNetworkPolicy is a singleton named `default`, without a priority. */
  readonly baselineName?: string;
  /** Most rules per direction, peers per rule and port matches per rule. */
  readonly maxRules: number;
  readonly maxPeers: number;
  readonly maxPorts: number;
  /** The rule's port matches field and its items. */
  readonly portsField: 'protocols' | 'ports';
  readonly port: (range: { protocol: string; start: number; end: number }) => Record<string, unknown>;
}

/** `policy.networking.k8s.io/v1alpha2` ClusterNetworkPolicy, network-policy-api v0.2.0 standard channel. */
export const CLUSTER_NETWORK_POLICY: NetpolDialect = {
  apiVersion: 'policy.networking.k8s.io/v1alpha2',
  adminKind: 'ClusterNetworkPolicy',
  baselineKind: 'ClusterNetworkPolicy',
  tierField: true,
  maxRules: 25,
  maxPeers: 25,
  maxPorts: 25,
  portsField: 'protocols',
  // A single port is `number`: the API requires a range's start to be below its end.
  port: ({ protocol, start, end }) => ({ [protocol.toLowerCase()]: { destinationPort: start === end ? { number: start } : { range: { start, end } } } }),
};

/** `policy.networking.k8s.io/v1alpha1` AdminNetworkPolicy and BaselineAdminNetworkPolicy (network-policy-api v0.1.x standard channel). */
export const ADMIN_NETWORK_POLICY: NetpolDialect = {
  apiVersion: 'policy.networking.k8s.io/v1alpha1',
  adminKind: 'AdminNetworkPolicy',
  baselineKind: 'BaselineAdminNetworkPolicy',
  tierField: false,
  baselineName: 'default',
  maxRules: 100,
  maxPeers: 100,
  maxPorts: 100,
  portsField: 'ports',
  port: ({ protocol, start, end }) => (start === end ? { portNumber: { protocol, port: start } } : { portRange: { protocol, start, end } }),
};

/**
 * Renders a plan as network-policy-api objects. Named ports become their protocol's whole range:
 * `destinationNamedPort` is experimental, and a wider Pass only hands more traffic to
 * NetworkPolicy, which still decides exactly.
 */
export function renderNetpolApi(plan: GuardrailPlan, dialect: NetpolDialect): Rendered {
  const problems: string[] = [];
  const manifests: Manifest[] = plan.objects.map((o) => {
    const baseline = o.role === 'baseline';
    const name = baseline && dialect.baselineName ? dialect.baselineName : `${GUARDRAIL_NAME_PREFIX}${o.name}`;
    const spec: Record<string, unknown> = {
      ...(dialect.tierField ? { tier: baseline ? 'Baseline' : 'Admin' } : {}),
      ...(baseline && dialect.baselineName ? {} : { priority: o.priority }),
      subject: subject(o.subject),
    };
    for (const direction of ['ingress', 'egress'] as const) {
      const rules = o[direction];
      if (!rules) continue;
      const rendered = rules.flatMap((r) => renderRule(r, direction, dialect));
      if (rendered.length > dialect.maxRules) {
        problems.push(`${dialect.adminKind} ${name} needs ${rendered.length} ${direction} rules for ${describeSubject(o.subject)}, more than the ${dialect.maxRules} the API allows; merge allow-list entries that have the same ports`);
      }
      spec[direction] = rendered;
    }
    return clusterObject(dialect.apiVersion, baseline ? dialect.baselineKind : dialect.adminKind, name, spec);
  });
  return { manifests, problems };
}

function subject(s: GuardSubject): Record<string, unknown> {
  const namespaces = inSelector(NAMESPACE_NAME_LABEL, s.namespaces, s.exceptNamespaces ? 'NotIn' : 'In');
  return Object.keys(s.pods).length ? { pods: { namespaceSelector: namespaces, podSelector: labelSelector(s.pods) } } : { namespaces };
}

/** One rule, split where it has more peers or ports than the API allows in one rule. */
function renderRule(rule: GuardRule, direction: 'ingress' | 'egress', dialect: NetpolDialect): Record<string, unknown>[] {
  const peers = rule.peers.flatMap(peer);
  const ports = portMatches(rule, dialect);
  const out: Record<string, unknown>[] = [];
  const peerChunks = chunk(peers, dialect.maxPeers);
  const portChunks = ports.length ? chunk(ports, dialect.maxPorts) : [undefined];
  for (const peerChunk of peerChunks) {
    for (const portChunk of portChunks) {
      const suffix = out.length ? `-${out.length + 1}` : '';
      out.push({
        name: `${rule.name}${suffix}`,
        action: rule.action === 'pass' ? 'Pass' : 'Deny',
        [direction === 'ingress' ? 'from' : 'to']: peerChunk,
        ...(portChunk ? { [dialect.portsField]: portChunk } : {}),
      });
    }
  }
  return out;
}

function peer(p: GuardPeer): Record<string, unknown>[] {
  if (p.kind === 'cidrs') return chunk(p.cidrs, 25).map((networks) => ({ networks }));
  const namespaces = 'all' in p.namespaces ? {} : inSelector(p.namespaces.key, p.namespaces.values);
  return [Object.keys(p.pods).length ? { pods: { namespaceSelector: namespaces, podSelector: labelSelector(p.pods) } } : { namespaces }];
}

function portMatches(rule: GuardRule, dialect: NetpolDialect): Record<string, unknown>[] {
  if (rule.action === 'deny' && rule.ports.some((p: Port) => typeof p.port === 'string')) {
    throw new Error(`internal error: deny rule ${rule.name} has a named port`);
  }
  return portRanges(rule.ports).map(dialect.port);
}
