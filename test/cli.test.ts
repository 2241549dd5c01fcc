import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';

const src = path.join(__dirname, '..', 'src');

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-cli-'));
  fs.mkdirSync(path.join(dir, 'projects'));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'projects', name), body);
  return dir;
}

async function run(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((m) => { out.push(String(m)); });
  const error = jest.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
  process.exitCode = 0;
  try {
    await main(['node', 'netiso', 'synth', '--projects', path.join(dir, 'projects'), '--outdir', path.join(dir, 'dist'), ...args]);
    return { code: Number(process.exitCode ?? 0), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = 0;
  }
}

const good = `
const n = require(${JSON.stringify(src)});
export default function (clusters: any) {
  const p = new n.IsolatedProject(clusters.cluster('prod'), 'web');
  new n.ExternalWhitelist(p, 'office', { direction: 'ingress', cidrs: ['192.168.0.0/24'] });
}`;

test('synth writes the tree and prints a summary', async () => {
  const dir = workspace({ 'web.ts': good });
  const result = await run(dir);
  expect(result.code).toBe(0);
  expect(result.out).toMatch(/^synthesized 1 cluster, 1 project, 3 objects into .*: 5 files written, 0 unchanged, 0 removed/);
  expect(fs.readdirSync(path.join(dir, 'dist', 'prod', 'web')).sort()).toEqual([
    'Namespace.web.k8s.yaml', 'NetworkPolicy.netiso-isolation.k8s.yaml', 'NetworkPolicy.netiso-office.k8s.yaml', 'kustomization.yaml',
  ]);
  expect((await run(dir, '--check')).code).toBe(0);
});

test('every problem of every file is printed, the exit code is 1 and nothing is written', async () => {
  const dir = workspace({
    'a.ts': `
const n = require(${JSON.stringify(src)});
export default function (clusters: any) {
  const p = new n.IsolatedProject(clusters.cluster('prod'), 'web');
  new n.ExternalWhitelist(p, 'office', { direction: 'ingress', cidrs: ['10.0.0.1'], ports: [n.Port.tcp(0)] });
}`,
    'b.ts': 'export default function () { throw new Error("boom"); }',
    'c.ts': 'export const nothing = 1;',
  });
  const result = await run(dir);
  expect(result.code).toBe(1);
  expect(result.err.split('\n')).toEqual([
    'netiso found 4 problems; nothing was written:',
    expect.stringMatching(/^ {2}- .*projects\/b\.ts: its definition threw: boom \(line \d+\)$/),
    expect.stringMatching(/^ {2}- .*projects\/c\.ts: exports no definition; add `export default function \(clusters: ClusterSet\) \{ … \}`$/),
    '  - prod/web/office: CIDR "10.0.0.1" is missing a prefix length; did you mean "10.0.0.1/32"?',
    '  - prod/web/office: port 0 is not a port; use Port.allTcp() to allow every TCP port',
  ]);
  expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
});

test('--check reports a stale output directory', async () => {
  const dir = workspace({ 'web.ts': good });
  await run(dir);
  fs.writeFileSync(path.join(dir, 'dist', 'prod', 'web', 'NetworkPolicy.netiso-office.k8s.yaml'), 'edited');
  const result = await run(dir, '--check');
  expect(result.code).toBe(1);
  expect(result.err).toContain('prod/web/NetworkPolicy.netiso-office.k8s.yaml (missing or differs)');
  expect(result.err).toMatch(/; run `netiso synth --projects \S+ --outdir \S+` and commit the result:/);
});

test('a file that throws something other than an Error is reported by its value', async () => {
  const dir = workspace({ 'odd.ts': 'export default function () { throw "not an error"; }' });
  const result = await run(dir);
  expect(result.code).toBe(1);
  expect(result.err).toMatch(/projects\/odd\.ts: its definition threw: not an error$/m);
});
