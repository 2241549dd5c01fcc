import { ruleLine } from '../analysis/describe';
import { DirectionDescription } from '../analysis';
import { EndKind } from './because';
import { addressWords, cidrRanges } from './ranges';
import { LintFinding } from './lint';
import { AnswerEntry, BlockEntry, Cite, ExplainReport } from './report';
import { listWords, plural } from './sets';

/** Output formats of `netiso explain` (besides `html`, which the explorer writes). */
export const REPORT_FORMATS = ['text', 'md', 'json', 'csv', 'dot'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Blocks of one answer the text and Markdown formats show; JSON and CSV list them all. */
const SHOWN_BLOCKS = 10;

/** Renders reports (one per cluster) in `format`. Output is deterministic. */
export function formatReports(reports: readonly ExplainReport[], format: ReportFormat): string {
  switch (format) {
    case 'json': return `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`;
    case 'csv': return csv(reports);
    case 'dot': return reports.map(dot).join('\n');
    case 'md': return reports.map(markdown).join('\n');
    case 'text': return reports.map(text).join('\n');
  }
}

/** `netiso-to-a rule 0`, `ClusterNetworkPolicy netiso.system rule 2 "dns" (admin tier, Pass)`, `open`, each with its part of the ports. */
export function citeText(c: Cite): string {
  const part = c.conns !== undefined ? ` (${c.conns})` : '';
  if (c.kind === 'open') return `open${part}`;
  if (c.kind === 'unknown') return `unknown${part}: ${c.why}`;
  const extra = [...(c.tier !== undefined ? [`${c.tier} tier`] : []), ...(c.action === 'pass' ? ['Pass'] : [])];
  const name = c.name !== undefined ? ` ${JSON.stringify(c.name)}` : '';
  return `${c.policy} rule ${c.ruleIndex}${name}${extra.length ? ` (${extra.join(', ')})` : ''}${part}`;
}

const NOT_A_POD: Readonly<Record<Exclude<EndKind, 'pod'>, string>> = {
  'address': 'not a pod',
  'node': 'a node',
  'ingress-controller': 'the ingress controller, as Ingress and Route objects route',
};

/** One side of an answer in words. */
export function sideText(end: EndKind, cites: readonly Cite[]): string {
  return end === 'pod' ? cites.map(citeText).join(' + ') : NOT_A_POD[end];
}

/** The two sides of an answer: `egress: open; ingress: netiso-from-b rule 0`. */
function reasonText(a: AnswerEntry): string {
  if (a.exemption !== undefined) return a.exemption;
  return `egress: ${sideText(a.from, a.egress)}; ingress: ${sideText(a.to, a.ingress)}`;
}

/** An end of a block in words: workloads listed, addresses as CIDRs (or all but some). */
function endText(items: readonly string[], kind: EndKind, named?: readonly string[]): string {
  if (kind === 'address') {
    const words = addressWords(cidrRanges(items), (l) => listWords(l, 4));
    return named?.length ? `${words} (${named.map((n) => `external ${n}`).join(', ')})` : words;
  }
  if (kind === 'node') return `node ${listWords(items)}`;
  return listWords(items);
}

/** `a/* -> b/web`, `within a, b: * -> *`, with the exceptions. */
export function blockText(b: BlockEntry, a: AnswerEntry): string {
  const within = b.within ? `within each of ${listWords(b.within)}: ` : '';
  const line = `${within}${endText(b.from, a.from, b.named)} -> ${endText(b.to, a.to, b.named)}`;
  const except = b.except?.length ? ` (except ${b.except.map((x) => `${listWords(x.from, 3)} -> ${listWords(x.to, 3)}`).join('; ')}: another answer or denied)` : '';
  return line + except;
}

function scopeText(r: ExplainReport): string | undefined {
  const s = r.scope;
  const focus = s.project !== undefined ? `project ${s.project}` : s.workloads?.length ? `workloads ${s.workloads.join(', ')}` : undefined;
  if (!focus) return undefined;
  const direction = s.direction === 'egress' ? 'out of' : s.direction === 'ingress' ? 'into' : 'of';
  return `only connections ${direction} ${focus}${s.peers?.length ? ` with ${s.peers.join(', ')}` : ''}`;
}

function totalsText(r: ExplainReport): string {
  const t = r.totals;
  return `${plural(t.namespaces, 'namespace')}, ${plural(t.workloads, 'workload')}, ${plural(t.policies, 'policy', 'policies')}: ${plural(t.answers, 'distinct answer')}, ${plural(t.pairs, 'allowed workload pair')}`;
}

const INCOMPLETE = 'INCOMPLETE: objects that may hold policies, guardrails or namespace labels could not be read and were skipped (listed below); an allowed flow may really be denied, and a denied one allowed. Fix them, or use --strict to stop at the first read.';

function isolationText(ingress: readonly string[], egress: readonly string[]): string {
  const side = (list: readonly string[]) => (list.length ? `isolated by ${list.join(', ')}` : 'open');
  return `ingress ${side(ingress)}; egress ${side(egress)}`;
}

function text(r: ExplainReport): string {
  const out = [`netiso explain: ${r.input === 'definitions' ? 'cluster ' : ''}${r.cluster}`, `  ${r.input}; dataplane ${r.dataplane}`];
  const scope = scopeText(r);
  if (scope) out.push(`  ${scope}`);
  out.push(`  ${totalsText(r)}`);
  if (!r.complete) out.push('', INCOMPLETE);
  if (r.problems.length) out.push('', 'problems (what could not be read was skipped):', ...r.problems.map((p) => `  ${p}`));
  if (r.isolation.length) {
    out.push('', 'isolation (policies named within each workload\'s namespace):');
    for (const g of r.isolation) out.push(`  ${isolationText(g.ingress, g.egress)}: ${plural(g.count, 'workload')} (${listWords(g.workloads)})`);
  }
  out.push('', r.answers.length ? 'allowed connections, one entry per answer (policies named within the namespace of their side):' : 'allowed connections: none');
  r.answers.forEach((a, i) => {
    out.push(`  ${i + 1}. ${a.conns}: ${plural(a.pairs, 'pair')}`, `     ${reasonText(a)}`);
    for (const b of a.blocks.slice(0, SHOWN_BLOCKS)) out.push(`     ${blockText(b, a)}`);
    if (a.blocks.length > SHOWN_BLOCKS) out.push(`     … ${plural(a.blocks.length - SHOWN_BLOCKS, 'more block')} (--format json lists every block, --pairs every pair)`);
  });
  if (r.policies?.length) {
    out.push('', `policies of ${r.scope.project}:`);
    for (const p of r.policies) {
      out.push(`  ${p.policy} applies to ${p.target}`);
      out.push(...directionLines(p.ingress, 'from').map((l) => `    ingress: ${l}`), ...directionLines(p.egress, 'to').map((l) => `    egress: ${l}`));
    }
  }
  if (r.pairs) out.push('', `pairs (${plural(r.pairs.length, 'entry', 'entries')}, as np-guard lists them):`, ...r.pairs.map((p) => `  ${p.from} => ${p.to} : ${p.conns}`));
  if (r.lint.length) out.push('', 'lint:', ...lintGroups(r.lint).map((l) => `  [${l.rule}]${l.severity === 'error' ? ' error:' : ''} ${l.subject}: ${l.message}`));
  if (r.warnings.length) out.push('', 'synthesis warnings:', ...r.warnings.map((w) => `  ${w.path}: ${w.message}`));
  return `${out.join('\n')}\n`;
}

/**
 * Findings that say the same about the same policy rule in several namespaces (`a/p egress rule 0`,
 * `b/p egress rule 0`), as one: `p egress rule 0 in 2 namespaces (a, b)`. JSON keeps every finding.
 */
function lintGroups(findings: readonly LintFinding[]): LintFinding[] {
  const groups = new Map<string, { first: LintFinding; namespaces: string[] }>();
  const out: (LintFinding | { first: LintFinding; namespaces: string[] })[] = [];
  for (const f of findings) {
    const m = f.subject.match(/^([a-z0-9][a-z0-9.-]*)\/(\S.*)$/);
    if (!m || f.message.includes(`${m[1]}/`)) {
      out.push(f);
      continue;
    }
    const key = `${f.rule}\n${f.severity ?? ''}\n${m[2]}\n${f.message}`;
    const g = groups.get(key);
    if (g) g.namespaces.push(m[1]);
    else {
      const entry = { first: f, namespaces: [m[1]] };
      groups.set(key, entry);
      out.push(entry);
    }
  }
  return out.map((e) => {
    if (!('first' in e)) return e;
    if (e.namespaces.length === 1) return e.first;
    const local = e.first.subject.slice(e.first.subject.indexOf('/') + 1);
    return { ...e.first, subject: `${local} in ${plural(e.namespaces.length, 'namespace')} (${listWords(e.namespaces, 4)})` };
  });
}

function directionLines(d: DirectionDescription, word: 'from' | 'to'): string[] {
  if (!d.restricted) return ['not restricted by this policy'];
  if (d.rules.length === 0) return ['deny all'];
  return d.rules.map((rule) => ruleLine(rule, word));
}

function md(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\*/g, '\\*');
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${head.map(md).join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows.map((row) => `| ${row.map(md).join(' | ')} |`)];
}

function markdown(r: ExplainReport): string {
  const out = [`# netiso explain: ${r.input === 'definitions' ? 'cluster ' : ''}\`${r.cluster}\``, '', `${r.input}; dataplane ${r.dataplane}. ${totalsText(r)}.${scopeText(r) ? ` ${scopeText(r)}.` : ''}`];
  if (!r.complete) out.push('', `> **${INCOMPLETE}**`);
  if (r.problems.length) out.push('', '**Could not be read (skipped):**', '', ...r.problems.map((p) => `- \`${p}\``));
  if (r.isolation.length) {
    out.push('', '## Isolation', '', ...table(['ingress isolated by', 'egress isolated by', 'workloads'], r.isolation.map((g) => [
      g.ingress.join(', ') || 'open', g.egress.join(', ') || 'open', `${plural(g.count, 'workload')}: ${listWords(g.workloads)}`,
    ])));
  }
  out.push('', '## Allowed connections', '', 'One row per distinct answer; policies are named within the namespace of their side (the source\'s for egress, the destination\'s for ingress).', '');
  out.push(...table(['#', 'connections', 'egress (source)', 'ingress (destination)', 'pairs', 'between'], r.answers.map((a, i) => [
    String(i + 1), a.conns,
    a.exemption ?? sideText(a.from, a.egress), a.exemption ?? sideText(a.to, a.ingress), String(a.pairs),
    [...a.blocks.slice(0, SHOWN_BLOCKS).map((b) => blockText(b, a)), ...(a.blocks.length > SHOWN_BLOCKS ? [`… ${plural(a.blocks.length - SHOWN_BLOCKS, 'more block')}`] : [])].join('<br>'),
  ])));
  const graph = mermaid(r);
  if (graph.length) out.push('', ...graph);
  if (r.policies?.length) {
    out.push('', `## Policies of ${r.scope.project}`, '', ...table(['policy', 'applies to', 'ingress', 'egress'], r.policies.map((p) => [
      p.policy, p.target, directionLines(p.ingress, 'from').join('<br>'), directionLines(p.egress, 'to').join('<br>'),
    ])));
  }
  if (r.pairs) out.push('', '## Pairs', '', '```', ...r.pairs.map((p) => `${p.from} => ${p.to} : ${p.conns}`), '```');
  if (r.lint.length) out.push('', '## Lint', '', ...table(['check', 'subject', 'finding'], lintGroups(r.lint).map((l) => [l.severity === 'error' ? `${l.rule} (error)` : l.rule, l.subject, l.message])));
  if (r.warnings.length) out.push('', '## Synthesis warnings', '', ...r.warnings.map((w) => `- \`${w.path}\`: ${w.message}`));
  return `${out.join('\n')}\n`;
}

/** Graphs larger than this are left out of Markdown: a pull-request comment cannot show them. */
const MERMAID_MAX_EDGES = 40;

/** A flowchart of what is allowed between namespaces (and addresses), for small reports. */
function mermaid(r: ExplainReport): string[] {
  const edges = namespaceEdges(r);
  if (edges.size === 0 || edges.size > MERMAID_MAX_EDGES) return [];
  const nodes = [...new Set([...edges.values()].flatMap((e) => [e.from, e.to]))].sort();
  const id = new Map(nodes.map((n, i) => [n, `n${i}`]));
  return [
    '```mermaid',
    'flowchart LR',
    ...nodes.map((n) => `  ${id.get(n)}["${n.replace(/"/g, '#quot;')}"]`),
    ...[...edges.values()].map((e) => `  ${id.get(e.from)} -->|"${[...e.conns].join(', ').replace(/"/g, '#quot;')}"| ${id.get(e.to)}`),
    '```',
  ];
}

/**
 * Allowed connections between namespaces (and address sets, nodes, the ingress controller), as
 * `from -> to` with their connection sets; with `self`, also within a namespace.
 */
function namespaceEdges(r: ExplainReport, self = false): Map<string, { from: string; to: string; conns: Set<string> }> {
  const edges = new Map<string, { from: string; to: string; conns: Set<string> }>();
  const group = (item: string, kind: EndKind, named?: readonly string[]): string => {
    if (kind === 'pod') return item === '*' ? 'every namespace' : item.slice(0, item.indexOf('/'));
    if (kind === 'address') return endText([item], kind, named);
    return kind === 'node' ? 'nodes' : 'ingress controller';
  };
  const add = (f: string, t: string, conns: string) => {
    if (f === t && !self) return;
    const key = `${f}\n${t}`;
    const e = edges.get(key) ?? { from: f, to: t, conns: new Set<string>() };
    e.conns.add(conns);
    edges.set(key, e);
  };
  for (const a of r.answers) {
    for (const b of a.blocks) {
      if (b.within) {
        for (const ns of b.within) add(ns, ns, a.conns);
        continue;
      }
      const froms = new Set(a.from === 'address' ? [endText(b.from, a.from, b.named)] : b.from.map((i) => group(i, a.from)));
      const tos = new Set(a.to === 'address' ? [endText(b.to, a.to, b.named)] : b.to.map((i) => group(i, a.to)));
      for (const f of froms) for (const t of tos) add(f, t, a.conns);
    }
  }
  return edges;
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One row per block of pairs (`answer` numbers the answers as the text format does); with
 * `--pairs`, np-guard's `src,dst,conn` instead.
 */
function csv(reports: readonly ExplainReport[]): string {
  const several = reports.length > 1;
  if (reports.every((r) => r.pairs)) {
    const rows = [[...(several ? ['cluster'] : []), 'src', 'dst', 'conn']];
    for (const r of reports) for (const p of r.pairs ?? []) rows.push([...(several ? [r.cluster] : []), p.from, p.to, p.conns]);
    return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
  }
  const rows = [[...(several ? ['cluster'] : []), 'answer', 'connections', 'from', 'to', 'within', 'egress', 'ingress', 'pairs', 'except']];
  for (const r of reports) {
    r.answers.forEach((a, i) => {
      for (const b of a.blocks) {
        rows.push([
          ...(several ? [r.cluster] : []), String(i + 1), a.conns, b.from.join(' '), b.to.join(' '), (b.within ?? []).join(' '),
          a.exemption ?? sideText(a.from, a.egress), a.exemption ?? sideText(a.to, a.ingress), String(b.pairs),
          (b.except ?? []).map((x) => `${x.from.join(' ')} -> ${x.to.join(' ')}`).join('; '),
        ]);
      }
    });
  }
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

function dotId(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Graphviz: namespaces (and address sets, nodes, the ingress controller) as nodes, an edge per
 * pair of them with the connections allowed; with `--pairs`, one node per workload, grouped by
 * namespace, and an edge per pair, as np-guard draws it.
 */
function dot(r: ExplainReport): string {
  const out = [`digraph ${dotId(`netiso explain: ${r.cluster}`)} {`, '  rankdir=LR;', '  node [shape=box, fontname="sans-serif"];', '  edge [fontname="sans-serif", fontsize=10];'];
  if (r.pairs) {
    const byNamespace = new Map<string, Set<string>>();
    const others = new Set<string>();
    for (const p of r.pairs) {
      for (const end of [p.from, p.to]) {
        const slash = end.indexOf('/');
        if (slash > 0 && !/^[\d.:]/.test(end)) {
          const ns = end.slice(0, slash);
          byNamespace.set(ns, (byNamespace.get(ns) ?? new Set()).add(end));
        } else others.add(end);
      }
    }
    for (const [ns, ends] of [...byNamespace].sort(([a], [b]) => (a < b ? -1 : 1))) {
      out.push(`  subgraph ${dotId(`cluster_${ns}`)} {`, `    label=${dotId(ns)};`, ...[...ends].sort().map((e) => `    ${dotId(e)} [label=${dotId(e.slice(ns.length + 1))}];`), '  }');
    }
    for (const o of [...others].sort()) out.push(`  ${dotId(o)} [shape=ellipse];`);
    for (const p of r.pairs) out.push(`  ${dotId(p.from)} -> ${dotId(p.to)} [label=${dotId(p.conns)}];`);
  } else {
    const edges = namespaceEdges(r, true);
    const nodes = [...new Set([...edges.values()].flatMap((e) => [e.from, e.to]))].sort();
    for (const n of nodes) out.push(`  ${dotId(n)}${/^(CIDR|any IPv|node|ingress controller|every namespace)/.test(n) ? ' [shape=ellipse]' : ''};`);
    for (const e of edges.values()) out.push(`  ${dotId(e.from)} -> ${dotId(e.to)} [label=${dotId([...e.conns].join('\n'))}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
