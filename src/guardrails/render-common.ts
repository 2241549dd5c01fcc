import { Labels } from '../k8s/names';
import { Protocol, PROTOCOLS } from '../k8s/protocol';
import { Manifest, MANAGED_BY } from '../render/model';
import { Port } from '../values/port';

/** Every guardrail object's name starts with this; Calico's tiers are `netiso` and `netiso-baseline`. */
export const GUARDRAIL_NAME_PREFIX = 'netiso.';

/** What a renderer produces: the manifests, or the reasons it cannot. */
export interface Rendered {
  readonly manifests: Manifest[];
  readonly problems: string[];
}

/** A cluster-scoped manifest with netiso's label. */
export function clusterObject(apiVersion: string, kind: string, name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion, kind, metadata: { name, labels: { ...MANAGED_BY } }, spec };
}

/** `metav1.LabelSelector` for `key In values` (a single value as matchLabels, which reads better). */
export function inSelector(key: string, values: readonly string[], operator: 'In' | 'NotIn' = 'In'): Record<string, unknown> {
  if (operator === 'In' && values.length === 1) return { matchLabels: { [key]: values[0] } };
  return { matchExpressions: [{ key, operator, values: [...values] }] };
}

/** `matchLabels` of `labels`, `{}` for none. */
export function labelSelector(labels: Labels): Record<string, unknown> {
  return Object.keys(labels).length ? { matchLabels: { ...labels } } : {};
}

/** Splits `items` into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Ports as inclusive numeric ranges per protocol; a named port widens to every port of its
 * protocol. Used where the API has no named ports (or a guardrail must not depend on them):
 * only for Pass rules, where matching more only hands more traffic to NetworkPolicy.
 */
export function portRanges(ports: readonly Port[]): { protocol: Protocol; start: number; end: number }[] {
  return ports.map((p) => (typeof p.port === 'number'
    ? { protocol: p.protocol, start: p.port, end: p.endPort ?? p.port }
    : { protocol: p.protocol, start: 1, end: 65535 }));
}

/**
 * The ports of each protocol that `ports` leave uncovered, as inclusive ranges (empty `ports`
 * cover everything). Named ports cover their whole protocol. For deny rules that must hit
 * everything a set of Pass rules does not.
 */
export function complementRanges(ports: readonly Port[]): { protocol: Protocol; start: number; end: number }[] {
  if (ports.length === 0) return [];
  const out: { protocol: Protocol; start: number; end: number }[] = [];
  for (const protocol of PROTOCOLS) {
    const ranges = portRanges(ports.filter((p) => p.protocol === protocol)).sort((a, b) => a.start - b.start);
    let next = 1;
    for (const r of ranges) {
      if (r.start > next) out.push({ protocol, start: next, end: r.start - 1 });
      next = Math.max(next, r.end + 1);
    }
    if (next <= 65535) out.push({ protocol, start: next, end: 65535 });
  }
  return out;
}

/** The Ports of both lists; an empty list (every port) absorbs the other. */
export function unionPorts(a: readonly Port[], b: readonly Port[]): Port[] {
  if (a.length === 0 || b.length === 0) return [];
  const seen = new Map([...a, ...b].map((p) => [p.key, p]));
  return [...seen.values()];
}
