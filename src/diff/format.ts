import { list } from './describe';
import { DiffReport, ProjectDiff, Risk } from './report';

/** Output formats of `netiso diff` (besides `html`, which the explorer writes). */
export const DIFF_FORMATS = ['text', 'md', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** A GitHub pull-request comment holds at most 65,536 characters; this leaves room for a header. */
export const DEFAULT_MD_MAX_BYTES = 60_000;

/** Options of {@link formatDiff}. */
export interface FormatOptions {
  /**
   * Text and Markdown: stop adding project sections before this many bytes and say what was left
   * out (risks and the summary always come first). JSON is never cut. @default no limit
   */
  readonly maxBytes?: number;
  /** Where the complete report is, for the line that says what was left out. */
  readonly fullReport?: string;
}

/**
 * Renders a report; every format ends with a newline. Identical changes of several projects
 * (same flows, same objects) read as one entry that names the projects, and so do identical risks.
 */
export function formatDiff(report: DiffReport, format: DiffFormat, options: FormatOptions = {}): string {
  if (format === 'json') return JSON.stringify(report, null, 2) + '\n';
  return render(report, format === 'md' ? MARKDOWN : TEXT, options);
}

/** The same change in several projects. */
interface Section {
  readonly projects: readonly ProjectDiff[];
  readonly title: string;
}

/** Project diffs with the same content, in report order. */
function sections(report: DiffReport): Section[] {
  const groups = new Map<string, ProjectDiff[]>();
  for (const p of report.projects) {
    const key = JSON.stringify([p.status, p.flows.map((f) => f.text), p.objects]);
    const list_ = groups.get(key);
    if (list_) list_.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()].map((projects) => ({ projects, title: titleOf(projects) }));
}

function titleOf(projects: readonly ProjectDiff[]): string {
  const names = projects.map((p) => `${p.cluster}/${p.project}`);
  const status = projects[0].status === 'changed' ? '' : ` (${projects[0].status})`;
  return projects.length === 1 ? `${names[0]}${status}` : `${projects.length} projects${status}: ${list(names)}`;
}

/** Risks that say the same of several projects, as one line each. */
function riskLines(risks: readonly Risk[]): { kind: string; text: string }[] {
  const groups = new Map<string, { kind: string; message: string; where: string[] }>();
  for (const r of risks) {
    const prefix = `${r.cluster}/${r.project}: `;
    const message = r.message.startsWith(prefix) ? r.message.slice(prefix.length) : r.message;
    const key = `${r.kind}\n${message}`;
    const g = groups.get(key) ?? { kind: r.kind, message, where: [] };
    g.where.push(`${r.cluster}/${r.project}`);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({
    kind: g.kind,
    text: g.where.length === 1 ? `${g.where[0]}: ${g.message}` : `${g.where.length} projects (${list(g.where)}): ${g.message}`,
  }));
}

interface Style {
  header(report: DiffReport): string[];
  risks(lines: { kind: string; text: string }[]): string[];
  section(s: Section): string[];
  pairs(report: DiffReport): string[];
  cut(left: number, projects: number, fullReport?: string): string[];
}

function summaryLine(report: DiffReport): string {
  const s = report.summary;
  const incomplete = report.problems?.length ? ` INCOMPLETE: ${report.problems.length} object(s) could not be read; flows they govern may be wrong.` : '';
  if (!s.projectsChanged && !report.risks.length) return `No changes.${incomplete}`;
  return `${s.projectsChanged} project(s) changed: ${s.flowsAllowed} flow group(s) newly allowed, ${s.flowsDenied} newly denied; `
    + `objects ${s.objectsAdded} added, ${s.objectsRemoved} removed, ${s.objectsChanged} changed; ${report.risks.length} risk(s).${incomplete}`;
}

function objectLines(p: ProjectDiff): string[] {
  return [
    ...p.objects.added.map((o) => `added ${o}`),
    ...p.objects.removed.map((o) => `removed ${o}`),
    ...p.objects.changed.map((o) => `changed ${o}`),
  ];
}

function pairLines(report: DiffReport): string[] {
  return (report.pairs ?? []).map((p) => `${p.from} => ${p.to} : ${p.before} -> ${p.after}${p.added ? ` (added ${p.added.join(', ')})` : ''}${p.removed ? ` (removed ${p.removed.join(', ')})` : ''}`);
}

const TEXT: Style = {
  header: (report) => [summaryLine(report), ...(report.problems?.length ? ['', 'NOT READ:', ...report.problems.map((p) => `  ? ${p}`)] : [])],
  risks: (lines) => (lines.length ? ['', 'RISKS:', ...lines.map((l) => `  ! [${l.kind}] ${l.text}`)] : []),
  section: (s) => ['', `${s.title}:`, ...s.projects[0].flows.map((f) => `  ${f.text}`), ...objectLines(s.projects[0]).map((o) => `  ${o}`)],
  pairs: (report) => (report.pairs?.length ? ['', 'PAIRS:', ...pairLines(report).map((l) => `  ${l}`)] : []),
  cut: (left, projects, full) => ['', `… ${left} more section(s) (${projects} project(s)) left out to keep this report short${full ? `; the complete report is ${full}` : '; run with --output FILE for the complete report'}.`],
};

const MARKDOWN: Style = {
  header: (report) => ['### netiso: connectivity diff', '', escape(summaryLine(report)),
    ...(report.problems?.length ? ['', '#### :grey_question: Not read', '', ...report.problems.map((p) => `- ${escape(p)}`)] : [])],
  risks: (lines) => (lines.length ? ['', '#### :warning: Risks', '', ...lines.map((l) => `- **${l.kind}**: ${escape(l.text)}`)] : []),
  section: (s) => {
    const p = s.projects[0];
    const allowed = p.flows.filter((f) => f.change === 'allowed').length;
    const objects = p.objects.added.length + p.objects.removed.length + p.objects.changed.length;
    const out = ['', '<details>', `<summary><b>${escapeHtml(s.title)}</b>: +${allowed} allowed, -${p.flows.length - allowed} denied, ${objects} object(s) changed</summary>`, ''];
    if (p.flows.length) out.push('```diff', ...p.flows.map((f) => f.text), '```', '');
    out.push(...objectLines(p).map((o) => `- ${escape(o)}`), '', '</details>');
    return out;
  },
  pairs: (report) => (report.pairs?.length ? ['', '<details>', '<summary><b>Changed pairs</b></summary>', '', '```', ...pairLines(report), '```', '', '</details>'] : []),
  cut: (left, projects, full) => ['', `_… ${left} more section(s) (${projects} project(s)) left out to stay within the size of a pull-request comment${full ? `; the complete report: ${escape(full)}` : ''}._`],
};

function render(report: DiffReport, style: Style, options: FormatOptions): string {
  const lines = [...style.header(report), ...style.risks(riskLines(report.risks))];
  const bytes = (ls: readonly string[]) => Buffer.byteLength(ls.join('\n')) + 1;
  const max = options.maxBytes ?? Infinity;
  const all = sections(report);
  const pairs = style.pairs(report);
  // Keep room for the line that says what was left out.
  const reserve = 400;
  for (let i = 0; i < all.length; i++) {
    const next = style.section(all[i]);
    if (bytes([...lines, ...next]) + reserve > max) {
      const rest = all.slice(i);
      lines.push(...style.cut(rest.length, rest.reduce((n, s) => n + s.projects.length, 0), options.fullReport));
      return lines.join('\n') + '\n';
    }
    lines.push(...next);
  }
  if (bytes([...lines, ...pairs]) + reserve <= max) lines.push(...pairs);
  else if (pairs.length) lines.push(...style.cut(1, 0, options.fullReport));
  return lines.join('\n') + '\n';
}

// Object names and peers can hold characters Markdown or HTML would interpret.
function escape(text: string): string {
  return text.replace(/[<>&*_`|[\]]/g, (c) => `\\${c}`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
}

