import { Labels } from '../k8s/names';
import { Protocol } from '../k8s/protocol';
import { Manifest } from '../render/model';
import { Port } from '../values/port';

/** One peer of a NetworkPolicy netiso rendered: pods (of a labelled namespace, or of its own), or addresses. */
export type RenderedPeer =
  /** `namespace` undefined: the policy's own namespace (a peer with only a podSelector). */
  | { readonly kind: 'pods'; readonly namespace?: { readonly key: string; readonly value: string }; readonly pods: Labels }
  | { readonly kind: 'ip' };

/** One rule: its peers (undefined when the rule has none, which means everyone) and ports (empty: all). */
export interface RenderedRule {
  readonly peers?: readonly RenderedPeer[];
  readonly ports: readonly Port[];
}

/** The parts of a rendered NetworkPolicy the guardrails mirror. */
export interface RenderedPolicy {
  readonly name: string;
  readonly namespace: string;
  /** Labels of the pods the policy applies to; `{}` is every pod. */
  readonly podSelector: Labels;
  readonly ingress?: readonly RenderedRule[];
  readonly egress?: readonly RenderedRule[];
}

/**
 * Reads back a NetworkPolicy netiso rendered, so that the guardrails pass exactly what the
 * policies netiso emits admit (not a second derivation of the same semantics). netiso's selectors
 * are always `matchLabels` with a single namespace label; anything else is an internal error.
 */
export function readRenderedPolicy(manifest: Manifest): RenderedPolicy {
  const spec = manifest.spec as {
    podSelector?: { matchLabels?: Labels };
    policyTypes?: string[];
    ingress?: { from?: RawPeer[]; ports?: RawPort[] }[];
    egress?: { to?: RawPeer[]; ports?: RawPort[] }[];
  };
  const name = manifest.metadata.name;
  const rules = (list: { from?: RawPeer[]; to?: RawPeer[]; ports?: RawPort[] }[] | undefined): RenderedRule[] =>
    (list ?? []).map((r) => {
      const peers = r.from ?? r.to;
      return { peers: peers?.map((p) => readPeer(p, name)), ports: (r.ports ?? []).map(readPort) };
    });
  return {
    name,
    namespace: manifest.metadata.namespace ?? 'default',
    podSelector: spec.podSelector?.matchLabels ?? {},
    ingress: spec.policyTypes?.includes('Ingress') ? rules(spec.ingress) : undefined,
    egress: spec.policyTypes?.includes('Egress') ? rules(spec.egress) : undefined,
  };
}

interface RawPeer {
  readonly namespaceSelector?: { readonly matchLabels?: Labels };
  readonly podSelector?: { readonly matchLabels?: Labels };
  readonly ipBlock?: unknown;
}

interface RawPort {
  readonly protocol?: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

function readPeer(peer: RawPeer, policy: string): RenderedPeer {
  if (peer.ipBlock) return { kind: 'ip' };
  const pods = peer.podSelector?.matchLabels ?? {};
  if (!peer.namespaceSelector) return { kind: 'pods', pods };
  const labels = Object.entries(peer.namespaceSelector.matchLabels ?? {});
  if (labels.length !== 1) throw new Error(`internal error: NetworkPolicy ${policy} has a namespaceSelector that is not one label`);
  return { kind: 'pods', namespace: { key: labels[0][0], value: labels[0][1] }, pods };
}

function readPort(port: RawPort): Port {
  return Port.of({ protocol: port.protocol ?? 'TCP', port: port.port, endPort: port.endPort });
}
