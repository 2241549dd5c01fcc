import { compare } from '../k8s/compare';
import { Labels } from '../k8s/names';
import { Requirement, Selector } from '../k8s/selector';

/** Options of {@link labelAtoms}. */
export interface AtomOptions {
  /**
   * Keys every object carries with a value no selector names (a namespace's
   * `kubernetes.io/metadata.name` when the namespace is an unknown one).
   */
  readonly presentKeys?: readonly string[];
  /** Stops with an error past this many atoms. @default 10,000 */
  readonly limit?: number;
}

/**
 * One representative label set for every combination of verdicts the selectors can give: two label
 * sets with the same representative are matched by exactly the same selectors. Pods (or
 * namespaces) a set of policies cannot tell apart need to be analysed once; these stand in for all
 * of them when the real objects are unknown (a `dist/` tree holds policies, not pods).
 *
 * Keys are processed one at a time, each over its values that matter: absent, every value some
 * selector names, and one value none names. Partial assignments that leave the same selectors
 * alive are merged, so the work follows the number of distinct verdicts, not of label sets.
 * @throws Error past `limit` atoms.
 */
export function labelAtoms(selectors: readonly Selector[], options: AtomOptions = {}): Labels[] {
  const limit = options.limit ?? 10_000;
  const present = new Set(options.presentKeys ?? []);
  const unique = [...new Map(selectors.map((s) => [s.key, s])).values()];
  const keys = new Map<string, Set<string>>();
  for (const s of unique) {
    for (const [k, v] of s.matchLabels) valuesOf(keys, k).add(v);
    for (const r of s.requirements) for (const v of r.values) valuesOf(keys, r.key).add(v);
    for (const r of s.requirements) valuesOf(keys, r.key);
  }
  for (const k of present) valuesOf(keys, k);

  // A state: which selectors are still satisfiable, and the labels chosen so far.
  let states = new Map<string, { alive: boolean[]; labels: Record<string, string> }>([[key(unique.map(() => true)), { alive: unique.map(() => true), labels: {} }]]);
  for (const k of [...keys.keys()].sort(compare)) {
    const named = [...(keys.get(k) as Set<string>)].sort(compare);
    const domain: (string | undefined)[] = [...(present.has(k) ? [] : [undefined]), ...(present.has(k) ? [] : named), otherValue(named)];
    const next = new Map<string, { alive: boolean[]; labels: Record<string, string> }>();
    for (const state of states.values()) {
      for (const value of domain) {
        const alive = state.alive.map((a, i) => a && keyAllows(unique[i], k, value));
        const id = key(alive);
        if (next.has(id)) continue;
        next.set(id, { alive, labels: value === undefined ? state.labels : { ...state.labels, [k]: value } });
        if (next.size > limit) throw new Error(`the selectors split ${limit}+ kinds of objects apart; simplify the label selectors`);
      }
    }
    states = next;
  }
  return [...states.values()].map((s) => s.labels).sort((a, b) => compare(JSON.stringify(sorted(a)), JSON.stringify(sorted(b))));
}

function valuesOf(map: Map<string, Set<string>>, k: string): Set<string> {
  let set = map.get(k);
  if (!set) map.set(k, set = new Set());
  return set;
}

function key(alive: readonly boolean[]): string {
  return alive.map((a) => (a ? '1' : '0')).join('');
}

/** A valid label value that none of `named` is: stands for "any other value". */
function otherValue(named: readonly string[]): string {
  const taken = new Set(named);
  let candidate = 'other';
  for (let i = 2; taken.has(candidate); i++) candidate = `other-${i}`;
  return candidate;
}

/** Whether the selector's terms on key `k` hold for `value` (undefined: the key is absent). */
function keyAllows(selector: Selector, k: string, value: string | undefined): boolean {
  for (const [mk, mv] of selector.matchLabels) if (mk === k && value !== mv) return false;
  return selector.requirements.every((r) => r.key !== k || requirementAllows(r, value));
}

function requirementAllows(r: Requirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In': return value !== undefined && r.values.includes(value);
    case 'NotIn': return value === undefined || !r.values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
  }
}

function sorted(labels: Labels): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => compare(a, b));
}
