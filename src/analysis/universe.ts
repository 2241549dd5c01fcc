import { compare } from '../k8s/compare';
import { parseIp } from '../k8s/ip';
import { Labels, NAMESPACE_NAME_LABEL } from '../k8s/names';
import { Connectivity, PodClass, PodView } from './connectivity';
import { DataplaneSemantics } from '../cni/semantics';
import { IpPartition } from './ipspace';
import { Workload } from './model';
import { IpBlock } from '../k8s/ip';
import { Tier, TierRule } from './tiers';

/** One cluster state to analyse. */
export interface StateSpec {
  readonly tiers: readonly Tier[];
  /** Labels per namespace (`kubernetes.io/metadata.name` is added). */
  readonly namespaces: ReadonlyMap<string, Labels>;
  readonly workloads: readonly Workload[];
  readonly dataplane: DataplaneSemantics;
}

/**
 * One or more cluster states over shared classes and a shared address partition, so that their
 * answers can be compared class by class (`netiso diff` builds two; the engine one).
 */
export interface Universe {
  readonly classes: readonly PodClass[];
  /** Class of each workload `namespace/name`. */
  readonly classOf: ReadonlyMap<string, number>;
  readonly partition: IpPartition;
  /** One per state, in the order given. */
  readonly states: readonly Connectivity[];
}

/**
 * Builds the classes and the address partition of the given states and their connectivity.
 * Workloads fall in one class when no state can tell them apart: same namespace, and in every
 * state the same presence, labels, container ports and address-block membership.
 * @throws Error for a workload address that is not an IP address.
 */
export function buildUniverse(states: readonly StateSpec[]): Universe {
  // Every distinct address set that rules name, of every state, is one member of the shared
  // partition; rules naming the same blocks (every project's 0.0.0.0/0) share it, which keeps the
  // members of each address class few.
  const members: IpBlock[][] = [];
  const memberIds = new Map<string, number>();
  const memberOf = states.map(() => new Map<TierRule, number>());
  const stateMembers = states.map(() => new Set<number>());
  states.forEach((state, s) => {
    for (const tier of state.tiers) {
      for (const policy of tier.policies) {
        for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
          const blocks = rule.peers.flatMap((p) => (p.kind === 'ips' ? p.blocks : []));
          if (blocks.length === 0) continue;
          const key = blocks.map((b) => b.key).sort().join('|');
          let id = memberIds.get(key);
          if (id === undefined) {
            memberIds.set(key, id = members.length);
            members.push(blocks);
          }
          memberOf[s].set(rule, id);
          stateMembers[s].add(id);
        }
      }
    }
  });
  const partition = new IpPartition(members);

  const byRef = new Map<string, { namespace: string; views: (PodView | undefined)[] }>();
  states.forEach((state, s) => {
    for (const w of state.workloads) {
      const ref = `${w.namespace}/${w.name}`;
      let entry = byRef.get(ref);
      if (!entry) byRef.set(ref, entry = { namespace: w.namespace, views: states.map(() => undefined) });
      const found = new Set<number>();
      for (const text of [...(w.ip !== undefined ? [w.ip] : []), ...(w.ips ?? [])]) {
        const ip = parseIp(text);
        if (!ip) throw new Error(`workload ${ref}: ${JSON.stringify(text)} is not an IP address`);
        for (const m of partition.classOf(ip).members) if (stateMembers[s].has(m)) found.add(m);
      }
      const ipMembers = [...found].sort((a, b) => a - b);
      entry.views[s] = {
        namespaceLabels: { ...(state.namespaces.get(w.namespace) ?? {}), [NAMESPACE_NAME_LABEL]: w.namespace },
        labels: w.labels,
        ports: w.ports,
        ipMembers,
      };
    }
  });

  const grouped = new Map<string, { namespace: string; views: (PodView | undefined)[]; refs: string[] }>();
  for (const [ref, entry] of byRef) {
    const key = JSON.stringify([entry.namespace, entry.views.map((v) => (v ? [sortedEntries(v.labels), portsKey(v), v.ipMembers] : null))]);
    const group = grouped.get(key);
    if (group) group.refs.push(ref);
    else grouped.set(key, { namespace: entry.namespace, views: entry.views, refs: [ref] });
  }
  const ordered = [...grouped.values()].map((g) => ({ ...g, refs: g.refs.sort(compare) })).sort((a, b) => compare(a.refs[0], b.refs[0]));
  const classes: PodClass[] = ordered.map((g, index) => ({ index, namespace: g.namespace, workloads: g.refs }));
  const classOf = new Map<string, number>();
  classes.forEach((c) => c.workloads.forEach((w) => classOf.set(w, c.index)));

  const connectivity = states.map((state, s) => new Connectivity({
    tiers: [...state.tiers].sort((a, b) => a.order - b.order),
    classes,
    views: ordered.map((g) => g.views[s]),
    namespaces: new Map([...state.namespaces].map(([name, labels]) => [name, { ...labels, [NAMESPACE_NAME_LABEL]: name }])),
    partition,
    memberOf: memberOf[s],
    dataplane: state.dataplane,
  }));
  return { classes, classOf, partition, states: connectivity };
}

function sortedEntries(labels: Labels): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => compare(a, b));
}

function portsKey(view: PodView): unknown {
  if (view.ports === undefined) return null;
  return view.ports.map((p) => [p.name ?? '', p.containerPort, p.protocol ?? 'TCP']).sort();
}
