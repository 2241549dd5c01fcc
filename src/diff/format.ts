import { DiffReport, ProjectDiff } from './report';

/** Output formats of `netiso diff`. */
export const DIFF_FORMATS = ['text', 'md', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** Renders a report in one of {@link DIFF_FORMATS}; every format ends with a newline. */
export function formatDiff(report: DiffReport, format: DiffFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2) + '\n';
    case 'md':
      return formatMarkdown(report);
    case 'text':
      return formatText(report);
  }
}

function summaryLine(report: DiffReport): string {
  const s = report.summary;
  if (!s.projectsChanged) return 'No changes.';
  return `${s.projectsChanged} project(s) changed: ${s.flowsAllowed} flow group(s) newly allowed, ${s.flowsDenied} newly denied; `
    + `objects ${s.objectsAdded} added, ${s.objectsRemoved} removed, ${s.objectsChanged} changed; ${report.risks.length} risk(s).`;
}

function objectLines(p: ProjectDiff): string[] {
  return [
    ...p.objects.added.map((o) => `added ${o}`),
    ...p.objects.removed.map((o) => `removed ${o}`),
    ...p.objects.changed.map((o) => `changed ${o}`),
  ];
}

function projectTitle(p: ProjectDiff): string {
  return `${p.cluster}/${p.project}${p.status === 'changed' ? '' : ` (${p.status})`}`;
}

function formatText(report: DiffReport): string {
  const lines = [summaryLine(report)];
  if (report.risks.length) {
    lines.push('', 'RISKS:');
    for (const r of report.risks) lines.push(`  ! [${r.kind}] ${r.message}`);
  }
  for (const p of report.projects) {
    lines.push('', `${projectTitle(p)}:`);
    for (const f of p.flows) lines.push(`  ${f.text}`);
    for (const o of objectLines(p)) lines.push(`  ${o}`);
  }
  return lines.join('\n') + '\n';
}

function formatMarkdown(report: DiffReport): string {
  const lines = ['### netiso: connectivity diff', '', summaryLine(report)];
  if (report.risks.length) {
    lines.push('', '#### :warning: Risks', '');
    for (const r of report.risks) lines.push(`- **${r.kind}**: ${escape(r.message)}`);
  }
  for (const p of report.projects) {
    const allowed = p.flows.filter((f) => f.change === 'allowed').length;
    const denied = p.flows.length - allowed;
    const objects = p.objects.added.length + p.objects.removed.length + p.objects.changed.length;
    lines.push('', '<details>', `<summary><b>${escapeHtml(projectTitle(p))}</b>: +${allowed} allowed, -${denied} denied, ${objects} object(s) changed</summary>`, '');
    if (p.flows.length) {
      lines.push('```diff', ...p.flows.map((f) => f.text), '```', '');
    }
    for (const o of objectLines(p)) lines.push(`- ${escape(o)}`);
    lines.push('', '</details>');
  }
  return lines.join('\n') + '\n';
}

// Object names and peers can hold characters Markdown or HTML would interpret.
function escape(text: string): string {
  return text.replace(/[<>&*_`|[\]]/g, (c) => `\\${c}`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
}
