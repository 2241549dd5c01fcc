import { exampleClusters } from '../helpers';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { Cluster } from '../../src';
import { ExplorerData, decodeMatrix, renderHtml } from '../../src/explorer';
import { explainExplorerData } from '../../src/explorer/produce';
import { analyzeCluster, explain } from '../../src/report';
import { benchExplorerData } from '../../bench/explorer';
import { Browser, browserSkipReason, cellCenter, launchChromium, openExplorer } from '../../scripts/chromium';
import { exampleExplorers } from '../../scripts/explorer-docs';

// The explorer in a real headless Chromium. Without one, these tests are skipped, loudly; with
// NETISO_BROWSER_TESTS=required (.ci/run) a missing browser fails instead.
const skip = browserSkipReason();
if (skip) process.stderr.write(`\n*** test/explorer/browser.test.ts: browser tests SKIPPED: ${skip} ***\n\n`);
const describeBrowser = skip ? describe.skip : describe;

type CellCount = { from: string; to: string; allowed: number; total: number };

describeBrowser('explorer in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let data: ExplorerData;
  let demoFile: string;
  let diffFile: string;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    const clusters = exampleClusters();
    const problems: { path: string; message: string }[] = [];
    expect(problems).toEqual([]);
    const demo = clusters.clusters.find((c) => c.name === 'demo') as Cluster;
    const analysis = analyzeCluster(demo);
    data = explainExplorerData(analysis, explain(analysis));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-explorer-'));
    demoFile = path.join(dir, 'demo.html');
    fs.writeFileSync(demoFile, renderHtml(data));
    diffFile = path.join(dir, 'diff.html');
    fs.writeFileSync(diffFile, renderHtml(exampleExplorers(exampleClusters()).get('explorer-diff.html')!));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string): Promise<Page> {
    const page = await browser.page();
    page.on('request', (r) => { if (!r.url().startsWith('file://')) requests.push(r.url()); });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await openExplorer(page, file);
    return page;
  }

  afterEach(() => {
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('opens from disk, and its matrix counts are the data\'s', async () => {
    const page = await open(demoFile);
    const shown = (await page.evaluate('window.netiso.cellCounts()') as CellCount[]).map(({ from, to, allowed, total }) => ({ from, to, allowed, total }));
    const key = (c: CellCount) => `${c.from}\n${c.to}`;
    const c = data.clusters[0];
    const matrix = decodeMatrix(c);
    const expected: CellCount[] = [];
    c.groups.forEach((from, f) => c.groups.forEach((to, t) => {
      const b = matrix[f * c.groups.length + t];
      if (b < 0) return;
      const flows = c.blocks[b].pairs.flat().filter((a) => a >= 0).flatMap((a) => c.answers[a].flows);
      expected.push({ from: from.id, to: to.id, allowed: flows.filter((x) => x.allowed).length, total: flows.length });
    }));
    expect(shown.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
    expect(await page.textContent('.shown')).toBe('19 × 19 of 19 groups, 19 × 19 lines');
    await page.close();
  }, 30_000);

  test('a click on a cell shows its flows and the rules that decided them', async () => {
    const page = await open(demoFile);
    const at = await cellCenter(page, 'demo-project-2', 'demo-project');
    await page.mouse.click(at.x, at.y);
    const details = await page.textContent('.details');
    expect(details).toContain('demo-project-2 → demo-project');
    expect(details).toContain('■ 1 of 1 flow allowed');
    expect(details).toContain('demo-project/netiso-from-demo-project-2 ingress rule 0');
    expect(details).toContain('defined by demo/demo-project/from-demo-project-2 in projects/demo.ts');
    expect(details).toContain('open (no policy selects the pod)');
    expect(await page.textContent('.status')).toBe('from demo-project-2 to demo-project: ■ 1 of 1 flow allowed');

    // A denied flow names the isolating policies on the side that denied it.
    const denied = await cellCenter(page, 'shop-web', 'shop-db');
    await page.mouse.click(denied.x, denied.y);
    const text = await page.textContent('.details');
    // frontend → redis: TCP 6379 allowed, all but TCP 6379 denied; worker → redis: all denied.
    expect(text).toContain('◣ 1 of 3 flows allowed');
    expect(text).toContain('shop-web/netiso-to-redis egress rule 0');
    expect(text).toContain('all but TCP 6379');
    expect(text).toContain('isolated by shop-web/netiso-isolation; none of their egress rules matched');
    await page.close();
  }, 30_000);

  test('search, filters and the keyboard', async () => {
    const page = await open(demoFile);
    await page.fill('#f-search', 'shop');
    expect(await page.textContent('.shown')).toBe('2 × 2 of 19 groups, 2 × 2 lines');
    await page.fill('#f-search', '');
    await page.check('#f-external');
    expect(await page.textContent('.shown')).toMatch(/^\d+ × \d+ of 19 groups/);
    await page.uncheck('#f-external');
    await page.fill('#f-port', 'http');
    expect(await page.textContent('.hint')).toContain('write a protocol, a port or both');

    // Arrow keys move the focus, Enter opens the cell, E expands the row's group into its workloads.
    await page.fill('#f-port', '');
    await page.fill('#f-search', 'shop');
    await page.focus('.scroller');
    await page.keyboard.press('ArrowRight');
    expect(await page.textContent('.status')).toBe('from shop-db to shop-web: □ 0 of 2 flows allowed');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await page.textContent('.details h2')).toBe('shop-web → shop-web');
    await page.keyboard.press('e');
    expect(await page.textContent('.shown')).toBe('2 × 2 of 19 groups, 4 × 4 lines');
    expect(await page.textContent('.details')).toContain('frontend (TCP 8080)');

    // The port filter counts the flows that hold TCP 6379: frontend's allowed flow, worker's denied one.
    await page.fill('#f-port', 'tcp 6379');
    const cell = await cellCenter(page, 'shop-web', 'shop-db');
    await page.mouse.click(cell.x, cell.y);
    expect(await page.textContent('.details .counts')).toBe('◣ 1 of 2 flows allowed');
    await page.close();
  }, 30_000);

  test('the graph view draws allowed edges, each one focusable', async () => {
    const page = await open(demoFile);
    await page.fill('#f-search', 'demo-project');
    await page.click('text=Graph');
    const edges = await page.$$eval('.graph .edge', (els) => els.map((e) => e.getAttribute('aria-label')));
    expect(edges).toEqual([
      'demo-project → demo-project-2: ◣ 1 of 2 flows allowed',
      'demo-project-2 → demo-project: ■ 1 of 1 flow allowed',
    ]);
    await page.focus('.graph .edge');
    await page.keyboard.press('Enter');
    expect(await page.textContent('.details')).toContain('demo-project/netiso-to-nginx egress rule 0');
    await page.close();
  }, 30_000);

  test('the diff: risks first, changed cells marked', async () => {
    const page = await open(diffFile);
    expect(await page.textContent('.risks')).toContain('internet-ingress');
    const cells = await page.evaluate('window.netiso.cellCounts()') as (CellCount & { plus: number; minus: number })[];
    expect(cells.filter((c) => c.plus > 0).map((c) => `${c.from} -> ${c.to}`)).toEqual(['external any IPv4 address -> demo-project']);
    expect(cells.filter((c) => c.minus > 0).map((c) => `${c.from} -> ${c.to}`)).toEqual(['demo-project-2 -> demo-project']);
    const at = await cellCenter(page, 'external any IPv4 address', 'demo-project');
    await page.mouse.click(at.x, at.y);
    const details = await page.textContent('.details');
    expect(details).toContain('+ newly allowed');
    expect(details).toContain('demo-project/netiso-from-partners ingress rule 0');
    expect(details).toMatch(/pr:dist\/demo\/demo-project\/NetworkPolicy\.netiso-from-partners\.k8s\.yaml:\d+/);
    await page.close();
  }, 30_000);

  test('a screenshot of the explorer renders', async () => {
    const page = await open(demoFile);
    const png = await page.screenshot();
    // PNG signature, and a real picture rather than an empty frame.
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
    await page.close();
  }, 30_000);

  test('the 1,000 × 5 cluster opens (smoke; npm run bench measures it)', async () => {
    const file = path.join(dir, 'big.html');
    fs.writeFileSync(file, renderHtml(benchExplorerData(1000)));
    const page = await browser.page();
    const ms = await openExplorer(page, file);
    expect(ms).toBeLessThan(20_000);
    expect(await page.textContent('.shown')).toMatch(/^2005 × 2005 of 2005 groups/);
    await page.close();
  }, 120_000);
});

if (skip) {
  test.skip(`browser tests: ${skip}`, () => undefined);
}
