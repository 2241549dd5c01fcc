import { EXPLORER_SCHEMA, ExplorerData } from '../model';
import { ClusterIndex, Line } from './cluster-index';
import { cellDetails, groupDetails } from './details';
import { h } from './dom';
import { Filters, NO_FILTERS, axisLines, flowPredicate, visibleGroups, workspacesOf } from './filters';
import { renderGraph } from './graph';
import { MatrixView } from './matrix-view';
import { countsText, lineLabel } from './words';

/** What tests and scripts may ask the page (`window.netiso`). */
export interface ExplorerApi {
  /** Group-level counts of every evaluated cell of the shown cluster, without filters. */
  cellCounts(): { from: string; to: string; allowed: number; total: number; plus: number; minus: number }[];
  /** Scrolls a group cell into view and returns its centre in client coordinates (undefined when filtered out). */
  cellCenter(from: string, to: string): { x: number; y: number } | undefined;
  /** Milliseconds from the start of the script to the first painted frame; 0 until then. */
  startupMs: number;
}

declare global {
  interface Window {
    netiso?: ExplorerApi;
  }
}

const started = performance.now();

function boot(): void {
  const raw = document.getElementById('netiso-data')?.textContent;
  const app = document.getElementById('app');
  if (!raw || !app) throw new Error('the page has no data');
  const data = JSON.parse(raw) as ExplorerData;
  // renderHtml checked the data in full; a file from another netiso version is told apart here.
  if (data.schema !== EXPLORER_SCHEMA) {
    app.append(h('div', { class: 'error', role: 'alert' }, h('h1', { text: `This page holds data of format ${String(data.schema)}; this explorer reads ${EXPLORER_SCHEMA}.` })));
    return;
  }
  new Explorer(app, data);
}

class Explorer {
  private index!: ClusterIndex;
  private filters: Filters = NO_FILTERS;
  private readonly expanded = new Set<number>();
  private view: 'matrix' | 'graph' = 'matrix';
  private readonly matrix: MatrixView;
  private readonly status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly details = h('div', { class: 'details-body' });
  private readonly graphBox = h('div', { class: 'graph-box', hidden: true });
  private readonly shown = h('span', { class: 'shown' });
  private readonly portHint = h('span', { class: 'hint', role: 'alert' });
  private readonly workspace = h('select', { id: 'f-workspace' });
  private readonly findings = h('section', { class: 'findings', 'aria-labelledby': 'findings-h' });
  private readonly notes = h('section', { class: 'notes' });
  private readonly search: HTMLInputElement;
  private readonly matrixTab: HTMLButtonElement;
  private readonly graphTab: HTMLButtonElement;
  private rows: Line[] = [];
  private cols: Line[] = [];
  private visible: { rows: number[]; cols: number[] } = { rows: [], cols: [] };
  private risky = new Set<number>();

  constructor(app: HTMLElement, private readonly data: ExplorerData) {
    const diff = data.kind === 'diff';
    this.matrix = new MatrixView({
      focus: (r, c) => this.describe(r, c),
      activate: (r, c) => this.showCell(r, c),
      toggle: (g) => this.toggle(g),
    });
    this.search = h('input', { id: 'f-search', type: 'search', placeholder: 'project, workspace or workload', oninput: () => this.set({ search: this.search.value }) });
    const port = h('input', { id: 'f-port', type: 'text', size: 9, placeholder: 'e.g. 443, udp', oninput: (e) => this.set({ port: (e.target as HTMLInputElement).value }) });
    const matchIn = h('select', { id: 'f-match', onchange: (e) => this.set({ matchIn: (e.target as HTMLSelectElement).value as Filters['matchIn'] }) },
      h('option', { value: 'both', text: 'rows and columns' }), h('option', { value: 'rows', text: 'rows (sources)' }), h('option', { value: 'columns', text: 'columns (destinations)' }));
    this.workspace.addEventListener('change', () => this.set({ workspace: this.workspace.value }));
    const check = (id: string, text: string, key: 'crossWorkspace' | 'external' | 'lint' | 'changed') => h('label', { for: id },
      h('input', { id, type: 'checkbox', onchange: (e) => this.set({ [key]: (e.target as HTMLInputElement).checked }) }), ` ${text}`);
    this.matrixTab = h('button', { type: 'button', 'aria-pressed': 'true', text: 'Matrix', onclick: () => this.setView('matrix') });
    this.graphTab = h('button', { type: 'button', 'aria-pressed': 'false', text: 'Graph', onclick: () => this.setView('graph') });
    const clusterSelect = data.clusters.length > 1
      ? h('label', { for: 'f-cluster' }, 'cluster ', h('select', { id: 'f-cluster', onchange: (e) => this.showCluster(Number((e.target as HTMLSelectElement).value)) },
        ...data.clusters.map((c, i) => h('option', { value: i, text: c.name }))))
      : undefined;

    app.append(
      h('header', {}, h('h1', { text: data.title }), h('p', { class: 'subtitle', text: data.subtitle }), clusterSelect),
      ...(data.risks.length ? [this.risksBlock()] : []),
      h('div', { class: 'toolbar', role: 'search', 'aria-label': 'Filters' },
        h('label', { for: 'f-search' }, 'search '), this.search,
        h('label', { for: 'f-match' }, ' in '), matchIn,
        h('label', { for: 'f-workspace' }, 'workspace '), this.workspace,
        h('label', { for: 'f-port' }, 'port '), port, this.portHint,
        check('f-cross', 'only cross-workspace', 'crossWorkspace'),
        check('f-external', 'only external', 'external'),
        check('f-lint', 'only with lint findings', 'lint'),
        ...(diff ? [check('f-changed', 'only changed', 'changed')] : [])),
      h('div', { class: 'toolbar' },
        h('span', { class: 'buttons', role: 'group', 'aria-label': 'View' }, this.matrixTab, this.graphTab),
        h('span', { class: 'buttons', role: 'group', 'aria-label': 'Level' },
          h('button', { type: 'button', text: 'Projects', title: 'collapse every group', onclick: () => this.expandAll(false) }),
          h('button', { type: 'button', text: 'Workloads', title: 'expand every group into its workloads', onclick: () => this.expandAll(true) })),
        h('span', { class: 'buttons', role: 'group', 'aria-label': 'Zoom' },
          h('button', { type: 'button', text: '−', 'aria-label': 'zoom out', onclick: () => this.matrix.zoom(-1) }),
          h('button', { type: 'button', text: '+', 'aria-label': 'zoom in', onclick: () => this.matrix.zoom(1) }),
          h('button', { type: 'button', text: 'fit', onclick: () => this.matrix.fit() })),
        this.shown),
      h('div', { class: 'layout' },
        h('section', { class: 'view', 'aria-label': 'Reachability' }, this.matrix.element, this.graphBox, this.status, legend(diff)),
        h('aside', { class: 'details', 'aria-label': 'Details', 'aria-live': 'polite' }, this.details)),
      this.findings,
      this.notes,
    );
    const api: ExplorerApi = {
      cellCounts: () => this.cellCounts(),
      cellCenter: (from, to) => this.cellCenter(from, to),
      startupMs: 0,
    };
    window.netiso = api;
    this.showCluster(0);
    requestAnimationFrame(() => {
      api.startupMs = performance.now() - started;
      document.body.dataset.ready = 'true';
    });
  }

  private showCluster(i: number): void {
    const cluster = this.data.clusters[i];
    this.index = new ClusterIndex(cluster);
    this.expanded.clear();
    this.risky = new Set(this.data.risks.filter((r) => r.cluster === cluster.name && r.group !== undefined).map((r) => this.index.groupIndex.get(r.group!) ?? -1).filter((g) => g >= 0));
    this.workspace.replaceChildren(h('option', { value: '', text: 'any' }), ...workspacesOf(this.index).map((w) => h('option', { value: w, text: w })));
    this.filters = { ...this.filters, workspace: '' };
    this.findings.replaceChildren(h('h2', { id: 'findings-h', text: `Lint findings (${cluster.findings.length})` }),
      cluster.findings.length ? h('ul', {}, ...cluster.findings.map((f) => h('li', {},
        h('button', { type: 'button', class: 'link', text: `⚑ [${f.rule}] ${f.subject}`, onclick: () => this.focusGroup(f.groups[0]) }), `: ${f.message}`))) : h('p', { text: 'None.' }));
    this.notes.replaceChildren(h('h2', { text: 'How to read this' }), h('ul', {}, ...cluster.notes.map((n) => h('li', { text: n }))));
    this.apply(true);
    this.matrix.fit();
    this.details.replaceChildren(h('p', { text: 'Click a cell, or move to it with the arrow keys and press Enter, to see its flows and the rules that decided them.' }));
  }

  private set(change: Partial<Filters>): void {
    const recount = change.port !== undefined && change.port !== this.filters.port;
    this.filters = { ...this.filters, ...change };
    this.apply(recount);
  }

  private apply(recount: boolean): void {
    const keep = flowPredicate(this.filters);
    this.portHint.textContent = keep ? '' : 'write a protocol, a port or both, e.g. "tcp 443"';
    if (recount) this.index.count(keep ?? (() => true));
    this.visible = visibleGroups(this.index, keep ? this.filters : { ...this.filters, port: '' });
    this.rows = axisLines(this.visible.rows, this.expanded, this.index);
    this.cols = axisLines(this.visible.cols, this.expanded, this.index);
    this.shown.textContent = `${this.visible.rows.length} × ${this.visible.cols.length} of ${this.index.n} groups, ${this.rows.length} × ${this.cols.length} lines`;
    this.matrix.setLines(this.index, this.rows, this.cols, this.data.kind === 'diff', this.risky);
    if (this.view === 'graph') this.drawGraph();
    const f = this.matrix.focused;
    if (f) this.describe(f.row, f.col);
    else this.status.textContent = 'Nothing matches the filters.';
  }

  private toggle(group: number): void {
    if (this.expanded.has(group)) this.expanded.delete(group);
    else if (this.index.groups[group].members.length) this.expanded.add(group);
    this.details.replaceChildren(groupDetails(this.index, group, this.index.cluster.findings));
    this.apply(false);
  }

  private expandAll(on: boolean): void {
    this.expanded.clear();
    if (on) for (const g of new Set([...this.visible.rows, ...this.visible.cols])) this.expanded.add(g);
    this.apply(false);
    this.matrix.fit();
  }

  private describe(row: Line, col: Line): void {
    const c = this.index.counts(row, col);
    this.status.textContent = `from ${lineLabel(this.index.groups[row.group], row.member)} to ${lineLabel(this.index.groups[col.group], col.member)}: ${countsText(c)}`;
  }

  private showCell(row: Line, col: Line): void {
    this.details.replaceChildren(cellDetails(this.index, row, col, flowPredicate(this.filters) ?? (() => true)));
  }

  private focusGroup(id: string | undefined): void {
    if (id === undefined) return;
    this.search.value = id;
    this.set({ search: id });
    const g = this.index.groupIndex.get(id);
    if (g !== undefined) this.details.replaceChildren(groupDetails(this.index, g, this.index.cluster.findings));
  }

  private setView(view: 'matrix' | 'graph'): void {
    this.view = view;
    this.matrixTab.setAttribute('aria-pressed', String(view === 'matrix'));
    this.graphTab.setAttribute('aria-pressed', String(view === 'graph'));
    this.matrix.element.hidden = view !== 'matrix';
    this.graphBox.hidden = view !== 'graph';
    if (view === 'graph') this.drawGraph();
    else this.matrix.draw();
  }

  private drawGraph(): void {
    const groups = [...new Set([...this.visible.rows, ...this.visible.cols])].sort((a, b) => a - b);
    const filters = flowPredicate(this.filters) ? this.filters : { ...this.filters, port: '' };
    this.graphBox.replaceChildren(renderGraph(this.index, groups, filters, this.data.kind === 'diff', {
      cell: (a, b) => this.showCell({ group: a, member: -1 }, { group: b, member: -1 }),
      group: (g) => this.details.replaceChildren(groupDetails(this.index, g, this.index.cluster.findings)),
    }));
  }

  private risksBlock(): HTMLElement {
    return h('section', { class: 'risks', 'aria-labelledby': 'risks-h' },
      h('h2', { id: 'risks-h', text: `⚠ Risks (${this.data.risks.length})` }),
      h('ul', {}, ...this.data.risks.map((r) => h('li', {},
        h('strong', { text: r.kind }), ': ',
        r.group !== undefined ? h('button', { type: 'button', class: 'link', text: r.message, onclick: () => this.focusGroup(r.group) }) : r.message))));
  }

  private cellCounts(): ReturnType<ExplorerApi['cellCounts']> {
    const out: ReturnType<ExplorerApi['cellCounts']> = [];
    const whole = new ClusterIndex(this.index.cluster);
    for (let a = 0; a < whole.n; a++) {
      for (let b = 0; b < whole.n; b++) {
        if (whole.block(a, b) < 0) continue;
        const c = whole.counts({ group: a, member: -1 }, { group: b, member: -1 });
        out.push({ from: whole.groups[a].id, to: whole.groups[b].id, ...c });
      }
    }
    return out;
  }

  private cellCenter(from: string, to: string): { x: number; y: number } | undefined {
    const a = this.index.groupIndex.get(from);
    const b = this.index.groupIndex.get(to);
    const at = a === undefined || b === undefined ? undefined : this.matrix.find(a, b);
    return at && this.matrix.cellCenter(at.row, at.col);
  }
}

function legend(diff: boolean): HTMLElement {
  const items = [
    ['■', 'all flows allowed (darker blue: more allowed)'],
    ['◣', 'some flows allowed'],
    ['□', 'no flow allowed (grey)'],
    ['blank', 'nothing evaluated'],
    ...(diff ? [['+', 'newly allowed (red)'], ['−', 'newly denied (green)'], ['±', 'both (purple)']] : []),
    ['⚑', 'lint finding'],
    ...(diff ? [['⚠', 'risk']] : []),
  ];
  return h('div', { class: 'legend' },
    h('h2', { text: 'Legend' }),
    h('ul', {}, ...items.map(([sym, text]) => h('li', {}, h('span', { class: 'sym', text: sym }), ` ${text}`))),
    h('p', { class: 'note', text: 'Symbols show from 6 px cells on; zoom in (+) to see them. Keys on the matrix: arrows move, Enter shows flows, E / Shift+E expand the row / column group, + / − zoom, 0 fits.' }));
}

boot();
