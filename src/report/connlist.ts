import { ConnSet, Engine, IpRange, SideFunction } from '../analysis';
import { compare } from '../k8s/compare';
import { IngressModel, NPGUARD_INGRESS_CONTROLLER, ingressControllerConnections } from '../k8s/ingress-controller';

/** One end of a listed connection. */
export type ConnEnd =
  | { readonly kind: 'workload'; readonly namespace: string; readonly name: string; readonly workloadKind?: string }
  /** Addresses outside the pod network, as sorted ranges (IPv4 and IPv6). */
  | { readonly kind: 'addresses'; readonly ranges: readonly IpRange[] }
  /** The cluster's ingress controller, as Ingress and Route objects configure it. */
  | { readonly kind: 'ingress-controller' };

/** What `from` may open to `to`. */
export interface ConnEntry {
  readonly from: ConnEnd;
  readonly to: ConnEnd;
  readonly conns: ConnSet;
}

/**
 * Every allowed connection of a cluster, one entry per workload pair and per set of outside
 * addresses that get the same answer (np-guard's `list`): pairs of distinct workloads, addresses
 * to workloads and workloads to addresses, and, given the Ingress / Route model, the ingress
 * controller to the workloads it routes to. A workload's connections to itself are not listed.
 *
 * Cost follows the answers: pairs come from the engine's class-level enumeration, and the
 * addresses of one side function are grouped once, whichever classes share it.
 * @param controllerRef the workload that stands for the ingress controller (`ns/name`), which is
 *   not listed itself; np-guard's is a pod without labels in `ingress-controller-ns`.
 */
export function connlist(engine: Engine, ingress?: IngressModel, controllerRef: string = `${NPGUARD_INGRESS_CONTROLLER.namespace}/${NPGUARD_INGRESS_CONTROLLER.name}`): ConnEntry[] {
  const { universe, connectivity } = engine;
  const kinds = new Map<string, string | undefined>(engine.cluster.workloads.map((w) => [`${w.namespace}/${w.name}`, w.kind]));
  const end = (ref: string): ConnEnd => {
    const slash = ref.indexOf('/');
    const kind = kinds.get(ref);
    return { kind: 'workload', namespace: ref.slice(0, slash), name: ref.slice(slash + 1), ...(kind ? { workloadKind: kind } : {}) };
  };
  const listed = (ref: string) => ref !== controllerRef;
  const out: ConnEntry[] = [];
  for (const { from, to, conns } of connectivity.pairs()) {
    for (const a of universe.classes[from].workloads) {
      if (!listed(a)) continue;
      for (const b of universe.classes[to].workloads) if (a !== b && listed(b)) out.push({ from: end(a), to: end(b), conns });
    }
  }

  // Addresses: the answer of each side function over the address classes, grouped by answer.
  const partition = universe.partition;
  const grouped = new Map<SideFunction, Map<ConnSet, IpRange[]>>();
  const byAnswer = (side: SideFunction): Map<ConnSet, IpRange[]> => {
    let groups = grouped.get(side);
    if (groups) return groups;
    groups = new Map();
    for (const cls of partition.classes) {
      const conns = side.getAddress(cls.index).allowed;
      if (conns.isEmpty) continue;
      const ranges = groups.get(conns);
      if (ranges) ranges.push(...cls.ranges);
      else groups.set(conns, [...cls.ranges]);
    }
    for (const ranges of groups.values()) ranges.sort((a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    grouped.set(side, groups);
    return groups;
  };
  for (const cls of universe.classes) {
    if (!connectivity.present(cls.index)) continue;
    const refs = cls.workloads.filter(listed);
    for (const [conns, ranges] of byAnswer(connectivity.egress(cls.index))) for (const ref of refs) out.push({ from: end(ref), to: { kind: 'addresses', ranges }, conns });
    for (const [conns, ranges] of byAnswer(connectivity.ingress(cls.index))) for (const ref of refs) out.push({ from: { kind: 'addresses', ranges }, to: end(ref), conns });
  }

  if (ingress) {
    const allowed = (namespace: string, name: string, port: number) => {
      const ref = `${namespace}/${name}`;
      return engine.evaluate({ from: controllerRef, to: ref, port, protocol: 'TCP' }).allowed;
    };
    for (const target of ingressControllerConnections(ingress, (w, port) => allowed(w.namespace, engineName(engine, w), port))) {
      const conns = ConnSet.unionAll(target.ports.map((p) => ConnSet.ports('TCP', p, p)));
      if (!conns.isEmpty) out.push({ from: { kind: 'ingress-controller' }, to: end(`${target.workload.namespace}/${engineName(engine, target.workload)}`), conns });
    }
  }
  return out.sort((a, b) => compare(endKey(a.from), endKey(b.from)) || compare(endKey(a.to), endKey(b.to)));
}

/** The engine's name of a reader workload: `name`, or `name[Kind]` where two kinds share the name. */
function engineName(engine: Engine, w: { namespace: string; name: string; kind: string }): string {
  const plain = engine.cluster.workloads.some((e) => e.namespace === w.namespace && e.name === w.name);
  return plain ? w.name : `${w.name}[${w.kind}]`;
}

function endKey(e: ConnEnd): string {
  if (e.kind === 'workload') return `1 ${e.namespace}/${e.name}`;
  if (e.kind === 'ingress-controller') return '2';
  return `0 ${e.ranges.map((r) => `${r.family}:${r.lo.toString().padStart(40, '0')}`).join(',')}`;
}
