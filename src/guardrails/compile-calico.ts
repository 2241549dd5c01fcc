import { FieldContext, child, fail, isRecord } from '../k8s/errors';
import { cidrStrictlyWithin, IpBlock } from '../k8s/ip';
import { NAMESPACE_NAME_LABEL } from '../k8s/names';
import { Protocol } from '../k8s/protocol';
import { MATCH_ALL, Requirement, Selector, compileSelector } from '../k8s/selector';
import { PortSpec } from '../analysis/ports';
import { RuleAction, TierPeer, TierPolicy, TierRule, TierSubject } from '../analysis/tiers';
import { Dnf, parseCalicoSelector } from './calico-selector';
import {
  ALL_PEERS, CalicoTierDef, CompiledObject, action, cidrOf, ipBlock, ipsPeer, list, nameOf, onlyKnown, podsPeer, portNumber, record, TierKey,
} from './compile-common';
import { CALICO_RULE_ANNOTATION } from './render-calico';

/** Calico's own tiers, which exist without a `Tier` object in the input. */
const BUILT_IN_TIERS: Readonly<Record<string, CalicoTierDef>> = {
  'kube-admin': { name: 'kube-admin', order: 1_000, endAction: 'pass' },
  'kube-baseline': { name: 'kube-baseline', order: 10_000_000, endAction: 'pass' },
};

/** Policies without an `order` come last in their tier. */
const LAST = Number.MAX_SAFE_INTEGER;

const ACTIONS: Readonly<Record<string, RuleAction>> = { Allow: 'allow', Deny: 'deny', Pass: 'pass' };
const PROTOCOL_NUMBERS: Readonly<Record<string, Protocol>> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' };

/** Calico `Tier` (`projectcalico.org/v3`): its order and what happens to traffic no policy decided. */
export function compileCalicoTier(object: Record<string, unknown>): CompiledObject {
  const { name } = nameOf(object, 'Tier');
  const ctx: FieldContext = { subject: `Tier ${name}`, field: 'spec' };
  const spec = isRecord(object.spec) ? object.spec : {};
  onlyKnown(spec, ['order', 'defaultAction'], ctx, 'Tier');
  if (spec.order !== undefined && typeof spec.order !== 'number') fail(child(ctx, 'order'), `${JSON.stringify(spec.order)} is not a number`);
  if (spec.defaultAction !== undefined && spec.defaultAction !== 'Deny' && spec.defaultAction !== 'Pass') fail(child(ctx, 'defaultAction'), `${JSON.stringify(spec.defaultAction)} is not Deny or Pass`);
  return { placed: [], calicoTiers: [{ name, order: (spec.order as number | undefined) ?? LAST, endAction: spec.defaultAction === 'Pass' ? 'pass' : 'deny' }] };
}

/**
 * Calico `GlobalNetworkPolicy` or `NetworkPolicy` (`projectcalico.org/v3`). Policies of the
 * `default` tier join the NetworkPolicy tier (order 1,000,000, where Calico keeps Kubernetes
 * NetworkPolicies at order 1000). Selectors that match network sets or host endpoints, service
 * accounts, services, HTTP and ICMP matches, `notSelector`/`notPorts`/`notProtocol`, source
 * ports and pre-DNAT / untracked / forward policies are reported, not guessed.
 */
export function compileCalicoPolicy(object: Record<string, unknown>, kind: 'GlobalNetworkPolicy' | 'NetworkPolicy'): CompiledObject {
  const { name, namespace } = nameOf(object, kind);
  if (kind === 'NetworkPolicy' && !namespace) fail({ subject: `Calico NetworkPolicy ${name}`, field: 'metadata.namespace' }, 'is required');
  const id = kind === 'NetworkPolicy' ? `Calico NetworkPolicy ${namespace}/${name}` : `GlobalNetworkPolicy ${name}`;
  const ctx: FieldContext = { subject: id, field: 'spec' };
  const spec = record(object.spec, ctx);
  onlyKnown(spec, ['tier', 'order', 'selector', 'namespaceSelector', 'types', 'ingress', 'egress', 'doNotTrack', 'preDNAT', 'applyOnForward', 'performanceHints', 'serviceAccountSelector'], ctx, kind);
  for (const flag of ['doNotTrack', 'preDNAT', 'applyOnForward'] as const) {
    if (spec[flag] === true) fail(child(ctx, flag), 'applies to host endpoints, which netiso does not model; the policy cannot be analysed');
  }
  if (typeof spec.serviceAccountSelector === 'string' && spec.serviceAccountSelector.trim() !== '') fail(child(ctx, 'serviceAccountSelector'), 'selects pods by service account, which netiso does not model');
  if (spec.order !== undefined && typeof spec.order !== 'number') fail(child(ctx, 'order'), `${JSON.stringify(spec.order)} is not a number`);
  const tierName = typeof spec.tier === 'string' && spec.tier !== '' ? spec.tier : 'default';
  const ownNamespace = kind === 'NetworkPolicy' ? namespace : undefined;
  const ingress = rules(spec.ingress, 'ingress', ownNamespace, child(ctx, 'ingress'));
  const egress = rules(spec.egress, 'egress', ownNamespace, child(ctx, 'egress'));
  const types = list(spec.types, child(ctx, 'types'))
    ?? (egress && egress.length ? (ingress && ingress.length ? ['Ingress', 'Egress'] : ['Egress']) : ['Ingress']);
  for (const [i, t] of types.entries()) if (t !== 'Ingress' && t !== 'Egress') fail(child(ctx, `types[${i}]`), `${JSON.stringify(t)} is not Ingress or Egress`);
  const policy: TierPolicy = {
    id,
    priority: (spec.order as number | undefined) ?? LAST,
    subject: subjectOf(spec, ownNamespace, ctx),
    ...(types.includes('Ingress') ? { ingress: ingress ?? [] } : {}),
    ...(types.includes('Egress') ? { egress: egress ?? [] } : {}),
    // A tier that applies to a pod ends in its default action: Calico policies always isolate.
    isolates: { ingress: types.includes('Ingress'), egress: types.includes('Egress') },
  };
  const tier: TierKey = tierName === 'default' ? 'networkPolicy' : `calico:${tierName}`;
  return { placed: [{ tier, policy }], calicoTiers: BUILT_IN_TIERS[tierName] ? [BUILT_IN_TIERS[tierName]] : [] };
}

function subjectOf(spec: Record<string, unknown>, ownNamespace: string | undefined, ctx: FieldContext): TierSubject {
  const pods = single(parseCalicoSelector(spec.selector, child(ctx, 'selector')), child(ctx, 'selector'));
  const split = splitNamespace(pods, child(ctx, 'selector'));
  if (ownNamespace) {
    if (split.namespace.length) fail(child(ctx, 'selector'), 'projectcalico.org/namespace in a namespaced policy is not supported');
    return { namespace: ownNamespace, pods: selector(split.pods, child(ctx, 'selector')) };
  }
  const namespaces = [...single(parseCalicoSelector(spec.namespaceSelector, child(ctx, 'namespaceSelector')), child(ctx, 'namespaceSelector')).map(namespaceLabel), ...split.namespace];
  return { namespaces: selector(namespaces, child(ctx, 'namespaceSelector')), pods: selector(split.pods, child(ctx, 'selector')) };
}

/** A policy's own selector must be one conjunction: the engine's subjects are label selectors. */
function single(dnf: Dnf, ctx: FieldContext): readonly Requirement[] {
  if (dnf.length !== 1) fail(ctx, dnf.length === 0 ? 'matches nothing' : 'uses || (or a negated &&), which a policy subject cannot be analysed with; split the policy');
  return dnf[0];
}

/** In a pod selector, `projectcalico.org/namespace` names the namespace. */
function splitNamespace(reqs: readonly Requirement[], ctx: FieldContext): { pods: Requirement[]; namespace: Requirement[] } {
  const pods: Requirement[] = [];
  const namespace: Requirement[] = [];
  for (const r of reqs) {
    if (r.key === 'projectcalico.org/namespace') namespace.push({ ...r, key: NAMESPACE_NAME_LABEL });
    else if (r.key.startsWith('projectcalico.org/')) fail(ctx, `label ${r.key} is set by Calico on endpoints netiso does not model; the selector cannot be analysed`);
    else pods.push(r);
  }
  return { pods, namespace };
}

/** Calico labels a namespace with its name as `projectcalico.org/name`. */
function namespaceLabel(r: Requirement): Requirement {
  return r.key === 'projectcalico.org/name' ? { ...r, key: NAMESPACE_NAME_LABEL } : r;
}

function selector(reqs: readonly Requirement[], ctx: FieldContext): Selector {
  if (reqs.length === 0) return MATCH_ALL;
  return compileSelector({ matchExpressions: reqs.map((r) => ({ key: r.key, operator: r.operator, values: r.values.length ? [...r.values] : undefined })) }, ctx);
}

function rules(raw: unknown, direction: 'ingress' | 'egress', ownNamespace: string | undefined, ctx: FieldContext): TierRule[] | undefined {
  const items = list(raw, ctx);
  if (!items) return undefined;
  const out: TierRule[] = [];
  items.forEach((item, index) => {
    const rctx = child(ctx, `[${index}]`);
    const r = record(item, rctx);
    onlyKnown(r, ['action', 'protocol', 'source', 'destination', 'metadata', 'ipVersion', 'notProtocol', 'icmp', 'notICMP', 'http'], rctx, 'a Calico rule');
    if (r.action === 'Log') return; // Logs and goes on: decides nothing.
    const act = action(r.action, ACTIONS, child(rctx, 'action'));
    for (const f of ['notProtocol', 'http', 'ipVersion'] as const) {
      if (r[f] !== undefined && r[f] !== null) fail(child(rctx, f), 'is not supported by netiso\'s analysis; the rule cannot be analysed');
    }
    const peerSide = direction === 'ingress' ? 'source' : 'destination';
    const otherSide = direction === 'ingress' ? 'destination' : 'source';
    const peerEntity = isRecord(r[peerSide]) ? r[peerSide] as Record<string, unknown> : {};
    const other = isRecord(r[otherSide]) ? r[otherSide] as Record<string, unknown> : {};
    onlyKnown(other, direction === 'ingress' ? ['ports'] : [], child(rctx, otherSide), `the ${otherSide} of an ${direction} rule (it would narrow the policy's own pods)`);
    const portsList = list(direction === 'ingress' ? other.ports : peerEntity.ports, child(rctx, `destination.ports`));
    const protocol = protocolOf(r.protocol, child(rctx, 'protocol'));
    const name = annotationName(r.metadata);
    // A rule for another protocol (ICMP, ...) never matches TCP, UDP or SCTP traffic.
    const peers = protocol === 'other' ? [] : entityPeers(peerEntity, ownNamespace, child(rctx, peerSide), direction);
    const ports = protocol === 'other' || protocol === undefined ? (portsList?.length ? fail(child(rctx, 'protocol'), 'is required with ports') : 'all' as const)
      : portsList?.length ? portsList.map((p, i) => portSpec(p, protocol, child(rctx, `destination.ports[${i}]`))) : [{ protocol }];
    out.push({ index, ...(name ? { name } : {}), action: act, peers, ports });
  });
  return out;
}

function protocolOf(value: unknown, ctx: FieldContext): Protocol | 'other' | undefined {
  if (value === undefined || value === null) return undefined;
  const key = typeof value === 'string' ? value.toUpperCase() : String(value);
  if (key === 'TCP' || key === 'UDP' || key === 'SCTP') return key;
  if (PROTOCOL_NUMBERS[key]) return PROTOCOL_NUMBERS[key];
  if (typeof value === 'number' || ['ICMP', 'ICMPV6', 'UDPLITE'].includes(key)) return 'other';
  return fail(ctx, `${JSON.stringify(value)} is not a protocol; use TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite or a number`);
}

function annotationName(metadata: unknown): string | undefined {
  const annotations = isRecord(metadata) && isRecord(metadata.annotations) ? metadata.annotations : {};
  const value = annotations[CALICO_RULE_ANNOTATION];
  return typeof value === 'string' ? value : undefined;
}

/** A rule side's peers: nets, or selectors (pods), or everyone when it names neither. */
function entityPeers(e: Record<string, unknown>, ownNamespace: string | undefined, ctx: FieldContext, direction: 'ingress' | 'egress'): TierPeer[] {
  onlyKnown(e, ['nets', 'notNets', 'selector', 'namespaceSelector', 'ports'], ctx, `the ${direction === 'ingress' ? 'source' : 'destination'} of a Calico rule`);
  if (direction === 'ingress' && e.ports !== undefined) fail(child(ctx, 'ports'), 'source ports are not supported by netiso\'s analysis');
  const nets = list(e.nets, child(ctx, 'nets'));
  const notNets = list(e.notNets, child(ctx, 'notNets'));
  const hasSelectors = [e.selector, e.namespaceSelector].some((s) => typeof s === 'string' && s.trim() !== '');
  if ((nets || notNets) && hasSelectors) fail(ctx, 'combines nets with selectors (pods whose address is also in the nets), which netiso does not analyse');
  if (nets || notNets) return [ipsPeer(blocks(nets, notNets, ctx))];
  if (!hasSelectors) return [ALL_PEERS];
  const pods = parseCalicoSelector(e.selector, child(ctx, 'selector'));
  const namespaces = e.namespaceSelector === undefined ? undefined : parseCalicoSelector(e.namespaceSelector, child(ctx, 'namespaceSelector'));
  const out: TierPeer[] = [];
  for (const podTerm of pods) {
    const split = splitNamespace(podTerm, child(ctx, 'selector'));
    const podSel = selector(split.pods, child(ctx, 'selector'));
    if (!namespaces) {
      // Without namespaceSelector: the policy's own namespace, or (global policies) every namespace.
      out.push(podsPeer(ownNamespace && !split.namespace.length ? { own: ownNamespace } : selector(split.namespace, child(ctx, 'selector')), podSel));
      continue;
    }
    for (const nsTerm of namespaces) out.push(podsPeer(selector([...nsTerm.map(namespaceLabel), ...split.namespace], child(ctx, 'namespaceSelector')), podSel));
  }
  return out;
}

/** `nets` minus `notNets`; `notNets` alone is every address but those. */
function blocks(nets: unknown[] | undefined, notNets: unknown[] | undefined, ctx: FieldContext): IpBlock[] {
  const excluded = (notNets ?? []).map((n, i) => cidrOf(n, child(ctx, `notNets[${i}]`)));
  const bases = nets ? nets.map((n, i) => ({ text: n, ctx: child(ctx, `nets[${i}]`) })) : [{ text: '0.0.0.0/0', ctx }, { text: '::/0', ctx }];
  return bases.flatMap((b) => {
    const base = cidrOf(b.text, b.ctx);
    if (excluded.some((x) => x.text === base.text || cidrStrictlyWithin(base, x))) return [];
    return [ipBlock(b.text, excluded.filter((x) => cidrStrictlyWithin(x, base)).map((x) => x.text), b.ctx)];
  });
}

/** A Calico port: a number, `"from:to"`, or a named port. */
function portSpec(raw: unknown, protocol: Protocol, ctx: FieldContext): PortSpec {
  if (typeof raw === 'number') { const n = portNumber(raw, ctx); return { protocol, port: n, endPort: n }; }
  if (typeof raw === 'string' && /^\d+(:\d+)?$/.test(raw)) {
    const [from, to] = raw.split(':').map(Number);
    const start = portNumber(from, ctx);
    const end = portNumber(to ?? from, ctx);
    if (end < start) fail(ctx, `range ${raw} ends before it starts`);
    return { protocol, port: start, endPort: end };
  }
  if (typeof raw === 'string' && raw !== '') return { protocol, name: raw };
  return fail(ctx, `${JSON.stringify(raw)} is not a port, a range "from:to" or a port name`);
}
