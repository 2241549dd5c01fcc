import { FieldContext, child, fail, isRecord } from '../k8s/errors';
import { MATCH_ALL, compileSelector } from '../k8s/selector';
import { PortSpec } from '../analysis/ports';
import { RuleAction, TierPeer, TierPolicy, TierRule, TierSubject } from '../analysis/tiers';
import {
  action, CompiledObject, ipBlock, list, namedPort, nameOf, onlyKnown, podsPeer, portNumber, protocolOf, record, TierKey, ipsPeer,
} from './compile-common';

/** One network-policy-api kind: how its tier, priority, actions and ports are spelled. */
interface NetpolKind {
  readonly kind: string;
  /** The tier: fixed by the kind (v1alpha1), or read from `spec.tier` (v1alpha2). */
  readonly tier: TierKey | 'spec';
  /** BaselineAdminNetworkPolicy has no priority: it is a singleton. */
  readonly priority: boolean;
  readonly actions: Readonly<Record<string, RuleAction>>;
  readonly portsField: 'protocols' | 'ports';
}

const V1ALPHA2: NetpolKind = { kind: 'ClusterNetworkPolicy', tier: 'spec', priority: true, actions: { Accept: 'allow', Deny: 'deny', Pass: 'pass' }, portsField: 'protocols' };
const ANP: NetpolKind = { kind: 'AdminNetworkPolicy', tier: 'admin', priority: true, actions: { Allow: 'allow', Deny: 'deny', Pass: 'pass' }, portsField: 'ports' };
const BANP: NetpolKind = { kind: 'BaselineAdminNetworkPolicy', tier: 'baseline', priority: false, actions: { Allow: 'allow', Deny: 'deny' }, portsField: 'ports' };

/** ClusterNetworkPolicy `policy.networking.k8s.io/v1alpha2`: Admin → `admin`, Baseline → `baseline`. */
export function compileClusterNetworkPolicy(object: Record<string, unknown>): CompiledObject {
  return compileNetpolApi(object, V1ALPHA2);
}

/** AdminNetworkPolicy `policy.networking.k8s.io/v1alpha1` (tier `admin`). */
export function compileAdminNetworkPolicy(object: Record<string, unknown>): CompiledObject {
  return compileNetpolApi(object, ANP);
}

/** BaselineAdminNetworkPolicy `policy.networking.k8s.io/v1alpha1` (tier `baseline`). */
export function compileBaselineAdminNetworkPolicy(object: Record<string, unknown>): CompiledObject {
  return compileNetpolApi(object, BANP);
}

/**
 * Compiles one object of the network-policy-api: rules in order, peers `namespaces` / `pods` →
 * pods, `networks` → ips, `nodes` → nodes; a rule that no traffic can match fails closed as the
 * API says (an Accept that matches nothing). `domainNames` (experimental) cannot be analysed.
 */
function compileNetpolApi(object: Record<string, unknown>, k: NetpolKind): CompiledObject {
  const { name } = nameOf(object, k.kind);
  const id = `${k.kind} ${name}`;
  const ctx: FieldContext = { subject: id, field: 'spec' };
  const spec = record(object.spec, ctx);
  onlyKnown(spec, ['tier', 'priority', 'subject', 'ingress', 'egress'], ctx, k.kind);
  let tier: TierKey = k.tier === 'spec' ? 'admin' : k.tier;
  if (k.tier === 'spec') {
    if (spec.tier !== 'Admin' && spec.tier !== 'Baseline') fail(child(ctx, 'tier'), `${JSON.stringify(spec.tier)} is not a tier; use Admin or Baseline`);
    tier = spec.tier === 'Admin' ? 'admin' : 'baseline';
  }
  let priority = 0;
  if (k.priority) {
    const p = spec.priority;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 1000) fail(child(ctx, 'priority'), `${JSON.stringify(p)} is not a priority; use a whole number from 0 to 1000`);
    priority = p;
  }
  const policy: TierPolicy = {
    id,
    priority,
    subject: subject(spec.subject, child(ctx, 'subject')),
    ingress: rules(spec.ingress, 'ingress', k, child(ctx, 'ingress')),
    egress: rules(spec.egress, 'egress', k, child(ctx, 'egress')),
    isolates: { ingress: false, egress: false },
  };
  return { placed: [{ tier, policy }] };
}

function subject(raw: unknown, ctx: FieldContext): TierSubject {
  const s = record(raw, ctx);
  onlyKnown(s, ['namespaces', 'pods'], ctx, 'a subject');
  if (isRecord(s.namespaces) === isRecord(s.pods)) fail(ctx, 'must set exactly one of namespaces and pods');
  if (isRecord(s.namespaces)) return { namespaces: compileSelector(s.namespaces, child(ctx, 'namespaces')), pods: MATCH_ALL };
  const pods = record(s.pods, child(ctx, 'pods'));
  return {
    namespaces: compileSelector(pods.namespaceSelector ?? {}, child(ctx, 'pods.namespaceSelector')),
    pods: compileSelector(pods.podSelector ?? {}, child(ctx, 'pods.podSelector')),
  };
}

function rules(raw: unknown, direction: 'ingress' | 'egress', k: NetpolKind, ctx: FieldContext): TierRule[] | undefined {
  const items = list(raw, ctx);
  if (!items) return undefined;
  const peersField = direction === 'ingress' ? 'from' : 'to';
  return items.map((item, index) => {
    const rctx = child(ctx, `[${index}]`);
    const r = record(item, rctx);
    onlyKnown(r, ['name', 'action', peersField, k.portsField], rctx, `a ${k.kind} rule`);
    const act = action(r.action, k.actions, child(rctx, 'action'));
    const peerItems = list(r[peersField], child(rctx, peersField));
    if (!peerItems || peerItems.length === 0) fail(child(rctx, peersField), 'must list at least one peer');
    const peers = peerItems.flatMap((p, i) => peer(p, direction, act, child(rctx, `${peersField}[${i}]`)));
    const portItems = list(r[k.portsField], child(rctx, k.portsField));
    const ports = portItems && portItems.length ? portItems.flatMap((p, i) => portSpecs(p, k, child(rctx, `${k.portsField}[${i}]`))) : 'all';
    return { index, ...(typeof r.name === 'string' && r.name ? { name: r.name } : {}), action: act, peers, ports };
  });
}

/**
 * One peer. A peer with no field set means the CRD is newer than the reader: the API says to
 * fail closed, i.e. an Accept that matches nothing and a Deny or Pass that matches everything.
 * netiso reports it anyway, since the real cluster may understand the field.
 */
function peer(raw: unknown, direction: 'ingress' | 'egress', act: RuleAction, ctx: FieldContext): TierPeer[] {
  const p = record(raw, ctx);
  const known = direction === 'ingress' ? ['namespaces', 'pods'] : ['namespaces', 'pods', 'networks', 'nodes'];
  onlyKnown(p, known, ctx, `an ${direction} peer`);
  const set = known.filter((f) => p[f] !== undefined && p[f] !== null);
  if (set.length !== 1) fail(ctx, `must set exactly one of ${known.join(', ')} (fail-closed would make this ${act === 'allow' ? 'rule match nothing' : 'rule match everything'})`);
  switch (set[0]) {
    case 'namespaces': return [podsPeer(compileSelector(p.namespaces, child(ctx, 'namespaces')))];
    case 'pods': {
      const pods = record(p.pods, child(ctx, 'pods'));
      return [podsPeer(compileSelector(pods.namespaceSelector ?? {}, child(ctx, 'pods.namespaceSelector')), compileSelector(pods.podSelector ?? {}, child(ctx, 'pods.podSelector')))];
    }
    case 'networks': {
      const nets = list(p.networks, child(ctx, 'networks')) ?? [];
      return [ipsPeer(nets.map((n, i) => ipBlock(n, undefined, child(ctx, `networks[${i}]`))))];
    }
    default: {
      const nodes = compileSelector(p.nodes, child(ctx, 'nodes'));
      return [{ kind: 'nodes', nodes, key: `nodes:${nodes.key}` }];
    }
  }
}

function portSpecs(raw: unknown, k: NetpolKind, ctx: FieldContext): PortSpec[] {
  const p = record(raw, ctx);
  if (Object.keys(p).length !== 1) fail(ctx, `must set exactly one field, got ${JSON.stringify(Object.keys(p))}`);
  if (k.portsField === 'protocols') {
    onlyKnown(p, ['tcp', 'udp', 'sctp', 'destinationNamedPort'], ctx, 'protocols');
    if (p.destinationNamedPort !== undefined) return namedPort(p.destinationNamedPort, child(ctx, 'destinationNamedPort'));
    const [proto] = Object.keys(p);
    const protocol = protocolOf(proto, ctx);
    const body = record(p[proto], child(ctx, proto));
    if (body.destinationPort === undefined) return [{ protocol }];
    const dp = record(body.destinationPort, child(ctx, `${proto}.destinationPort`));
    if (dp.number !== undefined) {
      const n = portNumber(dp.number, child(ctx, `${proto}.destinationPort.number`));
      return [{ protocol, port: n, endPort: n }];
    }
    return [range(protocol, dp.range, child(ctx, `${proto}.destinationPort.range`))];
  }
  onlyKnown(p, ['portNumber', 'portRange', 'namedPort'], ctx, 'ports');
  if (p.namedPort !== undefined) return namedPort(p.namedPort, child(ctx, 'namedPort'));
  if (p.portNumber !== undefined) {
    const n = record(p.portNumber, child(ctx, 'portNumber'));
    const port = portNumber(n.port, child(ctx, 'portNumber.port'));
    return [{ protocol: protocolOf(n.protocol, child(ctx, 'portNumber.protocol')), port, endPort: port }];
  }
  const r = record(p.portRange, child(ctx, 'portRange'));
  return [range(protocolOf(r.protocol, child(ctx, 'portRange.protocol')), r, child(ctx, 'portRange'))];
}

function range(protocol: PortSpec['protocol'], raw: unknown, ctx: FieldContext): PortSpec {
  const r = record(raw, ctx);
  const start = portNumber(r.start, child(ctx, 'start'));
  const end = portNumber(r.end, child(ctx, 'end'));
  if (end < start) fail(child(ctx, 'end'), `${end} is below start ${start}`);
  return { protocol, port: start, endPort: end };
}
