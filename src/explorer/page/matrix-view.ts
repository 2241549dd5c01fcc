import { ClusterIndex, Line } from './cluster-index';
import { h } from './dom';
import { cellRgb, changeMark, levelOf, lineLabel, rgbCss } from './words';

/** What the matrix tells the rest of the page. */
export interface MatrixEvents {
  /** The focused cell moved (keyboard, click): describe it. */
  focus(row: Line, col: Line): void;
  /** Enter, Space or a click on a cell: show its flows. */
  activate(row: Line, col: Line): void;
  /** A row or column name was clicked, or E pressed: show the group and expand or collapse it. */
  toggle(group: number): void;
}

/** Pixel sizes of a line, from the whole cluster at a glance to readable workload cells. */
export const ZOOMS = [1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32];
const LEFT = 230;
const TOP = 150;
/** Below this, cells are painted pixel by pixel and carry no symbols. */
const SHAPES_FROM = 6;
const LABELS_FROM = 10;

/**
 * The matrix on a canvas: rendering 5,000 × 5,000 cells as DOM elements is out of the question,
 * so only the visible window is painted, on every scroll. A transparent scroller on top supplies
 * native scrolling, focus and pointer events; keyboard focus moves a cell cursor, and a live
 * region (owned by the page) reads out the focused cell.
 */
export class MatrixView {
  readonly element: HTMLElement;
  readonly scroller: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly spacer: HTMLElement;
  private index?: ClusterIndex;
  private rows: Line[] = [];
  private cols: Line[] = [];
  private risky = new Set<number>();
  private expanded = new Set<number>();
  private diff = false;
  private size = 12;
  private focusRow = 0;
  private focusCol = 0;
  private hover?: { row: number; col: number };
  private pending = false;

  constructor(private readonly events: MatrixEvents) {
    this.canvas = h('canvas', { 'aria-hidden': 'true' });
    this.spacer = h('div', { class: 'spacer' });
    this.scroller = h('div', {
      class: 'scroller',
      tabindex: 0,
      role: 'application',
      'aria-roledescription': 'reachability matrix',
      'aria-label': 'Reachability matrix: rows are sources, columns are destinations. Arrow keys move between cells, Enter shows the flows of a cell, E expands the row\'s group into workloads, Shift+E the column\'s, plus and minus zoom.',
    }, this.spacer);
    this.element = h('div', { class: 'matrix' }, this.canvas, this.scroller);
    this.scroller.addEventListener('scroll', () => this.draw());
    this.scroller.addEventListener('keydown', (e) => this.key(e));
    this.scroller.addEventListener('click', (e) => this.click(e));
    this.scroller.addEventListener('mousemove', (e) => {
      const hit = this.hit(e);
      this.hover = hit && hit.row >= 0 && hit.col >= 0 ? hit : undefined;
      this.draw();
    });
    this.scroller.addEventListener('mouseleave', () => {
      this.hover = undefined;
      this.draw();
    });
    this.scroller.addEventListener('wheel', (e) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      this.zoom(e.deltaY < 0 ? 1 : -1);
    }, { passive: false });
    new ResizeObserver(() => this.draw()).observe(this.element);
  }

  /** Shows new axes; keeps the focus on the same lines when they are still there. */
  setLines(index: ClusterIndex, rows: Line[], cols: Line[], diff: boolean, risky: ReadonlySet<number>): void {
    const keep = (lines: Line[], old: Line | undefined): number => {
      const at = old ? lines.findIndex((l) => l.group === old.group && l.member === old.member) : -1;
      return at >= 0 ? at : 0;
    };
    const oldRow = this.index === index ? this.rows[this.focusRow] : undefined;
    const oldCol = this.index === index ? this.cols[this.focusCol] : undefined;
    this.index = index;
    this.rows = rows;
    this.cols = cols;
    this.diff = diff;
    this.risky = new Set(risky);
    this.expanded = new Set([...rows, ...cols].filter((l) => l.member >= 0).map((l) => l.group));
    this.focusRow = keep(rows, oldRow);
    this.focusCol = keep(cols, oldCol);
    this.hover = undefined;
    this.resize();
  }

  /** The largest zoom that shows every column (at least 1 px, at most 24 px). */
  fit(): void {
    const width = Math.max(100, this.element.clientWidth - LEFT - 16);
    const height = Math.max(100, this.element.clientHeight - TOP - 16);
    const fits = Math.min(width / Math.max(1, this.cols.length), height / Math.max(1, this.rows.length));
    this.size = [...ZOOMS].reverse().find((z) => z <= Math.min(24, fits)) ?? 1;
    this.resize();
  }

  /** Steps the zoom in (+1) or out (-1), keeping the focused cell in view. */
  zoom(step: number): void {
    const i = ZOOMS.indexOf(this.size) + step;
    if (i < 0 || i >= ZOOMS.length) return;
    this.size = ZOOMS[i];
    this.resize();
    this.reveal();
  }

  get zoomLevel(): number {
    return this.size;
  }

  get focused(): { row: Line; col: Line } | undefined {
    const row = this.rows[this.focusRow];
    const col = this.cols[this.focusCol];
    return row && col ? { row, col } : undefined;
  }

  /** Moves the focus to a cell (by line index) and scrolls it into view. */
  focusCell(row: number, col: number): void {
    this.focusRow = Math.max(0, Math.min(this.rows.length - 1, row));
    this.focusCol = Math.max(0, Math.min(this.cols.length - 1, col));
    this.reveal();
    this.draw();
    const f = this.focused;
    if (f) this.events.focus(f.row, f.col);
  }

  /** Line indices of two groups' collapsed lines, or undefined when either is not shown. */
  find(fromGroup: number, toGroup: number): { row: number; col: number } | undefined {
    const row = this.rows.findIndex((l) => l.group === fromGroup && l.member < 0);
    const col = this.cols.findIndex((l) => l.group === toGroup && l.member < 0);
    return row >= 0 && col >= 0 ? { row, col } : undefined;
  }

  /** The centre of a cell in client coordinates, scrolled into view first. */
  cellCenter(row: number, col: number): { x: number; y: number } {
    this.focusRow = row;
    this.focusCol = col;
    this.reveal();
    this.paint();
    const r = this.scroller.getBoundingClientRect();
    return {
      x: r.left + LEFT + col * this.size - this.scroller.scrollLeft + this.size / 2,
      y: r.top + TOP + row * this.size - this.scroller.scrollTop + this.size / 2,
    };
  }

  /** Repaints on the next frame (many events may ask for one frame). */
  draw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.paint();
    });
  }

  private resize(): void {
    this.spacer.style.width = `${LEFT + this.cols.length * this.size}px`;
    this.spacer.style.height = `${TOP + this.rows.length * this.size}px`;
    this.draw();
  }

  private reveal(): void {
    const s = this.size;
    const sc = this.scroller;
    const viewW = sc.clientWidth - LEFT;
    const viewH = sc.clientHeight - TOP;
    const x = this.focusCol * s;
    const y = this.focusRow * s;
    if (x < sc.scrollLeft) sc.scrollLeft = x;
    else if (x + s > sc.scrollLeft + viewW) sc.scrollLeft = x + s - viewW;
    if (y < sc.scrollTop) sc.scrollTop = y;
    else if (y + s > sc.scrollTop + viewH) sc.scrollTop = y + s - viewH;
  }

  /** The line indices under a pointer event; -1 on an axis for the label gutters. */
  private hit(e: MouseEvent): { row: number; col: number } | undefined {
    const r = this.scroller.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const row = y < TOP ? -1 : Math.floor((y - TOP + this.scroller.scrollTop) / this.size);
    const col = x < LEFT ? -1 : Math.floor((x - LEFT + this.scroller.scrollLeft) / this.size);
    if (row >= this.rows.length || col >= this.cols.length || (row < 0 && col < 0)) return undefined;
    return { row, col };
  }

  private click(e: MouseEvent): void {
    const hit = this.hit(e);
    if (!hit) return;
    if (hit.col < 0) return this.events.toggle(this.rows[hit.row].group);
    if (hit.row < 0) return this.events.toggle(this.cols[hit.col].group);
    this.focusCell(hit.row, hit.col);
    const f = this.focused;
    if (f) this.events.activate(f.row, f.col);
  }

  private key(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor((this.scroller.clientHeight - TOP) / this.size) - 1);
    const pageCols = Math.max(1, Math.floor((this.scroller.clientWidth - LEFT) / this.size) - 1);
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
      PageUp: [-page, 0], PageDown: [page, 0],
    };
    const f = this.focused;
    if (moves[e.key] && !e.ctrlKey && !e.altKey && !e.metaKey) {
      const [dr, dc] = e.shiftKey && e.key.startsWith('Arrow') ? [moves[e.key][0] * page, moves[e.key][1] * pageCols] : moves[e.key];
      this.focusCell(this.focusRow + dr, this.focusCol + dc);
    } else if (e.key === 'Home') {
      this.focusCell(e.ctrlKey ? 0 : this.focusRow, 0);
    } else if (e.key === 'End') {
      this.focusCell(e.ctrlKey ? this.rows.length - 1 : this.focusRow, this.cols.length - 1);
    } else if ((e.key === 'Enter' || e.key === ' ') && f) {
      this.events.activate(f.row, f.col);
    } else if ((e.key === 'e' || e.key === 'E') && f) {
      this.events.toggle(e.shiftKey ? f.col.group : f.row.group);
    } else if (e.key === '+' || e.key === '=') {
      this.zoom(1);
    } else if (e.key === '-') {
      this.zoom(-1);
    } else if (e.key === '0') {
      this.fit();
    } else {
      return;
    }
    e.preventDefault();
  }

  private paint(): void {
    const index = this.index;
    const w = this.element.clientWidth;
    const hgt = this.element.clientHeight;
    if (!index || w === 0 || hgt === 0) return;
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(hgt * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(hgt * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${hgt}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, hgt);
    const s = this.size;
    const sx = this.scroller.scrollLeft;
    const sy = this.scroller.scrollTop;
    const c0 = Math.floor(sx / s);
    const c1 = Math.min(this.cols.length, Math.ceil((sx + w - LEFT) / s));
    const r0 = Math.floor(sy / s);
    const r1 = Math.min(this.rows.length, Math.ceil((sy + hgt - TOP) / s));
    const x = (c: number) => LEFT + c * s - sx;
    const y = (r: number) => TOP + r * s - sy;

    if (s < SHAPES_FROM) this.paintPixels(ctx, index, dpr, r0, r1, c0, c1, w, hgt);
    else this.paintShapes(ctx, index, r0, r1, c0, c1, x, y);
    this.paintSeparators(ctx, index, r0, r1, c0, c1, x, y, w, hgt);
    this.paintLabels(ctx, index, r0, r1, c0, c1, x, y, w, hgt);

    const f = this.focused;
    if (f && this.focusRow >= r0 && this.focusRow < r1 && this.focusCol >= c0 && this.focusCol < c1) {
      const fx = x(this.focusCol);
      const fy = y(this.focusRow);
      const pad = Math.max(2, 4 - s);
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#000';
      ctx.strokeRect(fx - pad, fy - pad, s + 2 * pad, s + 2 * pad);
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#fff';
      ctx.strokeRect(fx - pad + 2, fy - pad + 2, s + 2 * pad - 4, s + 2 * pad - 4);
    }
  }

  private paintPixels(ctx: CanvasRenderingContext2D, index: ClusterIndex, dpr: number, r0: number, r1: number, c0: number, c1: number, w: number, hgt: number): void {
    const pw = Math.round((w - LEFT) * dpr);
    const ph = Math.round((hgt - TOP) * dpr);
    if (pw <= 0 || ph <= 0) return;
    const image = ctx.createImageData(pw, ph);
    const px = new Uint32Array(image.data.buffer);
    px.fill(0xffffffff);
    const s = this.size * dpr;
    const sx = this.scroller.scrollLeft * dpr;
    const sy = this.scroller.scrollTop * dpr;
    for (let r = r0; r < r1; r++) {
      const y0 = Math.max(0, Math.round(r * s - sy));
      const y1 = Math.min(ph, Math.round((r + 1) * s - sy));
      for (let c = c0; c < c1; c++) {
        const counts = index.counts(this.rows[r], this.cols[c]);
        if (counts.total === 0) continue;
        const [red, green, blue] = cellRgb(counts, this.diff);
        const colour = (0xff << 24) | (blue << 16) | (green << 8) | red;
        const x0 = Math.max(0, Math.round(c * s - sx));
        const x1 = Math.min(pw, Math.round((c + 1) * s - sx));
        for (let yy = y0; yy < y1; yy++) px.fill(colour, yy * pw + x0, yy * pw + x1);
      }
    }
    ctx.putImageData(image, Math.round(LEFT * dpr), Math.round(TOP * dpr));
  }

  private paintShapes(ctx: CanvasRenderingContext2D, index: ClusterIndex, r0: number, r1: number, c0: number, c1: number, x: (c: number) => number, y: (r: number) => number): void {
    const s = this.size;
    const inner = s - 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(LEFT, TOP, this.element.clientWidth - LEFT, this.element.clientHeight - TOP);
    ctx.clip();
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.font = `bold ${Math.min(14, s - 2)}px sans-serif`;
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        const counts = index.counts(this.rows[r], this.cols[c]);
        const level = levelOf(counts);
        if (level === 'empty') continue;
        const cx = x(c);
        const cy = y(r);
        const colour = rgbCss(cellRgb(counts, this.diff));
        const mark = this.diff ? changeMark(counts) : '';
        // The shape says what the colour says: full square all allowed, lower-left triangle partly, empty none.
        ctx.fillStyle = level === 'all' || mark ? colour : '#e8e8e8';
        ctx.fillRect(cx, cy, inner, inner);
        if (level === 'partly' && !mark) {
          ctx.fillStyle = colour;
          ctx.beginPath();
          ctx.moveTo(cx, cy);
          ctx.lineTo(cx, cy + inner);
          ctx.lineTo(cx + inner, cy + inner);
          ctx.closePath();
          ctx.fill();
        } else if (level === 'none' && !mark && s >= 10) {
          ctx.strokeStyle = '#9a9a9a';
          ctx.lineWidth = 1;
          ctx.strokeRect(cx + 2.5, cy + 2.5, inner - 5, inner - 5);
        }
        if (mark && s >= 10) {
          ctx.fillStyle = '#fff';
          ctx.fillText(mark, cx + inner / 2, cy + inner / 2 + 1);
        }
      }
    }
    ctx.restore();
  }

  /** Lines between workspaces (and around expanded groups), so the grouping shows at any zoom. */
  private paintSeparators(ctx: CanvasRenderingContext2D, index: ClusterIndex, r0: number, r1: number, c0: number, c1: number, x: (c: number) => number, y: (r: number) => number, w: number, hgt: number): void {
    const boundary = (lines: Line[], i: number): number => {
      if (i === 0) return 0;
      const a = index.groups[lines[i - 1].group];
      const b = index.groups[lines[i].group];
      if ((a.workspace ?? a.kind) !== (b.workspace ?? b.kind)) return 2;
      return lines[i].member < 0 && (lines[i - 1].member >= 0 || index.groups[lines[i].group].members.length > 0 && lines[i + 1]?.member === 0) ? 1 : 0;
    };
    ctx.save();
    ctx.strokeStyle = '#555';
    for (let r = Math.max(1, r0); r < r1; r++) {
      const b = boundary(this.rows, r);
      if (!b) continue;
      ctx.lineWidth = b;
      ctx.beginPath();
      ctx.moveTo(0, y(r) - 0.5);
      ctx.lineTo(w, y(r) - 0.5);
      ctx.stroke();
    }
    for (let c = Math.max(1, c0); c < c1; c++) {
      const b = boundary(this.cols, c);
      if (!b) continue;
      ctx.lineWidth = b;
      ctx.beginPath();
      ctx.moveTo(x(c) - 0.5, 0);
      ctx.lineTo(x(c) - 0.5, hgt);
      ctx.stroke();
    }
    ctx.restore();
  }

  private paintLabels(ctx: CanvasRenderingContext2D, index: ClusterIndex, r0: number, r1: number, c0: number, c1: number, x: (c: number) => number, y: (r: number) => number, w: number, hgt: number): void {
    const s = this.size;
    ctx.save();
    ctx.fillStyle = '#fafafa';
    ctx.fillRect(0, 0, LEFT, hgt);
    ctx.fillRect(0, 0, w, TOP);
    ctx.strokeStyle = '#bbb';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(LEFT - 0.5, 0);
    ctx.lineTo(LEFT - 0.5, hgt);
    ctx.moveTo(0, TOP - 0.5);
    ctx.lineTo(w, TOP - 0.5);
    ctx.stroke();
    ctx.fillStyle = '#333';
    ctx.font = '12px sans-serif';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText('from ↓  to →', 8, TOP - 8);
    const label = (line: Line): string => {
      const g = index.groups[line.group];
      if (line.member >= 0) return `   ${g.members[line.member].name}`;
      const flags = `${this.risky.has(line.group) ? '⚠ ' : ''}${index.flagged.has(line.group) ? '⚑ ' : ''}`;
      const arrow = g.members.length === 0 ? '  ' : this.expanded.has(line.group) ? '▾ ' : '▸ ';
      return `${arrow}${flags}${lineLabel(g, -1)}`;
    };
    const fit = (text: string, max: number): string => {
      if (ctx.measureText(text).width <= max) return text;
      let t = text;
      while (t.length > 1 && ctx.measureText(`${t}…`).width > max) t = t.slice(0, -1);
      return `${t}…`;
    };
    const rowLabel = (r: number, bold: boolean) => {
      ctx.font = `${bold ? 'bold ' : ''}${Math.max(10, Math.min(12, s - 1))}px sans-serif`;
      ctx.textBaseline = 'middle';
      ctx.fillText(fit(label(this.rows[r]), LEFT - 12), 6, y(r) + s / 2);
    };
    const colLabel = (c: number, bold: boolean) => {
      ctx.save();
      ctx.font = `${bold ? 'bold ' : ''}${Math.max(10, Math.min(12, s - 1))}px sans-serif`;
      ctx.translate(x(c) + s / 2, TOP - 6);
      ctx.rotate(-Math.PI / 2);
      ctx.textBaseline = 'middle';
      ctx.fillText(fit(label(this.cols[c]), TOP - 12), 0, 0);
      ctx.restore();
    };
    ctx.beginPath();
    ctx.rect(0, TOP, LEFT, hgt - TOP);
    ctx.clip();
    if (s >= LABELS_FROM) for (let r = r0; r < r1; r++) rowLabel(r, r === this.focusRow);
    ctx.restore();
    ctx.save();
    ctx.fillStyle = '#333';
    ctx.beginPath();
    ctx.rect(LEFT, 0, w - LEFT, TOP);
    ctx.clip();
    if (s >= LABELS_FROM) for (let c = c0; c < c1; c++) colLabel(c, c === this.focusCol);
    ctx.restore();
    // Small cells have no room for names: the focused and the hovered lines are named over the gutter.
    if (s < LABELS_FROM) {
      const marks = [{ row: this.focusRow, col: this.focusCol }, ...(this.hover ? [this.hover] : [])];
      ctx.save();
      for (const m of marks) {
        if (m.row >= r0 && m.row < r1) {
          ctx.fillStyle = '#fff8c5';
          ctx.fillRect(0, y(m.row) + s / 2 - 8, LEFT - 1, 16);
          ctx.fillStyle = '#000';
          rowLabel(m.row, true);
        }
        if (m.col >= c0 && m.col < c1) {
          ctx.fillStyle = '#fff8c5';
          ctx.fillRect(x(m.col) + s / 2 - 8, 0, 16, TOP - 1);
          ctx.fillStyle = '#000';
          colLabel(m.col, true);
        }
      }
      ctx.restore();
    }
  }
}
