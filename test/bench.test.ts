import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { measure } from '../bench/synth';
import { formatTable } from '../bench/table';

const ROOT = path.resolve(__dirname, '..');

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-bench-test-')); });
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

// These prove `npm run bench` works at a tiny size; they assert no timing. --shared keeps it to
// one process: a child process costs seconds of ts-node start-up.
test('npm run bench runs every case and prints the table', () => {
  const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'bench/run.ts', '--sizes', '2,3', '--cdk8s-max', '2', '--tmp', tmp, '--shared', '--kustomize-sizes', '2,3', '--flat-max', '2', '--kustomize-sample', '2'], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(0);
  const sections = run.stdout.split(/^## /m).slice(1);
  const section = (title: RegExp) => sections.find((s) => title.test(s)) as string;
  const [synth, analysis, reader, explain, delivery] = [/^Synthesis/, /^Reachability engine/, /^Manifest reader/, /^netiso explain/, /^Delivery/].map(section);
  const table = (text: string) => text.split('\n').filter((l) => /^\|\s+\d/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const rows = table(synth);
  // The engine section: namespaces, then 5 workloads per project plus the monitoring pod.
  expect(table(analysis).map((r) => r.slice(0, 2))).toEqual([['2', '12'], ['3', '17']]);
  // The explain section: each case per size, the engine section's workloads (5 a project plus DNS and monitoring).
  const rowsOf = (text: string) => text.split('\n').filter((l) => /^\| (manifests|definitions)/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  expect(rowsOf(explain).map((r) => r.slice(0, 3))).toEqual([['manifests', '2', '12'], ['manifests --project', '2', '12'], ['definitions', '2', '10'], ['manifests', '3', '17'], ['manifests --project', '3', '17'], ['definitions', '3', '15']]);
  // The reader section: 9 objects a project, 5 of them workloads and 2 policies.
  expect(table(reader).map((r) => [r[0], r[1], r[5], r[6]])).toEqual([['2', '18', '10', '4'], ['3', '27', '15', '6']]);
  // 13 objects a project: Namespace, isolation policy, 10 allow-list entries, Service.
  expect(rows.map((r) => r.slice(0, 2))).toEqual([['2', '26'], ['3', '39']]);
  expect(rows[0][6]).toMatch(/^\d+\.\d\d$/);
  expect(rows[1][6]).toBe('-');
  expect(run.stdout).toMatch(/cdk8s default skipped at 3 projects/);
  // Delivery: kubectl kustomize of the whole cluster (and its flat variant up to --flat-max) and per project.
  if (spawnSync('kubectl', ['version', '--client']).status === 0) {
    const builds = table(delivery);
    // projects, objects, cluster objects (all built), flat s (only up to --flat-max)
    expect(builds.map((r) => [r[0], r[1], r[5], r[6]])).toEqual([['2', '26', '26', expect.stringMatching(/^\d+\.\d\d$/)], ['3', '39', '39', '-']]);
    expect(delivery).toMatch(/cluster flat skipped at 3 projects/);
  } else {
    expect(delivery).toMatch(/skipped: kubectl was not found/);
  }
  // The diff section: one and every project changed per size (synthesis and diff measured apart), then the address case.
  const diff = table(section(/^netiso diff/));
  expect(diff.map((r) => r.slice(0, 3))).toEqual([['2', '1', '2'], ['2', '2', '4'], ['3', '1', '2'], ['3', '3', '6'], ['1', '20,000 addresses × 200 ports', '2']]);
  expect(run.stdout).not.toMatch(/NaN|undefined/);
  expect(run.stdout).toMatch(/## Explorer page: .*\n(.|\n)*(\| +2 \| +12 \||skipped: Chromium not found)/);
  // Every case cleans up its output tree.
  expect(fs.readdirSync(tmp)).toEqual([]);
}, 120_000);

test('a case measured in a child process reports its own peak memory', async () => {
  const m = await measure('floor', 2, tmp, 'process');
  expect(m.objects).toBe(26);
  expect(m.peakRssMb).toBeGreaterThan(0);
  expect(fs.readdirSync(tmp)).toEqual([]);
}, 60_000);

test('formatTable aligns numbers right and text left, and leaves missing cells empty', () => {
  expect(formatTable([{ name: 'a', n: 1 }, { name: 'bcd', n: 10, extra: 'x' }])).toBe([
    '| name |   n | extra |',
    '|------|----:|-------|',
    '| a    |   1 |       |',
    '| bcd  |  10 | x     |',
  ].join('\n'));
});
