import { IpAddress, IpBlock, cidrContains, cidrRange } from '../k8s/ip';
import { ContainerPort, Labels, NamespaceInfo } from './model';
import { compare } from '../k8s/compare';
import { Peer } from './peers';
import { CompiledPolicy, CompiledRule } from './policy';

/** A workload prepared for matching: the pod-shaped view peers are tested against. */
export interface PodRecord {
  /** `namespace/name`. */
  readonly ref: string;
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[] | undefined;
  readonly ip?: IpAddress;
  readonly node?: string;
}

/**
 * Workloads that no NetworkPolicy can tell apart: same namespace (hence same
 * namespace labels), same pod labels, same container ports, and the same set
 * of ipBlocks containing their IP. Reachability is computed once per class.
 */
export interface WorkloadClass {
  readonly index: number;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[] | undefined;
  /** Member workload refs, sorted. */
  readonly workloads: readonly string[];
}

/** A rule's peers resolved to classes: `'all'` or sorted class indices. */
export type ClassSet = 'all' | Int32Array;

/** Port-independent precomputation shared by every matrix query. */
export interface ClassIndex {
  readonly classes: readonly WorkloadClass[];
  readonly classOf: ReadonlyMap<string, number>;
  /** Per class: indices into `policies` of policies selecting it for ingress. */
  readonly ingressPolicies: readonly (readonly number[])[];
  readonly egressPolicies: readonly (readonly number[])[];
  /** Per rule: the classes its peers select. */
  readonly ruleClasses: ReadonlyMap<CompiledRule, ClassSet>;
}

export function buildClassIndex(policies: readonly CompiledPolicy[], pods: readonly PodRecord[], namespaces: ReadonlyMap<string, NamespaceInfo>): ClassIndex {
  // Distinct ipBlocks only: a workload's IP matters solely through which of them contain it.
  const blocks = new Map<string, IpBlock>();
  for (const p of policies) {
    for (const rule of [...(p.ingress ?? []), ...(p.egress ?? [])]) {
      for (const peer of rule.peers.peers) if (peer.kind === 'ipBlock') blocks.set(peer.block.key, peer.block);
    }
  }
  const blockList = [...blocks.values()];

  const blocksOfPod = podBlockSignatures(pods, blockList);
  const grouped = new Map<string, { pod: PodRecord; refs: string[]; blocks: number[] }>();
  for (let p = 0; p < pods.length; p++) {
    const pod = pods[p];
    const matched = blocksOfPod[p];
    const key = JSON.stringify([
      pod.namespace,
      Object.entries(pod.labels).sort(([a], [b]) => compare(a, b)),
      (pod.ports ?? []).map((p) => [p.name ?? '', p.containerPort, p.protocol ?? 'TCP']).sort(),
      pod.ports === undefined,
      matched,
    ]);
    const g = grouped.get(key);
    if (g) g.refs.push(pod.ref);
    else grouped.set(key, { pod, refs: [pod.ref], blocks: matched });
  }
  const sortedGroups = [...grouped.entries()].sort(([a], [b]) => compare(a, b)).map(([, g]) => g);
  const classes: WorkloadClass[] = sortedGroups.map((g, index) => ({
    index,
    namespace: g.pod.namespace,
    labels: g.pod.labels,
    ports: g.pod.ports,
    workloads: g.refs.sort(compare),
  }));
  const classOf = new Map<string, number>();
  classes.forEach((c) => c.workloads.forEach((w) => classOf.set(w, c.index)));

  const classesByNamespace = new Map<string, number[]>();
  for (const c of classes) {
    const list = classesByNamespace.get(c.namespace);
    if (list) list.push(c.index);
    else classesByNamespace.set(c.namespace, [c.index]);
  }
  const classesByBlock = blockList.map(() => [] as number[]);
  sortedGroups.forEach((g, i) => g.blocks.forEach((b) => classesByBlock[b].push(i)));
  const blockIndex = new Map(blockList.map((b, i) => [b.key, i]));

  // Namespaces indexed by label pair so `matchLabels` selectors skip most namespaces.
  const nsByLabel = new Map<string, string[]>();
  for (const ns of namespaces.values()) {
    for (const [k, v] of Object.entries(ns.labels)) {
      const key = `${k}=${v}`;
      const list = nsByLabel.get(key);
      if (list) list.push(ns.name);
      else nsByLabel.set(key, [ns.name]);
    }
  }
  const candidateNamespaces = (peer: Extract<Peer, { kind: 'pods' }>): readonly string[] => {
    const ns = peer.namespace;
    if ('own' in ns) return [ns.own];
    let best: readonly string[] | undefined;
    for (const [k, v] of ns.selector.matchLabels) {
      const list = nsByLabel.get(`${k}=${v}`) ?? [];
      if (!best || list.length < best.length) best = list;
    }
    const pool = best ?? [...namespaces.keys()];
    return pool.filter((name) => ns.selector.matches((namespaces.get(name) as NamespaceInfo).labels));
  };

  const peerCache = new Map<string, readonly number[]>();
  const peerClasses = (peer: Peer): readonly number[] => {
    const cached = peerCache.get(peer.key);
    if (cached) return cached;
    let result: number[];
    if (peer.kind === 'ipBlock') {
      result = classesByBlock[blockIndex.get(peer.block.key) as number];
    } else {
      result = [];
      for (const ns of candidateNamespaces(peer)) {
        for (const c of classesByNamespace.get(ns) ?? []) if (peer.pods.matches(classes[c].labels)) result.push(c);
      }
    }
    peerCache.set(peer.key, result);
    return result;
  };

  const ingressPolicies = classes.map(() => [] as number[]);
  const egressPolicies = classes.map(() => [] as number[]);
  const ruleClasses = new Map<CompiledRule, ClassSet>();
  policies.forEach((policy, pi) => {
    for (const c of classesByNamespace.get(policy.namespace) ?? []) {
      if (!policy.target.matches(classes[c].labels)) continue;
      if (policy.ingress) ingressPolicies[c].push(pi);
      if (policy.egress) egressPolicies[c].push(pi);
    }
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
      if (rule.peers.all) {
        ruleClasses.set(rule, 'all');
        continue;
      }
      const lists = rule.peers.peers.map(peerClasses);
      ruleClasses.set(rule, Int32Array.from(lists.length === 1 ? lists[0] : new Set(lists.flat())).sort());
    }
  });
  return { classes, classOf, ingressPolicies, egressPolicies, ruleClasses };
}

/**
 * For each pod, the indices of the blocks containing its IP (ascending).
 * Binary search over IPs sorted per family keeps this proportional to the
 * number of matches rather than pods x blocks, which matters when every
 * project allow-lists its own CIDR.
 */
function podBlockSignatures(pods: readonly PodRecord[], blocks: readonly IpBlock[]): number[][] {
  const signatures = pods.map(() => [] as number[]);
  const withIp = pods.flatMap((pod, index) => (pod.ip ? [{ ip: pod.ip, index }] : []));
  const byFamily = new Map<4 | 6, { ip: IpAddress; index: number }[]>([
    [4, withIp.filter((e) => e.ip.family === 4).sort((a, b) => (a.ip.value < b.ip.value ? -1 : a.ip.value > b.ip.value ? 1 : 0))],
    [6, withIp.filter((e) => e.ip.family === 6).sort((a, b) => (a.ip.value < b.ip.value ? -1 : a.ip.value > b.ip.value ? 1 : 0))],
  ]);
  blocks.forEach((block, b) => {
    const sorted = byFamily.get(block.cidr.family) as { ip: IpAddress; index: number }[];
    const [lo, hi] = cidrRange(block.cidr);
    let left = 0;
    let right = sorted.length;
    while (left < right) {
      const mid = (left + right) >>> 1;
      if (sorted[mid].ip.value < lo) left = mid + 1;
      else right = mid;
    }
    for (let k = left; k < sorted.length && sorted[k].ip.value <= hi; k++) {
      const { ip, index } = sorted[k];
      if (!block.except.some((e) => cidrContains(e, ip))) signatures[index].push(b);
    }
  });
  return signatures;
}
