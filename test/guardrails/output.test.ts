import { exampleClusters } from '../helpers';
import { renderTree } from '../../src/synth/files';

// The cluster-scoped output of projects/guardrails.ts, one snapshot per API (projects.test.ts
// snapshots the project directories).
const clusters = exampleClusters();
const tree = renderTree(clusters.clusters);

test.each(clusters.clusters.filter((c) => c.clusterProps.guardrails).map((c) => c.name))('%s/_cluster', (name) => {
  const files = Object.fromEntries([...tree.files].filter(([rel]) => rel.startsWith(`${name}/_cluster/`)));
  expect(Object.keys(files).length).toBeGreaterThan(1);
  expect(files).toMatchSnapshot();
});

test('the cluster kustomization lists _cluster with the projects', () => {
  expect(tree.files.get('guarded-cnp/kustomization.yaml')).toContain('  - _cluster\n');
});
