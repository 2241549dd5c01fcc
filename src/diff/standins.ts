import { ContainerPort, Labels, NAMESPACE_NAME_LABEL, Protocol, Selector, Tier, TierPolicy, Workload, compileSelector } from '../analysis';
import { labelAtoms } from '../analysis/atoms';
import { compare } from '../k8s/compare';

/** Namespace name standing for every namespace that no object or selector names, whatever its labels. */
export const OTHER_NAMESPACE = '(other)';

/** One state's input to {@link standIns}. */
export interface StandInSide {
  readonly tiers: readonly Tier[];
  /** Namespaces with a `Namespace` object in this state, with their labels. */
  readonly declared: ReadonlyMap<string, Labels>;
  /** Namespaces this state names otherwise (project directories, policies' namespaces). */
  readonly named: ReadonlySet<string>;
}

/** A stand-in pod: pods of `namespace` with `labels` (every other label unset). */
export interface StandIn {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
}

/** What {@link standIns} derived, per state where it differs. */
export interface StandIns {
  /** Labels of every namespace that exists in each state (stand-in namespaces included). */
  readonly namespaces: readonly [Map<string, Labels>, Map<string, Labels>];
  /** Stand-in pods that exist in each state. */
  readonly workloads: readonly [Workload[], Workload[]];
  /** Named container ports every stand-in declares, as `protocol/name` → the number it stands at. */
  readonly namedPorts: ReadonlyMap<string, number>;
  /** Labels that stand-in namespace names stand for (`(other)`, `(other: team=a)`). */
  readonly otherNamespaces: ReadonlyMap<string, Labels>;
}

/**
 * Stand-in namespaces and pods for comparing two states that hold policies but no workloads (a
 * `dist/` tree). Exact, not sampled: in every namespace, one stand-in per combination of verdicts
 * that the selectors applying there can give (see `labelAtoms`), so every pod the cluster could
 * run behaves like one of them; likewise namespaces that no object names are stood in for by one
 * namespace per combination of namespace-selector verdicts (`(other…)`).
 *
 * A namespace exists in a state when that state declares it, or when neither state does (it is
 * managed elsewhere and outlives netiso's objects). Named ports resolve on the destination pod,
 * whose ports are unknown: every stand-in declares each name at a number no rule names, so a
 * named-port rule matches exactly its name.
 */
export function standIns(sides: readonly [StandInSide, StandInSide]): StandIns {
  const declaredAnywhere = new Set([...sides[0].declared.keys(), ...sides[1].declared.keys()]);
  const real = new Set<string>([...declaredAnywhere, ...sides[0].named, ...sides[1].named]);
  for (const side of sides) for (const policy of policiesOf(side)) for (const ns of namespacesNamedBy(policy)) real.add(ns);

  // Unknown namespaces: one per verdict combination of every namespace selector.
  const nsSelectors = sides.flatMap((side) => policiesOf(side).flatMap(namespaceSelectorsOf));
  const otherNamespaces = new Map<string, Labels>();
  for (const labels of labelAtoms(nsSelectors, { presentKeys: [NAMESPACE_NAME_LABEL] })) {
    const { [NAMESPACE_NAME_LABEL]: _name, ...rest } = labels;
    const keys = Object.keys(rest).sort(compare);
    otherNamespaces.set(keys.length ? `(other: ${keys.map((k) => `${k}=${rest[k]}`).join(',')})` : OTHER_NAMESPACE, rest);
  }

  const namespaces: [Map<string, Labels>, Map<string, Labels>] = [new Map(), new Map()];
  sides.forEach((side, i) => {
    const other = sides[1 - i];
    for (const ns of [...real].sort(compare)) {
      if (side.declared.has(ns)) namespaces[i].set(ns, side.declared.get(ns) as Labels);
      else if (!other.declared.has(ns)) namespaces[i].set(ns, {});
    }
    for (const [name, labels] of otherNamespaces) namespaces[i].set(name, labels);
  });

  // Pod selectors that apply in each namespace, in either state.
  const podSelectors = new Map<string, Selector[]>();
  const add = (ns: string, selector: Selector) => {
    if (selector.matchesAll) return;
    const list = podSelectors.get(ns);
    if (list) list.push(selector);
    else podSelectors.set(ns, [selector]);
  };
  sides.forEach((side, i) => {
    const labelsOf = namespaces[i];
    const matching = namespaceIndex(labelsOf);
    for (const policy of policiesOf(side)) {
      if ('namespace' in policy.subject) add(policy.subject.namespace, policy.subject.pods);
      else for (const ns of matching(policy.subject.namespaces)) add(ns, policy.subject.pods);
      for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
        for (const peer of rule.peers) {
          if (peer.kind !== 'pods') continue;
          if ('own' in peer.namespaces) add(peer.namespaces.own, peer.pods);
          else for (const ns of matching(peer.namespaces)) add(ns, peer.pods);
        }
      }
    }
  });

  const namedPorts = namedPortNumbers(sides);
  const ports: ContainerPort[] = [...namedPorts].map(([key, containerPort]) => {
    const [protocol, name] = key.split('/');
    return { name, containerPort, protocol: protocol as Protocol };
  });
  const workloads: [Workload[], Workload[]] = [[], []];
  for (const ns of [...new Set([...namespaces[0].keys(), ...namespaces[1].keys()])].sort(compare)) {
    for (const labels of labelAtoms(podSelectors.get(ns) ?? [])) {
      const keys = Object.keys(labels).sort(compare);
      const pod: Workload = { namespace: ns, name: keys.length ? keys.map((k) => `${k}=${labels[k]}`).join(',') : '*', labels, ports };
      namespaces.forEach((map, i) => { if (map.has(ns)) workloads[i].push(pod); });
    }
  }
  return { namespaces, workloads, namedPorts, otherNamespaces };
}

function policiesOf(side: StandInSide): TierPolicy[] {
  return side.tiers.flatMap((t) => [...t.policies]);
}

/** Namespaces a policy names outright: its own, and those its selectors pin by name. */
function namespacesNamedBy(policy: TierPolicy): string[] {
  const out: string[] = [];
  if ('namespace' in policy.subject) out.push(policy.subject.namespace);
  for (const selector of namespaceSelectorsOf(policy)) {
    for (const [k, v] of selector.matchLabels) if (k === NAMESPACE_NAME_LABEL) out.push(v);
    for (const r of selector.requirements) if (r.key === NAMESPACE_NAME_LABEL && r.operator === 'In') out.push(...r.values);
  }
  return out;
}

function namespaceSelectorsOf(policy: TierPolicy): Selector[] {
  const out: Selector[] = [];
  if (!('namespace' in policy.subject)) out.push(policy.subject.namespaces);
  for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
    for (const peer of rule.peers) if (peer.kind === 'pods' && !('own' in peer.namespaces)) out.push(peer.namespaces);
  }
  return out;
}

/** Namespaces whose labels match a selector, through an index on label pairs. */
function namespaceIndex(labels: ReadonlyMap<string, Labels>): (selector: Selector) => string[] {
  const byPair = new Map<string, string[]>();
  for (const [ns, l] of labels) {
    for (const pair of [...Object.entries(l).map(([k, v]) => `${k}=${v}`), `${NAMESPACE_NAME_LABEL}=${ns}`]) {
      const list = byPair.get(pair);
      if (list) list.push(ns);
      else byPair.set(pair, [ns]);
    }
  }
  const cache = new Map<string, string[]>();
  return (selector) => {
    let hit = cache.get(selector.key);
    if (hit) return hit;
    let pool: readonly string[] | undefined;
    for (const [k, v] of selector.matchLabels) {
      const list = byPair.get(`${k}=${v}`) ?? [];
      if (!pool || list.length < pool.length) pool = list;
    }
    hit = (pool ?? [...labels.keys()]).filter((ns) => selector.matches({ ...(labels.get(ns) ?? {}), [NAMESPACE_NAME_LABEL]: ns }));
    cache.set(selector.key, hit);
    return hit;
  };
}

/**
 * A number for every named port the rules use, from the top of the port range down, skipping
 * numbers inside any numbered rule port: a named-port rule then matches its name and nothing a
 * numbered rule names.
 */
function namedPortNumbers(sides: readonly StandInSide[]): Map<string, number> {
  const names = new Set<string>();
  const taken: [Protocol, number, number][] = [];
  for (const side of sides) {
    for (const policy of policiesOf(side)) {
      for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
        if (rule.ports === 'all') continue;
        for (const spec of rule.ports) {
          if (spec.name !== undefined) names.add(`${spec.protocol}/${spec.name}`);
          else if (spec.port !== undefined) taken.push([spec.protocol, spec.port, spec.endPort ?? spec.port]);
        }
      }
    }
  }
  const out = new Map<string, number>();
  for (const key of [...names].sort(compare)) {
    const protocol = key.split('/')[0] as Protocol;
    const used = (n: number) => taken.some(([p, lo, hi]) => p === protocol && n >= lo && n <= hi) || [...out].some(([k, v]) => k.startsWith(`${protocol}/`) && v === n);
    let port = 65535;
    while (port > 1 && used(port)) port--;
    out.set(key, port);
  }
  return out;
}

export { compileSelector };
