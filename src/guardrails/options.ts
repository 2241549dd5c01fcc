import { dnsLabelProblems } from '../k8s/names';
import { ClusterSettings } from '../render/model';
import { GUARDRAIL_PROFILES } from './apis';
import { GuardrailOptions } from './input';
import { GUARDRAIL_APIS, GuardrailApi } from './model';
import { PriorityRange } from './priorities';

/** The cluster's `guardrails` prop: guardrails that tenants cannot undo. */
export interface GuardrailProps {
  /**
   * The API the guardrails are written in: `'ClusterNetworkPolicy'` (network-policy-api v0.2.0),
   * `'AdminNetworkPolicy'` (v1alpha1: OpenShift, Calico up to 3.31), `'calico'` (Tier and
   * GlobalNetworkPolicy) or `'cilium'` (CiliumClusterwideNetworkPolicy deny rules).
   */
  readonly api: GuardrailApi;
  /**
   * Namespaces the pods of netiso projects may reach only as the cluster declares (DNS, and what
   * allow-list entries name there); everything else is denied. Empty turns the protection off.
   * @default 'kube-system', the DNS namespace and the ingress controller's namespace
   */
  readonly protectedNamespaces?: readonly string[];
  /**
   * A Baseline-tier default deny for the pods of namespaces that are neither netiso projects nor
   * protected: pods elsewhere reach them only where a NetworkPolicy of their own namespace says.
   * @default false
   */
  readonly defaultDenyUnmanaged?: boolean;
  /**
   * The priorities (Calico: orders) netiso may use, inclusive; it cuts them into bands (system
   * protection, deny lists, tenants). Leave room for other administrators' policies here, and use
   * `[0, 99]` on OpenShift, which limits AdminNetworkPolicy priorities to 0-99.
   * @default the API's whole range (0-1000 for ClusterNetworkPolicy and AdminNetworkPolicy)
   */
  readonly priorityRange?: PriorityRange;
}

/** The props resolved against the cluster's settings, or the problems that prevent it. */
export function resolveGuardrails(props: GuardrailProps, settings: ClusterSettings): { readonly options?: GuardrailOptions; readonly problems: string[] } {
  if (!GUARDRAIL_APIS.includes(props.api)) {
    return { problems: [`guardrails api ${JSON.stringify(props.api)} is not an API netiso writes; use ${GUARDRAIL_APIS.map((a) => `'${a}'`).join(', ')}`] };
  }
  const profile = GUARDRAIL_PROFILES[props.api];
  const protectedNamespaces = [...new Set(props.protectedNamespaces ?? ['kube-system', settings.dns.namespace, ...(settings.ingressController ? [settings.ingressController.namespace] : [])])];
  const problems = protectedNamespaces.flatMap((n) => dnsLabelProblems('guardrails protected namespace', n));
  const range = props.priorityRange ?? profile.priorityRange;
  const [min, max] = profile.priorityRange;
  if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isInteger) || range[0] > range[1] || range[0] < min || range[1] > max) {
    problems.push(`guardrails priorityRange ${JSON.stringify(range)} is not a range within ${min}-${max} that ${props.api} accepts; give [first, last] with whole numbers, e.g. [0, 99] on OpenShift`);
  }
  if (props.defaultDenyUnmanaged !== undefined && typeof props.defaultDenyUnmanaged !== 'boolean') {
    problems.push(`guardrails defaultDenyUnmanaged must be true or false, got ${JSON.stringify(props.defaultDenyUnmanaged)}`);
  }
  if (problems.length) return { problems };
  return { options: { api: props.api, protectedNamespaces, defaultDenyUnmanaged: props.defaultDenyUnmanaged ?? false, priorityRange: [range[0], range[1]] }, problems };
}
