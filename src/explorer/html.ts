import { createHash } from 'crypto';
import { PAGE_SCRIPT, PAGE_STYLE } from './assets';
import { ExplorerData, explorerDataProblems } from './model';

/**
 * The explorer as one self-contained HTML file: the data, the script and the style are inlined,
 * and a Content-Security-Policy that admits exactly this script and style (by hash) and no
 * connection of any kind, so the file opens from disk or a CI artifact and never reaches out.
 * @throws Error listing every inconsistency of `data` (see {@link explorerDataProblems}).
 */
export function renderHtml(data: ExplorerData): string {
  const problems = explorerDataProblems(data);
  if (problems.length) throw new Error(`explorer data is inconsistent:\n  - ${problems.join('\n  - ')}`);
  // JSON inside <script>: escaping '<' keeps "</script>" or "<!--" in a name from ending the element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const script = PAGE_SCRIPT.replace(/<\/script/gi, '<\\/script');
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
  const csp = [
    "default-src 'none'",
    `script-src ${hash(script)}`,
    `style-src ${hash(PAGE_STYLE)}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="netiso">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    '<noscript>This reachability explorer needs JavaScript. The same analysis is available as text: netiso explain (or netiso diff) --format text.</noscript>',
    '<div id="app"></div>',
    `<script type="application/json" id="netiso-data">${json}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
