import { NAMESPACE_NAME_LABEL, Labels } from '../k8s/names';
import { PROTOCOLS } from '../k8s/protocol';
import { Manifest } from '../render/model';
import { Port } from '../values/port';
import { GuardObject, GuardPeer, GuardrailPlan, GuardRule, NamespaceSet } from './model';
import { chunk, clusterObject, GUARDRAIL_NAME_PREFIX, Rendered } from './render-common';

const API_VERSION = 'projectcalico.org/v3';

/** netiso's Calico tiers: before the `default` tier (order 1,000,000) that holds NetworkPolicies, and after it. */
const CALICO_TIERS = {
  admin: { name: 'netiso', order: 100 },
  baseline: { name: 'netiso-baseline', order: 2_000_000 },
} as const;

/** Calico limits every selector to 1,024 characters (CRD `maxLength`). */
const MAX_SELECTOR = 1024;
/** Calico allows at most 50 ports per rule side and 256 nets. */
const MAX_PORTS = 50;
const MAX_NETS = 256;

/** The annotation that carries a rule's name, so explanations can cite it. */
export const CALICO_RULE_ANNOTATION = 'netiso/rule';

/**
 * Renders a plan as a Calico `Tier` (default action `Pass`, so traffic no rule matched goes on to
 * NetworkPolicy) and `GlobalNetworkPolicy` objects in it, in the plan's priority order (`order`).
 * Lists of namespace names longer than a selector may hold are split over several policies or
 * rules, which select the same pods together. The Baseline object is a second tier after the
 * `default` tier: it first passes every project and protected namespace, then denies pods.
 */
export function renderCalico(plan: GuardrailPlan): Rendered {
  const admin = plan.objects.filter((o) => o.role !== 'baseline');
  const baseline = plan.objects.find((o) => o.role === 'baseline');
  const manifests: Manifest[] = [tier(CALICO_TIERS.admin)];
  for (const o of admin) manifests.push(...policies(o, CALICO_TIERS.admin.name));
  if (baseline) {
    manifests.push(tier(CALICO_TIERS.baseline));
    const exempt = selectors(NAMESPACE_NAME_LABEL, baseline.subject.namespaces);
    exempt.forEach((namespaceSelector, i) => manifests.push(gnp(`${CALICO_TIERS.baseline.name}.exempt${i ? `-${i + 1}` : ''}`, {
      tier: CALICO_TIERS.baseline.name,
      order: 0,
      namespaceSelector,
      types: ['Ingress'],
      ingress: [{ action: 'Pass', metadata: annotate('projects-and-protected-namespaces') }],
    })));
    manifests.push(gnp(`${CALICO_TIERS.baseline.name}.${baseline.name.replace(/^baseline\./, '')}`, {
      tier: CALICO_TIERS.baseline.name,
      order: 1,
      namespaceSelector: 'all()',
      types: ['Ingress'],
      ingress: (baseline.ingress ?? []).flatMap((r) => rules(r, 'ingress')),
    }));
  }
  return { manifests, problems: [] };
}

function tier(t: { name: string; order: number }): Manifest {
  return clusterObject(API_VERSION, 'Tier', t.name, { order: t.order, defaultAction: 'Pass' });
}

function gnp(name: string, spec: Record<string, unknown>): Manifest {
  return clusterObject(API_VERSION, 'GlobalNetworkPolicy', name, spec);
}

/** One policy per chunk of the subject's namespaces (usually one). */
function policies(o: GuardObject, tierName: string): Manifest[] {
  const types = [...(o.ingress ? ['Ingress'] : []), ...(o.egress ? ['Egress'] : [])];
  const podSelector = labelsSelector(o.subject.pods);
  return selectors(NAMESPACE_NAME_LABEL, o.subject.namespaces).map((namespaceSelector, i) => gnp(`${GUARDRAIL_NAME_PREFIX}${o.name}${i ? `-${i + 1}` : ''}`, {
    tier: tierName,
    order: o.priority,
    namespaceSelector,
    ...(podSelector ? { selector: podSelector } : {}),
    types,
    ...(o.ingress ? { ingress: o.ingress.flatMap((r) => rules(r, 'ingress')) } : {}),
    ...(o.egress ? { egress: o.egress.flatMap((r) => rules(r, 'egress')) } : {}),
  }));
}

/** Calico rules for one guardrail rule: one per peer, selector chunk and protocol (ports need a protocol). */
function rules(rule: GuardRule, direction: 'ingress' | 'egress'): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const entity of rule.peers.flatMap(entities)) {
    for (const match of portMatches(rule.ports)) {
      const ports = match.ports ? { ports: match.ports } : {};
      out.push({
        action: rule.action === 'pass' ? 'Pass' : 'Deny',
        ...(match.protocol ? { protocol: match.protocol } : {}),
        ...(direction === 'ingress'
          ? { source: entity, ...(match.ports ? { destination: ports } : {}) }
          : { destination: { ...entity, ...ports } }),
        metadata: annotate(rule.name),
      });
    }
  }
  return out;
}

function annotate(name: string): Record<string, unknown> {
  return { annotations: { [CALICO_RULE_ANNOTATION]: name } };
}

function entities(peer: GuardPeer): Record<string, unknown>[] {
  if (peer.kind === 'cidrs') return chunk(peer.cidrs, MAX_NETS).map((nets) => ({ nets }));
  const selector = labelsSelector(peer.pods);
  return namespaceSelectors(peer.namespaces).map((namespaceSelector) => ({ namespaceSelector, ...(selector ? { selector } : {}) }));
}

function namespaceSelectors(set: NamespaceSet): string[] {
  return 'all' in set ? ['all()'] : selectors(set.key, set.values);
}

/** `protocol` plus its `ports` (none: every port of it); a single match without protocol for every port. */
function portMatches(ports: readonly Port[]): { protocol?: string; ports?: (number | string)[] }[] {
  if (ports.length === 0) return [{}];
  const out: { protocol?: string; ports?: (number | string)[] }[] = [];
  for (const protocol of PROTOCOLS) {
    const mine = ports.filter((p) => p.protocol === protocol);
    if (mine.length === 0) continue;
    if (mine.some((p) => p.isAllPorts)) {
      out.push({ protocol });
      continue;
    }
    const items = mine.map((p) => (p.endPort !== undefined ? `${p.port}:${p.endPort}` : p.port as number | string));
    for (const part of chunk(items, MAX_PORTS)) out.push({ protocol, ports: part });
  }
  return out;
}

/** `key == 'a'`, or `key in {'a', 'b'}` split into selectors of at most 1,024 characters. */
export function selectors(key: string, values: readonly string[]): string[] {
  if (values.length === 1) return [`${key} == '${values[0]}'`];
  const out: string[] = [];
  let current: string[] = [];
  const text = (list: string[]) => `${key} in {${list.map((v) => `'${v}'`).join(', ')}}`;
  for (const v of values) {
    if (current.length && text([...current, v]).length > MAX_SELECTOR) {
      out.push(text(current));
      current = [];
    }
    current.push(v);
  }
  if (current.length) out.push(text(current));
  return out;
}

/** `a == 'x' && b == 'y'`; undefined for no labels (every pod). */
function labelsSelector(labels: Labels): string | undefined {
  const terms = Object.keys(labels).sort().map((k) => `${k} == '${labels[k]}'`);
  return terms.length ? terms.join(' && ') : undefined;
}
