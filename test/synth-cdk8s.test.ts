import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { listFiles } from '../src/k8s/files';
import { main } from '../src/cli/main';

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const config = YAML.parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')) as { app: string; output: string };

/**
 * What `cdk8s synth` does (cdk8s-cli is not installed here; this follows its documented behaviour
 * and its source, src/cli/cmds/synth.ts and src/util.ts): delete the output directory of
 * cdk8s.yaml, run the app with CDK8S_OUTDIR set to it, and fail unless the app created it.
 */
function cdk8sSynth(cwd: string): { code: number | null; stderr: string; outdir: string } {
  const outdir = path.resolve(cwd, config.output);
  fs.rmSync(outdir, { recursive: true, force: true });
  const run = spawnSync(config.app, { shell: true, cwd, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: config.output } });
  return { code: run.status === 0 && !fs.existsSync(outdir) ? -1 : run.status, stderr: run.stderr, outdir };
}

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-cdk8s-'));
  // A checkout of its own: bin/ of this repository, projects/ of the test.
  fs.symlinkSync(path.join(ROOT, 'bin'), path.join(work, 'bin'));
  fs.mkdirSync(path.join(work, 'projects'));
  fs.writeFileSync(path.join(work, 'projects', 'web.ts'), `
    const n = require(${JSON.stringify(SRC)});
    export default function (clusters: any) { new n.IsolatedProject(clusters.cluster('c'), 'web'); }`);
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

test('cdk8s.yaml gives cdk8s a scratch directory of its own, never dist/', () => {
  const output = path.resolve(ROOT, config.output);
  const dist = path.resolve(ROOT, 'dist');
  expect(path.relative(output, dist).startsWith('..')).toBe(true);
  expect(path.relative(dist, output).startsWith('..')).toBe(true);
  expect(fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain(`${config.output}/`);
});

test('cdk8s synth keeps hand-placed files, mirrors the manifests, and a failed synthesis leaves dist/ as it was', () => {
  const first = cdk8sSynth(work);
  expect(first).toMatchObject({ code: 0 });
  const dist = path.join(work, 'dist');
  fs.writeFileSync(path.join(dist, 'c', 'NOTES.md'), 'mine\n');

  const second = cdk8sSynth(work);
  expect(second.code).toBe(0);
  expect(fs.readFileSync(path.join(dist, 'c', 'NOTES.md'), 'utf8')).toBe('mine\n');
  // cdk8s gets the manifests (what it lists, prints with --stdout and validates), not the kustomizations.
  const manifests = listFiles(dist).filter((rel) => rel.endsWith('.k8s.yaml'));
  expect(listFiles(second.outdir)).toEqual(manifests);
  for (const rel of manifests) expect(fs.readFileSync(path.join(second.outdir, rel), 'utf8')).toBe(fs.readFileSync(path.join(dist, rel), 'utf8'));

  const before = Object.fromEntries(listFiles(dist).map((rel) => [rel, fs.readFileSync(path.join(dist, rel), 'utf8')]));
  fs.writeFileSync(path.join(work, 'projects', 'bad.ts'), `
    const n = require(${JSON.stringify(SRC)});
    export default function (clusters: any) { new n.IsolatedProject(clusters.cluster('c'), 'Not_A_Name'); }`);
  const failed = cdk8sSynth(work);
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/^netiso found 1 problem; nothing was written:/);
  expect(Object.fromEntries(listFiles(dist).map((rel) => [rel, fs.readFileSync(path.join(dist, rel), 'utf8')]))).toEqual(before);
}, 60_000);

test('netiso warns when cdk8s is configured to delete its output directory', async () => {
  const err: string[] = [];
  jest.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const dist = path.join(work, 'dist');
  process.env.CDK8S_OUTDIR = dist;
  try {
    await main(['node', 'netiso', 'synth', '--projects', path.join(work, 'projects'), '--outdir', dist]);
  } finally {
    delete process.env.CDK8S_OUTDIR;
    jest.restoreAllMocks();
  }
  expect(process.exitCode ?? 0).toBe(0);
  expect(err).toEqual([expect.stringMatching(/^warning: cdk8s synth deleted .*dist before running netiso \(its output directory is .*dist\), with any files placed there by hand; set output: in cdk8s\.yaml to a scratch directory/)]);
});
