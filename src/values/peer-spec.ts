import { Labels } from '../k8s/names';
import { IpBlock } from './ip-block';
import { Port } from './port';

/** One side of a connection, resolved from a construct's declaration. */
export type PeerSpec =
  /** Pods (all, or those matching `podSelector`) of the namespace named `namespace`. */
  | { readonly kind: 'namespace'; readonly namespace: string; readonly podSelector?: Labels }
  /** Pods of every namespace of a workspace. */
  | { readonly kind: 'workspace'; readonly workspace: string }
  /** Pods of the policy's own namespace. */
  | { readonly kind: 'own-namespace'; readonly podSelector?: Labels }
  | { readonly kind: 'ip-block'; readonly block: IpBlock };

/** One rule: at least one peer (an empty peer list would mean everyone), and ports (empty = all ports). */
export interface RuleSpec {
  readonly peers: readonly PeerSpec[];
  readonly ports: readonly Port[];
}
