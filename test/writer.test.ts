import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClusterSet, Direction, ExternalWhitelist, IsolatedProject, renderTree, SynthesisError, writeTree } from '../src';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-writer-'));
}

function tree(entries: Record<string, string[]>) {
  const set = new ClusterSet();
  for (const [cluster, projects] of Object.entries(entries)) {
    for (const name of projects) {
      const p = new IsolatedProject(set.cluster(cluster), name);
      new ExternalWhitelist(p, 'office', { direction: Direction.INGRESS, cidrs: ['192.168.0.0/24'] });
    }
  }
  return renderTree(set.clusters);
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r); else out[r] = fs.readFileSync(path.join(dir, r), 'utf8');
    }
  };
  walk('');
  return out;
}

test('writes the tree, then prunes stale generated files and keeps hand-placed ones', () => {
  const out = path.join(tmpdir(), 'dist');
  const first = writeTree(out, tree({ prod: ['a', 'b'] }).files);
  expect(first.written).toContain('prod/a/NetworkPolicy.netiso-office.k8s.yaml');
  fs.writeFileSync(path.join(out, 'prod', 'b', 'extra.yaml'), 'kind: ConfigMap\n');
  fs.writeFileSync(path.join(out, 'README.md'), 'mine');

  const second = writeTree(out, tree({ prod: ['a'] }).files);
  expect(second.removed.sort()).toEqual([
    'prod/b/Namespace.b.k8s.yaml', 'prod/b/NetworkPolicy.netiso-isolation.k8s.yaml', 'prod/b/NetworkPolicy.netiso-office.k8s.yaml', 'prod/b/kustomization.yaml',
  ]);
  expect(second.foreign.sort()).toEqual(['README.md', 'prod/b/extra.yaml']);
  expect(second.unchanged).toContain('prod/a/NetworkPolicy.netiso-isolation.k8s.yaml');
  expect(second.written).toEqual(['prod/kustomization.yaml']);
  expect(Object.keys(snapshot(out)).sort()).toEqual([
    'README.md', 'prod/a/Namespace.a.k8s.yaml', 'prod/a/NetworkPolicy.netiso-isolation.k8s.yaml', 'prod/a/NetworkPolicy.netiso-office.k8s.yaml',
    'prod/a/kustomization.yaml', 'prod/b/extra.yaml', 'prod/kustomization.yaml',
  ]);
  expect(fs.readdirSync(path.dirname(out))).toEqual(['dist']);
});

test('unchanged files are not rewritten (their mtime stays)', () => {
  const out = path.join(tmpdir(), 'dist');
  const files = tree({ prod: ['a'] }).files;
  writeTree(out, files);
  const file = path.join(out, 'prod/a/Namespace.a.k8s.yaml');
  const old = new Date('2020-01-01T00:00:00Z');
  fs.utimesSync(file, old, old);
  const report = writeTree(out, files);
  expect(report.written).toEqual([]);
  expect(fs.statSync(file).mtime.toISOString()).toBe(old.toISOString());
});

test('a synthesis that fails validation leaves the previous output untouched', () => {
  const out = path.join(tmpdir(), 'dist');
  writeTree(out, tree({ prod: ['a'] }).files);
  const before = snapshot(out);
  const set = new ClusterSet();
  new IsolatedProject(set.cluster('prod'), 'Not_Valid');
  expect(() => writeTree(out, renderTree(set.clusters).files)).toThrow(SynthesisError);
  expect(snapshot(out)).toEqual(before);
});

test('a failure while writing leaves the previous output untouched and no staging directory', () => {
  const out = path.join(tmpdir(), 'dist');
  writeTree(out, tree({ prod: ['a'] }).files);
  const before = snapshot(out);
  const files = new Map(tree({ prod: ['a', 'b'] }).files);
  // A path that is both a file and a directory cannot be staged.
  files.set('prod/a/Namespace.a.k8s.yaml/oops', 'x');
  expect(() => writeTree(out, files)).toThrow();
  expect(snapshot(out)).toEqual(before);
  expect(fs.readdirSync(path.dirname(out))).toEqual(['dist']);
});
