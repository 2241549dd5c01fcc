import { k8s } from 'cdk8s-plus-27';
import { Manifest } from './model';

/** Group, version and kind of an L1 class, e.g. `k8s.KubeNetworkPolicy.GVK`. */
export interface GroupVersionKind {
  readonly apiVersion: string;
  readonly kind: string;
}

/**
 * The manifest of typed L1 props, equal to `k8s.Kube<Kind>.manifest(props)`. The generated
 * `toJson_*` converters of cdk8s-plus rebuild every object with a spread per key, which made
 * them most of netiso's rendering time; for the kinds netiso emits, the JSON field names equal
 * the prop names, so the conversion is: drop undefined values and unwrap `IntOrString`.
 * A unit test keeps both conversions equal on every example manifest.
 */
export function manifestOf<P extends object>(gvk: GroupVersionKind, props: P): Manifest {
  return { apiVersion: gvk.apiVersion, kind: gvk.kind, ...(plain(props) as object) } as Manifest;
}

function plain(value: unknown): unknown {
  if (value instanceof k8s.IntOrString) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = plain(v);
  return out;
}
