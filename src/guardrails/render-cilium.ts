import { compare } from '../k8s/compare';
import { Labels, NAMESPACE_NAME_LABEL } from '../k8s/names';
import { Manifest } from '../render/model';
import { Port } from '../values/port';
import { GuardObject, GuardPeer, GuardrailPlan, GuardRule, NamespaceSet } from './model';
import { SYSTEM_OBJECT } from './plan';
import { chunk, clusterObject, complementRanges, GUARDRAIL_NAME_PREFIX, portRanges, Rendered, unionPorts } from './render-common';

const API_VERSION = 'cilium.io/v2';
const KIND = 'CiliumClusterwideNetworkPolicy';
/** The pod's namespace, as Cilium labels every endpoint. */
export const CILIUM_NAMESPACE_KEY = 'k8s:io.kubernetes.pod.namespace';
/** Prefix of the namespace's labels on every endpoint. */
export const CILIUM_NAMESPACE_LABELS = 'k8s:io.cilium.k8s.namespace.labels.';
/** Cilium allows at most 40 ports per `toPorts` entry. */
const MAX_PORTS = 40;
/** Sources that are not pods: NetworkPolicy's Baseline-like default deny leaves them alone. */
const NON_POD_ENTITIES = ['world', 'host', 'remote-node', 'kube-apiserver', 'ingress'];
/** Deny rules must not put the selected pods into default deny (a deny-only policy does by default). */
const NO_DEFAULT_DENY = { ingress: false, egress: false };

type Requirement = { key: string; operator: 'In' | 'NotIn' | 'Exists'; values?: string[] };

/**
 * Renders a plan as `CiliumClusterwideNetworkPolicy` objects. Cilium has no Pass: its
 * `ingressDeny` / `egressDeny` rules win over every allow, so each Pass-then-Deny object of the
 * plan becomes a deny of the complement of what it passes. That complement is computed per
 * source namespace: a namespace passed only for some pods or ports gets a deny for its other
 * pods and for the other ports, and pod-level narrowing of the destination (Pass rules of
 * policies that select some of the project's pods) is widened to the whole project. Wider only
 * hands more traffic to NetworkPolicy, which still decides it exactly. The Baseline default deny
 * is a policy that enables default deny and allows every source that is not a pod, so that any
 * NetworkPolicy of the namespace still admits pods on top of it.
 */
export function renderCilium(plan: GuardrailPlan): Rendered {
  const manifests: Manifest[] = [];
  const system = plan.objects.find((o) => o.name === SYSTEM_OBJECT);
  if (system) manifests.push(...systemPolicies(plan, system));
  for (const o of plan.objects) {
    switch (o.role) {
      case 'deny': manifests.push(denyPolicy(o)); break;
      case 'tenant': {
        const policy = tenantPolicy(o, plan.objects.filter((s) => s.narrows === o.name));
        if (policy) manifests.push(policy);
        break;
      }
      case 'baseline':
        manifests.push(ccnp(o.name, o.description, {
          endpointSelector: { matchExpressions: [{ key: CILIUM_NAMESPACE_KEY, operator: 'NotIn', values: [...o.subject.namespaces] }] },
          enableDefaultDeny: { ingress: true, egress: false },
          ingress: [{ fromEntities: NON_POD_ENTITIES }],
        }));
        break;
      default: break;
    }
  }
  return { manifests, problems: [] };
}

function ccnp(name: string, description: string, spec: Record<string, unknown>): Manifest {
  return clusterObject(API_VERSION, KIND, `${GUARDRAIL_NAME_PREFIX}${name}`, { description, ...spec });
}

function subjectSelector(namespaces: readonly string[], pods: Labels = {}): Record<string, unknown> {
  return {
    matchExpressions: [
      { key: CILIUM_NAMESPACE_KEY, operator: 'In', values: [...namespaces] },
      ...Object.keys(pods).sort(compare).map((k) => ({ key: `k8s:${k}`, operator: 'In', values: [pods[k]] })),
    ],
  };
}

/** The endpoint label Cilium gives a namespace label (the name has one of its own). */
function namespaceKey(key: string): string {
  return key === NAMESPACE_NAME_LABEL ? CILIUM_NAMESPACE_KEY : `${CILIUM_NAMESPACE_LABELS}${key}`;
}

/** What a tenant object and its narrowed objects pass, per source namespace, widened as explained above. */
interface Passed { readonly key: string; readonly value: string; pods: Labels; ports: Port[] }

function tenantPolicy(main: GuardObject, narrowed: readonly GuardObject[]): Manifest | undefined {
  const groups = new Map<string, Passed>();
  for (const rule of [main, ...narrowed].flatMap((o) => o.ingress ?? []).filter((r) => r.action === 'pass')) {
    for (const peer of rule.peers) {
      if (peer.kind !== 'pods') continue;
      // A Pass from every pod leaves nothing to deny.
      if ('all' in peer.namespaces) return undefined;
      for (const value of peer.namespaces.values) {
        const id = `${peer.namespaces.key}=${value}`;
        const g = groups.get(id);
        if (!g) groups.set(id, { key: peer.namespaces.key, value, pods: { ...peer.pods }, ports: [...rule.ports] });
        else {
          g.pods = Object.fromEntries(Object.entries(g.pods).filter(([k, v]) => peer.pods[k] === v));
          g.ports = unionPorts(g.ports, rule.ports);
        }
      }
    }
  }
  const all = [...groups.values()];
  const full = all.filter((g) => Object.keys(g.pods).length === 0 && g.ports.length === 0);
  const notFull = (g: Passed): Requirement[] => byKey(full.filter((f) => f.key !== g.key))
    .map(([key, values]) => ({ key: namespaceKey(key), operator: 'NotIn', values }));
  const deny: Record<string, unknown>[] = [{
    fromEndpoints: [{
      matchExpressions: [
        // NotIn also matches identities without the label (world, host): keep to pods.
        { key: CILIUM_NAMESPACE_KEY, operator: 'Exists' },
        ...byKey(all).map(([key, values]) => ({ key: namespaceKey(key), operator: 'NotIn', values })),
      ],
    }],
  }];
  for (const g of all.filter((x) => !full.includes(x)).sort((a, b) => compare(a.key, b.key) || compare(a.value, b.value))) {
    const base: Requirement[] = [{ key: namespaceKey(g.key), operator: 'In', values: [g.value] }, ...notFull(g)];
    const labels = Object.keys(g.pods).sort(compare);
    if (labels.length) {
      deny.push({ fromEndpoints: labels.map((k) => ({ matchExpressions: [...base, { key: `k8s:${k}`, operator: 'NotIn', values: [g.pods[k]] }] })) });
    }
    const toPorts = denyPorts(complementRanges(g.ports));
    if (toPorts.length) {
      deny.push({ fromEndpoints: [{ matchExpressions: [...base, ...labels.map((k) => ({ key: `k8s:${k}`, operator: 'In', values: [g.pods[k]] }))] }], toPorts });
    }
  }
  return ccnp(main.name, main.description, {
    endpointSelector: subjectSelector(main.subject.namespaces),
    enableDefaultDeny: NO_DEFAULT_DENY,
    ingressDeny: deny,
  });
}

/** Values per key, keys and values sorted. */
function byKey(groups: readonly Passed[]): [string, string[]][] {
  const out = new Map<string, string[]>();
  for (const g of groups) out.set(g.key, [...(out.get(g.key) ?? []), g.value]);
  return [...out.entries()].sort(([a], [b]) => compare(a, b)).map(([k, v]) => [k, [...new Set(v)].sort(compare)]);
}

/** Which ports a tenant may use into a protected namespace. */
type Allowed = { readonly kind: 'none' } | { readonly kind: 'all' } | { readonly kind: 'some'; readonly ports: Port[] };

function allow(a: Allowed, ports: readonly Port[]): Allowed {
  if (a.kind === 'all' || ports.length === 0) return { kind: 'all' };
  return { kind: 'some', ports: a.kind === 'some' ? unionPorts(a.ports, ports) : [...ports] };
}

/** One policy per protected namespace: deny each tenant the ports the cluster does not declare there. */
function systemPolicies(plan: GuardrailPlan, system: GuardObject): Manifest[] {
  const out: Manifest[] = [];
  const grants = plan.objects.filter((o) => o.role === 'system' && o !== system);
  for (const namespace of system.subject.namespaces) {
    const allowed = new Map<string, Allowed>(plan.projects.map((p) => [p, { kind: 'none' }]));
    for (const rule of grants.filter((g) => g.subject.namespaces.includes(namespace)).flatMap((g) => g.ingress ?? [])) {
      for (const tenant of tenantsOf(rule, plan.projects)) allowed.set(tenant, allow(allowed.get(tenant)!, rule.ports));
    }
    const groups = new Map<string, { allowed: Allowed; tenants: string[] }>();
    for (const [tenant, a] of allowed) {
      if (a.kind === 'all') continue;
      const key = a.kind === 'none' ? '' : a.ports.map((p) => p.key).sort(compare).join(',');
      const g = groups.get(key) ?? { allowed: a, tenants: [] };
      g.tenants.push(tenant);
      groups.set(key, g);
    }
    const deny = [...groups.entries()].sort(([a], [b]) => compare(a, b)).map(([, g]) => ({
      fromEndpoints: [{ matchExpressions: [{ key: CILIUM_NAMESPACE_KEY, operator: 'In', values: g.tenants.sort(compare) }] }],
      ...(g.allowed.kind === 'some' ? { toPorts: denyPorts(complementRanges(g.allowed.ports)) } : {}),
    }));
    if (deny.length === 0) continue;
    out.push(ccnp(`system.${namespace}`, `Denies the pods of netiso projects everything in the protected namespace ${namespace} but the ports the cluster declares there for them.`, {
      endpointSelector: subjectSelector([namespace]),
      enableDefaultDeny: NO_DEFAULT_DENY,
      ingressDeny: deny,
    }));
  }
  return out;
}

/** The tenants a grant's Pass rule names: all of them for a peer of every pod. */
function tenantsOf(rule: GuardRule, tenants: readonly string[]): string[] {
  return rule.peers.flatMap((p) => (p.kind !== 'pods' ? [] : 'all' in p.namespaces ? [...tenants] : p.namespaces.values.filter((v) => tenants.includes(v))));
}

function denyPolicy(o: GuardObject): Manifest {
  const spec: Record<string, unknown> = { endpointSelector: subjectSelector(o.subject.namespaces, o.subject.pods), enableDefaultDeny: NO_DEFAULT_DENY };
  if (o.ingress) spec.ingressDeny = o.ingress.flatMap((r) => denyRules(r, 'from'));
  if (o.egress) spec.egressDeny = o.egress.flatMap((r) => denyRules(r, 'to'));
  return ccnp(o.name, o.description, spec);
}

function denyRules(rule: GuardRule, side: 'from' | 'to'): Record<string, unknown>[] {
  const toPorts = rule.ports.length ? denyPorts(portRanges(rule.ports)) : [];
  return rule.peers.map((peer) => ({ ...peerField(peer, side), ...(toPorts.length ? { toPorts } : {}) }));
}

function peerField(peer: GuardPeer, side: 'from' | 'to'): Record<string, unknown> {
  if (peer.kind === 'cidrs') return { [`${side}CIDRSet`]: peer.cidrs.map((cidr) => ({ cidr })) };
  return { [`${side}Endpoints`]: [{ matchExpressions: [...namespaceRequirements(peer.namespaces), ...Object.keys(peer.pods).sort(compare).map((k) => ({ key: `k8s:${k}`, operator: 'In', values: [peer.pods[k]] }))] }] };
}

function namespaceRequirements(set: NamespaceSet): Requirement[] {
  return 'all' in set ? [{ key: CILIUM_NAMESPACE_KEY, operator: 'Exists' }] : [{ key: namespaceKey(set.key), operator: 'In', values: [...set.values] }];
}

/** `toPorts` entries for port ranges, at most 40 ports each. */
function denyPorts(ranges: readonly { protocol: string; start: number; end: number }[]): Record<string, unknown>[] {
  const ports = ranges.map((r) => ({ port: String(r.start), ...(r.end !== r.start ? { endPort: r.end } : {}), protocol: r.protocol }));
  return chunk(ports, MAX_PORTS).map((part) => ({ ports: part }));
}
