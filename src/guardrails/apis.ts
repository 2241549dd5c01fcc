import { MANAGED_BY } from '../render/model';
import { GuardrailApi, GuardrailPlan } from './model';
import { PriorityRange } from './priorities';
import { renderCalico } from './render-calico';
import { renderCilium } from './render-cilium';
import { Rendered } from './render-common';
import { ADMIN_NETWORK_POLICY, CLUSTER_NETWORK_POLICY, renderNetpolApi } from './render-netpol-api';

/** Everything that differs between the guardrail APIs, in one table. */
export interface GuardrailProfile {
  /** Priorities the API accepts, inclusive: what `priorityRange` defaults to and may not leave. */
  readonly priorityRange: PriorityRange;
  /** Kinds it emits, by `apiVersion`. */
  readonly kinds: readonly { readonly apiVersion: string; readonly kind: string }[];
  /** What the CNI needs to enforce the output, for docs and messages. */
  readonly needs: string;
  readonly render: (plan: GuardrailPlan) => Rendered;
}

export const GUARDRAIL_PROFILES: Readonly<Record<GuardrailApi, GuardrailProfile>> = {
  ClusterNetworkPolicy: {
    priorityRange: [0, 1000],
    kinds: [{ apiVersion: CLUSTER_NETWORK_POLICY.apiVersion, kind: 'ClusterNetworkPolicy' }],
    needs: 'the network-policy-api v0.2.0 standard CRD and a CNI that implements it (Calico 3.32, Cilium 1.20 with --enable-k8s-cluster-network-policy, Antrea 2.7 with the K8sClusterNetworkPolicy feature gate, kube-network-policies, GKE Dataplane V2)',
    render: (plan) => renderNetpolApi(plan, CLUSTER_NETWORK_POLICY),
  },
  AdminNetworkPolicy: {
    priorityRange: [0, 1000],
    kinds: [
      { apiVersion: ADMIN_NETWORK_POLICY.apiVersion, kind: 'AdminNetworkPolicy' },
      { apiVersion: ADMIN_NETWORK_POLICY.apiVersion, kind: 'BaselineAdminNetworkPolicy' },
    ],
    needs: 'the network-policy-api v0.1.x CRDs and a CNI that implements them (OVN-Kubernetes / OpenShift 4.16+, which limits priorities to 0-99; Calico 3.29-3.31; Kube-OVN; Antrea)',
    render: (plan) => renderNetpolApi(plan, ADMIN_NETWORK_POLICY),
  },
  calico: {
    priorityRange: [0, 99_999],
    kinds: [
      { apiVersion: 'projectcalico.org/v3', kind: 'Tier' },
      { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy' },
    ],
    needs: 'Calico 3.29 or later (tiers with defaultAction in Calico Open Source) and its API server for projectcalico.org/v3',
    render: renderCalico,
  },
  cilium: {
    // Cilium has no priorities (deny rules always win); the range only keeps names apart.
    priorityRange: [0, 999_999],
    kinds: [{ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy' }],
    needs: 'Cilium 1.15 or later (enableDefaultDeny); deny policies are on by default',
    render: renderCilium,
  },
};

/** Every kind any guardrail API emits, for `netiso diff` and readers. */
export const GUARDRAIL_KINDS: readonly string[] = [...new Set(Object.values(GUARDRAIL_PROFILES).flatMap((p) => p.kinds.map((k) => k.kind)))];

/**
 * True for an object netiso emitted as a guardrail: one of the guardrail kinds with netiso's
 * managed-by label (names start with `netiso.`, but v1alpha1's BaselineAdminNetworkPolicy must
 * be named `default` and Calico's tiers are `netiso` and `netiso-baseline`).
 */
export function isGuardrailObject(object: unknown): boolean {
  const o = object as { apiVersion?: unknown; kind?: unknown; metadata?: { labels?: Record<string, unknown> } } | null;
  if (!o || typeof o !== 'object') return false;
  const known = Object.values(GUARDRAIL_PROFILES).some((p) => p.kinds.some((k) => k.apiVersion === o.apiVersion && k.kind === o.kind));
  return known && Object.entries(MANAGED_BY).every(([k, v]) => o.metadata?.labels?.[k] === v);
}
