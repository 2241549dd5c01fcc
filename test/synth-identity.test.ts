import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateProjects } from '../bench/generate';
import { ClusterSet } from '../src/constructs/cluster-set';
import { renderTree } from '../src/synth/files';
import { loadDefinitions } from '../src/synth/load';
import { listFiles } from '../src/k8s/files';

/**
 * `netiso synth` writes manifests itself instead of running cdk8s's App.synth() (quadratic in the
 * number of charts). This proves the shortcut changes nothing: both paths, same bytes.
 */
describe('fast path vs cdk8s synthesis', () => {
  let outdir: string;
  beforeAll(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-identity-')); });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const cases: Array<[string, (clusters: ClusterSet) => void | Promise<void>]> = [
    ['the example projects', async (clusters) => {
      const { problems } = await loadDefinitions(path.join(__dirname, '..', 'projects'), clusters);
      expect(problems).toEqual([]);
    }],
    ['generated benchmark projects', (clusters) => generateProjects(clusters, 4)],
  ];

  test.each(cases)('%s: every manifest file is byte-identical', async (name, define) => {
    const root = path.join(outdir, name.replace(/\W+/g, '-'));
    const clusters = new ClusterSet({ outdir: root });
    await define(clusters);
    const fast = renderTree(clusters.clusters).files;
    for (const cluster of clusters.clusters) cluster.synth();

    // kustomization.yaml files are netiso's own; cdk8s writes none.
    const manifests = [...fast.keys()].filter((rel) => !rel.endsWith('/kustomization.yaml')).sort();
    expect(manifests.length).toBeGreaterThan(0);
    expect(listFiles(root)).toEqual(manifests);
    for (const rel of manifests) expect([rel, fs.readFileSync(path.join(root, rel), 'utf8')]).toEqual([rel, fast.get(rel)]);
  });
});
