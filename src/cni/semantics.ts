/**
 * How a dataplane enforces `networking.k8s.io/v1` NetworkPolicy where it differs from the
 * specification: what the reachability engine reads to evaluate a cluster "as enforced" on that
 * dataplane. Plain data, one value per CNI profile (see {@link semanticsOf}); `docs/cni.md` gives
 * the source of every value.
 *
 * Rule for every consumer: where a value says the dataplane's behaviour is unknown or varies, the
 * analysis must report the flow as possibly allowed, never as denied.
 */
export interface DataplaneSemantics {
  /** Profile name and the settings that shaped it, e.g. `cilium 1.16, policy-cidr-match-mode default, kube-proxy replacement DSR`. */
  readonly name: string;
  /**
   * The dataplane enforces NetworkPolicy at all. `false` (flannel alone, Terway without its policy
   * option): every policy is accepted by the API server and does nothing; every flow is allowed.
   */
  readonly enforcesNetworkPolicy: boolean;
  /**
   * An `ipBlock` peer also matches pod addresses (Calico). `false` (Cilium): pods are matched by
   * their identity only, so an `ipBlock` never matches a pod, even one whose address is inside it.
   */
  readonly ipBlockMatchesPodIps: boolean;
  /**
   * An `ipBlock` peer matches node addresses: the nodes' own addresses, their tunnel interfaces and
   * hostNetwork pods, on the pod's node and on remote nodes. `false` on Cilium with the default
   * `policy-cidr-match-mode`: these are the `host` and `remote-node` identities, which only the
   * {@link DataplaneSemantics.entities} match.
   */
  readonly ipBlockMatchesNodeIps: boolean;
  /**
   * What a rule with a port range (`endPort`) does:
   * - `enforced`: the whole range;
   * - `port-only`: only `port`, the range's first port (Cilium before 1.15 parsed `port` and
   *   dropped `endPort`; Kubernetes documents this as what a CNI without support does);
   * - `policy-ignored`: the whole NetworkPolicy that contains the range is not applied, as if it
   *   did not exist (Cilium 1.15): it neither isolates nor allows.
   */
  readonly endPort: 'enforced' | 'port-only' | 'policy-ignored';
  /**
   * SCTP: `enforced` like TCP and UDP; `unknown` when the dataplane's SCTP support is off or
   * absent (Cilium without `enable-sctp`): what happens to SCTP rules and to SCTP traffic is not
   * documented, so SCTP flows are reported as unknown, never as denied.
   */
  readonly sctp: 'enforced' | 'unknown';
  /**
   * The source address a pod sees for traffic that reaches it through a Service: every source
   * listed can occur (which one depends on the node the traffic enters and where the pod runs).
   * A flow is reliably allowed only when every listed source is admitted, and possibly allowed
   * when one is.
   */
  readonly serviceSources: ServiceSources;
  /**
   * Reserved identities the dataplane's own policy API can name (Cilium entities). Empty when the
   * dataplane has none; NetworkPolicy itself never can.
   */
  readonly entities: readonly DataplaneEntity[];
  /**
   * The identity traffic from the dataplane's own Ingress / Gateway API implementation carries at
   * the backend pods (Cilium: the reserved `ingress` entity, which no namespace or pod selector
   * matches); undefined when the dataplane has no built-in ingress.
   */
  readonly ingressIdentity?: DataplaneEntity;
}

/**
 * Where Service traffic appears to come from at the pod:
 * - `pod`: the calling pod's own address (ClusterIP traffic without masquerading);
 * - `client`: the outside client's address;
 * - `node`: a node's primary address (SNAT by kube-proxy, or the node's identity on Cilium);
 * - `tunnel`: a node's overlay tunnel interface address (Calico IPIP/VXLAN, flannel.1).
 */
export type ServiceSource = 'pod' | 'client' | 'node' | 'tunnel';

/** {@link DataplaneSemantics.serviceSources}. */
export interface ServiceSources {
  /**
   * Pod to ClusterIP to pod. `['pod']` normally; `['node', 'tunnel']` when kube-proxy runs with
   * `masqueradeAll: true`, which SNATs all Service traffic: pod and namespace selectors stop
   * matching it, and when both pods share a node the source is that node, which policies always
   * let in (so isolation leaks there).
   */
  readonly clusterIp: readonly ServiceSource[];
  /** NodePort and LoadBalancer traffic, per `externalTrafficPolicy`. */
  readonly external: { readonly Cluster: readonly ServiceSource[]; readonly Local: readonly ServiceSource[] };
}

/** Cilium's reserved identities that netiso's output uses. */
export type DataplaneEntity = 'host' | 'remote-node' | 'kube-apiserver' | 'ingress' | 'world' | 'cluster';

/**
 * How a connection reaches its destination, for queries that go through a Service: the engine
 * replaces the source by {@link DataplaneSemantics.serviceSources} for that hop.
 */
export type ServiceHop =
  | { readonly kind: 'ClusterIP' }
  | { readonly kind: 'NodePort' | 'LoadBalancer'; readonly externalTrafficPolicy: 'Cluster' | 'Local' };

/** The specification's semantics: what netiso assumed before CNI profiles, and the `generic` profile. */
export const SPEC_SEMANTICS: DataplaneSemantics = {
  name: 'generic (the NetworkPolicy specification)',
  enforcesNetworkPolicy: true,
  // The specification leaves it open; an analysis that matched fewer addresses could call an allowed flow denied.
  ipBlockMatchesPodIps: true,
  ipBlockMatchesNodeIps: true,
  endPort: 'enforced',
  sctp: 'enforced',
  serviceSources: { clusterIp: ['pod'], external: { Cluster: ['node', 'tunnel', 'client'], Local: ['client'] } },
  entities: [],
};
