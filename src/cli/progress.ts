/** Where progress is drawn: `process.stderr`, or a double in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(chunk: string): boolean;
}

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Nothing is drawn until the run has taken this long, so quick runs print only their summary. @default 1000 */
  readonly delayMs?: number;
  /** Least time between two redraws; redrawing per project would cost more than the work. @default 100 */
  readonly intervalMs?: number;
  /** Milliseconds since some fixed point. @default performance.now */
  readonly now?: () => number;
}

/**
 * A single status line (`synthesizing 1200/5000 projects, 2.4 s`) redrawn in place. It draws only
 * on a terminal, so logs and pipes get nothing but the summary.
 */
export class Progress {
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(private readonly stream: ProgressStream, options: ProgressOptions = {}) {
    this.delayMs = options.delayMs ?? 1000;
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** Reports that `done` of `total` units are through `phase`, e.g. `update('synthesizing', 12, 50, 'projects')`. */
  public update(phase: string, done: number, total: number, unit: string): void {
    if (!this.stream.isTTY) return;
    const now = this.now();
    const elapsed = now - this.started;
    if (elapsed < this.delayMs || now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    this.drawn = true;
    // \r returns to the line start, ESC[K erases what a longer previous line left behind.
    this.stream.write(`\r${phase} ${done}/${total} ${unit}, ${(elapsed / 1000).toFixed(1)} s\x1b[K`);
  }

  /** Erases the status line, so that what follows starts on a clean line. */
  public clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
