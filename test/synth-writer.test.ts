import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SynthesisError } from '../src/errors';
import { synthesize } from '../src/synth/synthesize';
import { writeTree } from '../src/synth/writer';
import { listFiles } from '../src/k8s/files';
import { KUSTOMIZATION_HEADER } from '../src/synth/files';
import { FileSystemError } from '../src/synth/fs-errors';
// The module object itself: `import * as` gives a read-only namespace that jest cannot spy on.
import nodeFs = require('fs');

const ROOT = path.resolve(__dirname, '..');
const manifest = (name: string, extra = '') => `apiVersion: v1\nkind: Namespace\nmetadata:\n  labels:\n    app.kubernetes.io/managed-by: netiso\n  name: ${name}\n${extra}`;
const kustomization = (...resources: string[]) => `${KUSTOMIZATION_HEADER}\nresources:\n${resources.map((r) => `  - ${r}`).join('\n')}\n`;

/** Every file below `dir` with its bytes and mtime, to prove a tree was left exactly as it was. */
function snapshot(dir: string): Record<string, { content: string; mtimeMs: number }> {
  const out: Record<string, { content: string; mtimeMs: number }> = {};
  for (const rel of listFiles(dir)) {
    const file = path.join(dir, rel);
    out[rel] = { content: fs.readFileSync(file, 'utf8'), mtimeMs: fs.statSync(file).mtimeMs };
  }
  return out;
}

function tree(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries));
}

let work: string;
let dist: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-writer-'));
  dist = path.join(work, 'dist');
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(work, { recursive: true, force: true });
});

/** The tree of the first run; the tests below change it. */
const FIRST = {
  'c/kustomization.yaml': kustomization('a', 'b'),
  'c/a/Namespace.a.k8s.yaml': manifest('a'),
  'c/a/kustomization.yaml': kustomization('Namespace.a.k8s.yaml'),
  'c/b/Namespace.b.k8s.yaml': manifest('b'),
  'c/b/kustomization.yaml': kustomization('Namespace.b.k8s.yaml'),
};

/** Writes FIRST and backdates it, so a rewrite would show in the mtimes. */
function writeFirst(): void {
  writeTree(dist, tree(FIRST));
  const past = new Date('2020-01-01T00:00:00Z');
  for (const rel of listFiles(dist)) fs.utimesSync(path.join(dist, rel), past, past);
}

function leftovers(): string[] {
  return fs.readdirSync(work).filter((f) => f.includes('.netiso-'));
}

describe('writeTree', () => {
  test('writes a fresh tree and reports every file as written', () => {
    const report = writeTree(dist, tree(FIRST));
    expect(report.written).toEqual(Object.keys(FIRST).sort());
    expect(Object.fromEntries(Object.entries(snapshot(dist)).map(([k, v]) => [k, v.content]))).toEqual(FIRST);
    expect(leftovers()).toEqual([]);
  });

  test('an unchanged file is not rewritten and keeps its mtime', () => {
    writeFirst();
    const before = snapshot(dist);
    const report = writeTree(dist, tree({ ...FIRST, 'c/a/Namespace.a.k8s.yaml': manifest('a', 'spec: {}\n') }));
    expect(report.written).toEqual(['c/a/Namespace.a.k8s.yaml']);
    expect(report.unchanged).toHaveLength(Object.keys(FIRST).length - 1);
    const after = snapshot(dist);
    for (const rel of report.unchanged) expect(after[rel].mtimeMs).toBe(before[rel].mtimeMs);
    expect(after['c/a/Namespace.a.k8s.yaml'].mtimeMs).toBeGreaterThan(before['c/a/Namespace.a.k8s.yaml'].mtimeMs);
  });

  test('removes stale generated files, keeps and reports hand-placed ones', () => {
    writeFirst();
    fs.writeFileSync(path.join(dist, 'c/b/README.md'), 'notes\n');
    fs.writeFileSync(path.join(dist, 'c/b/ConfigMap.extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n');
    fs.writeFileSync(path.join(dist, 'c/b/kustomization.yml'), 'resources: []\n');
    fs.symlinkSync('README.md', path.join(dist, 'c/b/LINK.md'));
    const { 'c/b/Namespace.b.k8s.yaml': _ns, 'c/b/kustomization.yaml': _k, ...rest } = FIRST;
    const report = writeTree(dist, tree({ ...rest, 'c/kustomization.yaml': kustomization('a') }));
    expect(report.removed).toEqual(['c/b/Namespace.b.k8s.yaml', 'c/b/kustomization.yaml']);
    expect(report.foreign).toEqual(['c/b/ConfigMap.extra.yaml', 'c/b/LINK.md', 'c/b/README.md', 'c/b/kustomization.yml']);
    expect(listFiles(dist)).toEqual([...Object.keys(rest), ...report.foreign].sort());
    expect(fs.readFileSync(path.join(dist, 'c/b/README.md'), 'utf8')).toBe('notes\n');
    expect(fs.readlinkSync(path.join(dist, 'c/b/LINK.md'))).toBe('README.md');
  });

  test('a dry run reports what a write would do and touches nothing', () => {
    writeFirst();
    fs.writeFileSync(path.join(dist, 'c/b/README.md'), 'notes\n');
    // A directory where a generated file belongs, and a link to the right bytes: both need a write.
    fs.rmSync(path.join(dist, 'c/a/Namespace.a.k8s.yaml'));
    fs.mkdirSync(path.join(dist, 'c/a/Namespace.a.k8s.yaml'));
    fs.writeFileSync(path.join(work, 'copy.yaml'), FIRST['c/a/kustomization.yaml']);
    fs.rmSync(path.join(dist, 'c/a/kustomization.yaml'));
    fs.symlinkSync(path.join(work, 'copy.yaml'), path.join(dist, 'c/a/kustomization.yaml'));
    const before = snapshot(dist);
    const { 'c/b/Namespace.b.k8s.yaml': _ns, 'c/b/kustomization.yaml': _k, ...rest } = FIRST;
    const dry = writeTree(dist, tree(rest), { dryRun: true });
    expect(dry).toEqual({
      written: ['c/a/Namespace.a.k8s.yaml', 'c/a/kustomization.yaml'],
      unchanged: ['c/kustomization.yaml'],
      removed: ['c/b/Namespace.b.k8s.yaml', 'c/b/kustomization.yaml'],
      foreign: ['c/b/README.md'],
    });
    expect(snapshot(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  test('a write that fails half-way leaves the old tree intact, byte for byte', () => {
    writeFirst();
    const before = snapshot(dist);
    const realWrite = fs.writeFileSync;
    let calls = 0;
    jest.spyOn(nodeFs, 'writeFileSync').mockImplementation((...args: Parameters<typeof fs.writeFileSync>) => {
      if (++calls === 3) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC', syscall: 'open', path: String(args[0]) });
      return realWrite(...args);
    });
    const changed = Object.fromEntries(Object.entries(FIRST).map(([k, v]) => [k, `${v}# changed\n`]));
    expect(() => writeTree(dist, tree({ ...changed, 'c/new/kustomization.yaml': kustomization() }))).toThrow(new FileSystemError(
      `cannot write ${path.join(work, 'dist.netiso-tmp', 'c/a/kustomization.yaml')}: no space left on the device (ENOSPC); `
      + `free some space on that file system and run again; ${dist} was left as it was`,
    ));
    expect(calls).toBe(3);
    expect(snapshot(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  test('a render that throws half-way through a streamed tree leaves the old tree intact', () => {
    writeFirst();
    const before = snapshot(dist);
    function* files(): Generator<[string, string]> {
      yield ['c/a/Namespace.a.k8s.yaml', manifest('a', 'spec: {}\n')];
      throw new Error('internal error: policy has a rule without peers');
    }
    expect(() => writeTree(dist, files())).toThrow('rule without peers');
    expect(snapshot(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  test('a failing swap puts the old tree back', () => {
    writeFirst();
    const before = snapshot(dist);
    const realRename = fs.renameSync;
    jest.spyOn(nodeFs, 'renameSync').mockImplementation((from, to) => {
      if (String(from).endsWith('.netiso-tmp')) throw new Error('EXDEV');
      return realRename(from, to);
    });
    expect(() => writeTree(dist, tree({ 'c/kustomization.yaml': kustomization() }))).toThrow('EXDEV');
    expect(snapshot(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  test('writes through a symbolic link to the directory it points to, and keeps the link', () => {
    const real = path.join(work, 'real-dist');
    fs.mkdirSync(path.join(real, 'c'), { recursive: true });
    fs.writeFileSync(path.join(real, 'c/kustomization.yaml'), FIRST['c/kustomization.yaml']);
    fs.writeFileSync(path.join(real, 'c/Namespace.old.k8s.yaml'), manifest('old'));
    fs.symlinkSync('real-dist', dist);
    writeTree(dist, tree(FIRST));
    expect(fs.lstatSync(dist).isSymbolicLink()).toBe(true);
    expect(listFiles(real)).toEqual(Object.keys(FIRST).sort());
    expect(leftovers()).toEqual([]);
  });

  test('keeps the mode of the output directory', () => {
    fs.mkdirSync(dist, { mode: 0o750 });
    fs.chmodSync(dist, 0o750);
    writeTree(dist, tree(FIRST));
    expect(fs.statSync(dist).mode & 0o777).toBe(0o750);
  });

  test('repairs a run that died between the two renames (only the backup is left)', () => {
    writeFirst();
    fs.renameSync(dist, `${dist}.netiso-old`);
    const report = writeTree(dist, tree(FIRST));
    expect(report.unchanged).toHaveLength(Object.keys(FIRST).length);
    expect(leftovers()).toEqual([]);
  });

  test('repairs a run that died after the swap (new tree and backup both there)', () => {
    writeFirst();
    fs.cpSync(dist, `${dist}.netiso-old`, { recursive: true });
    writeTree(dist, tree(FIRST));
    expect(leftovers()).toEqual([]);
  });
});

/**
 * Runs writeTree in a child process that stops for good at `stopAt` (while staging, or between
 * the two renames), kills it with SIGKILL — no cleanup can run — and returns once it is dead.
 */
async function killWriterAt(stopAt: 'staging' | 'swap', outdir: string): Promise<void> {
  const script = `
    const fs = require('fs');
    const { writeTree } = require(${JSON.stringify(path.join(ROOT, 'src/synth/writer.ts'))});
    const hang = () => { process.stdout.write('stopped\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); };
    const write = fs.writeFileSync, rename = fs.renameSync;
    let n = 0;
    if (${JSON.stringify(stopAt)} === 'staging') fs.writeFileSync = (...a) => { if (++n === 50) hang(); return write(...a); };
    else fs.renameSync = (from, to) => { rename(from, to); if (to.endsWith('.netiso-old')) hang(); };
    const files = new Map();
    for (let i = 0; i < 100; i++) files.set('c/p' + i + '/kustomization.yaml', ${JSON.stringify(KUSTOMIZATION_HEADER)} + '\\n# new ' + i + '\\n');
    writeTree(${JSON.stringify(outdir)}, files);
  `;
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('stopped')) child.kill('SIGKILL'); });
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited without being killed (${signal ?? _code})`))));
  });
}

describe('writeTree killed mid-run', () => {
  test('killed while staging: the old tree is intact, and the next run completes', async () => {
    writeFirst();
    const before = snapshot(dist);
    await killWriterAt('staging', dist);
    expect(snapshot(dist)).toEqual(before);
    expect(fs.existsSync(`${dist}.netiso-tmp`)).toBe(true);
    writeTree(dist, tree(FIRST));
    expect(snapshot(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  }, 30_000);

  test('killed between the renames: the next run restores the old tree before writing', async () => {
    writeFirst();
    const before = snapshot(dist);
    await killWriterAt('swap', dist);
    expect(fs.existsSync(dist)).toBe(false);
    const report = writeTree(dist, tree(FIRST));
    expect(report.unchanged).toHaveLength(Object.keys(FIRST).length);
    expect(snapshot(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  }, 30_000);
});

describe('synthesize', () => {
  test('a validation error writes nothing and leaves dist/ intact', async () => {
    writeFirst();
    const before = snapshot(dist);
    const projects = path.join(work, 'projects');
    fs.mkdirSync(projects);
    fs.writeFileSync(path.join(projects, 'bad.ts'), `
      import { IsolatedProject } from ${JSON.stringify(path.join(ROOT, 'src'))};
      export default function (clusters: any) { new IsolatedProject(clusters.cluster('c'), 'Not_A_Name'); }
    `);
    await expect(synthesize({ projectsDir: projects, outdir: dist })).rejects.toThrow(SynthesisError);
    expect(snapshot(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });
});
