/**
 * The explorer page at scale (issue 13: open and render the 1,000-project × 5-workload cluster in
 * under 3 s in headless Chromium). For each size: the page data of `netiso explain --format html`
 * for the explain section's cluster (`benchManifests`), the HTML file, then opening it from disk
 * until the first frame is painted, and expanding every project into its workloads. Skipped, with
 * a note, where Chromium is not installed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { explainExplorerData } from '../src/explorer/produce';
import { renderHtml } from '../src/explorer/html';
import { readManifestObjects } from '../src/k8s/manifests';
import { analyzeManifests } from '../src/report/analyze';
import { explain } from '../src/report/report';
import { browserSkipReason, launchChromium, openExplorer } from '../scripts/chromium';
import { benchManifests } from './explain';
import { Row, Section } from './table';

/** The page data of `netiso explain --format html` for the explain benchmark's cluster of `n` projects. */
export function benchExplorerData(n: number): ReturnType<typeof explainExplorerData> {
  const analysis = analyzeManifests(readManifestObjects(benchManifests(n)), `bench-${n}`);
  return explainExplorerData(analysis, explain(analysis));
}

/** Larger clusters than this are left out: the matrix of group pairs grows with its square. */
const MAX_PROJECTS = 2000;
/** The budget the issue sets for opening the 1,000-project file. */
const BUDGET_MS = 3000;

async function run(sizes: readonly number[]): Promise<Row[]> {
  if (browserSkipReason()) return [];
  const rows: Row[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-bench-explorer-'));
  const browser = await launchChromium();
  try {
    for (const n of sizes.filter((s) => s <= MAX_PROJECTS)) {
      const t0 = performance.now();
      const data = benchExplorerData(n);
      const t1 = performance.now();
      const html = renderHtml(data);
      const t2 = performance.now();
      const file = path.join(dir, `explorer-${n}.html`);
      fs.writeFileSync(file, html);
      const page = await browser.page();
      const openMs = await openExplorer(page, file);
      const scriptMs = await page.evaluate('window.netiso.startupMs') as number;
      const t3 = performance.now();
      await page.click('text=Workloads');
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      const expandMs = performance.now() - t3;
      await page.close();
      const c = data.clusters[0];
      rows.push({
        projects: n,
        workloads: c.groups.reduce((sum, g) => sum + (g.kind === 'project' || g.kind === 'namespace' ? g.members.length : 0), 0),
        groupCells: c.groups.length ** 2,
        answers: c.answers.length,
        blocks: c.blocks.length,
        htmlMB: Number((html.length / 2 ** 20).toFixed(1)),
        dataMs: Math.round(t1 - t0),
        renderHtmlMs: Math.round(t2 - t1),
        openMs,
        scriptMs: Math.round(scriptMs),
        expandAllMs: Math.round(expandMs),
      });
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** The explorer's section of `npm run bench`. */
export function explorerSection(): Section {
  return {
    title: 'Explorer page: N projects x 5 workloads, opened from disk in headless Chromium',
    run,
    notes: (rows) => {
      const skip = browserSkipReason();
      if (skip) return [`skipped: ${skip}`];
      const at1000 = rows.find((r) => r.projects === 1000);
      return [
        'dataMs: analysis, report and page data (netiso explain --format html without reading files); openMs: navigation until the first painted frame (data parsed and decoded, matrix drawn); scriptMs: the page script\'s share of it; expandAllMs: "Workloads" (every project expanded) until painted.',
        `sizes above ${MAX_PROJECTS} projects are left out.`,
        ...(at1000 ? [`1,000 projects: opened in ${at1000.openMs} ms, budget ${BUDGET_MS} ms: ${Number(at1000.openMs) <= BUDGET_MS ? 'met' : 'MISSED'}.`] : []),
      ];
    },
  };
}
