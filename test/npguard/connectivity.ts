import { ManifestModel } from '../../src/k8s/manifests';
import { NPGUARD_INGRESS_CONTROLLER } from '../../src/k8s/ingress-controller';
import { PairConns, Peer } from './conns';

/** np-guard's `list` options that decide which pairs a result lists. */
export interface ConnlistOptions {
  /** Workloads (`name` or `ns/name`, or `ingress-controller`) whose connections are listed; none means all. */
  readonly focusWorkloads: readonly string[];
  /** With focus workloads: only their connections with these peers. */
  readonly focusWorkloadPeers: readonly string[];
  /** With focus workloads: only connections into (`ingress`) or out of (`egress`) them. */
  readonly focusDirection?: 'ingress' | 'egress';
}

/**
 * Computes the allowed connections between the workloads of a model, np-guard style: one entry per
 * ordered pair of workloads, IPv4 address ranges outside the cluster and `{ingress-controller}`
 * with a non-empty connection set; no pair of a workload with itself; pods never matched by
 * ipBlocks; IPv6 not reported. A provider may use `options` to skip work; the harness filters its
 * result with {@link applyFocus} either way.
 */
export interface ConnectivityProvider {
  connlist(model: ManifestModel, options: ConnlistOptions): PairConns[];
}

/**
 * np-guard's focus rules (`includePairOfWorkloads` and `checkFocusWorkloadsExistence` in
 * `pkg/netpol/connlist/connlist.go`): a pair is kept when one end is a focus workload (in the
 * focus direction) and the other a focus peer; when none of the focus workloads (or none of the
 * peers) exists, nothing is listed.
 */
export function applyFocus(pairs: readonly PairConns[], model: ManifestModel, options: ConnlistOptions, hasIngressController: boolean): PairConns[] {
  const { focusWorkloads: focus, focusWorkloadPeers: peers, focusDirection: direction } = options;
  const exists = (name: string) =>
    name === NPGUARD_INGRESS_CONTROLLER.name ? hasIngressController : model.workloads.some((w) => w.name === name || `${w.namespace}/${w.name}` === name);
  if (focus.length && !focus.some(exists)) return [];
  if (focus.length && peers.length && !peers.some(exists)) return [];
  const isIn = (peer: Peer, names: readonly string[]) => names.length === 0 || names.some((n) => matchesName(peer, n));
  const isPeer = (peer: Peer) => focus.length === 0 || isIn(peer, peers);
  return pairs.filter(({ src, dst }) => {
    if (direction === 'ingress' && !isIn(dst, focus)) return false;
    if (direction === 'egress' && !isIn(src, focus)) return false;
    return (isIn(src, focus) && isPeer(dst)) || (isIn(dst, focus) && isPeer(src));
  });
}

function matchesName(peer: Peer, name: string): boolean {
  if (peer.kind === 'external') return false;
  if (peer.kind === 'ingress-controller') return name === NPGUARD_INGRESS_CONTROLLER.name || name === `${NPGUARD_INGRESS_CONTROLLER.namespace}/${NPGUARD_INGRESS_CONTROLLER.name}`;
  return peer.name === name || `${peer.namespace}/${peer.name}` === name;
}
