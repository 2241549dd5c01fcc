import { ExplorerGroup, SideVerdict } from '../model';
import { Counts } from './cluster-index';

/** How much of a cell is allowed: the shape drawn in it and the word read out for it. */
export type Level = 'all' | 'partly' | 'none' | 'empty';

export function levelOf(c: Counts): Level {
  if (c.total === 0) return 'empty';
  if (c.allowed === 0) return 'none';
  return c.allowed === c.total ? 'all' : 'partly';
}

/** Symbols that say what colour says, for readers who cannot tell the colours apart. */
export const LEVEL_SYMBOL: Readonly<Record<Level, string>> = { all: '■', partly: '◣', none: '□', empty: '' };

/** `■ 3 of 3 flows allowed`, plus the diff's marks. */
export function countsText(c: Counts): string {
  if (c.total === 0) return 'no flows evaluated';
  const base = `${LEVEL_SYMBOL[levelOf(c)]} ${c.allowed} of ${c.total} flow${c.total === 1 ? '' : 's'} allowed`;
  return base + changeText(c);
}

/** `; + 2 newly allowed, − 1 newly denied`, or '' when nothing changed. */
export function changeText(c: Counts): string {
  const parts = [...(c.plus ? [`+ ${c.plus} newly allowed`] : []), ...(c.minus ? [`− ${c.minus} newly denied`] : [])];
  return parts.length ? `; ${parts.join(', ')}` : '';
}

/** The mark of a changed cell: `+`, `−`, `±`, or ''. */
export function changeMark(c: Counts): string {
  if (c.plus && c.minus) return '±';
  if (c.plus) return '+';
  return c.minus ? '−' : '';
}

export const SIDE_WORDS: Readonly<Record<SideVerdict, string>> = {
  allowed: 'allowed',
  denied: 'denied',
  open: 'open (no policy selects the pod)',
  unrestricted: 'not a pod (no policy applies)',
  unknown: 'not evaluated',
};

/** A group as a line label: `demo-project`, `demo-project/nginx`. */
export function lineLabel(group: ExplorerGroup, member: number): string {
  return member < 0 ? group.id : `${group.id}/${group.members[member].name}`;
}

/** A group's description: kind, workspace, isolation, members. */
export function groupText(g: ExplorerGroup): string {
  const kind = { project: 'project', namespace: 'namespace', external: 'external address', nodes: 'nodes' }[g.kind];
  const parts = [kind];
  if (g.workspace) parts.push(`workspace ${g.workspace}`);
  if (g.isolation) parts.push(`isolation ${g.isolation}`);
  parts.push(`${g.members.length} member${g.members.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

// Heat from light to dark blue by the share allowed; 'none' keeps a light grey of its own so that
// "nothing allowed" and "nothing evaluated" (page background) differ.
const LIGHT = [222, 235, 247];
const DARK = [8, 48, 107];
const NONE = [232, 232, 232];
const PLUS = [215, 48, 31];
const MINUS = [26, 152, 80];
const BOTH = [117, 107, 177];

/** The cell colour as `[r, g, b]`: heat by share allowed; in a diff, changed cells by their change. */
export function cellRgb(c: Counts, diff: boolean): readonly number[] {
  if (diff) {
    if (c.plus && c.minus) return BOTH;
    if (c.plus) return PLUS;
    if (c.minus) return MINUS;
  }
  if (c.allowed === 0) return NONE;
  const t = c.allowed / c.total;
  return LIGHT.map((v, i) => Math.round(v + (DARK[i] - v) * (0.35 + 0.65 * t)));
}

export function rgbCss(rgb: readonly number[]): string {
  return `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
}
