import type { ProfileTable } from '../cni/profiles';
import type { DataplaneSemantics } from '../cni/semantics';
import { IpBlock } from '../values/ip-block';
import { Labels } from '../k8s/names';
import { Port } from '../values/port';
import { KUBESPHERE_NAMESPACE_LABEL, MANAGED_BY_LABEL, WORKSPACE_LABEL } from '../values/reserved';
import { PeerSpec, RuleSpec } from '../values/peer-spec';

export type { PeerSpec, RuleSpec };

/** A Kubernetes object as plain JSON, ready to serialise. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Labels; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/**
 * Directory of a cluster's cluster-scoped objects (guardrails) under `dist/<cluster>/`, next to
 * its project directories: `_` cannot start a project name (a DNS label), so it never collides.
 */
export const CLUSTER_SCOPED_DIR = '_cluster';

/** Label every generated object carries, so tools and prune logic can tell netiso's objects apart. */
export const MANAGED_BY: Labels = { [MANAGED_BY_LABEL]: 'netiso' };

/** Namespace labels KubeSphere uses; netiso puts them on the Namespaces it emits. */
export { KUBESPHERE_NAMESPACE_LABEL, WORKSPACE_LABEL };

/** How a project is isolated (KubeSphere: project isolation overrides workspace isolation). */
export type IsolationMode = 'project' | 'workspace' | 'none';

/** Cluster-wide settings the renderers need, already validated. */
export interface ClusterSettings {
  readonly name: string;
  /** Namespace label that identifies a namespace by name in selectors. */
  readonly namespaceLabel: string;
  readonly allowedIngressNamespaces: readonly string[];
  readonly dns: DnsSettings;
  /** Node addresses: the source of SNATed NodePort/LoadBalancer traffic and of hostNetwork pods. */
  readonly nodeCidrs: readonly IpBlock[];
  /** Overlay tunnel interface addresses (IPIP, VXLAN), the source when a node forwards through the tunnel. */
  readonly tunnelCidrs: readonly IpBlock[];
  /** The ingress controller that `Ingress` exposures are reached through; undefined when none is configured. */
  readonly ingressController?: IngressControllerSettings;
  /** Node addresses every isolated project admits (KubeSphere's `kubesphere.io/snat-node-ips`), sorted. */
  readonly snatNodeIps: readonly string[];
  /** The CNI's generation facts (see `src/cni/profiles.ts`). */
  readonly dataplane: ProfileTable;
  /** How the cluster enforces policies: the CNI's semantics with the kube-proxy settings applied. */
  readonly semantics: DataplaneSemantics;
  /** Addresses of the Kubernetes API server, for `InternalPeer.kubeApiServer()`. */
  readonly apiServerEndpoints: readonly IpBlock[];
  /** The Gateway that `Gateway`-mode exposures attach to; undefined when none is configured. */
  readonly gateway?: GatewaySettings;
}

/** Where a Gateway's proxies run, whose connections reach the backend pods. */
export type GatewayDataPlaneSettings =
  | { readonly kind: 'pods'; readonly namespace: string; readonly podLabels: Labels }
  | { readonly kind: 'host-network' }
  | { readonly kind: 'cni' };

/** The Gateway API Gateway that `Gateway`-mode exposures attach their routes to. */
export interface GatewaySettings {
  readonly name: string;
  readonly namespace: string;
  /** Listener of the Gateway; undefined: every listener that admits the route. */
  readonly sectionName?: string;
  readonly dataPlane: GatewayDataPlaneSettings;
}

/** Where the ingress controller runs, for the rule that lets it reach exposed pods. */
export interface IngressControllerSettings {
  readonly namespace: string;
  readonly podLabels: Labels;
  /** The controller pods use the node's network, so their traffic comes from node (or tunnel) addresses. */
  readonly hostNetwork: boolean;
  /** IngressClass used when an exposure names none; undefined = the cluster's default class. */
  readonly className?: string;
}

/** Where the cluster DNS answers, for the egress rules added when egress is locked down. */
export interface DnsSettings {
  readonly namespace: string;
  readonly podLabels: Labels;
  readonly ports: readonly Port[];
  /** NodeLocal DNSCache address, e.g. 169.254.25.10; undefined when the cluster has none. */
  readonly nodeLocalIp?: string;
  /** Ports allowed to `nodeLocalIp`. */
  readonly nodeLocalPorts: readonly Port[];
}

/** A NetworkPolicy before it is turned into a manifest. */
export interface PolicySpec {
  readonly name: string;
  /** Pods of the project the policy applies to; empty = all pods. */
  readonly podSelector: Labels;
  readonly ingress?: readonly RuleSpec[];
  readonly egress?: readonly RuleSpec[];
}
