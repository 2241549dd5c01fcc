import { FieldContext, child, fail, isRecord } from './errors';
import { Labels } from './names';
import { compare } from './compare';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Sorted; empty for Exists/DoesNotExist. */
  readonly values: readonly string[];
}

/**
 * A compiled Kubernetes label selector. All terms are ANDed; a selector with
 * no terms (`{}`) matches every label set. Whether a *missing* selector means
 * "all" or "none" depends on the field, so callers decide that before
 * compiling.
 */
export interface Selector {
  readonly matchLabels: readonly (readonly [string, string])[];
  readonly requirements: readonly Requirement[];
  readonly matchesAll: boolean;
  /** Canonical form; equal keys select exactly the same label sets. */
  readonly key: string;
  matches(labels: Labels): boolean;
}

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** The selector `{}`. */
export const MATCH_ALL: Selector = makeSelector([], []);

/**
 * Validates and compiles a `metav1.LabelSelector`. Errors name the field, e.g.
 * `spec.podSelector.matchExpressions[0].values: must be non-empty for operator In`.
 */
export function compileSelector(raw: unknown, ctx: FieldContext): Selector {
  if (!isRecord(raw)) fail(ctx, 'must be a label selector object');
  const labels: [string, string][] = [];
  if (raw.matchLabels !== undefined && raw.matchLabels !== null) {
    const mlCtx = child(ctx, 'matchLabels');
    if (!isRecord(raw.matchLabels)) fail(mlCtx, 'must be a map of strings');
    for (const [k, v] of Object.entries(raw.matchLabels)) {
      if (typeof v !== 'string') fail(child(mlCtx, k), 'must be a string');
      labels.push([k, v]);
    }
  }
  const requirements: Requirement[] = [];
  if (raw.matchExpressions !== undefined && raw.matchExpressions !== null) {
    const meCtx = child(ctx, 'matchExpressions');
    if (!Array.isArray(raw.matchExpressions)) fail(meCtx, 'must be a list');
    raw.matchExpressions.forEach((expr, i) => requirements.push(compileRequirement(expr, child(meCtx, `[${i}]`))));
  }
  return makeSelector(labels, requirements);
}

function compileRequirement(raw: unknown, ctx: FieldContext): Requirement {
  if (!isRecord(raw)) fail(ctx, 'must be an object with key, operator and values');
  if (typeof raw.key !== 'string' || raw.key === '') fail(child(ctx, 'key'), 'must be a non-empty string');
  const operator = raw.operator as SelectorOperator;
  if (!OPERATORS.includes(operator)) fail(child(ctx, 'operator'), `must be one of ${OPERATORS.join(', ')}, got ${JSON.stringify(raw.operator)}`);
  const values = raw.values ?? [];
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) fail(child(ctx, 'values'), 'must be a list of strings');
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (needsValues && values.length === 0) fail(child(ctx, 'values'), `must be non-empty for operator ${operator}`);
  if (!needsValues && values.length > 0) fail(child(ctx, 'values'), `must be empty for operator ${operator}`);
  return { key: raw.key, operator, values: [...new Set(values as string[])].sort(compare) };
}

function makeSelector(labels: [string, string][], requirements: Requirement[]): Selector {
  const matchLabels = labels.sort(([a], [b]) => compare(a, b));
  const sortedReqs = requirements.sort((a, b) => compare(a.key, b.key) || compare(a.operator, b.operator) || compare(a.values.join(','), b.values.join(',')));
  const valueSets = sortedReqs.map((r) => new Set(r.values));
  const matches = (l: Labels): boolean => {
    for (const [k, v] of matchLabels) if (l[k] !== v) return false;
    for (let i = 0; i < sortedReqs.length; i++) {
      const { key, operator } = sortedReqs[i];
      const has = Object.prototype.hasOwnProperty.call(l, key);
      switch (operator) {
        case 'In':
          if (!has || !valueSets[i].has(l[key])) return false;
          break;
        // A pod without the key satisfies NotIn, as in Kubernetes.
        case 'NotIn':
          if (has && valueSets[i].has(l[key])) return false;
          break;
        case 'Exists':
          if (!has) return false;
          break;
        case 'DoesNotExist':
          if (has) return false;
          break;
      }
    }
    return true;
  };
  return {
    matchLabels,
    requirements: sortedReqs,
    matchesAll: matchLabels.length === 0 && sortedReqs.length === 0,
    key: JSON.stringify([matchLabels, sortedReqs.map((r) => [r.key, r.operator, r.values])]),
    matches,
  };
}

/** Plain words for the selector's terms, e.g. `app=nginx and tier in (api, web)`. */
export function describeSelector(selector: Selector): string {
  if (selector.matchesAll) return 'anything';
  const terms = selector.matchLabels.map(([k, v]) => `${k}=${v}`);
  for (const r of selector.requirements) {
    switch (r.operator) {
      case 'In':
        terms.push(r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(', ')})`);
        break;
      case 'NotIn':
        terms.push(r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} not in (${r.values.join(', ')})`);
        break;
      case 'Exists':
        terms.push(`label ${r.key} set`);
        break;
      case 'DoesNotExist':
        terms.push(`label ${r.key} unset`);
        break;
    }
  }
  return terms.join(' and ');
}
