import { compare } from '../k8s/compare';

/**
 * Workloads (`namespace/name`) as few items as say exactly the same: `ns/*` for every workload of
 * a namespace of several, `*` for every workload of the cluster, else `ns/name`. `sizes` counts
 * the workloads of each namespace in the whole analysis.
 */
export function workloadItems(refs: Iterable<string>, sizes: ReadonlyMap<string, number>): string[] {
  const byNamespace = new Map<string, string[]>();
  let count = 0;
  for (const ref of refs) {
    const ns = ref.slice(0, ref.indexOf('/'));
    const list = byNamespace.get(ns);
    if (list) list.push(ref);
    else byNamespace.set(ns, [ref]);
    count++;
  }
  let total = 0;
  for (const n of sizes.values()) total += n;
  if (count > 1 && count === total) return ['*'];
  const out: string[] = [];
  for (const ns of [...byNamespace.keys()].sort(compare)) {
    const mine = byNamespace.get(ns) as string[];
    if (mine.length > 1 && mine.length === sizes.get(ns)) out.push(`${ns}/*`);
    else out.push(...mine.sort(compare));
  }
  return out;
}

/** `a, b, c`, or `a, b, … (12 more)` past `limit`. */
export function listWords(items: readonly string[], limit = 6): string {
  if (items.length <= limit) return items.join(', ');
  return `${items.slice(0, limit).join(', ')}, … (${items.length - limit} more)`;
}

/** `1 pair`, `3 pairs`. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : nouns}`;
}
