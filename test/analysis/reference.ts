import { ContainerPort, IpAddress, Labels, NAMESPACE_NAME_LABEL, PeerSubject, Protocol, compilePolicy, parseIp, peerListMatches } from '../../src/analysis';

/** A pod as the reference evaluator sees it. */
export interface RefPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ports?: readonly ContainerPort[];
  readonly ip?: string;
}

/**
 * A deliberately naive NetworkPolicy evaluator, written straight from the specification and
 * independent of the engine's classes, side functions and connection sets: for one connection it
 * collects the policies selecting each side and asks every rule whether its peers and ports match.
 * Tests compare the engine with it on random clusters.
 */
export class ReferenceEvaluator {
  private readonly policies: ReturnType<typeof compilePolicy>[];

  constructor(policies: readonly unknown[], private readonly namespaceLabels: (ns: string) => Labels, private readonly pods: readonly RefPod[]) {
    this.policies = policies.map(compilePolicy);
  }

  /** Whether `from` (a pod ref `ns/name` or an address) may connect to `to` on `protocol`/`port`. */
  allowed(from: string, to: string, port: number, protocol: Protocol): boolean {
    const src = this.subject(from);
    const dst = this.subject(to);
    if (src.pod && src.pod === dst.pod) return true;
    const destPorts = dst.pod?.ports;
    return this.sideAllows('egress', src.pod, dst.peer, port, protocol, destPorts) && this.sideAllows('ingress', dst.pod, src.peer, port, protocol, destPorts);
  }

  private subject(ref: string): { pod?: RefPod; peer: PeerSubject } {
    const ip = parseIp(ref);
    // An address of a known pod is that pod, as in the cluster.
    const pod = this.pods.find((p) => (ip ? p.ip !== undefined && parseIp(p.ip)?.text === ip.text : `${p.namespace}/${p.name}` === ref));
    if (ip && !pod) return { peer: { kind: 'ip', ip } };
    if (!pod) throw new Error(`unknown pod ${ref}`);
    const podIp: IpAddress | undefined = pod.ip ? parseIp(pod.ip) : undefined;
    return {
      pod,
      peer: { kind: 'pod', namespace: pod.namespace, namespaceLabels: { ...this.namespaceLabels(pod.namespace), [NAMESPACE_NAME_LABEL]: pod.namespace }, labels: pod.labels, ...(podIp ? { ip: podIp } : {}) },
    };
  }

  private sideAllows(direction: 'ingress' | 'egress', pod: RefPod | undefined, peer: PeerSubject, port: number, protocol: Protocol, destPorts: readonly ContainerPort[] | undefined): boolean {
    if (!pod) return true;
    const selecting = this.policies.filter((p) => p.namespace === pod.namespace && p[direction] !== undefined && p.target.matches(pod.labels));
    if (selecting.length === 0) return true;
    return selecting.some((p) => (p[direction] ?? []).some((rule) => peerListMatches(rule.peers, peer) && rule.ports.matches(port, protocol, destPorts)));
  }
}
