import { ClusterIndex } from './cluster-index';
import { h, s } from './dom';
import { Filters, cellPasses } from './filters';
import { changeMark, countsText, levelOf } from './words';

/** More groups than this make a hairball: the graph asks for a smaller selection instead. */
export const GRAPH_MAX_GROUPS = 40;

/** What a click (or Enter) on the graph selects. */
export interface GraphEvents {
  cell(from: number, to: number): void;
  group(group: number): void;
}

/**
 * Groups on a circle, with an arrow for each pair where something is allowed (solid: all flows,
 * dashed: some), in a diff marked + / − by change. Every node and edge is focusable and named.
 */
export function renderGraph(index: ClusterIndex, groups: readonly number[], filters: Filters, diff: boolean, events: GraphEvents): HTMLElement {
  if (groups.length > GRAPH_MAX_GROUPS) {
    return h('p', { class: 'note', text: `The graph draws at most ${GRAPH_MAX_GROUPS} groups; ${groups.length} are selected. Narrow the selection with the search or the filters.` });
  }
  if (groups.length === 0) return h('p', { class: 'note', text: 'No groups are selected.' });
  // Room beside the circle for names up to about 30 characters.
  const width = 860;
  const size = 640;
  const radius = groups.length === 1 ? 0 : size / 2 - 70;
  const pos = new Map(groups.map((g, i) => {
    const a = (2 * Math.PI * i) / groups.length - Math.PI / 2;
    return [g, { x: width / 2 + radius * Math.cos(a), y: size / 2 + radius * Math.sin(a) }];
  }));
  const svg = s('svg', { viewBox: `0 0 ${width} ${size}`, width, height: size, role: 'group', 'aria-label': 'Graph of the selected groups and the flows allowed between them' },
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#333' }))));
  const edges = s('g', { class: 'edges' });
  const nodes = s('g', { class: 'nodes' });
  svg.append(edges, nodes);
  let count = 0;
  for (const a of groups) {
    for (const b of groups) {
      if (a === b || !cellPasses(index, a, b, filters)) continue;
      const c = index.counts({ group: a, member: -1 }, { group: b, member: -1 });
      const mark = diff ? changeMark(c) : '';
      if (c.allowed === 0 && !mark) continue;
      count++;
      const p = pos.get(a)!;
      const q = pos.get(b)!;
      // Bend each edge to its left, so a -> b and b -> a stay apart.
      const dx = q.x - p.x;
      const dy = q.y - p.y;
      const len = Math.hypot(dx, dy) || 1;
      const mx = (p.x + q.x) / 2 - (dy / len) * 24;
      const my = (p.y + q.y) / 2 + (dx / len) * 24;
      const end = { x: q.x - (dx / len) * 16, y: q.y - (dy / len) * 16 };
      const label = `${index.groups[a].id} → ${index.groups[b].id}: ${countsText(c)}`;
      const cls = `edge ${levelOf(c)}${mark === '+' ? ' plus' : mark === '−' ? ' minus' : mark ? ' both' : ''}`;
      const g = s('g', { class: cls, tabindex: 0, role: 'button', 'aria-label': label },
        s('title', {}, label),
        s('path', { d: `M${p.x},${p.y} Q${mx},${my} ${end.x},${end.y}`, 'marker-end': 'url(#arrow)' }));
      if (mark) g.append(s('text', { x: mx, y: my, 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, mark));
      const pick = () => events.cell(a, b);
      g.addEventListener('click', pick);
      g.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          pick();
        }
      });
      edges.append(g);
    }
  }
  for (const g of groups) {
    const p = pos.get(g)!;
    const group = index.groups[g];
    const shape = group.kind === 'project' || group.kind === 'namespace'
      ? s('circle', { cx: p.x, cy: p.y, r: 12 })
      : s('rect', { x: p.x - 11, y: p.y - 11, width: 22, height: 22, transform: `rotate(45 ${p.x} ${p.y})` });
    const anchor = p.x < width / 2 - 5 ? 'end' : p.x > width / 2 + 5 ? 'start' : 'middle';
    const tx = anchor === 'end' ? p.x - 18 : anchor === 'start' ? p.x + 18 : p.x;
    const ty = anchor === 'middle' ? (p.y < size / 2 ? p.y - 20 : p.y + 26) : p.y + 4;
    const node = s('g', { class: `node ${group.kind}`, tabindex: 0, role: 'button', 'aria-label': `${group.id}${group.workspace ? `, workspace ${group.workspace}` : ''}` },
      s('title', {}, group.id), shape, s('text', { x: tx, y: ty, 'text-anchor': anchor }, group.id));
    node.addEventListener('click', () => events.group(g));
    node.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        events.group(g);
      }
    });
    nodes.append(node);
  }
  return h('div', { class: 'graph' },
    h('p', { class: 'note', text: `${groups.length} groups, ${count} edges. Solid arrow: every flow allowed; dashed: some. ● project or namespace, ◆ external address or nodes. Tab to an arrow and press Enter to see its flows.` }),
    svg);
}
