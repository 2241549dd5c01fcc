import { IpBlock } from '../k8s/ip';
import { Selector } from '../k8s/selector';
import { PortSpec } from './ports';

/**
 * The policy model every API is compiled into, so one engine decides NetworkPolicy, the
 * ClusterNetworkPolicy tiers, Calico tiers and Cilium deny rules as one system.
 *
 * A direction (a pod's ingress, or its egress) is decided by walking the tiers in `order`:
 * within a tier, the policies that select the pod, by `priority` then id, and their rules in
 * order. The first rule whose peers and ports match decides: `allow` and `deny` end the walk,
 * `pass` skips the rest of the tier. When no rule of a tier matched, the tier's `endAction`
 * applies if some policy of the tier `isolates` the pod for that direction (NetworkPolicy: deny);
 * otherwise the walk goes on with the next tier. After the last tier, traffic is allowed.
 * A connection needs both the source's egress and the destination's ingress.
 */
export type RuleAction = 'allow' | 'deny' | 'pass';

/** Reserved identities of dataplanes (Cilium entities); `world` is every address outside the cluster. */
export type Entity = 'world' | 'host' | 'remote-node' | 'cluster' | 'kube-apiserver' | 'ingress' | 'all';

/**
 * One element of a rule's peer list; a list matches when any element does.
 * - `pods`: pods whose namespace matches `namespaces` (or is `own`) and whose labels match `pods`;
 * - `ips`: addresses in any of `blocks` (pod and node addresses too, as the dataplane decides);
 * - `nodes`: nodes whose labels match the selector (ClusterNetworkPolicy `nodes`);
 * - `entity`: a reserved identity;
 * - `all`: every peer, pods and addresses (a NetworkPolicy rule without `from`/`to`).
 */
export type TierPeer =
  | { readonly kind: 'pods'; readonly namespaces: Selector | { readonly own: string }; readonly pods: Selector; readonly key: string }
  | { readonly kind: 'ips'; readonly blocks: readonly IpBlock[]; readonly key: string }
  | { readonly kind: 'nodes'; readonly nodes: Selector; readonly key: string }
  | { readonly kind: 'entity'; readonly entity: Entity; readonly key: string }
  | { readonly kind: 'all'; readonly key: string };

/** One rule: `action` for traffic from/to `peers` on `ports`. */
export interface TierRule {
  /** Position in the policy's `ingress`/`egress` list, as explanations cite it. */
  readonly index: number;
  /** The rule's own name where the API has one (ClusterNetworkPolicy, Calico). */
  readonly name?: string;
  readonly action: RuleAction;
  /** Empty matches nothing (a fail-closed peer); `[{ kind: 'all' }]` matches everyone. */
  readonly peers: readonly TierPeer[];
  /** `'all'`: every port of every protocol. Named ports resolve on the destination pod. */
  readonly ports: 'all' | readonly PortSpec[];
}

/** Which pods a policy applies to. */
export type TierSubject =
  /** Pods of one namespace (NetworkPolicy, CiliumNetworkPolicy). */
  | { readonly namespace: string; readonly pods: Selector }
  /** Pods of every namespace matching `namespaces` (cluster-scoped policies). */
  | { readonly namespaces: Selector; readonly pods: Selector };

/** A policy of any API, compiled. */
export interface TierPolicy {
  /**
   * `namespace/name` for a NetworkPolicy (as Kubernetes names it), `Kind namespace/name` or
   * `Kind name` for every other API, e.g. `ClusterNetworkPolicy netiso-ws-shop`.
   */
  readonly id: string;
  /** Lower first within the tier; ties are broken by `id`. */
  readonly priority: number;
  readonly subject: TierSubject;
  /** Undefined when the policy does not govern that direction. */
  readonly ingress?: readonly TierRule[];
  readonly egress?: readonly TierRule[];
  /** Whether selecting a pod makes the tier's `endAction` apply to it (NetworkPolicy: always). */
  readonly isolates: { readonly ingress: boolean; readonly egress: boolean };
}

/** One tier of policies, e.g. ClusterNetworkPolicy `Admin`, NetworkPolicy, `Baseline`. */
export interface Tier {
  readonly name: string;
  /** Lower first. */
  readonly order: number;
  /** What happens to traffic no rule matched, for pods some policy of the tier isolates. */
  readonly endAction: 'deny' | 'pass';
  readonly policies: readonly TierPolicy[];
}

/** Tier orders of the APIs netiso reads; Calico tiers use their own `order` between these. */
export const TIER_ORDER = {
  /** ClusterNetworkPolicy `tier: Admin`, AdminNetworkPolicy. */
  admin: 1_000,
  /** Cilium `ingressDeny`/`egressDeny`, which win over every allow. */
  ciliumDeny: 2_000,
  /** NetworkPolicy (Calico's `default` tier has order 1,000,000). */
  networkPolicy: 1_000_000,
  /** ClusterNetworkPolicy `tier: Baseline`, BaselineAdminNetworkPolicy. */
  baseline: 2_000_000,
} as const;

/** Re-exported for compilers of other APIs. */
export type { IpBlock, PortSpec, Selector };

/** Name of the tier NetworkPolicies (and the allow rules that join them, such as Cilium's) live in. */
export const NETWORK_POLICY_TIER = 'networkPolicy';

/**
 * Every tier to evaluate, in order: the NetworkPolicies' tier, merged with the `networkPolicy`
 * tier that other APIs' compilers contribute to (Cilium allow rules, Calico's default tier),
 * plus the other tiers. Kubernetes NetworkPolicies sit at priority 1000, as Calico orders them in
 * its default tier.
 */
export function withNetworkPolicies(networkPolicies: readonly TierPolicy[], others: readonly Tier[] = []): Tier[] {
  const joining = others.filter((t) => t.name === NETWORK_POLICY_TIER).flatMap((t) => t.policies);
  const policies = [...networkPolicies.map((p) => ({ ...p, priority: 1000 })), ...joining]
    .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const tier: Tier = { name: NETWORK_POLICY_TIER, order: TIER_ORDER.networkPolicy, endAction: 'deny', policies };
  return [...others.filter((t) => t.name !== NETWORK_POLICY_TIER), tier].sort((a, b) => a.order - b.order);
}
