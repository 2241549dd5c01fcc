import { Labels, NAMESPACE_NAME_LABEL } from '../k8s/names';
import { Port } from '../values/port';

/**
 * The cluster-scoped API netiso writes guardrails in:
 * - `ClusterNetworkPolicy`: `policy.networking.k8s.io/v1alpha2` (network-policy-api v0.2.0);
 * - `AdminNetworkPolicy`: `policy.networking.k8s.io/v1alpha1` AdminNetworkPolicy and
 *   BaselineAdminNetworkPolicy (OpenShift, Calico up to 3.31);
 * - `calico`: a Calico `Tier` plus `GlobalNetworkPolicy` objects (`projectcalico.org/v3`);
 * - `cilium`: `CiliumClusterwideNetworkPolicy` (`cilium.io/v2`) with `ingressDeny` / `egressDeny`.
 */
export type GuardrailApi = 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'calico' | 'cilium';

export const GUARDRAIL_APIS: readonly GuardrailApi[] = ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'calico', 'cilium'];

/** Namespaces chosen by one label: every namespace whose `key` is one of `values`; or every namespace. */
export type NamespaceSet = { readonly all: true } | { readonly key: string; readonly values: readonly string[] };

/** The pods or addresses a guardrail rule names. `pods` `{}` means every pod of the namespaces. */
export type GuardPeer =
  | { readonly kind: 'pods'; readonly namespaces: NamespaceSet; readonly pods: Labels }
  | { readonly kind: 'cidrs'; readonly cidrs: readonly string[] };

/** One rule of a guardrail object; `ports` empty means every port. */
export interface GuardRule {
  /** Stable, readable: explanations and `netiso diff` cite it. */
  readonly name: string;
  readonly action: 'pass' | 'deny';
  readonly peers: readonly GuardPeer[];
  readonly ports: readonly Port[];
}

/** Pods a guardrail object applies to: those of the named namespaces (or of every other namespace). */
export interface GuardSubject {
  /** Namespace names (matched on `kubernetes.io/metadata.name`, which tenants cannot set). */
  readonly namespaces: readonly string[];
  /** Select the namespaces *not* named (the baseline for unmanaged namespaces). */
  readonly exceptNamespaces?: boolean;
  /** Pod labels; `{}` is every pod of the namespaces. */
  readonly pods: Labels;
}

/**
 * What a guardrail object is for; also its priority band, in this order within the Admin tier:
 * system protection first, then deny lists (which must come before the tenants' Pass rules that
 * would skip them), then the tenant objects narrowed to some pods, then the tenant objects.
 */
export type GuardRole = 'system' | 'deny' | 'scoped' | 'tenant' | 'baseline';

/** One guardrail object, independent of the API it is rendered in. */
export interface GuardObject {
  /** Name without the API's prefix, e.g. `project.demo`, `deny.cluster.metadata`. */
  readonly name: string;
  readonly role: GuardRole;
  /** Lower first; unique within the tier (see `priorities.ts`). */
  readonly priority: number;
  readonly subject: GuardSubject;
  readonly ingress?: readonly GuardRule[];
  readonly egress?: readonly GuardRule[];
  /** For `scoped` objects: the `tenant` object they narrow (Cilium merges them into it). */
  readonly narrows?: string;
  /** One sentence on what the object is for (Cilium `description`, docs). */
  readonly description: string;
}

/** Every guardrail object of a cluster, ready to render. */
export interface GuardrailPlan {
  readonly api: GuardrailApi;
  /** Label that names a namespace in the NetworkPolicies' selectors (the cluster's `namespaceLabel`). */
  readonly namespaceLabel: string;
  /** Names of every netiso project of the cluster (the tenants). */
  readonly projects: readonly string[];
  /** Admin tier objects, then the Baseline object (if any), in priority order. */
  readonly objects: readonly GuardObject[];
}

/** Namespaces by name, as the API server labels them (`kubernetes.io/metadata.name In values`). */
export function byName(names: readonly string[]): NamespaceSet {
  return { key: NAMESPACE_NAME_LABEL, values: [...names] };
}

/** Pods of `namespaces`, all of them unless `pods` narrows them. */
export function podsPeer(namespaces: NamespaceSet, pods: Labels = {}): GuardPeer {
  return { kind: 'pods', namespaces, pods };
}

/** Every pod of every namespace. */
export const ALL_PODS: GuardPeer = { kind: 'pods', namespaces: { all: true }, pods: {} };
