import * as fs from 'fs';
import * as path from 'path';
import { definitionFiles, loadDefinitions } from '../src/synth/load';
import { renderTree } from '../src/synth/files';
import { listFiles } from '../src/k8s/files';

// Every definition file under projects/ is snapshot-tested: adding a file adds its snapshot.
const root = path.join(__dirname, '..');
const projectsDir = path.join(root, 'projects');
let loaded: Awaited<ReturnType<typeof loadDefinitions>>;
let tree: ReturnType<typeof renderTree>;
beforeAll(async () => {
  loaded = await loadDefinitions(projectsDir);
  tree = renderTree(loaded.clusters.clusters);
});

test('project definitions load without problems', () => {
  expect(loaded.problems).toEqual([]);
});

describe.each(definitionFiles(projectsDir).map((f) => path.basename(f)))('projects/%s', (file) => {
  test('synthesizes to its snapshot', () => {
    const dirs = loaded.clusters.clusters.flatMap((c) => c.projects
      .filter((p) => p.definedIn && path.basename(p.definedIn) === file)
      .map((p) => `${c.name}/${p.name}/`));
    expect(dirs.length).toBeGreaterThan(0);
    const files = Object.fromEntries([...tree.files].filter(([rel]) => dirs.some((d) => rel.startsWith(d))));
    expect(files).toMatchSnapshot();
  });
});

test('dist/ is up to date with projects/ (run `npm run synth` and commit dist/ if this fails)', () => {
  const dist = path.join(root, 'dist');
  const onDisk = fs.existsSync(dist) ? listFiles(dist) : [];
  const expected = [...tree.files.keys()].sort();
  expect(onDisk).toEqual(expected);
  for (const rel of expected) expect([rel, fs.readFileSync(path.join(dist, rel), 'utf8')]).toEqual([rel, tree.files.get(rel)]);
});
