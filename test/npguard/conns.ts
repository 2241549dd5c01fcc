/**
 * Connections as np-guard reports them, in a form where two results compare as functions:
 * per (source, destination) a set of ports per protocol, and external peers as IPv4 address
 * ranges, so that results cut at different addresses compare equal when they agree on every
 * address.
 */

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Sorted, disjoint, non-adjacent `[first, last]` port intervals. */
export type Ranges = readonly (readonly [number, number])[];

/** Allowed ports per protocol; a protocol without ports is absent. */
export type Conns = Readonly<Partial<Record<Protocol, Ranges>>>;

export type Peer =
  | { readonly kind: 'workload'; readonly namespace: string; readonly name: string; readonly workloadKind: string }
  /** IPv4 addresses `first..last` as unsigned 32-bit numbers. */
  | { readonly kind: 'external'; readonly first: number; readonly last: number }
  | { readonly kind: 'ingress-controller' };

/** One line of a connectivity list: what `src` may open to `dst`. */
export interface PairConns {
  readonly src: Peer;
  readonly dst: Peer;
  readonly conns: Conns;
}

export const MAX_IPV4 = 2 ** 32 - 1;

export const ALL_CONNS: Conns = { SCTP: [[1, 65535]], TCP: [[1, 65535]], UDP: [[1, 65535]] };

/** `ns/name[Kind]`, `{ingress-controller}`, `a.b.c.d-e.f.g.h[External]`, as np-guard prints them. */
export function peerText(peer: Peer): string {
  if (peer.kind === 'workload') return `${peer.namespace}/${peer.name}[${peer.workloadKind}]`;
  if (peer.kind === 'ingress-controller') return '{ingress-controller}';
  return `${ipText(peer.first)}-${ipText(peer.last)}[External]`;
}

export function parsePeer(text: string): Peer {
  if (text === '{ingress-controller}') return { kind: 'ingress-controller' };
  const ext = /^([\d.]+)(?:-([\d.]+))?\[External\]$/.exec(text);
  if (ext) return { kind: 'external', first: ipValue(ext[1]), last: ipValue(ext[2] ?? ext[1]) };
  const wl = /^([^/\s]+)\/([^[\s]+)\[([^\]]+)\]$/.exec(text);
  if (!wl) throw new Error(`not an np-guard peer: ${JSON.stringify(text)}`);
  return { kind: 'workload', namespace: wl[1], name: wl[2], workloadKind: wl[3] };
}

export function ipValue(text: string): number {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${text}`);
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function ipText(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** `All Connections`, `No Connections` or `SCTP 7070,TCP 8080-8081,UDP 9090`, np-guard's order. */
export function connsText(conns: Conns): string {
  if (PROTOCOLS.every((p) => sameRanges(conns[p] ?? [], [[1, 65535]]))) return 'All Connections';
  const parts = PROTOCOLS.filter((p) => conns[p]?.length).map((p) => `${p} ${(conns[p] as Ranges).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`);
  return parts.length ? parts.join(',') : 'No Connections';
}

export function parseConns(text: string): Conns {
  if (text === 'All Connections') return ALL_CONNS;
  if (text === 'No Connections') return {};
  const out: Partial<Record<Protocol, [number, number][]>> = {};
  let current: Protocol | undefined;
  for (const token of text.split(',')) {
    const m = /^(?:(SCTP|TCP|UDP) )?(\d+)(?:-(\d+))?$/.exec(token.trim());
    if (!m) throw new Error(`not an np-guard connection set: ${JSON.stringify(text)}`);
    current = (m[1] as Protocol | undefined) ?? current;
    if (!current) throw new Error(`port without protocol in ${JSON.stringify(text)}`);
    (out[current] ??= []).push([Number(m[2]), Number(m[3] ?? m[2])]);
  }
  const conns: Partial<Record<Protocol, Ranges>> = {};
  for (const p of PROTOCOLS) if (out[p]) conns[p] = normaliseRanges(out[p] as [number, number][]);
  return conns;
}

/** Sorts and merges overlapping or adjacent intervals. */
export function normaliseRanges(ranges: readonly (readonly [number, number])[]): Ranges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function sameRanges(a: Ranges, b: Ranges): boolean {
  return a.length === b.length && a.every(([x, y], i) => x === b[i][0] && y === b[i][1]);
}

export function isEmpty(conns: Conns): boolean {
  return PROTOCOLS.every((p) => !conns[p]?.length);
}

/**
 * A value per (source, destination) as a canonical, comparable list of lines: pairs of named
 * peers as they are; for pairs with an external peer, the address space of each (workload,
 * direction) is cut at every range boundary, adjacent ranges with the same value are merged and
 * ranges without a value dropped. Two results give the same lines iff they agree on every pair
 * and every address. `value` returns undefined for "nothing to report".
 */
export function canonicalLines<T extends { readonly src: Peer; readonly dst: Peer }>(items: readonly T[], value: (item: T) => string | undefined): string[] {
  const lines: string[] = [];
  const external = new Map<string, { first: number; last: number; value: string }[]>();
  for (const item of items) {
    const v = value(item);
    if (v === undefined) continue;
    const { src, dst } = item;
    if (src.kind !== 'external' && dst.kind !== 'external') {
      lines.push(`${peerText(src)} => ${peerText(dst)} : ${v}`);
      continue;
    }
    const ext = (src.kind === 'external' ? src : dst) as Extract<Peer, { kind: 'external' }>;
    const key = src.kind === 'external' ? `* => ${peerText(dst)}` : `${peerText(src)} => *`;
    const list = external.get(key) ?? [];
    list.push({ first: ext.first, last: ext.last, value: v });
    external.set(key, list);
  }
  for (const [key, ranges] of external) {
    const cuts = [...new Set(ranges.flatMap((r) => [r.first, r.last + 1]))].sort((a, b) => a - b);
    const merged: { first: number; last: number; value: string }[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const first = cuts[i];
      const last = cuts[i + 1] - 1;
      const values = [...new Set(ranges.filter((r) => r.first <= first && r.last >= last).map((r) => r.value))];
      if (values.length > 1) throw new Error(`${key}: ${ipText(first)}-${ipText(last)} has two values: ${values.join(' | ')}`);
      if (!values.length) continue;
      const prev = merged[merged.length - 1];
      if (prev && prev.last + 1 === first && prev.value === values[0]) prev.last = last;
      else merged.push({ first, last, value: values[0] });
    }
    for (const r of merged) lines.push(key.replace('*', `${ipText(r.first)}-${ipText(r.last)}[External]`) + ` : ${r.value}`);
  }
  return lines.sort();
}
