import { Conns, PairConns, Peer, connsText, isEmpty, peerText } from './conns';
import { DiffEntry } from './expected';

/**
 * np-guard's connectivity diff of two connectivity lists (`pkg/netpol/diff`): for every pair
 * whose connections differ, `added` (none in ref1), `removed` (none in ref2) or `changed`, with
 * `workload X added`/`removed` (`X and Y` for both ends) for ends that exist on one side only.
 * External ranges are compared address by address: both sides are cut at every boundary either
 * uses.
 */
export function diffConnlists(
  ref1: readonly PairConns[],
  ref2: readonly PairConns[],
  workloads1: ReadonlySet<string>,
  workloads2: ReadonlySet<string>,
): DiffEntry[] {
  const named = new Map<string, { src: Peer; dst: Peer; c1?: Conns; c2?: Conns }>();
  const external = new Map<string, { src: Peer; dst: Peer; ranges: { first: number; last: number; side: 1 | 2; conns: Conns }[] }>();
  const collect = (pairs: readonly PairConns[], side: 1 | 2) => {
    for (const { src, dst, conns } of pairs) {
      if (isEmpty(conns)) continue;
      if (src.kind !== 'external' && dst.kind !== 'external') {
        const key = `${peerText(src)} => ${peerText(dst)}`;
        const entry = named.get(key) ?? { src, dst };
        if (side === 1) entry.c1 = conns;
        else entry.c2 = conns;
        named.set(key, entry);
        continue;
      }
      const ext = src.kind === 'external' ? src : (dst as Extract<Peer, { kind: 'external' }>);
      const key = src.kind === 'external' ? `* => ${peerText(dst)}` : `${peerText(src)} => *`;
      const entry = external.get(key) ?? { src, dst, ranges: [] };
      entry.ranges.push({ first: ext.first, last: ext.last, side, conns });
      external.set(key, entry);
    }
  };
  collect(ref1, 1);
  collect(ref2, 2);

  const out: DiffEntry[] = [];
  const emit = (src: Peer, dst: Peer, c1: Conns = {}, c2: Conns = {}) => {
    if (connsText(c1) === connsText(c2)) return;
    const type = isEmpty(c1) ? 'added' : isEmpty(c2) ? 'removed' : 'changed';
    const info = workloadsInfo([src, dst], workloads1, workloads2);
    out.push({ type, src, dst, ref1: c1, ref2: c2, ...(info ? { info } : {}) });
  };
  for (const { src, dst, c1, c2 } of named.values()) emit(src, dst, c1, c2);
  for (const { src, dst, ranges } of external.values()) {
    const cuts = [...new Set(ranges.flatMap((r) => [r.first, r.last + 1]))].sort((a, b) => a - b);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const first = cuts[i];
      const last = cuts[i + 1] - 1;
      const on = (side: 1 | 2) => ranges.find((r) => r.side === side && r.first <= first && r.last >= last)?.conns;
      const segment: Peer = { kind: 'external', first, last };
      emit(src.kind === 'external' ? segment : src, dst.kind === 'external' ? segment : dst, on(1), on(2));
    }
  }
  return out;
}

function workloadsInfo(ends: readonly Peer[], workloads1: ReadonlySet<string>, workloads2: ReadonlySet<string>): string | undefined {
  const names = ends.filter((p) => p.kind === 'workload').map(peerText);
  const added = names.filter((n) => !workloads1.has(n) && workloads2.has(n));
  const removed = names.filter((n) => workloads1.has(n) && !workloads2.has(n));
  if (added.length) return `workload ${added.join(' and ')} added`;
  if (removed.length) return `workload ${removed.join(' and ')} removed`;
  return undefined;
}

/** The value a diff entry contributes to `canonicalLines`. */
export function diffValue(e: DiffEntry): string {
  return `${e.type}, ref1: ${connsText(e.ref1)}, ref2: ${connsText(e.ref2)}${e.info ? `, workloads-diff-info: ${e.info}` : ''}`;
}
