import { ConnSet, PolicyDescription, describePolicy, formatRange, rangeCidrs } from '../analysis';
import { parseIp } from '../k8s/ip';
import { compare } from '../k8s/compare';
import { ManifestModel, ManifestProblem, formatProblem } from '../k8s/manifests';
import { Cluster } from '../constructs/cluster';
import { LocatedProblem } from '../errors';
import { Analysis, AnalyzeOptions, analyzeCluster, analyzeManifests } from './analyze';
import { Answer, Because, EndKind } from './because';
import { ConnEnd, connlist } from './connlist';
import { LintFinding, lintAnalysis } from './lint';
import { AddressBlock, PodBlock, Scope, Summary, summarize } from './summary';
import { workloadItems } from './sets';

/** Options of {@link explain}: which pairs to report (np-guard's focus options) and how much detail. */
export interface ExplainOptions {
  /** Only connections of this project's (namespace's) workloads. */
  readonly project?: string;
  /** Only connections of these workloads (`namespace/name`, or `name` in any namespace). */
  readonly workloads?: readonly string[];
  /** With a focus (`project` or `workloads`): only their connections with these workloads. */
  readonly peers?: readonly string[];
  /** With a focus: only connections out of (`egress`) or into (`ingress`) the focus workloads. */
  readonly direction?: 'ingress' | 'egress';
  /** Also list every allowed pair, np-guard's `list` (its size grows with the pairs). */
  readonly pairs?: boolean;
}

/** A rule (or the absence of one) behind a side of an answer. */
export type Cite =
  /** A NetworkPolicy by its name in the namespace of the side's pod, or a policy of another API by its full id. */
  | { readonly kind: 'rule'; readonly policy: string; readonly ruleIndex: number; readonly action?: 'pass'; readonly name?: string; readonly tier?: string; readonly conns?: string }
  /** No policy isolates the pod for this direction (or every tier passed the connections on). */
  | { readonly kind: 'open'; readonly conns?: string }
  /** The dataplane does not say how it enforces these connections: possibly allowed. */
  | { readonly kind: 'unknown'; readonly why: string; readonly conns?: string };

/** Pairs that share an answer: every pair from `from` to `to` (distinct workloads). */
export interface BlockEntry {
  /** Workloads (`ns/name`, `ns/*` every workload of a namespace, `*` every workload), CIDRs, node names, or `{ingress-controller}`. */
  readonly from: readonly string[];
  readonly to: readonly string[];
  /**
   * The block holds in each of these namespaces, `from` and `to` naming workloads within it
   * (`web`, `*`): the same answer repeated namespace by namespace, stated once.
   */
  readonly within?: readonly string[];
  /** Pairs of the block that have another answer (listed there) or none (denied). */
  readonly except?: readonly BlockEntry[];
  /** Named external addresses (`ExternalHost`) among the addresses of an end. */
  readonly named?: readonly string[];
  /** Workload pairs (or workload and address set, workload and node) the block stands for. */
  readonly pairs: number;
}

/** One distinct answer: what is allowed, why on each side, and between whom. */
export interface AnswerEntry {
  /** The connections, as np-guard prints them: `TCP 80,443,UDP 53`, `All Connections`. */
  readonly conns: string;
  /** The same in words: `TCP 80, 443 and UDP 53`, `all ports`. */
  readonly ports: string;
  readonly from: EndKind;
  readonly to: EndKind;
  /** The source's egress; empty when the source is not a pod. */
  readonly egress: readonly Cite[];
  /** The destination's ingress; empty when the destination is not a pod. */
  readonly ingress: readonly Cite[];
  /** Why everything is allowed whatever the policies say, when so. */
  readonly exemption?: string;
  readonly pairs: number;
  readonly blocks: readonly BlockEntry[];
}

/** Workloads isolated the same way: the policies (named within each workload's namespace) that isolate each direction; none means open. */
export interface IsolationEntry {
  readonly ingress: readonly string[];
  readonly egress: readonly string[];
  readonly workloads: readonly string[];
  readonly count: number;
}

/** One allowed pair, as np-guard's `list` prints it. */
export interface PairEntry {
  /** `ns/name[Kind]` (the kind when known), an address range `lo-hi`, or `{ingress-controller}`. */
  readonly from: string;
  readonly to: string;
  readonly conns: string;
}

/** The `netiso explain` report of one cluster (or set of manifests): plain data, stable as JSON. */
export interface ExplainReport {
  readonly cluster: string;
  readonly input: 'definitions' | 'manifests';
  /** The dataplane the answers hold for, e.g. `generic (the NetworkPolicy specification)`. */
  readonly dataplane: string;
  readonly scope: { readonly project?: string; readonly workloads?: readonly string[]; readonly peers?: readonly string[]; readonly direction?: 'ingress' | 'egress' };
  /**
   * False when the reader skipped an object that may hold a policy, a guardrail or namespace
   * labels: an answer may then be wrong in either direction (`problems` says what was skipped).
   */
  readonly complete: boolean;
  /** What the reader could not read, `file:line: message`. */
  readonly problems: readonly string[];
  readonly totals: { readonly namespaces: number; readonly workloads: number; readonly policies: number; readonly answers: number; readonly pairs: number };
  readonly isolation: readonly IsolationEntry[];
  /** Distinct answers: workloads to workloads first, then addresses, nodes and the ingress controller; most pairs first. */
  readonly answers: readonly AnswerEntry[];
  /** With `--project`: what each of its NetworkPolicies selects and allows. */
  readonly policies?: readonly Omit<PolicyDescription, 'text'>[];
  /** With `pairs`: every allowed pair. */
  readonly pairs?: readonly PairEntry[];
  readonly lint: readonly LintFinding[];
  /** Synthesis warnings of definitions, located by construct path. */
  readonly warnings: readonly LocatedProblem[];
}

/**
 * The `netiso explain` report of a cluster's definitions, evaluated as its CNI (or
 * `analyze.dataplane`) enforces policies.
 * @throws SynthesisError when the cluster is invalid; Error for an unknown project or workload.
 */
export function explainCluster(cluster: Cluster, options: ExplainOptions = {}, analyze: AnalyzeOptions = {}): ExplainReport {
  return explain(analyzeCluster(cluster, analyze), options);
}

/**
 * The `netiso explain` report of what the manifest reader found.
 * @throws Error for an unknown project or workload; PolicyCompileError for a guardrail that
 *   cannot be analysed.
 */
export function explainManifests(model: ManifestModel, name: string, options: ExplainOptions = {}, analyze: AnalyzeOptions = {}): ExplainReport {
  return explain(analyzeManifests(model, name, analyze), options);
}

/**
 * The report of an analysis: allowed connections grouped by answer (see {@link summarize}), how
 * workloads are isolated, lint, and per pair on request. Its size follows the distinct answers
 * and the blocks of pairs that share them, not the pairs.
 * @throws Error for an unknown project or workload in `options`.
 */
export function explain(analysis: Analysis, options: ExplainOptions = {}): ExplainReport {
  const scope = scopeOf(analysis, options);
  const summary = summarize(analysis.engine, { scope, nodes: analysis.nodes, ...(analysis.controller ? { controller: analysis.controller } : {}) });
  const answers = answerEntries(analysis, summary);
  const engine = analysis.engine;
  const sizes = summary.namespaceSizes;
  const units = summary.units;
  const isolation = summary.isolation.map((g): IsolationEntry => {
    const refs = g.units.flatMap((u) => units[u].workloads);
    return { ingress: g.ingress, egress: g.egress, workloads: workloadItems(refs, sizes), count: refs.length };
  }).sort((a, b) => b.count - a.count || compare(`${a.ingress}|${a.egress}`, `${b.ingress}|${b.egress}`));
  const problems = analysis.problems.map((p: ManifestProblem) => formatProblem(p));
  let workloads = 0;
  for (const n of sizes.values()) workloads += n;
  const policies = options.project === undefined ? undefined : engine.policies.filter((p) => p.namespace === options.project).map((p) => {
    const { text: _text, ...rest } = describePolicy(p);
    return rest;
  });
  return {
    cluster: analysis.name,
    input: analysis.input,
    dataplane: engine.dataplane.name,
    scope: {
      ...(options.project !== undefined ? { project: options.project } : {}),
      ...(options.workloads?.length ? { workloads: options.workloads } : {}),
      ...(options.peers?.length ? { peers: options.peers } : {}),
      ...(options.direction ? { direction: options.direction } : {}),
    },
    complete: analysis.complete,
    problems,
    totals: {
      namespaces: engine.cluster.namespaces.size,
      workloads,
      policies: engine.tiers.reduce((n, t) => n + t.policies.length, 0),
      answers: answers.length,
      pairs: answers.filter((a) => a.from === 'pod' && a.to === 'pod').reduce((n, a) => n + a.pairs, 0),
    },
    isolation,
    answers,
    ...(policies ? { policies } : {}),
    ...(options.pairs ? { pairs: pairEntries(analysis, scope) } : {}),
    lint: lintAnalysis(analysis),
    warnings: analysis.warnings,
  };
}

/** The scope of the options, every name checked against the analysis. */
export function scopeOf(analysis: Analysis, options: ExplainOptions): Scope {
  const workloads = analysis.engine.cluster.workloads.map((w) => `${w.namespace}/${w.name}`).filter((ref) => ref !== analysis.controller?.ref);
  const problems: string[] = [];
  if (options.project !== undefined && options.workloads?.length) problems.push('give --project or --workload, not both');
  let focus: ((w: string) => boolean) | undefined;
  if (options.project !== undefined) {
    const project = options.project;
    if (analysis.input === 'definitions' && !analysis.projects.has(project)) {
      problems.push(`cluster ${analysis.name} has no project ${project}; projects: ${[...analysis.projects.keys()].sort(compare).join(', ')}`);
    } else if (analysis.input === 'manifests' && !workloads.some((w) => w.startsWith(`${project}/`)) && !analysis.engine.policies.some((p) => p.namespace === project)) {
      problems.push(`no workload or policy of namespace ${project} is in ${analysis.name}`);
    }
    focus = (w) => w.startsWith(`${project}/`);
  }
  const matcher = (names: readonly string[] | undefined, option: string): ((w: string) => boolean) | undefined => {
    if (!names?.length) return undefined;
    const unknown = names.filter((n) => !workloads.some((w) => matchesName(w, n)));
    if (unknown.length) problems.push(`${option} ${unknown.join(', ')}: no such workload in ${analysis.name}; name one as namespace/name (e.g. ${workloads[0] ?? 'default/web'}) or by its name alone`);
    return (w) => names.some((n) => matchesName(w, n));
  };
  focus = matcher(options.workloads, '--workload') ?? focus;
  const peers = matcher(options.peers, '--peer');
  if (!focus && (peers || options.direction)) problems.push('--peer and --direction narrow a focus: give --workload or --project too');
  if (problems.length) throw new Error(problems.join('\n'));
  return { ...(focus ? { focus } : {}), ...(peers ? { peers } : {}), ...(options.direction ? { direction: options.direction } : {}) };
}

/** np-guard's rule: `name` matches a workload of that name in any namespace, `ns/name` one workload; a `[Kind]` suffix may be left out. */
function matchesName(ref: string, name: string): boolean {
  const plain = ref.replace(/\[[^\]]+\]$/, '');
  if (name.includes('/')) return ref === name || plain === name;
  const own = ref.slice(ref.indexOf('/') + 1);
  return own === name || own.replace(/\[[^\]]+\]$/, '') === name;
}

const END_ORDER: readonly EndKind[] = ['pod', 'address', 'node', 'ingress-controller'];

function answerEntries(analysis: Analysis, summary: Summary): AnswerEntry[] {
  const { units, book, namespaceSizes: sizes } = summary;
  const items = (list: readonly number[]) => workloadItems(list.flatMap((u) => units[u].workloads), sizes);
  const count = (list: readonly number[]) => list.reduce((n, u) => n + units[u].workloads.length, 0);
  const podPairs = (b: PodBlock): number => {
    const to = new Set(b.to);
    const self = b.from.filter((u) => to.has(u)).reduce((n, u) => n + units[u].workloads.length, 0);
    return count(b.from) * count(b.to) - self - b.except.reduce((n, x) => n + podPairs(x), 0);
  };
  const externals = analysis.externals.filter((e) => e.cidr === undefined).map((e) => ({ name: e.name, ip: parseIp(e.ip) }));
  const named = (b: AddressBlock): string[] => externals.filter((e) => e.ip && b.ranges.some((r) => r.family === e.ip!.family && BigInt(e.ip!.value) >= r.lo && BigInt(e.ip!.value) <= r.hi)).map((e) => e.name);
  const out: AnswerEntry[] = [];
  const entry = (answer: Answer, blocks: BlockEntry[]): void => {
    const sorted = blocks.sort((a, b) => compare(blockKey(a), blockKey(b)));
    out.push({
      conns: answer.conns.toString(),
      ports: answer.conns.describe(),
      from: answer.from,
      to: answer.to,
      egress: cites(answer.egress, answer.conns),
      ingress: cites(answer.ingress, answer.conns),
      ...(answer.exemption !== undefined ? { exemption: answer.exemption } : {}),
      pairs: sorted.reduce((n, b) => n + b.pairs, 0),
      blocks: sorted,
    });
  };
  for (const [id, blocks] of summary.pods) {
    const plain: BlockEntry[] = [];
    const within = new Map<string, { from: string[]; to: string[]; namespaces: string[]; pairs: number }>();
    for (const b of blocks) {
      const pairs = podPairs(b);
      if (pairs === 0) continue;
      const from = items(b.from);
      const to = items(b.to);
      const namespaces = new Set([...b.from, ...b.to].map((u) => units[u].namespace));
      if (b.except.length === 0 && namespaces.size === 1) {
        const [ns] = namespaces;
        // Within one namespace `*` (every workload of the cluster) and `ns/*` both read `*`.
        const local = (list: string[]) => list.map((i) => (i === '*' ? '*' : i.slice(ns.length + 1)));
        const key = `${local(from).join(' ')}\n${local(to).join(' ')}`;
        const w = within.get(key) ?? { from: local(from), to: local(to), namespaces: [], pairs: 0 };
        w.namespaces.push(ns);
        w.pairs += pairs;
        within.set(key, w);
        continue;
      }
      const except = b.except.map((x) => ({ from: items(x.from), to: items(x.to), pairs: podPairs(x) })).filter((x) => x.pairs > 0);
      plain.push({ from, to, ...(except.length ? { except } : {}), pairs });
    }
    for (const w of within.values()) {
      // One namespace reads better with its full names.
      if (w.namespaces.length === 1) plain.push({ from: w.from.map((i) => `${w.namespaces[0]}/${i}`), to: w.to.map((i) => `${w.namespaces[0]}/${i}`), pairs: w.pairs });
      else plain.push({ from: w.from, to: w.to, within: w.namespaces.sort(compare), pairs: w.pairs });
    }
    if (plain.length) entry(book.answers[id], plain);
  }
  for (const [id, blocks] of summary.addresses) {
    entry(book.answers[id], blocks.map((b) => {
      const cidrs = b.ranges.flatMap(rangeCidrs);
      const pods = items(b.units);
      const names = named(b);
      return { from: b.toAddresses ? pods : cidrs, to: b.toAddresses ? cidrs : pods, ...(names.length ? { named: names } : {}), pairs: count(b.units) };
    }));
  }
  for (const [id, blocks] of summary.nodes) {
    entry(book.answers[id], blocks.map((b) => ({ from: b.toNodes ? items(b.units) : [...b.nodes], to: b.toNodes ? [...b.nodes] : items(b.units), pairs: count(b.units) * b.nodes.length })));
  }
  for (const [id, list] of summary.controller) entry(book.answers[id], [{ from: ['{ingress-controller}'], to: items(list), pairs: count(list) }]);
  return out.sort((a, b) => END_ORDER.indexOf(a.from) - END_ORDER.indexOf(b.from) || END_ORDER.indexOf(a.to) - END_ORDER.indexOf(b.to)
    || b.pairs - a.pairs || compare(a.conns, b.conns) || compare(JSON.stringify([a.egress, a.ingress]), JSON.stringify([b.egress, b.ingress])));
}

function blockKey(b: BlockEntry): string {
  return `${b.within ? '1' : '0'} ${b.from.join(' ')} > ${b.to.join(' ')}`;
}

/** The reasons of one side as the report cites them; `conns` only where a reason covers part of the answer. */
export function cites(because: readonly Because[], all: ConnSet): Cite[] {
  return because.flatMap((b): Cite[] => {
    const conns = b.conns === all ? {} : { conns: b.conns.toString() };
    switch (b.kind) {
      case 'rule':
        if (b.action === 'deny') return [];
        return [{
          kind: 'rule', policy: b.policy, ruleIndex: b.ruleIndex, ...(b.action === 'pass' ? { action: 'pass' as const } : {}),
          ...(b.name !== undefined ? { name: b.name } : {}), ...(b.tier !== undefined ? { tier: b.tier } : {}), ...conns,
        }];
      case 'open': return [{ kind: 'open', ...conns }];
      case 'unknown': return [{ kind: 'unknown', why: b.why, ...conns }];
      case 'isolated': return [];
    }
  });
}

/** Every allowed pair in scope, np-guard's `list`. */
function pairEntries(analysis: Analysis, scope: Scope): PairEntry[] {
  const model = 'model' in analysis ? (analysis as { model: ManifestModel }).model : undefined;
  const entries = connlist(analysis.engine, analysis.controller && model ? model : undefined, analysis.controller?.ref);
  const workload = (e: ConnEnd) => (e.kind === 'workload' ? `${e.namespace}/${e.name}` : undefined);
  const inScope = (from: ConnEnd, to: ConnEnd): boolean => {
    if (!scope.focus) return true;
    const role = (e: ConnEnd) => {
      const w = workload(e);
      return { focus: w !== undefined && scope.focus!(w), peer: scope.peers ? w !== undefined && scope.peers(w) : true };
    };
    const s = role(from);
    const d = role(to);
    if (scope.direction === 'egress') return s.focus && d.peer;
    if (scope.direction === 'ingress') return d.focus && s.peer;
    return (s.focus && d.peer) || (d.focus && s.peer);
  };
  const name = (e: ConnEnd): string[] => {
    if (e.kind === 'workload') return [`${e.namespace}/${e.name.replace(/\[[^\]]+\]$/, '')}${e.workloadKind ? `[${e.workloadKind}]` : ''}`];
    if (e.kind === 'ingress-controller') return ['{ingress-controller}'];
    return e.ranges.map((r) => formatRange(r));
  };
  const out: PairEntry[] = [];
  for (const e of entries) {
    if (!inScope(e.from, e.to)) continue;
    for (const from of name(e.from)) for (const to of name(e.to)) out.push({ from, to, conns: e.conns.toString() });
  }
  return out;
}
