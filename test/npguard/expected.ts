import { Conns, PairConns, Peer, parseConns, parsePeer } from './conns';

/**
 * Parsers for np-guard's expected outputs (`test_outputs/connlist/*.txt` and `test_outputs/diff/*.txt`
 * of np-guard/netpol-analyzer, text format).
 */

/**
 * The connectivity section of a `list` output: lines `src => dst : conns`. An exposure output
 * (`*_exposure_output.txt`) continues after `Exposure Analysis Result:` with peers that are not in
 * the manifests; that section is not part of the connectivity list and is not returned.
 */
export function parseConnlist(text: string): PairConns[] {
  const out: PairConns[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === 'Exposure Analysis Result:') break;
    if (line === '') continue;
    const m = /^(\S+)\s+=>\s+(\S+)\s+:\s+(.+)$/.exec(line);
    if (!m) throw new Error(`not a connlist line: ${JSON.stringify(raw)}`);
    out.push({ src: parsePeer(m[1]), dst: parsePeer(m[2]), conns: parseConns(m[3]) });
  }
  return out;
}

export type DiffType = 'added' | 'removed' | 'changed';

/** One line of a `diff` output: how the connections from `src` to `dst` changed from ref1 to ref2. */
export interface DiffEntry {
  readonly type: DiffType;
  readonly src: Peer;
  readonly dst: Peer;
  readonly ref1: Conns;
  readonly ref2: Conns;
  /** e.g. `workload ns/name[Kind] added`: a workload that exists on one side only. */
  readonly info?: string;
}

/** Lines `diff-type: t, source: s, destination: d, ref1: c1, ref2: c2[, workloads-diff-info: i]` after the `Connectivity diff:` title. */
export function parseDiff(text: string): DiffEntry[] {
  const out: DiffEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line === 'Connectivity diff:') continue;
    const m = /^diff-type: (added|removed|changed), source: (\S+), destination: (\S+), ref1: (.+?), ref2: (.+?)(?:, workloads-diff-info: (.+))?$/.exec(line);
    if (!m) throw new Error(`not a diff line: ${JSON.stringify(raw)}`);
    out.push({
      type: m[1] as DiffType,
      src: parsePeer(m[2]),
      dst: parsePeer(m[3]),
      ref1: parseConns(m[4]),
      ref2: parseConns(m[5]),
      ...(m[6] ? { info: m[6] } : {}),
    });
  }
  return out;
}
