// `npm run docs:explorer`: the explorer files of the example projects under docs/, and the
// screenshot the docs show. test/explorer/docs.test.ts fails when the HTML files are stale.
import * as fs from 'fs';
import * as path from 'path';
import { loadDefinitions } from '../src/synth/load';
import { analyzeCluster, explain } from '../src/report';
import { diffDist } from '../src/diff/diff';
import { ExplorerData, explainExplorerData, renderHtml } from '../src/explorer';
import { diffExplorerData } from '../src/explorer/produce-diff';
import { renderTree } from '../src/synth/files';
import { ClusterSet } from '../src/constructs/cluster-set';
import { cellCenter, launchChromium, openExplorer } from './chromium';

export const DOCS = path.join(__dirname, '..', 'docs');

/** The committed example pages: `netiso explain` of projects/, and `netiso diff` of a sample change to it. */
export function exampleExplorers(clusters: ClusterSet): Map<string, ExplorerData> {
  const out = new Map<string, ExplorerData>();
  for (const c of clusters.clusters) {
    const analysis = analyzeCluster(c);
    out.set(`explorer-${c.name}.html`, explainExplorerData(analysis, explain(analysis)));
  }
  // The diff sample: the README's pull request (partners over HTTPS, demo-project-2's entry dropped), built in memory.
  const base = renderTree(clusters.clusters).files;
  const head = new Map(base);
  for (const [file, text] of base) {
    if (file.endsWith('/demo-project/NetworkPolicy.netiso-from-demo-project-2.k8s.yaml')) head.delete(file);
    if (file.endsWith('/demo-project/NetworkPolicy.netiso-from-client.k8s.yaml')) {
      head.set(file.replace('from-client', 'from-partners'), text.replace(/from-client/g, 'from-partners').replace('192.168.1.1/32', '0.0.0.0/0').replace('port: 80', 'port: 443'));
    }
    if (file.endsWith('/demo-project/kustomization.yaml')) head.set(file, text.replace('NetworkPolicy.netiso-from-demo-project-2.k8s.yaml', 'NetworkPolicy.netiso-from-partners.k8s.yaml'));
  }
  const side = (name: string, files: ReadonlyMap<string, string>) => ({ files, fileName: (rel: string) => `${name}:dist/${rel}` });
  out.set('explorer-diff.html', diffExplorerData(diffDist(base, head), { base: side('main', base), head: side('pr', head) }, 'netiso diff: main → pr (sample)'));
  return out;
}

async function main(): Promise<void> {
  fs.mkdirSync(DOCS, { recursive: true });
  const { clusters, problems } = await loadDefinitions(path.join(__dirname, '..', 'projects'));
  if (problems.length) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  const examples = exampleExplorers(clusters);
  for (const [file, data] of examples) fs.writeFileSync(path.join(DOCS, file), renderHtml(data));
  const browser = await launchChromium();
  try {
    const page = await browser.page({ width: 1400, height: 860 });
    await openExplorer(page, path.join(DOCS, 'explorer-demo.html'));
    const at = await cellCenter(page, 'shop-web', 'shop-db');
    await page.mouse.click(at.x, at.y);
    await page.screenshot({ path: path.join(DOCS, 'explorer.png') });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${[...examples.keys()].join(', ')} and explorer.png in docs/`);
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(e.stack ?? e.message);
    process.exitCode = 1;
  });
}
