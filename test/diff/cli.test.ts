import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { readDistRevision } from '../../src';
import { DiffInputError } from '../../src/diff';
import { shop } from './fixtures';

function writeDist(dir: string, files: Map<string, string>): void {
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  for (const [rel, content] of files) {
    const file = path.join(dir, 'dist', rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

/** A repository with three commits of dist: base, an allow-list entry removed, a project opened to a workspace. */
function repo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-diff-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  const commit = (files: Map<string, string>, message: string) => {
    writeDist(dir, files);
    git('add', '-A');
    git('commit', '-q', '-m', message);
  };
  commit(shop(), 'base');
  commit(shop({ dbFromWeb: false }), 'drop db allow');
  commit(shop({ dbFromWeb: false, webFromPartner: true }), 'partner');
  return dir;
}

async function run(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out.push(String(chunk)); return true; });
  const error = jest.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
  const previous = process.cwd();
  process.exitCode = 0;
  process.chdir(cwd);
  try {
    await main(['node', 'netiso', 'diff', ...args]);
    return { code: Number(process.exitCode ?? 0), out: out.join(''), err: err.join('\n') };
  } finally {
    process.chdir(previous);
    write.mockRestore();
    error.mockRestore();
    process.exitCode = 0;
  }
}

let dir: string;
beforeAll(() => { dir = repo(); });

test('reads the committed dist of a revision without checking it out', async () => {
  const files = readDistRevision('HEAD~2', 'dist', dir);
  expect(files).toEqual(shop());
  expect(readDistRevision('HEAD~2', 'nowhere', dir).size).toBe(0);
});

test('revisions: exit 1 with changes, 0 without', async () => {
  const changed = await run(dir, 'HEAD~2', 'HEAD~1');
  expect(changed.code).toBe(1);
  expect(changed.out).toContain('- ingress from pods with role=frontend in namespace web to pods with role=db on TCP port "redis": now denied (was allowed by netiso-from-web rule 0)');
  expect((await run(dir, 'HEAD', 'HEAD')).code).toBe(0);
});

test('a directory and a revision can be compared', async () => {
  const result = await run(dir, 'HEAD~1', 'dist', '--format', 'json');
  expect(result.code).toBe(1);
  expect(JSON.parse(result.out).risks.map((r: { kind: string }) => r.kind)).toEqual(['cross-workspace']);
});

test('--fail-on risk exits 1 only for risks', async () => {
  expect((await run(dir, 'HEAD~2', 'HEAD~1', '--fail-on', 'risk')).code).toBe(0);
  expect((await run(dir, 'HEAD~1', 'HEAD', '--fail-on', 'risk')).code).toBe(1);
});

test('a --dist that a revision does not have exits 2, naming the side', async () => {
  const result = await run(dir, 'HEAD~1', 'HEAD', '--dist', 'dsit');
  expect(result).toEqual({ code: 2, out: '', err: 'netiso diff: head: revision HEAD has no directory dsit/; check --dist' });
  expect(await run(dir, 'HEAD', 'dist', '--dist', 'dsit')).toEqual({
    code: 2, out: '', err: 'netiso diff: base: revision HEAD has no directory dsit/, and neither has the working tree; check --dist',
  });
  expect(await run(dir, 'HEAD~1', 'dist/prod')).toEqual({ code: 2, out: '', err: 'netiso diff: head: directory dist/prod has no <cluster>/<project>/ files; is it a dist directory?' });
});

test('a base revision from before the dist directory existed counts as empty, with a note', async () => {
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-diff-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: fresh, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  fs.writeFileSync(path.join(fresh, 'README.md'), 'network\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'before dist');
  writeDist(fresh, shop());
  git('add', '-A');
  git('commit', '-q', '-m', 'dist');
  const result = await run(fresh, 'HEAD~1', 'HEAD');
  expect(result.code).toBe(1);
  expect(result.err).toBe('netiso diff: note: base revision HEAD~1 has no directory dist/ (it predates it); every project of head counts as new');
  expect(result.out).toContain('prod/web (added):');
});

test('git that cannot be started is reported with the spawn error', async () => {
  expect(() => readDistRevision('HEAD', 'dist', path.join(dir, 'no-such-directory'))).toThrow(new DiffInputError('git ls-tree -r -z HEAD^{commit} -- dist/ failed: spawnSync git ENOENT'));
});

test('errors exit 2', async () => {
  const result = await run(dir, 'no-such-revision', 'HEAD');
  expect(result.code).toBe(2);
  expect(result.err).toBe('netiso diff: "no-such-revision" is neither a directory nor a git revision (git ls-tree -r -z no-such-revision^{commit} -- dist/ failed: fatal: Not a valid object name no-such-revision^{commit})');
  expect((await run(dir, 'HEAD')).code).toBe(2);
});

test('--synth renders the head from projects/; a new project shows what it allows, from nothing before', async () => {
  const src = path.join(__dirname, '..', '..', 'src');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-synth-'));
  fs.mkdirSync(path.join(work, 'projects'));
  fs.writeFileSync(path.join(work, 'projects', 'web.ts'), `
const n = require(${JSON.stringify(src)});
export default function (clusters: any) {
  const p = new n.IsolatedProject(clusters.cluster('prod'), 'web');
  new n.ExternalWhitelist(p, 'office', { direction: 'ingress', cidrs: ['192.168.0.0/24'], ports: [n.Port.tcp(22)] });
}`);
  fs.mkdirSync(path.join(work, 'empty'));
  const result = await run(work, 'empty', '--synth');
  expect(result.code).toBe(1);
  expect(result.err).toBe('netiso diff: note: base directory empty is empty; every project of head counts as new');
  expect(result.out).toContain([
    'RISKS:',
    '  ! [external-ingress] prod/web: ingress from CIDR 192.168.0.0/24 to all pods on TCP 22: now allowed (allowed by netiso-office rule 0)',
    '',
    'prod/web (added):',
    '  + egress from all pods to all pods of the project; all pods in any other namespace; any IPv4 address; any IPv6 address on all ports: now allowed (new, not isolated for egress)',
    '  + ingress from CIDR 192.168.0.0/24 to all pods on TCP 22: now allowed (allowed by netiso-office rule 0)',
    '  + ingress from all pods of the project to all pods on all ports: now allowed (allowed by netiso-isolation rule 0)',
  ].join('\n'));
});

test('--cni a,b compares two dataplanes on one tree', async () => {
  const result = (await run(dir, 'dist', '--cni', 'generic,flannel'));
  expect(result.code).toBe(1);
  // Flannel enforces nothing: what isolation denied is open there.
  expect(result.out).toMatch(/\+ ingress from .* to all pods on all ports: now allowed/);
  expect((await run(dir, 'dist', '--cni', 'calico,calico')).code).toBe(0);
  const bad = (await run(dir, 'dist', '--cni', 'weave'));
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/--cni "weave" is not a CNI profile; use one of:/);
});

test('--manifests reads any manifests, reports what it cannot read, and never passes as unchanged then', async () => {
  const tree = (files: Record<string, string>) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-manifests-'));
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    return root;
  };
  const app = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db}\nspec: {template: {metadata: {labels: {app: db}}, spec: {containers: [{name: c, image: i}]}}}\n';
  const kustomization = 'namespace: shop\nresources: [app.yaml]\n';
  const deny = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}\n';
  const base = tree({ 'app/kustomization.yaml': kustomization, 'app/app.yaml': app });
  const head = tree({ 'app/kustomization.yaml': `${kustomization.replace('[app.yaml]', '[app.yaml, deny.yaml]')}`, 'app/app.yaml': app, 'app/deny.yaml': deny, 'app/broken.yaml': 'kind: NetworkPolicy\nmetadata: {name: x}\nspec: {podSelector: 3}\n' });
  const result = (await run(dir, base, head, '--manifests', '--pairs'));
  expect(result.out).toContain('- ingress from all pods of the project; any IPv4 address; any IPv6 address to workload web on all ports: now denied (isolated by deny; no rule allows it)');
  expect(result.out).toContain('shop/db => shop/web : All Connections -> No Connections');
  expect(result.out).toMatch(/INCOMPLETE: 1 object\(s\) could not be read/);
  expect(result.out).toMatch(/\? head \(.*\): app\/broken\.yaml:1: NetworkPolicy shop\/x: spec\.podSelector: must be a label selector object/);
  expect(result.code).toBe(1);
  expect((await run(dir, base, head, '--manifests', '--strict')).code).toBe(2);
});

test('--max-bytes cuts per-project detail and says so; --output holds the complete report', async () => {
  const out = path.join(dir, 'full.md');
  const result = (await run(dir, 'HEAD~2', 'HEAD', '--format', 'md', '--max-bytes', '1000', '--output', out));
  expect(result.code).toBe(1);
  expect(Buffer.byteLength(result.out)).toBeLessThanOrEqual(1000);
  expect(result.out).toMatch(/more section\(s\) \(\d+ project\(s\)\) left out .*the complete report: in .*full\.md/);
  const full = fs.readFileSync(out, 'utf8');
  expect(full).not.toMatch(/left out/);
  expect(full).toContain('<summary><b>prod/web</b>');
});
