import { FlowAnswer, connsOfText } from '../model';
import { ClusterIndex, Line } from './cluster-index';

/** Where the name filters (search, workspace, lint) apply. */
export type MatchIn = 'both' | 'rows' | 'columns';

/** What the reader narrowed the matrix to. Pure data, so the state is easy to test and to restore. */
export interface Filters {
  /** Substring of a group id, workspace or member name; case-insensitive. */
  readonly search: string;
  readonly matchIn: MatchIn;
  /** Workspace name, or '' for any. */
  readonly workspace: string;
  /** A protocol, a port number or both (`tcp`, `443`, `UDP 53`); '' for any. */
  readonly port: string;
  /** Only cells between namespaces of different workspaces. */
  readonly crossWorkspace: boolean;
  /** Only cells with an external address or a node on one side. */
  readonly external: boolean;
  /** Only groups some lint finding concerns. */
  readonly lint: boolean;
  /** Diff: only cells with a newly allowed or newly denied flow. */
  readonly changed: boolean;
}

export const NO_FILTERS: Filters = { search: '', matchIn: 'both', workspace: '', port: '', crossWorkspace: false, external: false, lint: false, changed: false };

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** A parsed port query; undefined fields match anything. */
interface PortQuery {
  readonly protocol?: string;
  readonly port?: number;
}

/** Parses `tcp`, `443`, `UDP 53`, `tcp/80`; undefined when it is none of these. */
export function parsePortQuery(query: string): PortQuery | undefined {
  const m = query.trim().toUpperCase().match(/^(TCP|UDP|SCTP)?\s*\/?\s*(\d{1,5})?$/);
  if (!m || (!m[1] && !m[2])) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { ...(m[1] ? { protocol: m[1] } : {}), ...(port !== undefined ? { port } : {}) };
}

/**
 * Whether a flow's connections (its port text, see `connsOfText`) include one the query names:
 * the port of the protocol, any port of the protocol, or the port of any protocol.
 */
export function portMatches(query: PortQuery, text: string): boolean {
  const conns = connsOfText(text);
  // A named port (`TCP port "redis"`) has no number: it matches its protocol, and no number.
  if (!conns) return query.port === undefined && PROTOCOLS.some((p) => (!query.protocol || p === query.protocol) && text.includes(p));
  return PROTOCOLS.filter((p) => !query.protocol || p === query.protocol).some((p) => {
    const ranges = conns.ranges[p] ?? [];
    const inRanges = query.port === undefined ? ranges.length > 0 : ranges.some(([lo, hi]) => query.port! >= lo && query.port! <= hi);
    if (!conns.negated) return inRanges;
    // Everything but the ranges: some port of the protocol is left unless the ranges cover them all.
    return query.port === undefined ? !ranges.some(([lo, hi]) => lo === 1 && hi === 65535) : !inRanges;
  });
}

/** The flows the port filter keeps; undefined when the query cannot be read. */
export function flowPredicate(filters: Filters): ((flow: FlowAnswer) => boolean) | undefined {
  if (filters.port.trim() === '') return () => true;
  const q = parsePortQuery(filters.port);
  return q ? (flow) => portMatches(q, flow.port) : undefined;
}

function nameMatches(index: ClusterIndex, g: number, filters: Filters): boolean {
  const group = index.groups[g];
  if (filters.workspace !== '' && group.workspace !== filters.workspace) return false;
  if (filters.lint && !index.flagged.has(g)) return false;
  const q = filters.search.trim().toLowerCase();
  if (q === '') return true;
  return group.id.toLowerCase().includes(q) || (group.workspace ?? '').toLowerCase().includes(q) || group.members.some((m) => m.name.toLowerCase().includes(q));
}

const isPods = (kind: string): boolean => kind === 'project' || kind === 'namespace';

/** Whether the cell of two groups passes the cell filters (cross-workspace, external, changed) and holds a flow. */
export function cellPasses(index: ClusterIndex, from: number, to: number, filters: Filters): boolean {
  const a = index.groups[from];
  const b = index.groups[to];
  if (filters.crossWorkspace && !(isPods(a.kind) && isPods(b.kind) && (a.workspace ?? '') !== (b.workspace ?? ''))) return false;
  if (filters.external && isPods(a.kind) && isPods(b.kind)) return false;
  const c = index.counts({ group: from, member: -1 }, { group: to, member: -1 });
  if (c.total === 0) return false;
  return !filters.changed || c.plus + c.minus > 0;
}

function cellFiltered(filters: Filters): boolean {
  return filters.crossWorkspace || filters.external || filters.changed || filters.port.trim() !== '';
}

/**
 * The groups on each axis: those the name filters keep (on the axes `matchIn` names), and, when a
 * cell filter is on, only those with a passing cell against the other axis.
 */
export function visibleGroups(index: ClusterIndex, filters: Filters): { rows: number[]; cols: number[] } {
  const all = index.groups.map((_, i) => i);
  let rows = filters.matchIn === 'columns' ? all : all.filter((g) => nameMatches(index, g, filters));
  let cols = filters.matchIn === 'rows' ? all : all.filter((g) => nameMatches(index, g, filters));
  if (cellFiltered(filters)) {
    const rowHit = new Uint8Array(index.n);
    const colHit = new Uint8Array(index.n);
    for (const r of rows) {
      for (const c of cols) {
        if (cellPasses(index, r, c, filters)) {
          rowHit[r] = 1;
          colHit[c] = 1;
        }
      }
    }
    rows = rows.filter((r) => rowHit[r]);
    cols = cols.filter((c) => colHit[c]);
  }
  return { rows, cols };
}

/** The lines of an axis: each group, followed by its members when it is expanded. */
export function axisLines(groups: readonly number[], expanded: ReadonlySet<number>, index: ClusterIndex): Line[] {
  const out: Line[] = [];
  for (const g of groups) {
    out.push({ group: g, member: -1 });
    if (expanded.has(g)) index.groups[g].members.forEach((_, m) => out.push({ group: g, member: m }));
  }
  return out;
}

/** Workspaces of the cluster's groups, sorted, for the workspace filter. */
export function workspacesOf(index: ClusterIndex): string[] {
  return [...new Set(index.groups.map((g) => g.workspace).filter((w): w is string => w !== undefined))].sort();
}
