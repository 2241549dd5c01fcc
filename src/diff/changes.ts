import { ConnSet, Connectivity, SideFunction, SideResult, Universe } from '../analysis';

/** What one side (egress of the source or ingress of the destination) said in one state. */
export interface SideAnswer {
  /** False where the endpoint does not exist in that state (or is an address, which no policy restricts). */
  readonly present: boolean;
  readonly result: SideResult;
}

/**
 * Endpoints of one end of a change:
 * - `classes`: pod classes, listed;
 * - `group`: every pod class of a default group (see {@link ChangeSet.groups}) except `except`;
 * - `addresses`: address classes, listed;
 * - `otherAddresses`: every address class of one family not in `except`.
 */
export type Ends =
  | { readonly kind: 'classes'; readonly classes: readonly number[] }
  | { readonly kind: 'group'; readonly group: number; readonly except: readonly number[] }
  | { readonly kind: 'addresses'; readonly addresses: readonly number[] }
  | { readonly kind: 'otherAddresses'; readonly family: 4 | 6; readonly except: readonly number[] };

/** Connections from `from` to `to` that differ between the states; every pair of the block changed the same way. */
export interface Change {
  readonly from: Ends;
  readonly to: Ends;
  readonly before: ConnSet;
  readonly after: ConnSet;
  /** The source's egress and the destination's ingress, before and after (absent for addresses). */
  readonly egress: { readonly before?: SideAnswer; readonly after?: SideAnswer };
  readonly ingress: { readonly before?: SideAnswer; readonly after?: SideAnswer };
}

/** Every change between two states of one universe. */
export interface ChangeSet {
  readonly changes: readonly Change[];
  /** Pod classes of each default group, ascending (groups are referred to by index). */
  readonly groups: readonly (readonly number[])[];
}

const ABSENT: SideResult = { allowed: ConnSet.NONE, reason: -1 };

/**
 * Compares the two states of `universe` (0 = before, 1 = after) and returns what changed.
 *
 * A pair's connections are the source's egress answer intersected with the destination's ingress
 * answer, and each answer depends only on that endpoint's side function. So only classes whose
 * side function (or existence) changed are looked at: a source whose egress changed against every
 * destination, a destination whose ingress changed against every source whose egress did not.
 * Destinations (sources) that no rule of the other end names on either side get that end's
 * default answers; they are compared once per group of equal defaults, not once each, which
 * keeps the cost proportional to the change and the policies, not to the square of the cluster.
 * @param inputsChanged false when a class's own inputs for a direction (existence, labels, ports,
 *   its namespace's labels, the policies selecting it) are the same in both states; such a side
 *   can differ only towards peers whose inputs changed. @default always true
 */
export function computeChanges(universe: Universe, inputsChanged: (c: number, direction: 'egress' | 'ingress') => boolean = () => true): ChangeSet {
  const [before, after] = universe.states as [Connectivity, Connectivity];
  const n = universe.classes.length;
  // Asked for every class in both directions, and more than once: 0 = not known yet, 1 = no, 2 = yes.
  const known = { egress: new Uint8Array(n), ingress: new Uint8Array(n) };
  const mayHaveChanged = (c: number, direction: 'egress' | 'ingress'): boolean => {
    if (known[direction][c] === 0) known[direction][c] = inputsChanged(c, direction) ? 2 : 1;
    return known[direction][c] === 2;
  };
  const classes = [...Array(n).keys()];
  const presentBoth = (c: number) => before.present(c) && after.present(c);
  // A side function whose own inputs are the same in both states can differ only on peers whose
  // inputs changed, and the pairs with those peers are compared from the peers' side.
  const changed = (direction: 'egress' | 'ingress') => new Set(classes.filter((c) => {
    if (!presentBoth(c)) return before.present(c) || after.present(c);
    if (!mayHaveChanged(c, direction)) return false;
    return direction === 'egress' ? !sameFunction(before.egress(c), after.egress(c), presentBoth) : !sameFunction(before.ingress(c), after.ingress(c), presentBoth);
  }));
  const changedEgress = changed('egress');
  const changedIngress = changed('ingress');
  const changes: Change[] = [];
  const groups: number[][] = [];
  const groupIds = new Map<string, number>();
  const groupOf = (key: string, members: () => number[]): number => {
    let id = groupIds.get(key);
    if (id === undefined) {
      groupIds.set(key, id = groups.length);
      groups.push(members());
    }
    return id;
  };
  if (changedEgress.size === 0 && changedIngress.size === 0) return { changes, groups };

  const answer = (state: Connectivity, c: number, direction: 'egress' | 'ingress', peer: (side: SideFunction) => SideResult): SideAnswer => {
    if (!state.present(c)) return { present: false, result: ABSENT };
    return { present: true, result: peer(direction === 'egress' ? state.egress(c) : state.ingress(c)) };
  };
  const pairChange = (s: number, d: number): void => {
    const eb = answer(before, s, 'egress', (side) => side.get(d));
    const eh = answer(after, s, 'egress', (side) => side.get(d));
    const ib = answer(before, d, 'ingress', (side) => side.get(s));
    const ih = answer(after, d, 'ingress', (side) => side.get(s));
    push({ kind: 'classes', classes: [s] }, { kind: 'classes', classes: [d] }, eb, eh, ib, ih);
  };
  function push(from: Ends, to: Ends, eb: SideAnswer | undefined, eh: SideAnswer | undefined, ib: SideAnswer | undefined, ih: SideAnswer | undefined): void {
    const conns = (e: SideAnswer | undefined, i: SideAnswer | undefined): ConnSet => {
      if ((e && !e.present) || (i && !i.present)) return ConnSet.NONE;
      return (e?.result.allowed ?? ConnSet.ALL).intersect(i?.result.allowed ?? ConnSet.ALL);
    };
    const b = conns(eb, ib);
    const a = conns(eh, ih);
    if (a === b) return;
    changes.push({ from, to, before: b, after: a, egress: { ...(eb ? { before: eb } : {}), ...(eh ? { after: eh } : {}) }, ingress: { ...(ib ? { before: ib } : {}), ...(ih ? { after: ih } : {}) } });
  }

  const defaultKey = (state: Connectivity, c: number, direction: 'egress' | 'ingress'): string => {
    if (!state.present(c)) return 'absent';
    const def = (direction === 'egress' ? state.egress(c) : state.ingress(c)).def;
    // Reasons read alike when they name the same policies within each namespace.
    return `${def.allowed.id}:${state.relativeReason(def.reason)}`;
  };

  // A group's pairs change when the changed end's default or the group's default changed. The
  // default of a class whose own inputs did not change is the same in both states, so while every
  // changed end keeps its default, only classes with changed inputs can form a group that
  // changes: grouping the others would compute every side function of the cluster for nothing.
  const defaultChanged = (c: number, direction: 'egress' | 'ingress'): boolean => {
    if (!presentBoth(c)) return true;
    const side = (state: Connectivity) => (direction === 'egress' ? state.egress(c) : state.ingress(c)).def.allowed;
    return side(before) !== side(after);
  };
  const candidates = (rowDirection: 'egress' | 'ingress', changedEnds: ReadonlySet<number>, all: readonly number[]): readonly number[] => {
    if ([...changedEnds].some((c) => defaultChanged(c, rowDirection))) return all;
    const other = rowDirection === 'egress' ? 'ingress' : 'egress';
    return all.filter((c) => !presentBoth(c) || mayHaveChanged(c, other));
  };

  // Rows: sources whose egress changed, against every destination and address.
  const destGroups = groupBy(candidates('egress', changedEgress, classes), (d) => `${defaultKey(before, d, 'ingress')}|${defaultKey(after, d, 'ingress')}`);
  for (const s of [...changedEgress].sort((a, b) => a - b)) {
    const named = new Set<number>();
    for (const state of [before, after]) if (state.present(s)) for (const d of state.egress(s).explicit().keys()) named.add(d);
    // Destinations whose ingress names the source.
    for (const state of [before, after]) for (const d of state.namingClasses(s, 'ingress')) named.add(d);
    const except = [...named].sort((a, b) => a - b);
    for (const d of except) pairChange(s, d);
    for (const [key, members] of destGroups) {
      const d = members[0];
      const group = groupOf(`to:${key}`, () => members);
      push({ kind: 'classes', classes: [s] }, { kind: 'group', group, except },
        answer(before, s, 'egress', (side) => side.def), answer(after, s, 'egress', (side) => side.def),
        answer(before, d, 'ingress', (side) => side.def), answer(after, d, 'ingress', (side) => side.def));
    }
    const mentioned = new Set<number>();
    for (const state of [before, after]) if (state.present(s)) for (const z of state.egress(s).ipExplicit().keys()) mentioned.add(z);
    const zs = [...mentioned].sort((a, b) => a - b);
    for (const z of zs) {
      push({ kind: 'classes', classes: [s] }, { kind: 'addresses', addresses: [z] },
        answer(before, s, 'egress', (side) => side.getAddress(z)), answer(after, s, 'egress', (side) => side.getAddress(z)), undefined, undefined);
    }
    for (const family of [4, 6] as const) {
      push({ kind: 'classes', classes: [s] }, { kind: 'otherAddresses', family, except: zs },
        answer(before, s, 'egress', (side) => side.ipDefs[family]), answer(after, s, 'egress', (side) => side.ipDefs[family]), undefined, undefined);
    }
  }

  // Columns: destinations whose ingress changed, against sources whose egress did not (the rows
  // covered the others) and against every address.
  const steady = classes.filter((s) => !changedEgress.has(s) && before.present(s));
  const sourceGroups = groupBy(candidates('ingress', changedIngress, steady), (s) => defaultKey(before, s, 'egress'));
  for (const d of [...changedIngress].sort((a, b) => a - b)) {
    const named = new Set<number>();
    for (const state of [before, after]) if (state.present(d)) for (const s of state.ingress(d).explicit().keys()) named.add(s);
    for (const state of [before, after]) for (const s of state.namingClasses(d, 'egress')) named.add(s);
    const except = [...named].filter((s) => !changedEgress.has(s)).sort((a, b) => a - b);
    for (const s of except) pairChange(s, d);
    for (const [key, members] of sourceGroups) {
      const s = members[0];
      const group = groupOf(`from:${key}`, () => members);
      push({ kind: 'group', group, except }, { kind: 'classes', classes: [d] },
        answer(before, s, 'egress', (side) => side.def), answer(after, s, 'egress', (side) => side.def),
        answer(before, d, 'ingress', (side) => side.def), answer(after, d, 'ingress', (side) => side.def));
    }
    const mentioned = new Set<number>();
    for (const state of [before, after]) if (state.present(d)) for (const z of state.ingress(d).ipExplicit().keys()) mentioned.add(z);
    const zs = [...mentioned].sort((a, b) => a - b);
    for (const z of zs) {
      push({ kind: 'addresses', addresses: [z] }, { kind: 'classes', classes: [d] },
        undefined, undefined, answer(before, d, 'ingress', (side) => side.getAddress(z)), answer(after, d, 'ingress', (side) => side.getAddress(z)));
    }
    for (const family of [4, 6] as const) {
      push({ kind: 'otherAddresses', family, except: zs }, { kind: 'classes', classes: [d] },
        undefined, undefined, answer(before, d, 'ingress', (side) => side.ipDefs[family]), answer(after, d, 'ingress', (side) => side.ipDefs[family]));
    }
  }
  return { changes, groups };
}

/** Whether two side functions answer every peer present in both states alike (reasons aside). */
function sameFunction(a: SideFunction, b: SideFunction, presentBoth: (c: number) => boolean): boolean {
  if (a === b) return true;
  if (a.def.allowed !== b.def.allowed || a.ipDefs[4].allowed !== b.ipDefs[4].allowed || a.ipDefs[6].allowed !== b.ipDefs[6].allowed) return false;
  for (const map of [a.explicit(), b.explicit()]) {
    for (const c of map.keys()) if (presentBoth(c) && a.get(c).allowed !== b.get(c).allowed) return false;
  }
  for (const map of [a.ipExplicit(), b.ipExplicit()]) {
    for (const z of map.keys()) if (a.getAddress(z).allowed !== b.getAddress(z).allowed) return false;
  }
  return true;
}

function groupBy(items: readonly number[], key: (c: number) => string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of items) {
    const k = key(c);
    const list = out.get(k);
    if (list) list.push(c);
    else out.set(k, [c]);
  }
  return out;
}
