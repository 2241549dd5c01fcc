/**
 * What the engine needs to know about how a dataplane enforces policy, where it departs from the
 * Kubernetes specification. CNI profiles (`src/cni/`) provide one per dataplane; the default is the
 * specification itself.
 */
export interface Dataplane {
  /** Human-readable name, e.g. `generic (the NetworkPolicy specification)`, `cilium 1.16 (default settings)`. */
  readonly name: string;
  /** False where nothing is enforced (flannel alone): every flow is allowed whatever the policies say. */
  readonly enforcesPolicy: boolean;
  /** `ipBlock` (and other CIDR peers) match pod addresses (Calico) or never do (Cilium). */
  readonly ipBlockMatchesPodIps: boolean;
  /** `ipBlock` matches node and host-network addresses (false on Cilium's default `policy-cidr-match-mode`). */
  readonly ipBlockMatchesNodeIps: boolean;
  /** `enforced`, or `port-only` where `endPort` is ignored and only `port` is matched (Cilium < 1.16). */
  readonly endPort: 'enforced' | 'port-only';
}

/** The NetworkPolicy specification as written: what a conforming implementation enforces. */
export const SPEC_DATAPLANE: Dataplane = {
  name: 'generic (the NetworkPolicy specification)',
  enforcesPolicy: true,
  ipBlockMatchesPodIps: true,
  ipBlockMatchesNodeIps: true,
  endPort: 'enforced',
};
