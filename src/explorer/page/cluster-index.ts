import { ExplorerCluster, ExplorerGroup, ExplorerPolicy, FlowAnswer, PairAnswer, decodeMatrix, policyIdOf } from '../model';

/** Flow counts of a cell, a block or an answer. */
export interface Counts {
  readonly allowed: number;
  readonly total: number;
  /** Diff: newly allowed flows. */
  readonly plus: number;
  /** Diff: newly denied flows. */
  readonly minus: number;
}

export const NO_FLOWS: Counts = { allowed: 0, total: 0, plus: 0, minus: 0 };

/** One line of an axis: a whole group, or one member of an expanded group. */
export interface Line {
  readonly group: number;
  /** Member index, or -1 for the whole group. */
  readonly member: number;
}

/**
 * A cluster's data decoded for the page: the group matrix, and flow counts per answer, per block
 * and per block row or column, all under a flow predicate (the port filter). Pure: no DOM.
 */
export class ClusterIndex {
  readonly n: number;
  readonly groups: readonly ExplorerGroup[];
  /** Group index by id. */
  readonly groupIndex: ReadonlyMap<string, number>;
  /** Block index of (from, to) at `from * n + to`, -1 where nothing was evaluated. */
  readonly matrix: Int32Array;
  readonly policies: ReadonlyMap<string, ExplorerPolicy>;
  /** Groups that some lint finding concerns. */
  readonly flagged: ReadonlySet<number>;
  private answerCounts: Counts[] = [];
  private blockCounts: Counts[] = [];
  private readonly rowCounts = new Map<number, Counts[]>();
  private readonly colCounts = new Map<number, Counts[]>();

  constructor(readonly cluster: ExplorerCluster) {
    this.n = cluster.groups.length;
    this.groups = cluster.groups;
    this.groupIndex = new Map(cluster.groups.map((g, i) => [g.id, i]));
    this.matrix = decodeMatrix(cluster);
    this.policies = new Map(cluster.policies.map((p) => [p.id, p]));
    this.flagged = new Set(cluster.findings.flatMap((f) => f.groups.map((g) => this.groupIndex.get(g) ?? -1)).filter((i) => i >= 0));
    this.count(() => true);
  }

  /** Recounts every answer and block with only the flows `keep` accepts (e.g. one port). */
  count(keep: (flow: FlowAnswer) => boolean): void {
    this.answerCounts = this.cluster.answers.map((a) => countFlows(a.flows.filter(keep)));
    this.blockCounts = this.cluster.blocks.map((b) => sum(b.pairs.flatMap((row) => row.map((a) => this.answerOf(a)))));
    this.rowCounts.clear();
    this.colCounts.clear();
  }

  block(from: number, to: number): number {
    return this.matrix[from * this.n + to];
  }

  /** Counts of one answer index (-1: none). */
  answerOf(answer: number): Counts {
    return answer < 0 ? NO_FLOWS : this.answerCounts[answer];
  }

  /** Counts of a cell between two lines. */
  counts(row: Line, col: Line): Counts {
    const b = this.block(row.group, col.group);
    if (b < 0) return NO_FLOWS;
    if (row.member < 0 && col.member < 0) return this.blockCounts[b];
    const pairs = this.cluster.blocks[b].pairs;
    if (row.member >= 0 && col.member >= 0) return this.answerOf(pairs[row.member][col.member]);
    // One side expanded: a member's row (or column) across the other whole group, memoised per block.
    if (row.member >= 0) return memo(this.rowCounts, b, row.member, () => sum(pairs[row.member].map((a) => this.answerOf(a))));
    return memo(this.colCounts, b, col.member, () => sum(pairs.map((r) => this.answerOf(r[col.member]))));
  }

  /** The answers of a cell between two lines, as (source member, destination member, answer). */
  answers(row: Line, col: Line): { from: number; to: number; answer: PairAnswer }[] {
    const b = this.block(row.group, col.group);
    if (b < 0) return [];
    const pairs = this.cluster.blocks[b].pairs;
    const out: { from: number; to: number; answer: PairAnswer }[] = [];
    const rows = row.member >= 0 ? [row.member] : pairs.map((_, i) => i);
    const cols = col.member >= 0 ? [col.member] : this.groups[col.group].members.map((_, j) => j);
    for (const i of rows) {
      for (const j of cols) {
        const a = pairs[i][j];
        if (a >= 0) out.push({ from: i, to: j, answer: this.cluster.answers[a] });
      }
    }
    return out;
  }

  /** The id a side's reference names: a NetworkPolicy's `name` within the namespace of `group`, or another API's full id. */
  policyId(group: number, name: string): string {
    return policyIdOf(name, this.groups[group].namespace) ?? name;
  }

  /** The policy a side's reference names (see {@link ClusterIndex.policyId}). */
  policy(group: number, name: string): ExplorerPolicy | undefined {
    return this.policies.get(this.policyId(group, name));
  }
}

function memo(cache: Map<number, Counts[]>, block: number, member: number, compute: () => Counts): Counts {
  let list = cache.get(block);
  if (!list) cache.set(block, list = []);
  return list[member] ??= compute();
}

function countFlows(flows: readonly FlowAnswer[]): Counts {
  let allowed = 0;
  let plus = 0;
  let minus = 0;
  for (const f of flows) {
    if (f.allowed) allowed++;
    if (f.change === 'allowed') plus++;
    else if (f.change === 'denied') minus++;
  }
  return { allowed, total: flows.length, plus, minus };
}

function sum(counts: readonly Counts[]): Counts {
  let allowed = 0;
  let total = 0;
  let plus = 0;
  let minus = 0;
  for (const c of counts) {
    allowed += c.allowed;
    total += c.total;
    plus += c.plus;
    minus += c.minus;
  }
  return { allowed, total, plus, minus };
}
