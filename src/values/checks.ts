/**
 * Runtime shape checks for props. TypeScript catches wrong types at compile time, but definition
 * files may be plain JavaScript, cast (`as any`), or loaded with `--transpile-only`; a wrong type
 * must then be a problem like any other (path, bad value, fix), never a `TypeError` that hides
 * every other problem of the synthesis.
 */

/** A value as a message shows it: JSON for data, the readable `toString()` of value objects. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) {
    const text = String(value);
    if (text !== '[object Object]') return text;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `what must be a list, e.g. <example>; got <value>` when `value` is given but not an array. */
export function listProblems(what: string, value: unknown, example: string): string[] {
  return value === undefined || Array.isArray(value) ? [] : [`${what} must be a list, e.g. ${example}; got ${show(value)}`];
}

/** A problem when `value` is given but is not a boolean. */
export function booleanProblems(what: string, value: unknown): string[] {
  return value === undefined || typeof value === 'boolean' ? [] : [`${what} must be true or false; got ${show(value)}`];
}

/** The elements of `value` when it is an array, otherwise none (its problem is reported by {@link listProblems}). */
export function asList<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}
