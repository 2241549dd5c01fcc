import { DirectionDescription } from '../analysis';
import { ruleLine } from '../analysis/describe';
import { ExplainReport, Flow, MatrixCell, ProjectReport } from './report';

/** Output formats of `netiso explain`. */
export type ReportFormat = 'text' | 'md' | 'json';

/** Renders reports (one per cluster) in `format`. Output is deterministic. */
export function formatReports(reports: readonly ExplainReport[], format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`;
  return reports.map(format === 'md' ? markdown : text).join('\n');
}

/** One rule that allowed a flow, short form: `netiso-from-client ingress rule 0`. */
function ruleRef(r: Flow['rules'][number]): string {
  return `${r.policy.slice(r.policy.indexOf('/') + 1)} ${r.direction} rule ${r.ruleIndex}`;
}

function rulesOf(f: Flow): string {
  return f.rules.length ? f.rules.map(ruleRef).join(' + ') : 'no policy restricts it';
}

/** Flows that share the `by` fields (`first` holds their values), split by verdict, in first-seen order. */
interface FlowGroup { readonly first: Flow; readonly allowed: Flow[]; readonly denied: Flow[] }

function groupFlows(flows: readonly Flow[], by: readonly ('from' | 'to' | 'port')[]): FlowGroup[] {
  const groups = new Map<string, FlowGroup>();
  for (const f of flows) {
    const key = by.map((k) => f[k]).join('\n');
    let g = groups.get(key);
    if (!g) groups.set(key, g = { first: f, allowed: [], denied: [] });
    (f.allowed ? g.allowed : g.denied).push(f);
  }
  return [...groups.values()];
}

/** Ingress flows by destination and port. */
function ingressGroups(p: ProjectReport): FlowGroup[] { return groupFlows(p.ingress, ['to', 'port']); }

/** Egress flows by source and destination. */
function egressGroups(p: ProjectReport): FlowGroup[] { return groupFlows(p.egress, ['from', 'to']); }

function directionLines(d: DirectionDescription, word: 'from' | 'to'): string[] {
  if (!d.restricted) return ['not restricted by this policy'];
  if (d.rules.length === 0) return ['deny all'];
  return d.rules.map((r) => ruleLine(r, word));
}

function heading(p: ProjectReport): string {
  return `${p.name} (isolation: ${p.isolation}${p.workspace ? `, workspace ${p.workspace}` : ''})`;
}

function cellText(c: MatrixCell | undefined): string {
  if (!c) return '';
  if (c.allowed === 0) return 'no';
  if (c.allowed === c.total) return `yes: ${c.ports.join(', ')}`;
  return `partly (${c.allowed}/${c.total}): ${c.ports.join(', ')}`;
}

function matrixRows(r: ExplainReport): string[][] {
  const cells = new Map(r.matrix.cells.map((c) => [`${c.from}\n${c.to}`, c]));
  return r.matrix.sources.map((s) => [s, ...r.matrix.destinations.map((d) => cellText(cells.get(`${s}\n${d}`)))]);
}

function text(r: ExplainReport): string {
  const out = [`netiso explain: cluster ${r.cluster}`];
  for (const p of r.projects) {
    out.push('', `== ${heading(p)}`, ...p.summary.map((l) => `  ${l}`));
    if (p.policies.length) out.push('  policies:');
    for (const pol of p.policies) {
      out.push(`    ${pol.policy} applies to ${pol.target}`);
      out.push(...directionLines(pol.ingress, 'from').map((l) => `      ingress: ${l}`));
      out.push(...directionLines(pol.egress, 'to').map((l) => `      egress: ${l}`));
    }
    const ing = ingressGroups(p);
    if (ing.length) out.push('  ingress (who may reach its pods):');
    for (const g of ing) {
      out.push(`    ${g.first.to} ${g.first.port}`);
      for (const f of g.allowed) out.push(`      allowed from ${f.from}: ${rulesOf(f)}`);
      if (g.denied.length) out.push(`      denied from ${g.denied.map((f) => f.from).join(', ')}`);
    }
    const eg = egressGroups(p);
    if (eg.length) out.push('  egress (where its pods may connect):');
    for (const g of eg) {
      const allowed = g.allowed.map((f) => `${f.port} (${rulesOf(f)})`).join(', ');
      const denied = g.denied.map((f) => f.port).join(', ');
      out.push(`    ${g.first.from} -> ${g.first.to}: ${allowed ? `allowed ${allowed}` : ''}${allowed && denied ? '; ' : ''}${denied ? `denied ${denied}` : ''}`);
    }
  }
  if (r.matrix.sources.length) {
    out.push('', `reachability (rows: from, columns: to; externals probed on ${r.externalPorts.join(', ')}):`);
    for (const row of matrixRows(r)) {
      out.push(`  ${row[0]}`);
      row.slice(1).forEach((cell, j) => { if (cell) out.push(`    -> ${r.matrix.destinations[j]}: ${cell}`); });
    }
  }
  if (r.lint.length) out.push('', 'lint:', ...r.lint.map((l) => `  [${l.rule}] ${l.subject}: ${l.message}`));
  if (r.warnings.length) out.push('', 'synthesis warnings:', ...r.warnings.map((w) => `  ${w.path}: ${w.message}`));
  return `${out.join('\n')}\n`;
}

function md(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${head.map(md).join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.map(md).join(' | ')} |`)];
}

function markdown(r: ExplainReport): string {
  const out = [`# Cluster \`${r.cluster}\``];
  for (const p of r.projects) {
    out.push('', `## ${heading(p)}`, '', ...p.summary.map((l) => `- ${l}`));
    if (p.policies.length) {
      out.push('', '**Policies**', '', ...table(['policy', 'applies to', 'ingress', 'egress'], p.policies.map((pol) => [
        pol.policy, pol.target, directionLines(pol.ingress, 'from').join('<br>'), directionLines(pol.egress, 'to').join('<br>'),
      ])));
    }
    const ing = ingressGroups(p);
    if (ing.length) {
      out.push('', '**Ingress: who may reach its pods**', '', ...table(['to', 'port', 'allowed from (rule)', 'denied from'], ing.map((g) => [
        g.first.to, g.first.port, g.allowed.map((f) => `${f.from} (${rulesOf(f)})`).join('<br>') || '—', g.denied.map((f) => f.from).join(', ') || '—',
      ])));
    }
    const eg = egressGroups(p);
    if (eg.length) {
      out.push('', '**Egress: where its pods may connect**', '', ...table(['from', 'to', 'allowed (rule)', 'denied'], eg.map((g) => [
        g.first.from, g.first.to, g.allowed.map((f) => `${f.port} (${rulesOf(f)})`).join('<br>') || '—', g.denied.map((f) => f.port).join(', ') || '—',
      ])));
    }
  }
  if (r.matrix.sources.length) {
    out.push('', '## Reachability matrix', '', `Rows are sources, columns destinations; workloads are probed on their declared ports, external addresses on ${r.externalPorts.join(', ')}.`, '');
    out.push(...table(['from \\ to', ...r.matrix.destinations], matrixRows(r)));
    out.push('', ...mermaid(r));
  }
  if (r.lint.length) out.push('', '## Lint', '', ...table(['check', 'subject', 'finding'], r.lint.map((l) => [l.rule, l.subject, l.message])));
  if (r.warnings.length) out.push('', '## Synthesis warnings', '', ...r.warnings.map((w) => `- \`${w.path}\`: ${w.message}`));
  return `${out.join('\n')}\n`;
}

/** A flowchart of the allowed flows between different groups, edges labelled with their ports. */
function mermaid(r: ExplainReport): string[] {
  const groups = [...new Set([...r.matrix.sources, ...r.matrix.destinations])];
  const id = new Map(groups.map((g, i) => [g, `g${i}`]));
  const edges = r.matrix.cells.filter((c) => c.allowed > 0 && c.from !== c.to);
  const used = groups.filter((g) => edges.some((e) => e.from === g || e.to === g));
  return [
    '```mermaid',
    'flowchart LR',
    ...used.map((g) => `  ${id.get(g)}["${g.replace(/"/g, '#quot;')}"]`),
    ...edges.map((e) => `  ${id.get(e.from)} -->|"${e.ports.join(', ')}${e.allowed < e.total ? ' (partly)' : ''}"| ${id.get(e.to)}`),
    '```',
  ];
}
