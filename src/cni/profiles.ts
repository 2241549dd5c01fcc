import { NamedPeer } from '../values/peer-spec';
import { DataplaneEntity, DataplaneSemantics, SPEC_SEMANTICS, ServiceSource } from './semantics';

export type { NamedPeer };

/**
 * How a dataplane matches one {@link NamedPeer}: by the cluster's CIDRs for it in a NetworkPolicy
 * `ipBlock`, and/or by reserved identities in the dataplane's own policy object. Both may be given:
 * the API server's identity covers API servers on the nodes, its CIDRs one outside the cluster.
 */
export interface PeerMatch {
  readonly cidrs: boolean;
  readonly entities: readonly DataplaneEntity[];
}

/** The facts netiso generates from, for one dataplane. */
export interface ProfileTable {
  /** What the engine and lint read. */
  readonly semantics: DataplaneSemantics;
  /** How each named peer is matched; a peer matched neither way cannot be expressed. */
  readonly peers: Readonly<Record<NamedPeer, PeerMatch>>;
  /** The policy object entities are emitted in (`CiliumNetworkPolicy`), if the dataplane has one and netiso may emit it. */
  readonly policyObject?: 'CiliumNetworkPolicy';
  /** Whether kube-proxy implements Services (so `kubeProxy.masqueradeAll` applies). */
  readonly usesKubeProxy: boolean;
  /** Per named peer, the dataplane setting that would let NetworkPolicy alone match it, for errors. */
  readonly fixes: Partial<Readonly<Record<NamedPeer, string>>>;
}

const BY_CIDR: PeerMatch = { cidrs: true, entities: [] };
const NOT_MATCHED: PeerMatch = { cidrs: false, entities: [] };

/** Sources of NodePort / LoadBalancer traffic when kube-proxy forwards it (it SNATs under `Cluster`). */
const KUBE_PROXY_EXTERNAL = SPEC_SEMANTICS.serviceSources.external;
/** Sources when the dataplane keeps the client's address whatever the traffic policy (Calico eBPF, Cilium DSR). */
const CLIENT_KEPT = { Cluster: ['client'], Local: ['client'] } as const;

/** The specification: every named peer by its CIDRs, no built-in ingress. */
export const GENERIC: ProfileTable = {
  semantics: SPEC_SEMANTICS,
  peers: { 'nodes': BY_CIDR, 'kube-apiserver': BY_CIDR, 'node-local-dns': BY_CIDR, 'cni-ingress': NOT_MATCHED },
  usesKubeProxy: true,
  fixes: {},
};

/** Calico's dataplanes: `ipBlock` matches pod and node addresses alike. */
export type CalicoDataplane = 'iptables' | 'nftables' | 'ebpf';

const CALICO: Readonly<Record<CalicoDataplane, ProfileTable>> = {
  iptables: calico('iptables', { external: KUBE_PROXY_EXTERNAL, sctp: 'enforced', usesKubeProxy: true }),
  nftables: calico('nftables', { external: KUBE_PROXY_EXTERNAL, sctp: 'enforced', usesKubeProxy: true }),
  // The eBPF dataplane replaces kube-proxy and keeps the client's address whatever the traffic policy.
  ebpf: calico('ebpf', { external: CLIENT_KEPT, sctp: 'unknown', usesKubeProxy: false }),
};

function calico(dataplane: CalicoDataplane, o: { external: DataplaneSemantics['serviceSources']['external']; sctp: DataplaneSemantics['sctp']; usesKubeProxy: boolean }): ProfileTable {
  return {
    ...GENERIC,
    semantics: { ...SPEC_SEMANTICS, name: `calico (${dataplane} dataplane)`, ipBlockMatchesPodIps: true, sctp: o.sctp, serviceSources: { clusterIp: ['pod'], external: o.external } },
    usesKubeProxy: o.usesKubeProxy,
  };
}

/** The Calico profile of a dataplane. */
export function calicoTable(dataplane: CalicoDataplane): ProfileTable {
  return CALICO[dataplane];
}

/** How Cilium load-balances Services: kube-proxy, or its kube-proxy replacement in SNAT or DSR mode. */
export type CiliumServiceMode = 'kube-proxy' | 'snat' | 'dsr';

/** The Cilium settings that change policy semantics. */
export interface CiliumSettings {
  /** Cilium `major.minor`. */
  readonly version: readonly [number, number];
  /** `policy-cidr-match-mode: nodes` (Cilium ≥ 1.15): `ipBlock` then matches node addresses too. */
  readonly cidrMatchesNodes: boolean;
  readonly services: CiliumServiceMode;
  /** `enable-sctp`. */
  readonly sctp: boolean;
  /** netiso may emit CiliumNetworkPolicy objects for what NetworkPolicy cannot express. */
  readonly ciliumPolicies: boolean;
}

const CILIUM_ENTITIES: readonly DataplaneEntity[] = ['host', 'remote-node', 'kube-apiserver', 'ingress', 'world', 'cluster'];

/** NodePort / LoadBalancer sources under `externalTrafficPolicy: Cluster`, per Service implementation. */
const CILIUM_EXTERNAL_CLUSTER: Readonly<Record<CiliumServiceMode, readonly ServiceSource[]>> = {
  // kube-proxy SNATs to the node; Cilium gives that address the node's identity.
  'kube-proxy': KUBE_PROXY_EXTERNAL.Cluster,
  // Forwarded to another node: the remote-node identity; answered by the receiving node: the client.
  'snat': ['node', 'client'],
  'dsr': ['client'],
};

/**
 * Port ranges: before 1.15 Cilium applied `port` and dropped `endPort` (cilium#28684); 1.15
 * refuses to process a NetworkPolicy with `endPort` at all (cilium#28704); 1.16 enforces ranges
 * (cilium#32807).
 */
function ciliumEndPort([major, minor]: readonly [number, number]): DataplaneSemantics['endPort'] {
  const v = major * 1000 + minor;
  return v >= 1016 ? 'enforced' : v >= 1015 ? 'policy-ignored' : 'port-only';
}

/** The Cilium profile for a set of settings. */
export function ciliumTable(s: CiliumSettings): ProfileTable {
  const entities = s.ciliumPolicies ? CILIUM_ENTITIES : [];
  const has = (...wanted: DataplaneEntity[]) => wanted.filter((e) => entities.includes(e));
  const mode = s.cidrMatchesNodes ? 'nodes' : 'default';
  return {
    semantics: {
      name: `cilium ${s.version.join('.')} (policy-cidr-match-mode ${mode}, ${s.services === 'kube-proxy' ? 'kube-proxy' : `kube-proxy replacement ${s.services.toUpperCase()}`}${s.sctp ? ', SCTP on' : ''})`,
      enforcesNetworkPolicy: true,
      ipBlockMatchesPodIps: false,
      ipBlockMatchesNodeIps: s.cidrMatchesNodes,
      endPort: ciliumEndPort(s.version),
      sctp: s.sctp ? 'enforced' : 'unknown',
      serviceSources: { clusterIp: ['pod'], external: { Cluster: CILIUM_EXTERNAL_CLUSTER[s.services], Local: ['client'] } },
      entities,
      ingressIdentity: 'ingress',
    },
    peers: {
      'nodes': s.cidrMatchesNodes ? BY_CIDR : { cidrs: false, entities: has('remote-node', 'host') },
      'kube-apiserver': { cidrs: true, entities: has('kube-apiserver') },
      // NodeLocal DNSCache listens on the node itself: the host identity, which no CIDR selects by default.
      'node-local-dns': s.cidrMatchesNodes ? BY_CIDR : { cidrs: false, entities: has('host') },
      'cni-ingress': { cidrs: false, entities: has('ingress') },
    },
    policyObject: s.ciliumPolicies ? 'CiliumNetworkPolicy' : undefined,
    usesKubeProxy: s.services === 'kube-proxy',
    fixes: {
      'nodes': `set policyCidrMatchMode: 'nodes' on the Cilium profile (Cilium 1.15 or later, and the same in cilium-config) so that ipBlocks match nodes, or allow CiliumNetworkPolicy output (ciliumPolicies: true)`,
      'node-local-dns': `set policyCidrMatchMode: 'nodes' on the Cilium profile (Cilium 1.15 or later), or allow CiliumNetworkPolicy output (ciliumPolicies: true)`,
      'cni-ingress': 'allow CiliumNetworkPolicy output (ciliumPolicies: true): only a CiliumNetworkPolicy can name the reserved ingress identity',
    },
  };
}

/** A dataplane that enforces no NetworkPolicy (flannel alone, Terway without its policy option). */
export function unenforcedTable(name: string): ProfileTable {
  return { ...GENERIC, semantics: { ...SPEC_SEMANTICS, name, enforcesNetworkPolicy: false } };
}

/** Terway with its NetworkPolicy option: enforced as the specification says. */
export function terwayTable(networkPolicy: boolean): ProfileTable {
  return networkPolicy
    ? { ...GENERIC, semantics: { ...SPEC_SEMANTICS, name: 'terway (NetworkPolicy on)' } }
    : unenforcedTable('terway (NetworkPolicy off)');
}
