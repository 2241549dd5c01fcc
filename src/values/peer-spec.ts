import { Labels } from '../k8s/names';
import { IpBlock } from './ip-block';
import { Port } from './port';

/**
 * Addresses and identities netiso names without the user writing CIDRs; what matches them depends
 * on the cluster's CNI (see `src/cni/`):
 * - `nodes`: the cluster's nodes (`nodeCidrs` + `tunnelCidrs`), hostNetwork pods included;
 * - `kube-apiserver`: the API server (`apiServerEndpoints`);
 * - `node-local-dns`: the NodeLocal DNSCache on the pod's node (`dns.nodeLocalDnsIp`);
 * - `cni-ingress`: the CNI's own Ingress / Gateway API proxy (Cilium's Envoy).
 */
export type NamedPeer = 'nodes' | 'kube-apiserver' | 'node-local-dns' | 'cni-ingress';

/** One side of a connection, resolved from a construct's declaration. */
export type PeerSpec =
  /** Pods (all, or those matching `podSelector`) of the namespace named `namespace`. */
  | { readonly kind: 'namespace'; readonly namespace: string; readonly podSelector?: Labels }
  /** Pods of every namespace of a workspace. */
  | { readonly kind: 'workspace'; readonly workspace: string }
  /** Pods of the policy's own namespace. */
  | { readonly kind: 'own-namespace'; readonly podSelector?: Labels }
  | { readonly kind: 'ip-block'; readonly block: IpBlock }
  /** A {@link NamedPeer}, compiled per CNI when the project is rendered. */
  | { readonly kind: 'named'; readonly peer: NamedPeer };

/** One rule: at least one peer (an empty peer list would mean everyone), and ports (empty = all ports). */
export interface RuleSpec {
  readonly peers: readonly PeerSpec[];
  readonly ports: readonly Port[];
}
