import { ExplorerFinding, ExplorerPolicy, FlowAnswer, PolicyVersion, SideAnswer } from '../model';
import { ClusterIndex, Line } from './cluster-index';
import { h } from './dom';
import { SIDE_WORDS, countsText, groupText, lineLabel } from './words';

/** Flows listed for one cell at most; beyond that, expanding the groups narrows the cell down. */
const MAX_FLOWS = 400;

/**
 * The flows of a cell: per member pair and port, the verdict and, for each side, the rules that
 * allowed or the policies that denied it, with the definition entry behind each policy.
 */
export function cellDetails(index: ClusterIndex, row: Line, col: Line, keep: (f: FlowAnswer) => boolean): HTMLElement {
  const from = lineLabel(index.groups[row.group], row.member);
  const to = lineLabel(index.groups[col.group], col.member);
  const counts = index.counts(row, col);
  const out = h('div', { class: 'cell-details' },
    h('h2', { text: `${from} → ${to}` }),
    h('p', { class: 'counts', text: countsText(counts) }));
  let shown = 0;
  let hidden = 0;
  for (const { from: i, to: j, answer } of index.answers(row, col)) {
    const flows = answer.flows.filter(keep);
    if (flows.length === 0) continue;
    if (shown >= MAX_FLOWS) {
      hidden += flows.length;
      continue;
    }
    shown += flows.length;
    const pair = `${index.groups[row.group].members[i].name} → ${index.groups[col.group].members[j].name}`;
    out.append(h('h3', { text: pair }), flowTable(index, row.group, col.group, flows));
  }
  if (hidden) out.append(h('p', { class: 'note', text: `${hidden} more flows are not listed; expand the groups (E / Shift+E) to look at one workload pair.` }));
  if (counts.total === 0) out.append(h('p', { text: 'Nothing was evaluated between these two.' }));
  return out;
}

function flowTable(index: ClusterIndex, fromGroup: number, toGroup: number, flows: readonly FlowAnswer[]): HTMLElement {
  const head = h('tr', {}, h('th', { scope: 'col', text: 'port' }), h('th', { scope: 'col', text: 'verdict' }), h('th', { scope: 'col', text: 'source egress' }), h('th', { scope: 'col', text: 'destination ingress' }));
  const body = flows.map((f) => h('tr', { class: f.allowed ? 'allowed' : 'denied' },
    h('th', { scope: 'row', text: f.port }),
    h('td', {}, verdictText(f), ...(f.reason ? [h('div', { class: 'reason', text: f.reason })] : [])),
    h('td', {}, sideBlock(index, fromGroup, 'egress', f.egress, f.change === 'denied')),
    h('td', {}, sideBlock(index, toGroup, 'ingress', f.ingress, f.change === 'denied'))));
  return h('table', { class: 'flows' }, h('thead', {}, head), h('tbody', {}, ...body));
}

function verdictText(f: FlowAnswer): HTMLElement {
  const change = f.change === 'allowed' ? ' (+ newly allowed)' : f.change === 'denied' ? ' (− newly denied)' : '';
  return h('span', { class: 'verdict', text: `${f.allowed ? '✔ allowed' : '✘ denied'}${change}` });
}

/** One side: its verdict, then each rule or isolating policy with where it was defined. */
function sideBlock(index: ClusterIndex, group: number, direction: 'ingress' | 'egress', side: SideAnswer, before: boolean): HTMLElement {
  const out = h('div', { class: `side ${side.verdict}` }, h('span', { class: 'side-verdict', text: SIDE_WORDS[side.verdict] }));
  for (const r of side.rules) {
    const policy = index.policy(group, r.policy);
    const version = policy && before ? policy.before ?? policy : policy;
    const rule = version?.[direction]?.[r.index];
    const extra = [...(r.tier !== undefined ? [`${r.tier} tier`] : []), ...(r.action ? [r.action === 'deny' ? 'Deny' : 'Pass'] : [])];
    out.append(h('div', { class: 'rule' },
      h('code', { text: `${index.policyId(group, r.policy)} ${direction} rule ${r.index}${r.name !== undefined ? ` "${r.name}"` : ''}${extra.length ? ` (${extra.join(', ')})` : ''}` }),
      ...(before && policy?.before ? [h('span', { class: 'note', text: ' (before the change)' })] : []),
      ...(rule ? [h('div', { class: 'rule-text', text: rule.text })] : []),
      ...sourceOf(version, rule?.line)));
  }
  if (side.verdict === 'denied' && side.isolatedBy.length) {
    out.append(h('div', { class: 'rule-text', text: `isolated by ${side.isolatedBy.map((p) => index.policyId(group, p)).join(', ')}; none of their ${direction} rules matched` }));
    const list = h('ul', {});
    for (const name of side.isolatedBy) {
      const policy = index.policy(group, name);
      const rules = policy?.[direction] ?? [];
      list.append(h('li', {},
        h('code', { text: index.policyId(group, name) }),
        ...sourceOf(policy),
        rules.length ? h('ul', {}, ...rules.map((rule) => h('li', { text: rule.text }))) : h('div', { text: `no ${direction} rules: deny all` })));
    }
    out.append(h('details', {}, h('summary', { text: 'what these policies allow' }), list));
  }
  return out;
}

function sourceOf(policy: PolicyVersion | undefined, line?: number): HTMLElement[] {
  const src = policy?.source;
  if (!src) return [];
  const parts = [
    ...(src.construct ? [`defined by ${src.construct}`] : []),
    ...(src.file ? [`${src.construct ? 'in ' : ''}${src.file}${line !== undefined ? `:${line}` : ''}`] : []),
  ];
  return [h('div', { class: 'source', text: parts.join(' ') })];
}

/** A group: what it is, its summary lines, members, and the lint findings about it. */
export function groupDetails(index: ClusterIndex, group: number, findings: readonly ExplorerFinding[]): HTMLElement {
  const g = index.groups[group];
  const mine = findings.filter((f) => f.groups.includes(g.id));
  return h('div', { class: 'group-details' },
    h('h2', { text: g.id }),
    h('p', { text: groupText(g) }),
    ...(g.details.length ? [h('ul', {}, ...g.details.map((d) => h('li', { text: d })))] : []),
    ...(g.members.length ? [h('h3', { text: 'members' }), h('ul', {}, ...g.members.map((m) => h('li', { text: `${m.name}${m.ports.length ? ` (${m.ports.join(', ')})` : ''}` })))] : []),
    ...(mine.length ? [h('h3', { text: 'lint findings' }), h('ul', {}, ...mine.map((f) => h('li', { text: `⚑ [${f.rule}] ${f.subject}: ${f.message}` })))] : []),
    ...policiesOf(index, g.namespace));
}

function policiesOf(index: ClusterIndex, namespace: string | undefined): HTMLElement[] {
  if (namespace === undefined) return [];
  const mine: ExplorerPolicy[] = [...index.policies.values()].filter((p) => p.id.startsWith(`${namespace}/`) || p.id.includes(` ${namespace}/`));
  if (!mine.length) return [];
  return [h('h3', { text: 'policies' }), h('ul', {}, ...mine.map((p) => h('li', {},
    h('code', { text: p.id }),
    ...(p.change ? [h('span', { class: 'note', text: ` (${p.change})` })] : []),
    h('div', { text: `applies to ${p.target}` }),
    ...sourceOf(p))))];
}
