import { FieldContext, child, fail, isRecord } from '../k8s/errors';
import { NAMESPACE_NAME_LABEL } from '../k8s/names';
import { PROTOCOLS, Protocol } from '../k8s/protocol';
import { MATCH_ALL, Selector, compileSelector } from '../k8s/selector';
import { PortSpec } from '../analysis/ports';
import { Entity, RuleAction, TierPeer, TierPolicy, TierRule, TierSubject } from '../analysis/tiers';
import { ALL_PEERS, CompiledObject, Placed, cidrOf, ipBlock, ipsPeer, list, nameOf, onlyKnown, podsPeer, portNumber, record } from './compile-common';
import { CILIUM_NAMESPACE_KEY, CILIUM_NAMESPACE_LABELS } from './render-cilium';

const ENTITIES: Readonly<Record<string, Entity | 'none'>> = {
  world: 'world', 'world-ipv4': 'world', 'world-ipv6': 'world', host: 'host', 'remote-node': 'remote-node',
  cluster: 'cluster', 'kube-apiserver': 'kube-apiserver', ingress: 'ingress', all: 'all', none: 'none',
};

/** Label sources Cilium prefixes keys with; `k8s:` and `any:` are pod (and namespace) labels. */
const SOURCES = ['k8s:', 'any:'];

type Kind = 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';

/**
 * `CiliumNetworkPolicy` and `CiliumClusterwideNetworkPolicy` (`cilium.io/v2`), each rule of
 * `spec` / `specs`: `ingressDeny` / `egressDeny` → tier `ciliumDeny` (deny wins over every
 * allow); `ingress` / `egress` allows join the NetworkPolicy tier, isolating per
 * `enableDefaultDeny` (by default, each direction that has rules, deny rules included).
 * Endpoint selectors are split into namespace (`k8s:io.kubernetes.pod.namespace`,
 * `k8s:io.cilium.k8s.namespace.labels.<key>`) and pod selectors. L7 rules count as their L4
 * match (the analysis never reports denied what L7 would let through). FQDN, service, group and
 * node-selector policies, `fromRequires` / `toRequires` and reserved labels are reported.
 */
export function compileCilium(object: Record<string, unknown>, kind: Kind): CompiledObject {
  const { name, namespace } = nameOf(object, kind);
  const ownNamespace = kind === 'CiliumNetworkPolicy' ? namespace ?? 'default' : undefined;
  const id = ownNamespace ? `${kind} ${ownNamespace}/${name}` : `${kind} ${name}`;
  const rules: { raw: unknown; ctx: FieldContext; id: string }[] = [];
  if (object.spec !== undefined) rules.push({ raw: object.spec, ctx: { subject: id, field: 'spec' }, id });
  (list(object.specs, { subject: id, field: 'specs' }) ?? []).forEach((raw, i) => rules.push({ raw, ctx: { subject: id, field: `specs[${i}]` }, id: `${id} specs[${i}]` }));
  if (rules.length === 0) fail({ subject: id, field: 'spec' }, 'is required');
  return { placed: rules.flatMap((r) => compileRule(record(r.raw, r.ctx), r.id, ownNamespace, r.ctx)) };
}

function compileRule(spec: Record<string, unknown>, id: string, ownNamespace: string | undefined, ctx: FieldContext): Placed[] {
  onlyKnown(spec, ['endpointSelector', 'ingress', 'ingressDeny', 'egress', 'egressDeny', 'enableDefaultDeny', 'description', 'labels'], ctx, 'a Cilium policy (nodeSelector host policies are not modelled)');
  const subject = subjectOf(spec.endpointSelector, ownNamespace, child(ctx, 'endpointSelector'));
  const allowIn = rules(spec.ingress, 'ingress', 'allow', ownNamespace, child(ctx, 'ingress'));
  const allowOut = rules(spec.egress, 'egress', 'allow', ownNamespace, child(ctx, 'egress'));
  const denyIn = rules(spec.ingressDeny, 'ingress', 'deny', ownNamespace, child(ctx, 'ingressDeny'));
  const denyOut = rules(spec.egressDeny, 'egress', 'deny', ownNamespace, child(ctx, 'egressDeny'));
  const dd = isRecord(spec.enableDefaultDeny) ? spec.enableDefaultDeny : {};
  const isolatesIn = typeof dd.ingress === 'boolean' ? dd.ingress : allowIn !== undefined || denyIn !== undefined;
  const isolatesOut = typeof dd.egress === 'boolean' ? dd.egress : allowOut !== undefined || denyOut !== undefined;
  const out: Placed[] = [];
  if (allowIn || allowOut || isolatesIn || isolatesOut) {
    out.push({
      tier: 'networkPolicy',
      policy: {
        id,
        priority: 0,
        subject,
        ...(allowIn || isolatesIn ? { ingress: allowIn ?? [] } : {}),
        ...(allowOut || isolatesOut ? { egress: allowOut ?? [] } : {}),
        isolates: { ingress: isolatesIn, egress: isolatesOut },
      },
    });
  }
  if (denyIn || denyOut) {
    const policy: TierPolicy = { id, priority: 0, subject, ...(denyIn ? { ingress: denyIn } : {}), ...(denyOut ? { egress: denyOut } : {}), isolates: { ingress: false, egress: false } };
    out.push({ tier: 'ciliumDeny', policy });
  }
  return out;
}

/** Splits an endpoint selector into namespace and pod selectors. */
function split(raw: unknown, ctx: FieldContext): { namespaces?: Selector; pods: Selector } {
  const sel = record(raw, ctx);
  onlyKnown(sel, ['matchLabels', 'matchExpressions'], ctx, 'an endpoint selector');
  const ns: { matchLabels: Record<string, unknown>; matchExpressions: unknown[] } = { matchLabels: {}, matchExpressions: [] };
  const pods: { matchLabels: Record<string, unknown>; matchExpressions: unknown[] } = { matchLabels: {}, matchExpressions: [] };
  const route = (key: string, fctx: FieldContext): { target: typeof ns; key: string } => {
    const bare = SOURCES.reduce((k, s) => (k.startsWith(s) ? k.slice(s.length) : k), key);
    if (bare === CILIUM_NAMESPACE_KEY.slice('k8s:'.length)) return { target: ns, key: NAMESPACE_NAME_LABEL };
    if (bare.startsWith(CILIUM_NAMESPACE_LABELS.slice('k8s:'.length))) return { target: ns, key: bare.slice(CILIUM_NAMESPACE_LABELS.length - 'k8s:'.length) };
    if (/^[a-z0-9-]+:/.test(key) && !SOURCES.some((s) => key.startsWith(s))) fail(fctx, `label source ${JSON.stringify(key.split(':')[0])} (reserved identities, CIDR labels) is not supported; use fromEntities/toEntities or CIDR rules`);
    if (bare.startsWith('io.cilium.k8s.policy.')) fail(fctx, `${key} (service account, cluster) is not modelled by netiso`);
    return { target: pods, key: bare };
  };
  const labels = isRecord(sel.matchLabels) ? sel.matchLabels : {};
  for (const [k, v] of Object.entries(labels)) { const r = route(k, child(ctx, `matchLabels.${k}`)); r.target.matchLabels[r.key] = v; }
  (list(sel.matchExpressions, child(ctx, 'matchExpressions')) ?? []).forEach((e, i) => {
    const ectx = child(ctx, `matchExpressions[${i}]`);
    const expr = record(e, ectx);
    const r = route(String(expr.key), ectx);
    r.target.matchExpressions.push({ ...expr, key: r.key });
  });
  const hasNamespace = Object.keys(ns.matchLabels).length > 0 || ns.matchExpressions.length > 0;
  return {
    namespaces: hasNamespace ? compileSelector(ns, ctx) : undefined,
    pods: compileSelector(pods, ctx),
  };
}

function subjectOf(raw: unknown, ownNamespace: string | undefined, ctx: FieldContext): TierSubject {
  const { namespaces, pods } = split(raw ?? {}, ctx);
  if (ownNamespace) {
    if (namespaces) fail(ctx, 'selects by namespace in a namespaced policy, which only selects pods of its own namespace');
    return { namespace: ownNamespace, pods };
  }
  return { namespaces: namespaces ?? MATCH_ALL, pods };
}

function rules(raw: unknown, direction: 'ingress' | 'egress', act: RuleAction, ownNamespace: string | undefined, ctx: FieldContext): TierRule[] | undefined {
  const items = list(raw, ctx);
  if (!items || items.length === 0) return undefined;
  const side = direction === 'ingress' ? 'from' : 'to';
  return items.map((item, index) => {
    const rctx = child(ctx, `[${index}]`);
    const r = record(item, rctx);
    onlyKnown(r, [`${side}Endpoints`, `${side}CIDR`, `${side}CIDRSet`, `${side}Entities`, `${side}Nodes`, 'toPorts', 'icmps', 'authentication'], rctx, `a Cilium ${direction} rule`);
    const peers: TierPeer[] = [];
    for (const [i, s] of (list(r[`${side}Endpoints`], child(rctx, `${side}Endpoints`)) ?? []).entries()) {
      const sctx = child(rctx, `${side}Endpoints[${i}]`);
      const { namespaces, pods } = split(s, sctx);
      // Without a namespace: the policy's own namespace, or (clusterwide) every namespace.
      peers.push(podsPeer(namespaces ?? (ownNamespace ? { own: ownNamespace } : MATCH_ALL), pods));
    }
    const cidrs = (list(r[`${side}CIDR`], child(rctx, `${side}CIDR`)) ?? []).map((c, i) => ipBlock(c, undefined, child(rctx, `${side}CIDR[${i}]`)));
    const sets = (list(r[`${side}CIDRSet`], child(rctx, `${side}CIDRSet`)) ?? []).map((c, i) => {
      const sctx = child(rctx, `${side}CIDRSet[${i}]`);
      const set = record(c, sctx);
      onlyKnown(set, ['cidr', 'except'], sctx, 'a CIDR set (cidrGroupRef is not modelled)');
      cidrOf(set.cidr, child(sctx, 'cidr'));
      return ipBlock(set.cidr, set.except, sctx);
    });
    if (cidrs.length || sets.length) peers.push(ipsPeer([...cidrs, ...sets]));
    for (const [i, e] of (list(r[`${side}Entities`], child(rctx, `${side}Entities`)) ?? []).entries()) {
      const entity = typeof e === 'string' ? ENTITIES[e] : undefined;
      if (!entity) fail(child(rctx, `${side}Entities[${i}]`), `${JSON.stringify(e)} is not an entity netiso models; use ${Object.keys(ENTITIES).join(', ')}`);
      if (entity !== 'none') peers.push({ kind: 'entity', entity, key: `entity:${entity}` });
    }
    for (const [i, n] of (list(r[`${side}Nodes`], child(rctx, `${side}Nodes`)) ?? []).entries()) {
      const nodes = compileSelector(n, child(rctx, `${side}Nodes[${i}]`));
      peers.push({ kind: 'nodes', nodes, key: `nodes:${nodes.key}` });
    }
    const peerFields = [`${side}Endpoints`, `${side}CIDR`, `${side}CIDRSet`, `${side}Entities`, `${side}Nodes`].some((f) => r[f] !== undefined && r[f] !== null);
    const toPorts = list(r.toPorts, child(rctx, 'toPorts'));
    const ports = toPorts && toPorts.length ? toPorts.flatMap((p, i) => portRule(p, child(rctx, `toPorts[${i}]`))) : 'all' as const;
    // ICMP-only rules never match TCP, UDP or SCTP; an empty rule ({}) selects nothing and only
    // puts the pods into default deny; a rule with ports and no peers applies to every peer.
    const none = (r.icmps !== undefined && !toPorts) || (ports !== 'all' && ports.length === 0);
    const everyone = !peerFields && ports !== 'all';
    return { index, action: act, peers: none ? [] : everyone ? [ALL_PEERS] : peers, ports };
  });
}

/** One `toPorts` entry: its ports (none: every port); L7 `rules` count as their L4 match. */
function portRule(raw: unknown, ctx: FieldContext): PortSpec[] {
  const p = record(raw, ctx);
  onlyKnown(p, ['ports', 'rules', 'terminatingTLS', 'originatingTLS', 'serverNames', 'listener'], ctx, 'toPorts');
  const ports = list(p.ports, child(ctx, 'ports')) ?? [];
  if (ports.length === 0) return PROTOCOLS.map((protocol) => ({ protocol }));
  return ports.flatMap((item, i) => {
    const pctx = child(ctx, `ports[${i}]`);
    const pp = record(item, pctx);
    onlyKnown(pp, ['port', 'endPort', 'protocol'], pctx, 'a port');
    const protocols = protocolsOf(pp.protocol, child(pctx, 'protocol'));
    const port = pp.port === undefined || pp.port === '0' || pp.port === 0 ? undefined : pp.port;
    if (port === undefined) return protocols.map((protocol) => ({ protocol }));
    if (typeof port === 'string' && !/^\d+$/.test(port)) return protocols.map((protocol) => ({ protocol, name: port }));
    const start = portNumber(Number(port), child(pctx, 'port'));
    const end = pp.endPort === undefined || pp.endPort === 0 ? start : portNumber(pp.endPort, child(pctx, 'endPort'));
    if (end < start) fail(child(pctx, 'endPort'), `${end} is below port ${start}`);
    return protocols.map((protocol) => ({ protocol, port: start, endPort: end }));
  });
}

function protocolsOf(value: unknown, ctx: FieldContext): Protocol[] {
  if (value === undefined || value === null || value === '' || value === 'ANY') return [...PROTOCOLS];
  if (typeof value === 'string' && PROTOCOLS.includes(value as Protocol)) return [value as Protocol];
  if (value === 'ICMP' || value === 'ICMPv6' || value === 'VRRP' || value === 'IGMP') return [];
  return fail(ctx, `${JSON.stringify(value)} is not a protocol; use TCP, UDP, SCTP or ANY`);
}
