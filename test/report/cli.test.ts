import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { CORPUS } from '../npguard/cases';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  const error = jest.spyOn(console, 'error').mockImplementation((s) => { err.push(String(s)); });
  // Jest runs several test files in one process, so start from a clean exit code.
  process.exitCode = undefined;
  try {
    await main(['node', 'netiso', 'explain', ...args]);
    return { code: Number(process.exitCode ?? 0), out: out.join(''), err: err.join('\n') };
  } finally {
    process.exitCode = undefined;
    write.mockRestore();
    error.mockRestore();
  }
}

const corpus = (dir: string) => path.join(CORPUS, 'tests', dir);

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-explain-')); });
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('netiso explain on the definitions', () => {
  test('the example projects; --strict fails on lint findings', async () => {
    const md = (await run('--project', 'shop-db', '--format', 'md'));
    expect(md.code).toBe(0);
    expect(md.out).toContain('| TCP 6379 | netiso-to-redis rule 0 | netiso-from-frontend rule 0 | 1 | shop-web/frontend -> shop-db/redis |');
    const strict = (await run('--cluster', 'demo', '--strict', '--format', 'json'));
    expect(strict).toMatchObject({ code: 1, err: 'netiso explain --strict: 1 lint finding' });
    expect(JSON.parse(strict.out).lint.map((l: { rule: string }) => l.rule)).toEqual(['snat-clients']);
  });

  test('--cni evaluates on another dataplane; unknown names are usage errors (exit 2)', async () => {
    const flannel = JSON.parse((await run('--cluster', 'demo', '--cni', 'flannel', '--format', 'json')).out);
    expect(flannel.dataplane).toBe('flannel (no NetworkPolicy support)');
    expect(flannel.answers[0].exemption).toMatch(/does not enforce NetworkPolicy/);
    const bad = (await run('--cni', 'weave'));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('netiso explain: --cni "weave" is not a CNI profile; use one of:\n  generic: ');
    expect((await run('--cni', 'cilium-1.14-nodes')).err).toBe("netiso explain: --cni cilium-1.14-nodes: policyCidrMatchMode 'nodes' needs Cilium 1.15 or later, not 1.14; upgrade Cilium or leave policyCidrMatchMode out");
    expect((await run('--cluster', 'nope'))).toMatchObject({ code: 2, err: expect.stringMatching(/^netiso explain: no cluster nope in projects; clusters: demo, /) });
    expect((await run('--cluster', 'demo', '--workload', 'nope'))).toMatchObject({ code: 2, err: expect.stringContaining('--workload nope: no such workload in demo') });
    expect((await run('--namespace', 'x'))).toMatchObject({ code: 2, err: 'netiso explain: --namespace is for --manifests: definitions name every namespace' });
  });
});

describe('netiso explain --manifests', () => {
  test('reads any manifests: grouped answers, focus, np-guard\'s list', async () => {
    const r = (await run('--manifests', corpus('onlineboutique_workloads'), '--workload', 'cartservice', '--direction', 'ingress', '--pairs'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('  only connections into workloads cartservice\n');
    expect(r.out).toContain('default/checkoutservice[Deployment] => default/cartservice[Deployment] : TCP 7070\n');
    expect(r.out).toContain('default/frontend[Deployment] => default/cartservice[Deployment] : TCP 7070\n');
  });

  test('np-guard\'s expected list, line for line, where netiso reads the input as np-guard does', async () => {
    // No ipBlocks and no pod addresses here: netiso's list is np-guard's, IPv6 aside.
    const r = (await run('--manifests', corpus('onlineboutique_workloads'), '--pairs', '--format', 'csv'));
    const lines = r.out.trim().split('\n').slice(1).filter((l) => !l.includes('::-')).map((l) => l.split(','));
    const expected = fs.readFileSync(path.join(CORPUS, 'connlist', 'onlineboutique_workloads_connlist_output.txt'), 'utf8').trim().split('\n')
      .map((l) => l.match(/^(\S+) => (\S+) : (.+)$/)!.slice(1, 4).map((x) => x.replace('[External]', '')));
    const norm = (rows: string[][]) => rows.map((row) => row.join(' | ')).sort();
    expect(norm(lines.map(([s, d, ...c]) => [s, d, c.join(',').replace(/^"|"$/g, '')]))).toEqual(norm(expected));
  });

  test('problems are printed with file and line, the report says it is incomplete, and the exit code is 1', async () => {
    const dir = path.join(tmp, 'apps');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'policy.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n  ingress: 12\n');
    fs.writeFileSync(path.join(dir, 'web.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: web}]\n');
    const r = (await run('--manifests', dir, '--namespace', 'shop'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`netiso explain: 1 problem reading ${dir}; what could not be read was skipped (the report is INCOMPLETE: a skipped object may hold a policy):\n  ${path.join(dir, 'policy.yaml')}:8: NetworkPolicy shop/deny: spec.ingress: must be a list; this policy is left out`);
    expect(r.out).toContain('\nINCOMPLETE: ');
    expect(r.out).toContain('  manifests; dataplane generic (the NetworkPolicy specification)\n  1 namespace, 1 workload, 0 policies');
    const json = JSON.parse((await run('--manifests', dir, '--namespace', 'shop', '--format', 'json')).out);
    expect(json).toMatchObject({ complete: false, problems: [expect.stringContaining('policy.yaml:8: NetworkPolicy shop/deny')] });
    expect((await run('--manifests', dir, '--strict'))).toMatchObject({ code: 2, out: '' });
  });

  test('every format', async () => {
    for (const format of ['text', 'md', 'json', 'csv', 'dot']) {
      const r = (await run('--manifests', corpus('acs-security-demos-added-workloads'), '--format', format));
      expect([format, r.code, r.out.length > 100]).toEqual([format, 1, true]);
    }
    expect((await run('--manifests', path.join(tmp, 'missing')))).toMatchObject({ code: 2, err: `netiso explain: ${path.join(tmp, 'missing')} does not exist` });
  });
});
