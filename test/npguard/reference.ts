import { Cluster, CompiledPolicy, CompiledRule, Engine, EndpointRef, NAMESPACE_NAME_LABEL, NamespaceInfo, Workload } from '../../src/analysis';
import { compare } from '../../src/k8s/compare';
import { NPGUARD_INGRESS_CONTROLLER, ingressControllerConnections } from '../../src/k8s/ingress-controller';
import { cidrRange } from '../../src/k8s/ip';
import { ContainerPortRecord, ManifestModel, WorkloadRecord } from '../../src/k8s/manifests';
import { ConnectivityProvider } from './connectivity';
import { Conns, MAX_IPV4, PROTOCOLS, PairConns, Peer, Protocol, Ranges, ipText, normaliseRanges } from './conns';

/**
 * The REFERENCE ORACLE for the np-guard corpus: slow, simple and exact, built only from
 * `Engine.evaluate`, which decides one connection exactly. It is the yardstick for faster
 * providers, not an implementation to ship.
 *
 * - Ports: the port boundaries (`port`, `endPort + 1`) of the policies that decide a pair (those
 *   isolating the source's egress or the destination's ingress) and the destination's container
 *   ports (where a named port can resolve) cut each protocol's 1-65535 into classes on which every
 *   deciding rule answers alike; `evaluate` on each class's first port decides the class.
 * - External peers: the IPv4 boundaries of the deciding policies' ipBlocks (`cidr` and `except`)
 *   cut 0.0.0.0-255.255.255.255 into ranges on which every deciding rule answers alike;
 *   `evaluate` on each range's first address decides the range.
 * - np-guard's conventions: one entry per workload; no entry of a workload with itself; pods are
 *   never matched by an ipBlock (the engine gets no pod addresses); IPv6 is not reported; the
 *   `{ingress-controller}` entries are `ingressControllerConnections` with np-guard's fake
 *   controller pod (no labels, namespace `ingress-controller-ns`) as the source.
 */
export const referenceOracle: ConnectivityProvider = {
  connlist(model) {
    const engine = new Engine(clusterOf(model));
    // Only the policies that isolate the source's egress or the destination's ingress decide a
    // connection, so only their boundaries cut ports and addresses for that pair.
    const policies = (ref: string, direction: 'ingress' | 'egress') => engine.isolation(ref)[direction].map((id) => engine.policy(id) as CompiledPolicy);
    const conns = (from: EndpointRef, to: EndpointRef, deciding: readonly CompiledPolicy[], destPorts: readonly ContainerPortRecord[]): Conns => {
      const classes = portClasses(deciding, destPorts);
      const out: Partial<Record<Protocol, Ranges>> = {};
      for (const protocol of PROTOCOLS) {
        const open = classes[protocol].filter(([first]) => engine.evaluate({ from, to, port: first, protocol }).allowed);
        if (open.length) out[protocol] = normaliseRanges(open);
      }
      return out;
    };

    const pairs: PairConns[] = [];
    const add = (src: Peer, dst: Peer, c: Conns) => {
      if (PROTOCOLS.some((p) => c[p]?.length)) pairs.push({ src, dst, conns: c });
    };
    const workloads = model.workloads.map((w) => {
      const ref = refOf(w);
      return { record: w, peer: peerOf(w), ref, ingress: policies(ref, 'ingress'), egress: policies(ref, 'egress') };
    });
    for (const a of workloads) {
      for (const b of workloads) if (a !== b) add(a.peer, b.peer, conns(a.ref, b.ref, [...a.egress, ...b.ingress], b.record.ports));
    }
    for (const w of workloads) {
      for (const [first, last] of externalRanges(w.ingress)) add({ kind: 'external', first, last }, w.peer, conns(ipText(first), w.ref, w.ingress, w.record.ports));
      for (const [first, last] of externalRanges(w.egress)) add(w.peer, { kind: 'external', first, last }, conns(w.ref, ipText(first), w.egress, []));
    }
    const controller = `${NPGUARD_INGRESS_CONTROLLER.namespace}/${NPGUARD_INGRESS_CONTROLLER.name}`;
    const allowed = (w: WorkloadRecord, port: number) => engine.evaluate({ from: controller, to: refOf(w), port, protocol: 'TCP' }).allowed;
    for (const target of ingressControllerConnections(model, allowed)) {
      add({ kind: 'ingress-controller' }, peerOf(target.workload), { TCP: normaliseRanges(target.ports.map((p) => [p, p] as [number, number])) });
    }
    return pairs;
  },
};

/** Engine names are `name[Kind]`, unique even when two kinds share a name. */
function refOf(w: WorkloadRecord): string {
  return `${w.namespace}/${w.name}[${w.kind}]`;
}

function peerOf(w: WorkloadRecord): Peer {
  return { kind: 'workload', namespace: w.namespace, name: w.name, workloadKind: w.kind };
}

/** The engine's input: the model's namespaces, policies and workloads (without addresses), plus np-guard's ingress controller pod. */
function clusterOf(model: ManifestModel): Cluster {
  const workloads: Workload[] = model.workloads.map((w) => ({ kind: w.kind, namespace: w.namespace, name: `${w.name}[${w.kind}]`, labels: w.labels, ports: w.ports }));
  workloads.push({ namespace: NPGUARD_INGRESS_CONTROLLER.namespace, name: NPGUARD_INGRESS_CONTROLLER.name, labels: {} });
  const namespaces = new Map<string, NamespaceInfo>();
  const add = (name: string, labels = {}) => namespaces.set(name, { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } });
  for (const w of workloads) add(w.namespace);
  for (const p of model.networkPolicies) add(p.namespace);
  for (const ns of model.namespaces) add(ns.name, ns.labels);
  return {
    namespaces: new Map([...namespaces].sort(([a], [b]) => compare(a, b))),
    policies: model.networkPolicies.map((p) => p.object),
    workloads,
    guardrails: [],
    externals: [],
    nodes: [],
  };
}

/** 1-65535 per protocol, cut at the deciding rules' port boundaries and at the destination's container ports (where named ports resolve). */
function portClasses(deciding: readonly CompiledPolicy[], destPorts: readonly ContainerPortRecord[]): Record<Protocol, [number, number][]> {
  const cuts: Record<Protocol, Set<number>> = { SCTP: new Set([1, 65536]), TCP: new Set([1, 65536]), UDP: new Set([1, 65536]) };
  for (const rule of rulesOf(deciding)) {
    for (const spec of rule.ports.specs) {
      if (spec.port === undefined) continue;
      cuts[spec.protocol].add(spec.port);
      cuts[spec.protocol].add((spec.endPort ?? spec.port) + 1);
    }
  }
  for (const p of destPorts) {
    cuts[p.protocol].add(p.containerPort);
    cuts[p.protocol].add(p.containerPort + 1);
  }
  const classes = {} as Record<Protocol, [number, number][]>;
  for (const protocol of PROTOCOLS) {
    const sorted = [...cuts[protocol]].sort((a, b) => a - b);
    classes[protocol] = sorted.slice(0, -1).map((c, i) => [c, sorted[i + 1] - 1]);
  }
  return classes;
}

/** 0.0.0.0-255.255.255.255 cut at every IPv4 boundary of the deciding rules' ipBlocks. */
function externalRanges(deciding: readonly CompiledPolicy[]): [number, number][] {
  const cuts = new Set([0, MAX_IPV4 + 1]);
  for (const rule of rulesOf(deciding)) {
    for (const peer of rule.peers.peers) {
      if (peer.kind !== 'ipBlock') continue;
      for (const cidr of [peer.block.cidr, ...peer.block.except]) {
        if (cidr.family !== 4) continue;
        const [lo, hi] = cidrRange(cidr) as [number, number];
        cuts.add(lo);
        cuts.add(hi + 1);
      }
    }
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  return sorted.slice(0, -1).map((c, i) => [c, sorted[i + 1] - 1]);
}

function rulesOf(policies: readonly CompiledPolicy[]): CompiledRule[] {
  return policies.flatMap((p) => [...(p.ingress ?? []), ...(p.egress ?? [])]);
}
