/**
 * The data contract between netiso's analyses and the HTML reachability explorer
 * (`netiso explain --format html`, `netiso diff --format html`).
 *
 * Plain JSON, embedded in the page as it is. The page knows nothing of how the data was computed:
 * any producer that fills these shapes (see {@link ClusterBuilder}) gets the same explorer.
 *
 * Shape: clusters → groups (the matrix axis: projects grouped by workspace, other namespaces,
 * external addresses, nodes) → members (workloads, addresses, nodes). A cell joins two groups; it
 * points at a {@link Block}, which holds one {@link PairAnswer} per member pair; an answer lists
 * the flows of that pair (one per protocol/port) with the deciding rules on both sides.
 *
 * Size: a 1,000-project cluster has a million group pairs and 25 million workload pairs, but few
 * distinct answers. Rule references are therefore relative (a policy is named within the
 * namespace of the side it decides for: egress rules live in the source's namespace, ingress rules
 * in the destination's), so the answer "web → db on TCP 5432, allowed by netiso-to-db rule 0 and
 * netiso-from-web rule 0" is stored once for every project pair it holds for; answers and blocks
 * are deduplicated and the group matrix is run-length encoded.
 *
 * This module is bundled into the page, so it must not import Node.js or other netiso modules.
 */

/** Identifies the format; bump on an incompatible change. */
export const EXPLORER_SCHEMA = 'netiso-explorer/1';

/** Everything one explorer page shows. */
export interface ExplorerData {
  readonly schema: typeof EXPLORER_SCHEMA;
  /** `explain`: reachability as it is; `diff`: what a change does, changed cells marked. */
  readonly kind: 'explain' | 'diff';
  /** Page title, e.g. `netiso explain: cluster demo`. */
  readonly title: string;
  /** One line under the title, e.g. the diff's summary or what was analysed. */
  readonly subtitle: string;
  readonly clusters: readonly ExplorerCluster[];
  /** Diff: the changes a reviewer must look at first, in display order. Explain: empty. */
  readonly risks: readonly ExplorerRisk[];
}

/** A change a reviewer must not miss (see `netiso diff`'s risk flags). */
export interface ExplorerRisk {
  /** e.g. `external-ingress`, `cross-workspace`. */
  readonly kind: string;
  readonly cluster: string;
  /** Id of the group concerned, when it is on the matrix axis. */
  readonly group?: string;
  readonly message: string;
}

/** One cluster: its matrix, the policies its flows cite, and lint findings. */
export interface ExplorerCluster {
  readonly name: string;
  /** The matrix axis, rows and columns alike, in display order. */
  readonly groups: readonly ExplorerGroup[];
  /** Policies that rule references and isolation lists name, sorted by id. */
  readonly policies: readonly ExplorerPolicy[];
  /** Distinct member-pair answers; {@link Block.pairs} index into it. */
  readonly answers: readonly PairAnswer[];
  /** Distinct group-pair blocks; {@link ExplorerCluster.matrix} indexes into it. */
  readonly blocks: readonly Block[];
  /**
   * Row `i` (source group `i`), run-length encoded as pairs `[block, count, block, count, …]`
   * covering every destination group in order; block `-1` means nothing was evaluated for the
   * pair. See {@link encodeRow} / {@link decodeRow}.
   */
  readonly matrix: readonly (readonly number[])[];
  readonly findings: readonly ExplorerFinding[];
  /** Plain sentences on how the flows were computed and what they leave out. */
  readonly notes: readonly string[];
}

/** What a group is; decides its place on the axis and the "only external" filter. */
export type GroupKind = 'project' | 'namespace' | 'external' | 'nodes';

/** One line of the collapsed matrix. */
export interface ExplorerGroup {
  /** Unique in the cluster, e.g. `demo-project`, `external 192.168.1.1/32`, `nodes`. */
  readonly id: string;
  readonly kind: GroupKind;
  /** `kubesphere.io/workspace` of a namespace; absent when it has none (or for addresses). */
  readonly workspace?: string;
  /** Namespace of the members' pods (`project` / `namespace` groups): relative rule references resolve there. */
  readonly namespace?: string;
  /** Isolation mode of a project, e.g. `project`, `workspace`, `none`. */
  readonly isolation?: string;
  readonly members: readonly ExplorerMember[];
  /** Plain lines shown when the group is selected: a project's summary, a diff's object changes. */
  readonly details: readonly string[];
}

/** A workload, an external address or a node: one line of the expanded matrix. */
export interface ExplorerMember {
  /** Unique in its group, e.g. `nginx`, `192.168.1.1/32`, `all pods`. */
  readonly name: string;
  /** Ports it was probed on as a destination, e.g. `TCP 80`. */
  readonly ports: readonly string[];
}

/** One version of a NetworkPolicy, in words. */
export interface PolicyVersion {
  /** Which pods it applies to, e.g. `any pod in namespace demo-project`. */
  readonly target: string;
  /** Ingress rules by index; absent when the policy does not restrict ingress, empty for deny-all. */
  readonly ingress?: readonly ExplorerRule[];
  /** Egress rules, as {@link PolicyVersion.ingress}. */
  readonly egress?: readonly ExplorerRule[];
  /** The definition entry that produced it. */
  readonly source?: DefinitionSource;
}

/** A NetworkPolicy that flows cite. */
export interface ExplorerPolicy extends PolicyVersion {
  /** `namespace/name`. */
  readonly id: string;
  /** Diff: whether the change added, removed or changed it; a removed policy is described as it was. */
  readonly change?: 'added' | 'removed' | 'changed';
  /** Diff: the policy before a change; the rules a newly denied flow cites refer to this version. */
  readonly before?: PolicyVersion;
}

/** One rule of a policy. */
export interface ExplorerRule {
  /** e.g. `rule 0: from any pod in namespace demo-project-2; on all ports`. */
  readonly text: string;
  /** 1-based line of the rule in the source file, when the policy came from a manifest. */
  readonly line?: number;
}

/** Where a policy comes from: a construct of the definitions, or a manifest file. */
export interface DefinitionSource {
  /** Construct path, e.g. `demo/demo-project/from-client`. */
  readonly construct?: string;
  /** File, e.g. `projects/demo.ts` or `dist/demo/demo-project/NetworkPolicy.netiso-from-client.k8s.yaml`. */
  readonly file?: string;
}

/** A group pair: `pairs[i][j]` is the answer for source member `i` to destination member `j`, `-1` when not evaluated (e.g. a member and itself). */
export interface Block {
  readonly pairs: readonly (readonly number[])[];
}

/** Every flow evaluated between two members. */
export interface PairAnswer {
  readonly flows: readonly FlowAnswer[];
}

/** How one side treated a flow. */
export type SideVerdict =
  /** Isolated, and the listed rules allowed it. */
  | 'allowed'
  /** Isolated by `isolatedBy`, and none of their rules allowed it. */
  | 'denied'
  /** A pod no policy selects for this direction: everything is allowed. */
  | 'open'
  /** Not a pod (an address or a node): NetworkPolicy does not restrict it. */
  | 'unrestricted'
  /** The producer has no verdict for this side (a diff reports the side that changed). */
  | 'unknown';

/** A rule, named within the namespace of the side it decided for. */
export interface RuleRef {
  /**
   * A NetworkPolicy's name (no namespace), or the full id of a policy of another API, which has a
   * space (`ClusterNetworkPolicy netiso.system`, `CiliumNetworkPolicy shop/netiso-isolation`);
   * see {@link policyIdOf}.
   */
  readonly policy: string;
  readonly index: number;
  /** The rule's own name, where its API has one. */
  readonly name?: string;
  /** The tier of a policy that is not a NetworkPolicy, e.g. `admin`, `baseline`. */
  readonly tier?: string;
  /** `deny` or `pass` for rules of APIs that have them; absent for allow. */
  readonly action?: 'deny' | 'pass';
}

/** The policy id a {@link RuleRef} or an isolating policy names, for a side whose pods live in `namespace`. */
export function policyIdOf(policy: string, namespace: string | undefined): string | undefined {
  if (policy.includes(' ')) return policy;
  return namespace === undefined ? undefined : `${namespace}/${policy}`;
}

/** One side of a flow: the source's egress or the destination's ingress. */
export interface SideAnswer {
  readonly verdict: SideVerdict;
  /**
   * The rules that allowed it (`allowed`), or that denied it (`denied` by a Deny rule of a
   * guardrail). For a diff's newly denied flow, the rules that allowed it before, in
   * {@link ExplorerPolicy.before} when the policy changed.
   */
  readonly rules: readonly RuleRef[];
  /** `denied`: the policies (named as {@link RuleRef.policy}) that isolate the pod; none of their rules matched. */
  readonly isolatedBy: readonly string[];
}

/** A set of connections between two members with one verdict and one reason per side. */
export interface FlowAnswer {
  /**
   * The connections, as np-guard prints them (`TCP 80,443,UDP 53`, `All Connections`), or
   * everything but a set (`all but TCP 80`); see {@link connsOfText}.
   */
  readonly port: string;
  readonly allowed: boolean;
  readonly egress: SideAnswer;
  readonly ingress: SideAnswer;
  /** Diff: `allowed` newly allowed, `denied` newly denied; absent when unchanged. */
  readonly change?: 'allowed' | 'denied';
  /** Plain words beyond the sides, e.g. why a flow is allowed whatever the policies say. */
  readonly reason?: string;
}

/** A lint finding, tied to the groups it is about. */
export interface ExplorerFinding {
  readonly rule: string;
  readonly subject: string;
  readonly message: string;
  /** Ids of the groups it concerns, for the "lint findings" filter. */
  readonly groups: readonly string[];
}

/** The connections a flow's port text names (see {@link FlowAnswer.port}). */
export interface ConnsText {
  /** True for `All Connections` and `all but …`: every connection except `ranges`. */
  readonly negated: boolean;
  /** Port ranges by protocol (`TCP`, `UDP`, `SCTP`). */
  readonly ranges: Readonly<Record<string, readonly (readonly [number, number])[]>>;
}

/**
 * Reads a flow's port text: `All Connections`, `No Connections`, np-guard's `TCP 80,443,UDP 53`
 * (a number without a protocol continues the previous one), or `all but ` and such a set; also
 * the diff's words `all ports`, `any UDP port`, `TCP 80, 443`. Undefined for other text (a named
 * port, `TCP port "redis"`, has no number to read).
 */
export function connsOfText(text: string): ConnsText | undefined {
  const t = text.trim();
  if (t === 'All Connections' || t === 'all ports') return { negated: true, ranges: {} };
  if (t === 'No Connections') return { negated: false, ranges: {} };
  const negated = t.startsWith('all but ');
  const body = negated ? t.slice('all but '.length) : t;
  const ranges: Record<string, [number, number][]> = {};
  let protocol: string | undefined;
  for (const item of body.split(',')) {
    const any = item.trim().match(/^any (TCP|UDP|SCTP) port$/);
    if (any) {
      (ranges[any[1]] ??= []).push([1, 65535]);
      continue;
    }
    const m = item.trim().match(/^(?:(TCP|UDP|SCTP) )?(\d+)(?:-(\d+))?$/);
    if (!m) return undefined;
    protocol = m[1] ?? protocol;
    if (protocol === undefined) return undefined;
    (ranges[protocol] ??= []).push([Number(m[2]), Number(m[3] ?? m[2])]);
  }
  return { negated, ranges };
}

/** Run-length encodes one matrix row of block indices (`-1` for none). */
export function encodeRow(row: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < row.length; i++) {
    const last = out.length - 2;
    if (last >= 0 && out[last] === row[i]) out[last + 1]++;
    else out.push(row[i], 1);
  }
  return out;
}

/**
 * Decodes a row of {@link ExplorerCluster.matrix} into `into` at `offset`.
 * @throws Error when the row does not cover exactly `length` groups.
 */
export function decodeRow(encoded: readonly number[], length: number, into: Int32Array = new Int32Array(length), offset = 0): Int32Array {
  let at = 0;
  for (let k = 0; k + 1 < encoded.length; k += 2) {
    into.fill(encoded[k], offset + at, offset + at + encoded[k + 1]);
    at += encoded[k + 1];
  }
  if (at !== length || encoded.length % 2 !== 0) throw new Error(`matrix row covers ${at} groups, expected ${length}`);
  return into;
}

/** The group matrix of a cluster, decoded: `blockAt(from, to)`, `-1` where nothing was evaluated. */
export function decodeMatrix(cluster: ExplorerCluster): Int32Array {
  const n = cluster.groups.length;
  const out = new Int32Array(n * n);
  cluster.matrix.forEach((row, i) => decodeRow(row, n, out, i * n));
  return out;
}

/** A closed side: `open`, `unrestricted` or `unknown` (no rules, no isolating policies). */
export function side(verdict: Exclude<SideVerdict, 'allowed' | 'denied'>): SideAnswer {
  return { verdict, rules: [], isolatedBy: [] };
}

// Cell keys are `from * STRIDE + to`: groups may be added until build, so the stride is fixed.
const STRIDE = 2 ** 20;

/**
 * Builds one {@link ExplorerCluster}, deduplicating answers and blocks. Declare the groups in
 * axis order first, then add cells; a producer that already groups identical answers calls
 * {@link ClusterBuilder.answer} once per distinct answer and {@link ClusterBuilder.cell} with
 * the indices, one that has flows pair by pair uses {@link ClusterBuilder.flow}.
 */
export class ClusterBuilder {
  private readonly groups: ExplorerGroup[] = [];
  private readonly groupIndex = new Map<string, number>();
  private readonly memberIndex: Map<string, number>[] = [];
  private readonly answers: PairAnswer[] = [];
  private readonly answerKeys = new Map<string, number>();
  private readonly blocks: Block[] = [];
  private readonly blockKeys = new Map<string, number>();
  /** Block index per cell, one row per source group that has a cell; sized to the groups at the time, grown at build. */
  private readonly rows = new Map<number, Int32Array>();
  /** Cells given flow by flow, not yet turned into blocks: cell key → pair key → flows. */
  private readonly pending = new Map<number, Map<number, FlowAnswer[]>>();
  private readonly policies = new Map<string, ExplorerPolicy>();
  private readonly findings: ExplorerFinding[] = [];
  private readonly notes: string[] = [];

  constructor(readonly name: string) {}

  /**
   * Adds a group at the end of the axis.
   * @throws Error for a duplicate group id or member name.
   */
  public group(group: ExplorerGroup): this {
    if (this.groups.length === STRIDE) throw new Error(`cluster ${this.name}: more than ${STRIDE} groups`);
    if (this.groupIndex.has(group.id)) throw new Error(`cluster ${this.name}: group ${group.id} is declared twice`);
    const members = new Map<string, number>();
    group.members.forEach((m, i) => {
      if (members.has(m.name)) throw new Error(`cluster ${this.name}: group ${group.id} has member ${m.name} twice`);
      members.set(m.name, i);
    });
    this.groupIndex.set(group.id, this.groups.length);
    this.memberIndex.push(members);
    this.groups.push(group);
    return this;
  }

  /** Whether a group with this id was declared. */
  public hasGroup(id: string): boolean {
    return this.groupIndex.has(id);
  }

  /** Adds (or replaces) a policy. */
  public policy(policy: ExplorerPolicy): this {
    this.policies.set(policy.id, policy);
    return this;
  }

  public finding(finding: ExplorerFinding): this {
    this.findings.push(finding);
    return this;
  }

  public note(sentence: string): this {
    this.notes.push(sentence);
    return this;
  }

  /** The index of an answer, added when new. */
  public answer(answer: PairAnswer): number {
    const key = JSON.stringify(answer);
    let i = this.answerKeys.get(key);
    if (i === undefined) {
      i = this.answers.length;
      this.answers.push(answer);
      this.answerKeys.set(key, i);
    }
    return i;
  }

  /**
   * Sets the cell of two groups from answer indices (`pairs[i][j]`, `-1` for none).
   * @throws Error for an unknown group or a `pairs` shape that does not match the members.
   */
  public cell(from: string, to: string, pairs: readonly (readonly number[])[]): this {
    const f = this.indexOf(from);
    const t = this.indexOf(to);
    this.setCell(f, t, this.block(f, t, pairs));
    return this;
  }

  /** The position of a group on the axis. @throws Error for an unknown group. */
  public position(id: string): number {
    return this.indexOf(id);
  }

  /**
   * The index of a block of answer indices for cells from group `from` to group `to` (axis
   * positions), added when new; many cells may share it (see {@link ClusterBuilder.cellBlock}).
   * @throws Error for a `pairs` shape that does not match the members.
   */
  public block(from: number, to: number, pairs: readonly (readonly number[])[]): number {
    const rows = this.groups[from].members.length;
    const cols = this.groups[to].members.length;
    if (pairs.length !== rows || pairs.some((r) => r.length !== cols)) {
      throw new Error(`cluster ${this.name}: cell ${this.groups[from].id} -> ${this.groups[to].id} needs ${rows} x ${cols} answers`);
    }
    return this.blockOf({ pairs });
  }

  /** Sets a cell (axis positions) to a block from {@link ClusterBuilder.block} of the same shape. */
  public cellBlock(from: number, to: number, block: number): this {
    this.setCell(from, to, block);
    return this;
  }

  private setCell(f: number, t: number, block: number): void {
    let row = this.rows.get(f);
    if (!row || row.length <= t) {
      const grown = new Int32Array(Math.max(this.groups.length, t + 1)).fill(-1);
      if (row) grown.set(row);
      this.rows.set(f, row = grown);
    }
    row[t] = block;
  }

  /**
   * Adds one flow between two members; flows of the same member pair keep their order.
   * @throws Error for an unknown group or member.
   */
  public flow(from: { group: string; member: string }, to: { group: string; member: string }, flow: FlowAnswer): this {
    const f = this.indexOf(from.group);
    const t = this.indexOf(to.group);
    const key = f * STRIDE + t;
    let cell = this.pending.get(key);
    if (!cell) this.pending.set(key, cell = new Map());
    const pair = this.memberOf(f, from.member) * this.groups[t].members.length + this.memberOf(t, to.member);
    const flows = cell.get(pair);
    if (flows) flows.push(flow);
    else cell.set(pair, [flow]);
    return this;
  }

  /** The finished cluster. */
  public build(): ExplorerCluster {
    const n = this.groups.length;
    for (const [key, cell] of this.pending) {
      const f = Math.floor(key / STRIDE);
      const t = key % STRIDE;
      const cols = this.groups[t].members.length;
      const pairs = this.groups[f].members.map((_, i) => this.groups[t].members.map((_m, j) => {
        const flows = cell.get(i * cols + j);
        return flows ? this.answer({ flows }) : -1;
      }));
      this.setCell(f, t, this.blockOf({ pairs }));
    }
    this.pending.clear();
    const row = new Int32Array(n);
    const matrix = this.groups.map((_, f) => {
      row.fill(-1);
      const cells = this.rows.get(f);
      if (cells) row.set(cells.subarray(0, n));
      return encodeRow(row);
    });
    return {
      name: this.name,
      groups: [...this.groups],
      policies: [...this.policies.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      answers: [...this.answers],
      blocks: [...this.blocks],
      matrix,
      findings: [...this.findings],
      notes: [...this.notes],
    };
  }

  private indexOf(group: string): number {
    const i = this.groupIndex.get(group);
    if (i === undefined) throw new Error(`cluster ${this.name}: no group ${group}; declare it with group() first`);
    return i;
  }

  private memberOf(group: number, member: string): number {
    const i = this.memberIndex[group].get(member);
    if (i === undefined) throw new Error(`cluster ${this.name}: group ${this.groups[group].id} has no member ${member}`);
    return i;
  }

  private blockOf(block: Block): number {
    const key = JSON.stringify(block.pairs);
    let i = this.blockKeys.get(key);
    if (i === undefined) {
      i = this.blocks.length;
      this.blocks.push(block);
      this.blockKeys.set(key, i);
    }
    return i;
  }
}

/**
 * Everything wrong with `data` that would make the page show something false: indices out of
 * range, blocks of the wrong shape, rule references to unknown policies. Empty when it is sound.
 */
export function explorerDataProblems(data: ExplorerData): string[] {
  const out: string[] = [];
  if (data.schema !== EXPLORER_SCHEMA) out.push(`schema is ${JSON.stringify(data.schema)}, expected ${EXPLORER_SCHEMA}`);
  for (const c of data.clusters) {
    const at = `cluster ${c.name}`;
    const n = c.groups.length;
    const ids = new Set<string>();
    for (const g of c.groups) {
      if (ids.has(g.id)) out.push(`${at}: group ${g.id} appears twice`);
      ids.add(g.id);
    }
    const policies = new Set(c.policies.map((p) => p.id));
    c.answers.forEach((a, i) => {
      for (const f of a.flows) {
        if (f.allowed !== (f.egress.verdict !== 'denied' && f.ingress.verdict !== 'denied') && f.reason === undefined) {
          out.push(`${at}: answer ${i} (${f.port}) is ${f.allowed ? 'allowed with a denying side' : 'denied with no denying side'} and gives no reason`);
        }
      }
    });
    if (c.matrix.length !== n) out.push(`${at}: matrix has ${c.matrix.length} rows for ${n} groups`);
    // A block's policy references are checked once per namespace they resolve in, not once per cell.
    const checked = new Set<number>();
    const refs = c.blocks.map((b) => policyRefs(b, c.answers));
    c.matrix.forEach((encoded, f) => {
      let row: Int32Array;
      try {
        row = decodeRow(encoded, n);
      } catch (e) {
        out.push(`${at}: row ${c.groups[f]?.id}: ${(e as Error).message}`);
        return;
      }
      const from = c.groups[f];
      row.forEach((b, t) => {
        if (b === -1) return;
        const to = c.groups[t];
        const cell = `${at}: cell ${from?.id} -> ${to.id}`;
        const block = c.blocks[b];
        if (!block || !refs[b]) {
          out.push(`${cell}: block ${b} does not exist, or names an answer that does not`);
          return;
        }
        if (block.pairs.length !== from.members.length || block.pairs.some((r) => r.length !== to.members.length)) {
          out.push(`${cell}: block ${b} is not ${from.members.length} x ${to.members.length}`);
          return;
        }
        for (const [direction, names, group, g] of [['egress', refs[b]!.egress, from, f], ['ingress', refs[b]!.ingress, to, t]] as const) {
          const key = ((b * n + g) * 2) + (direction === 'egress' ? 0 : 1);
          if (checked.has(key)) continue;
          checked.add(key);
          for (const p of names) {
            const id = policyIdOf(p, group.namespace);
            if (id === undefined) out.push(`${cell}: ${direction} names policy ${p}, but ${group.id} has no namespace`);
            else if (!policies.has(id)) out.push(`${cell}: ${direction} names policy ${id}, which is not among the policies`);
          }
        }
      });
    });
  }
  return out;
}

/** The policy names a block's answers cite on each side; undefined when it names a missing answer. */
function policyRefs(block: Block, answers: readonly PairAnswer[]): { egress: Set<string>; ingress: Set<string> } | undefined {
  const egress = new Set<string>();
  const ingress = new Set<string>();
  for (const row of block.pairs) {
    for (const a of row) {
      if (a === -1) continue;
      const answer = answers[a];
      if (!answer) return undefined;
      for (const f of answer.flows) {
        for (const r of f.egress.rules) egress.add(r.policy);
        for (const p of f.egress.isolatedBy) egress.add(p);
        for (const r of f.ingress.rules) ingress.add(r.policy);
        for (const p of f.ingress.isolatedBy) ingress.add(p);
      }
    }
  }
  return { egress, ingress };
}
