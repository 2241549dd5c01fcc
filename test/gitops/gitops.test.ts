import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { GITOPS_HEADER, renderGitOps, writeGitOps } from '../../src';

const docs = (text: string): any[] => parseAllDocuments(text).map((d) => d.toJS());

test('an ApplicationSet per cluster over dist/<cluster>/*, preserving resources on deletion', () => {
  const files = renderGitOps(['prod', 'edge'], { repoUrl: 'https://example.com/net.git', revision: 'release', distPath: './manifests/' });
  expect([...files.keys()]).toEqual(['argocd/edge.applicationset.yaml', 'flux/edge.yaml', 'argocd/prod.applicationset.yaml', 'flux/prod.yaml']);
  const text = files.get('argocd/prod.applicationset.yaml')!;
  expect(text.startsWith(GITOPS_HEADER)).toBe(true);
  expect(text).toContain('# preserveResourcesOnDeletion keeps');
  const [appSet] = docs(text);
  expect(appSet).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'netiso-prod', namespace: 'argocd' } });
  expect(appSet.spec.generators).toEqual([{ git: { repoURL: 'https://example.com/net.git', revision: 'release', directories: [{ path: 'manifests/prod/*' }] } }]);
  expect(appSet.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
  expect(appSet.spec.template.spec).toEqual({
    project: 'default',
    source: { repoURL: 'https://example.com/net.git', targetRevision: 'release', path: '{{.path.path}}' },
    destination: { name: 'prod', namespace: '{{.path.basename}}' },
    syncPolicy: { automated: { prune: true, selfHeal: true } },
  });
});

test('the dist path is normalised, and must stay inside the repository', () => {
  const render = (distPath: string) => renderGitOps(['prod'], { repoUrl: 'https://example.com/net.git', distPath });
  const [appSet] = docs(render('./out//dist/../dist/').get('argocd/prod.applicationset.yaml')!);
  expect(appSet.spec.generators[0].git.directories).toEqual([{ path: 'out/dist/prod/*' }]);
  expect(docs(render('out\\dist').get('flux/prod.yaml')!)[1].spec.path).toBe('./out/dist/prod');
  expect(() => render('/srv/repo/dist')).toThrow(new Error('dist path "/srv/repo/dist" is absolute; give it relative to the repository root, as the ApplicationSet and Flux paths need it'));
  expect(() => render('C:/repo/dist')).toThrow(new Error('dist path "C:/repo/dist" is absolute; give it relative to the repository root, as the ApplicationSet and Flux paths need it'));
  expect(() => render('dist/../../dist')).toThrow(new Error('dist path "dist/../../dist" leads out of the repository root; give it relative to the repository root, without ..'));
  expect(() => render('./')).toThrow(new Error('dist path "./" is the repository root; keep the synthesized tree in a directory of its own'));
});

test('a Flux GitRepository and pruning Kustomization per cluster, with the fail-open caveat', () => {
  const text = renderGitOps(['prod'], { repoUrl: 'ssh://git@example.com/net.git', revision: 'v1.2.0', fluxNamespace: 'flux' }).get('flux/prod.yaml')!;
  expect(text).toContain('# Caveat, fails open');
  const [source, kustomization] = docs(text);
  expect(source).toEqual({
    apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'netiso', namespace: 'flux' },
    spec: { interval: '1m', url: 'ssh://git@example.com/net.git', ref: { tag: 'v1.2.0' } },
  });
  expect(kustomization).toEqual({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'netiso-prod', namespace: 'flux' },
    spec: { interval: '10m', path: './dist/prod', prune: true, sourceRef: { kind: 'GitRepository', name: 'netiso' } },
  });
  const sha = 'a'.repeat(40);
  expect(docs(renderGitOps(['prod'], { repoUrl: 'u', revision: sha }).get('flux/prod.yaml')!)[0].spec.ref).toEqual({ commit: sha });
  expect(docs(renderGitOps(['prod'], { repoUrl: 'u' }).get('flux/prod.yaml')!)[0].spec.ref).toEqual({ branch: 'main' });
});

test('the wiring is never written into dist, and files of removed clusters are deleted', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-gitops-'));
  const dist = path.join(dir, 'dist');
  const out = path.join(dir, 'gitops');
  fs.mkdirSync(dist);
  expect(() => writeGitOps(path.join(dist, 'gitops'), dist, new Map())).toThrow(/overlaps/);
  expect(() => writeGitOps(dir, dist, new Map())).toThrow(/overlaps/);
  writeGitOps(out, dist, renderGitOps(['a', 'b'], { repoUrl: 'u' }));
  fs.writeFileSync(path.join(out, 'README.md'), 'mine');
  const result = writeGitOps(out, dist, renderGitOps(['a'], { repoUrl: 'u' }));
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
