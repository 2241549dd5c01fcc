import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { GITOPS_HEADER, renderGitOps, writeGitOps } from '../../src';
import { distClusters } from '../../src/gitops/write';
import { writeTree } from '../../src/synth/writer';
import { KUSTOMIZATION_HEADER } from '../../src/synth/files';
import { main } from '../../src/cli/main';

const docs = (text: string): any[] => parseAllDocuments(text).map((d) => d.toJS());
/** Clusters as `distClusters` reads them: each with a project directory named after it. */
const clusters = (...names: string[]) => names.map((name) => ({ name, dirs: [`${name}-app`] }));

test('an ApplicationSet per cluster over dist/<cluster>/*, preserving resources on deletion', () => {
  const files = renderGitOps(clusters('prod', 'edge'), { repoUrl: 'https://example.com/net.git', revision: 'release', distPath: './manifests/' });
  expect([...files.keys()]).toEqual(['argocd/edge.applicationset.yaml', 'flux/edge.yaml', 'argocd/prod.applicationset.yaml', 'flux/prod.yaml']);
  const text = files.get('argocd/prod.applicationset.yaml')!;
  expect(text.startsWith(GITOPS_HEADER)).toBe(true);
  expect(text).toContain('# preserveResourcesOnDeletion keeps');
  const [appSet] = docs(text);
  expect(appSet).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'netiso-prod', namespace: 'argocd' } });
  expect(appSet.spec.generators).toEqual([{ git: { repoURL: 'https://example.com/net.git', revision: 'release', directories: [{ path: 'manifests/prod/*' }] } }]);
  expect(appSet.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
  expect(appSet.spec.template.metadata).toEqual({
    name: 'netiso-prod-{{.path.basenameNormalized}}',
    annotations: { 'argocd.argoproj.io/manifest-generate-paths': '.' },
  });
  expect(appSet.spec.template.spec).toEqual({
    project: 'default',
    source: { repoURL: 'https://example.com/net.git', targetRevision: 'release', path: '{{.path.path}}' },
    // _cluster holds cluster-scoped objects: its Application has no namespace.
    destination: { name: 'prod', namespace: '{{if ne .path.basename "_cluster"}}{{.path.basename}}{{end}}' },
    syncPolicy: { automated: { prune: true, selfHeal: true } },
  });
});

test('the dist path is normalised, and must stay inside the repository', () => {
  const render = (distPath: string) => renderGitOps(clusters('prod'), { repoUrl: 'https://example.com/net.git', distPath });
  const [appSet] = docs(render('./out//dist/../dist/').get('argocd/prod.applicationset.yaml')!);
  expect(appSet.spec.generators[0].git.directories).toEqual([{ path: 'out/dist/prod/*' }]);
  expect(docs(render('out\\dist').get('flux/prod.yaml')!)[1].spec.path).toBe('./out/dist/prod/prod-app');
  expect(() => render('/srv/repo/dist')).toThrow(new Error('dist path "/srv/repo/dist" is absolute; give it relative to the repository root, as the ApplicationSet and Flux paths need it'));
  expect(() => render('C:/repo/dist')).toThrow(new Error('dist path "C:/repo/dist" is absolute; give it relative to the repository root, as the ApplicationSet and Flux paths need it'));
  expect(() => render('dist/../../dist')).toThrow(new Error('dist path "dist/../../dist" leads out of the repository root; give it relative to the repository root, without ..'));
  expect(() => render('./')).toThrow(new Error('dist path "./" is the repository root; keep the synthesized tree in a directory of its own'));
});

test('a Flux GitRepository and one pruning, orphaning Kustomization per directory, _cluster included', () => {
  const text = renderGitOps([{ name: 'prod', dirs: ['_cluster', 'shop', 'web'] }], { repoUrl: 'ssh://git@example.com/net.git', revision: 'v1.2.0', fluxNamespace: 'flux' }).get('flux/prod.yaml')!;
  expect(text).toContain('# A removed project loses its Kustomization');
  const [source, ...units] = docs(text);
  expect(source).toEqual({
    apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'netiso', namespace: 'flux' },
    spec: { interval: '1m', url: 'ssh://git@example.com/net.git', ref: { tag: 'v1.2.0' } },
  });
  const unit = (name: string, dir: string) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux' },
    spec: { interval: '10m', path: `./dist/prod/${dir}`, prune: true, deletionPolicy: 'Orphan', sourceRef: { kind: 'GitRepository', name: 'netiso' } },
  });
  expect(units).toEqual([unit('netiso--cluster', '_cluster'), unit('netiso-shop', 'shop'), unit('netiso-web', 'web')]);
  const sha = 'a'.repeat(40);
  expect(docs(renderGitOps(clusters('prod'), { repoUrl: 'u', revision: sha }).get('flux/prod.yaml')!)[0].spec.ref).toEqual({ commit: sha });
  expect(docs(renderGitOps(clusters('prod'), { repoUrl: 'u' }).get('flux/prod.yaml')!)[0].spec.ref).toEqual({ branch: 'main' });
});

test('a Flux Kustomization name longer than a label value is refused with the fix', () => {
  const long = 'p'.repeat(57);
  expect(() => renderGitOps([{ name: 'prod', dirs: [long] }], { repoUrl: 'u' })).toThrow(new Error(
    `cluster prod: Flux Kustomization name netiso-${long} is longer than 63 characters, which Flux cannot put in its labels; shorten the project name to 56 characters or less`,
  ));
});

test('the wiring is never written into dist, and files of removed clusters are deleted', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-gitops-'));
  const dist = path.join(dir, 'dist');
  const out = path.join(dir, 'gitops');
  fs.mkdirSync(dist);
  expect(() => writeGitOps(path.join(dist, 'gitops'), dist, new Map())).toThrow(/overlaps/);
  expect(() => writeGitOps(dir, dist, new Map())).toThrow(/overlaps/);
  expect(() => writeGitOps(dist, dist, new Map())).toThrow(/overlaps/);
  writeGitOps(out, dist, renderGitOps(clusters('a', 'b'), { repoUrl: 'u' }));
  fs.writeFileSync(path.join(out, 'README.md'), 'mine');
  const result = writeGitOps(out, dist, renderGitOps(clusters('a'), { repoUrl: 'u' }));
  expect(result.removed).toEqual(['argocd/b.applicationset.yaml', 'flux/b.yaml']);
  expect(fs.readdirSync(path.join(out, 'flux'))).toEqual(['a.yaml']);
  expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toBe('mine');
});

test('the CI example installs, tests, checks dist/, and comments the markdown diff of the base branch', () => {
  const [workflow] = docs(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'github-actions.yaml'), 'utf8'));
  const steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] = workflow.jobs.review.steps;
  const runs = steps.map((s) => s.run ?? '').join('\n');
  expect(steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
  for (const command of ['npm ci', 'npm test', './bin/netiso synth --check', './bin/netiso diff "origin/${{ github.base_ref }}" HEAD --format md']) expect(runs).toContain(command);
  expect(steps.find((s) => s.uses?.startsWith('marocchino/sticky-pull-request-comment'))?.with).toEqual({ header: 'netiso-diff', path: 'netiso-diff.md' });
});

describe('reading the dist tree', () => {
  let dir: string;
  let dist: string;
  const tree = (...dirs: string[]) => new Map([
    ['prod/kustomization.yaml', `${KUSTOMIZATION_HEADER}\n`],
    ...dirs.map((d) => [`prod/${d}/kustomization.yaml`, `${KUSTOMIZATION_HEADER}\n`] as [string, string]),
  ]);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-gitops-'));
    dist = path.join(dir, 'dist');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('every cluster with its project directories and _cluster; left-over directories are not clusters', () => {
    writeTree(dist, tree('_cluster', 'web', 'shop'));
    fs.mkdirSync(path.join(dist, 'prod', 'notes'));
    fs.mkdirSync(path.join(dist, 'retired'));
    fs.writeFileSync(path.join(dist, 'retired', 'NOTES.md'), 'kept');
    expect(distClusters(dist)).toEqual([{ name: 'prod', dirs: ['_cluster', 'shop', 'web'] }]);
  });

  test('a missing, empty, foreign or half-swapped tree is refused, so the wiring of every cluster survives', () => {
    expect(() => distClusters(dist)).toThrow(`${dist} does not exist; run \`netiso synth\` first, or check --dist`);
    fs.mkdirSync(dist);
    expect(() => distClusters(dist)).toThrow(`${dist} holds no cluster directory; run \`netiso synth\` first, or check --dist (an empty tree would remove the wiring of every cluster)`);
    fs.writeFileSync(path.join(dist, 'README.md'), 'not netiso');
    expect(() => distClusters(dist)).toThrow(/does not look like a netiso output directory: it holds README\.md.*; check --dist$/);
    fs.rmSync(dist, { recursive: true });
    writeTree(dist, tree('web'));
    fs.renameSync(dist, `${dist}.netiso-old`);
    expect(() => distClusters(dist)).toThrow(/dist is missing: a netiso synth was interrupted while replacing it/);
  });

  test('netiso gitops on an empty dist exits 2 and deletes no wiring; --check finds stale wiring', async () => {
    writeTree(dist, tree('web'));
    const out = path.join(dir, 'gitops');
    const gitops = async (...args: string[]) => {
      const err: string[] = [];
      jest.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
      jest.spyOn(console, 'log').mockImplementation(() => undefined);
      process.exitCode = 0;
      // --dist is a path inside the repository, relative to its root: run where dist/ is.
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        await main(['node', 'netiso', 'gitops', '--repo-url', 'u', '--dist', 'dist', '--outdir', out, ...args]);
        return { code: process.exitCode, err };
      } finally {
        process.chdir(cwd);
        jest.restoreAllMocks();
        process.exitCode = 0;
      }
    };
    expect((await gitops()).code).toBe(0);
    expect(await gitops('--check')).toEqual({ code: 0, err: [] });
    writeTree(dist, tree('web', 'shop'));
    expect(await gitops('--check')).toEqual({ code: 1, err: [expect.stringMatching(/is out of date with .*; run netiso gitops without --check and commit the result:\n {2}- flux\/prod\.yaml \(missing or differs\)$/)] });
    const wiring = fs.readdirSync(out, { recursive: true }).sort();
    fs.rmSync(dist, { recursive: true });
    fs.mkdirSync(dist);
    expect(await gitops()).toEqual({ code: 2, err: ['netiso gitops: dist holds no cluster directory; run `netiso synth` first, or check --dist (an empty tree would remove the wiring of every cluster)'] });
    expect(fs.readdirSync(out, { recursive: true }).sort()).toEqual(wiring);
  });
});
