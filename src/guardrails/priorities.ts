import { compare } from '../k8s/compare';
import { GuardRole } from './model';

/** An inclusive range of priorities, e.g. `[0, 1000]`. */
export type PriorityRange = readonly [number, number];

/** Share of the Admin tier's range each role gets, in evaluation order (see {@link GuardRole}). */
const BANDS: readonly (readonly [Exclude<GuardRole, 'baseline'>, number])[] = [
  ['system', 0.1],
  ['deny', 0.1],
  ['scoped', 0.3],
  ['tenant', 0.5],
];

/** The object that must come after every other object of its band (the system namespaces' Deny). */
export interface PriorityRequest {
  readonly name: string;
  readonly role: GuardRole;
  /** Takes the last priority of its band (it must follow the band's other objects). */
  readonly last?: boolean;
}

/** The priorities of a band, inclusive. */
export interface Band {
  readonly role: GuardRole;
  readonly first: number;
  readonly last: number;
}

/** How `range` is cut into bands: system, deny, scoped, tenant (Admin tier); the Baseline object takes `range[0]`. */
export function bands(range: PriorityRange): Band[] {
  const [lo, hi] = range;
  const size = hi - lo + 1;
  const out: Band[] = [];
  let next = lo;
  let share = 0;
  for (const [role, fraction] of BANDS) {
    share += fraction;
    const end = role === 'tenant' ? hi : lo + Math.floor(size * share) - 1;
    out.push({ role, first: next, last: end });
    next = end + 1;
  }
  return out;
}

/**
 * Unique priorities, derived from the objects' names so that adding or removing one object does
 * not renumber the others (a one-line change stays a one-line diff). Each object takes the first
 * free slot of its band from a position given by its name (FNV-1a), objects processed in name
 * order. Objects of one band select disjoint pods or carry only Deny rules, so their order within
 * the band decides nothing; bands keep the order that matters (Deny lists before the tenants'
 * Pass rules, narrowed tenant objects before the tenant's own). Returns a problem per band that
 * has more objects than priorities.
 */
export function assignPriorities(requests: readonly PriorityRequest[], range: PriorityRange): { readonly priorities: Map<string, number>; readonly problems: string[] } {
  const priorities = new Map<string, number>();
  const problems: string[] = [];
  for (const band of bands(range)) {
    const members = requests.filter((r) => r.role === band.role).sort((a, b) => compare(a.name, b.name));
    const size = band.last - band.first + 1;
    if (members.length > size) {
      problems.push(`${members.length} guardrail objects of kind "${band.role}" need more than the ${Math.max(size, 0)} priorities ${band.first}-${band.last} that priorityRange [${range[0]}, ${range[1]}] leaves them; widen guardrails.priorityRange (the API allows 0-1000; OpenShift limits AdminNetworkPolicy to 0-99)${band.role === 'tenant' || band.role === 'scoped' ? ', or group projects into workspace isolation, which needs one object per workspace' : ''}`);
      continue;
    }
    const taken = new Set<number>();
    const lastOne = members.find((m) => m.last);
    if (lastOne) {
      priorities.set(lastOne.name, band.last);
      taken.add(band.last);
    }
    for (const m of members) {
      if (m === lastOne) continue;
      let slot = fnv1a(m.name) % size;
      while (taken.has(band.first + slot)) slot = (slot + 1) % size;
      taken.add(band.first + slot);
      priorities.set(m.name, band.first + slot);
    }
  }
  for (const r of requests.filter((x) => x.role === 'baseline')) priorities.set(r.name, range[0]);
  return { priorities, problems };
}

/** 32-bit FNV-1a of the UTF-16 code units: tiny, stable across runs and platforms. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
