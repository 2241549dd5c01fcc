import { spawnSync } from 'child_process';
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
  return (await netiso('synth', '--projects', path.join(dir, 'projects'), '--outdir', path.join(dir, 'dist'), ...args));
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

/** Runs any netiso command in this process; `main` prints errors and sets the exit code. */
async function netiso(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((m) => { out.push(String(m)); });
  const error = jest.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out.push(String(chunk)); return true; });
  process.exitCode = 0;
  try {
    await main(['node', 'netiso', ...args]);
    return { code: Number(process.exitCode ?? 0), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
    process.exitCode = 0;
  }
}

describe('file-system problems are one line naming the path and the fix, exit 2', () => {
  test('a mistyped --projects: nothing is written, the message names --force', async () => {
    const dir = workspace({ 'web.ts': good });
    expect((await run(dir)).code).toBe(0);
    const before = fs.readdirSync(path.join(dir, 'dist', 'prod', 'web'));
    const result = (await run(dir, '--projects', path.join(dir, 'projcts')));
    expect(result).toEqual({
      code: 2,
      out: '',
      err: `netiso synth: the projects directory ${path.join(dir, 'projcts')} does not exist, so nothing would be left in ${path.join(dir, 'dist')}; `
        + 'check --projects, or pass --force to write it anyway, removing every file netiso generated there',
    });
    expect(fs.readdirSync(path.join(dir, 'dist', 'prod', 'web'))).toEqual(before);
  });

  test('explain of a missing projects directory is an error, not an empty report', async () => {
    const result = (await netiso('explain', '--projects', path.join(os.tmpdir(), 'netiso-no-such-dir')));
    expect(result).toEqual({ code: 2, out: '', err: `netiso explain: the projects directory ${path.join(os.tmpdir(), 'netiso-no-such-dir')} does not exist; check --projects` });
  });

  test('an output path that is a file', async () => {
    const dir = workspace({ 'web.ts': good });
    fs.writeFileSync(path.join(dir, 'dist'), 'not a directory');
    expect((await run(dir))).toMatchObject({ code: 2, err: `netiso synth: ${path.join(dir, 'dist')} is a file, not a directory; move it away or choose another output directory` });
  });

  test('import-kubesphere cannot write its output file', async () => {
    const dir = workspace({});
    const input = path.join(__dirname, 'import', 'fixtures', 'project-mode.yaml');
    fs.writeFileSync(path.join(dir, 'blocker'), 'a file where a directory should be');
    const out = path.join(dir, 'blocker', 'kubesphere.ts');
    const result = (await netiso('import-kubesphere', input, '--out', out));
    expect(result.code).toBe(2);
    expect(result.err.split('\n').pop()).toBe(`netiso import-kubesphere: cannot create ${out.slice(0, -'/kubesphere.ts'.length)}: something is already there (EEXIST); choose another file with --out`);
  });

  test('diff refuses a dist directory whose swap was interrupted', async () => {
    const dir = workspace({ 'web.ts': good });
    (await run(dir));
    fs.renameSync(path.join(dir, 'dist'), path.join(dir, 'dist.netiso-old'));
    const result = (await netiso('diff', path.join(dir, 'dist'), path.join(dir, 'dist.netiso-old')));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^netiso diff: .*dist is missing: a netiso synth was interrupted while replacing it, and the previous tree is in .*dist\.netiso-old; run `netiso synth` to restore and update it/);
  });
});

describe('standard output', () => {
  const bin = path.join(__dirname, '..', 'bin', 'netiso');

  test('a reader that goes away (| head) ends the output quietly, without an EPIPE trace', async () => {
    // The JSON report is larger than a pipe's buffer, so writing it meets the closed pipe.
    const shell = spawnSync('bash', ['-c', `node ${bin} explain --format json | head -c 1 > /dev/null; echo "exit=\${PIPESTATUS[0]}" >&2`], {
      cwd: path.join(__dirname, '..'), encoding: 'utf8',
    });
    expect(shell.stderr).toBe('exit=0\n');
  }, 60_000);

  test('a full disk behind a redirect is one line and exit 2', async () => {
    const full = spawnSync('bash', ['-c', `node ${bin} explain > /dev/full`], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
    expect(full.status).toBe(2);
    expect(full.stderr).toBe('netiso: cannot write to standard output: no space left on the device (ENOSPC); check where the output goes (a full disk, a closed pipe)\n');
  }, 60_000);
});
