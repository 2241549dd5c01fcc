import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesize } from '../src/synth/synthesize';
import { writeTree } from '../src/synth/writer';
import { listFiles } from '../src/k8s/files';
import { KUSTOMIZATION_HEADER } from '../src/synth/files';
import { FileSystemError } from '../src/synth/fs-errors';
import { lockPathOf } from '../src/synth/lock';
import { prepareToRead } from '../src/synth/outdir';
// The module object itself: `import * as` gives a read-only namespace that jest cannot spy on.
import nodeFs = require('fs');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const manifest = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  labels:\n    app.kubernetes.io/managed-by: netiso\n  name: ${name}\n`;
const kustomization = (...resources: string[]) => `${KUSTOMIZATION_HEADER}\nresources:\n${resources.map((r) => `  - ${r}`).join('\n')}\n`;
const TREE = new Map(Object.entries({
  'c/kustomization.yaml': kustomization('a/Namespace.a.k8s.yaml'),
  'c/a/Namespace.a.k8s.yaml': manifest('a'),
  'c/a/kustomization.yaml': kustomization('Namespace.a.k8s.yaml'),
}));

/** A definition file with one project in cluster `c`. */
const DEFINITION = `
const n = require(${JSON.stringify(SRC)});
export default function (clusters: any) { new n.IsolatedProject(clusters.cluster('c'), 'web'); }
`;

/** Every file below `dir` with its content (a symbolic link: where it points), to prove a tree was left as it was. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((rel) => {
    const file = path.join(dir, rel);
    return [rel, fs.lstatSync(file).isSymbolicLink() ? `-> ${fs.readlinkSync(file)}` : fs.readFileSync(file, 'utf8')];
  }));
}

let work: string;
let dist: string;
let projects: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-safety-'));
  dist = path.join(work, 'dist');
  projects = path.join(work, 'projects');
  fs.mkdirSync(projects);
  fs.writeFileSync(path.join(projects, 'web.ts'), DEFINITION);
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(work, { recursive: true, force: true });
});

function leftovers(): string[] {
  return fs.readdirSync(work).filter((f) => f.includes('.netiso-'));
}

describe('synthesis refuses to prune everything', () => {
  beforeEach(async () => { await synthesize({ projectsDir: projects, outdir: dist }); });

  test('a mistyped projects directory is refused and dist/ stays; --force empties it', async () => {
    const before = snapshot(dist);
    const typo = path.join(work, 'projcts');
    await expect(synthesize({ projectsDir: typo, outdir: dist })).rejects.toThrow(new FileSystemError(
      `the projects directory ${typo} does not exist, so nothing would be left in ${dist}; check --projects, or pass --force to write it anyway, removing every file netiso generated there`,
    ));
    expect(snapshot(dist)).toEqual(before);
    const result = await synthesize({ projectsDir: typo, outdir: dist, force: true });
    expect(result.report.removed).toEqual(Object.keys(before).sort());
  });

  test('a projects directory without definition files is refused', async () => {
    const empty = path.join(work, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'README.md'), 'no definitions here');
    await expect(synthesize({ projectsDir: empty, outdir: dist })).rejects.toThrow(/holds no definition files \(\*\.ts, \*\.js\), so nothing would be left in .*; check --projects, or pass --force/);
  });

  test('definitions that declare no project, or none for a cluster that has output, are refused', async () => {
    const before = snapshot(dist);
    // A new file name: jest's module cache would serve the old web.ts.
    fs.rmSync(path.join(projects, 'web.ts'));
    fs.writeFileSync(path.join(projects, 'none.ts'), `export default function (clusters: any) { clusters.cluster('c'); }`);
    await expect(synthesize({ projectsDir: projects, outdir: dist })).rejects.toThrow(/declares no projects, so nothing would be left in/);
    fs.writeFileSync(path.join(projects, 'other.ts'), `
      const n = require(${JSON.stringify(SRC)});
      export default function (clusters: any) { new n.IsolatedProject(clusters.cluster('d'), 'api'); }
    `);
    await expect(synthesize({ projectsDir: projects, outdir: dist })).rejects.toThrow(
      new RegExp(`declares no projects for cluster c, so every file of ${path.join(dist, 'c')} would be removed; check the definitions, or pass --force`),
    );
    expect(snapshot(dist)).toEqual(before);
  });

  test('an output directory that contains the projects directory is refused, even with --force', async () => {
    await expect(synthesize({ projectsDir: projects, outdir: work, force: true })).rejects.toThrow(/contains the projects directory/);
    expect(fs.readdirSync(work).sort()).toEqual(['dist', 'projects']);
  });
});

describe('the output directory must look like netiso output', () => {
  test('a directory holding files netiso did not write (a repository root) is refused; --force writes and keeps them', () => {
    const repo = path.join(work, 'repo');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'package.json'), '{}');
    fs.writeFileSync(path.join(repo, 'src/index.ts'), 'export {};');
    fs.writeFileSync(path.join(repo, '.gitignore'), 'dist/');
    expect(() => writeTree(repo, TREE)).toThrow(new FileSystemError(
      `${repo} does not look like a netiso output directory: it holds package.json, which netiso did not write (netiso writes only <cluster>/ directories there); `
      + 'check the output directory, or pass --force to write into it anyway (files netiso did not write are kept)',
    ));
    expect(listFiles(repo)).toEqual(['.gitignore', 'package.json', 'src/index.ts']);
    expect(leftovers()).toEqual([]);
    const report = writeTree(repo, TREE, { force: true });
    expect(report.foreign).toEqual(['.gitignore', 'package.json', 'src/index.ts']);
  });

  test('directories without any cluster directory netiso wrote are refused', () => {
    const home = path.join(work, 'home');
    fs.mkdirSync(path.join(home, 'photos'), { recursive: true });
    fs.writeFileSync(path.join(home, 'photos/cat.jpg'), 'cat');
    expect(() => writeTree(home, TREE)).toThrow(/none of its directories is a cluster directory netiso wrote/);
    expect(() => writeTree(home, TREE, { dryRun: true })).toThrow(/none of its directories is a cluster directory netiso wrote/);
  });

  test('a cluster directory given as the output directory is refused', () => {
    writeTree(dist, TREE);
    expect(() => writeTree(path.join(dist, 'c'), TREE)).toThrow(/holds a kustomization\.yaml netiso wrote for a cluster or project: it is a directory inside a netiso output directory/);
  });

  test('an output directory that contains the current directory is refused, even with --force', () => {
    const inside = path.join(work, 'checkout');
    fs.mkdirSync(inside);
    const cwd = process.cwd();
    process.chdir(inside);
    try {
      expect(() => writeTree(work, TREE, { force: true })).toThrow(/contains the current directory; netiso replaces its output directory as a whole/);
    } finally {
      process.chdir(cwd);
    }
    expect(fs.readdirSync(work).sort()).toEqual(['checkout', 'projects']);
  });

  test('an output path that is a file is refused with the fix', () => {
    fs.writeFileSync(dist, 'oops');
    expect(() => writeTree(dist, TREE)).toThrow(new FileSystemError(`${dist} is a file, not a directory; move it away or choose another output directory`));
    expect(fs.readFileSync(dist, 'utf8')).toBe('oops');
  });

  test('hidden files and a cluster left with hand-placed files only do not make it foreign', () => {
    writeTree(dist, TREE);
    fs.writeFileSync(path.join(dist, '.gitkeep'), '');
    fs.mkdirSync(path.join(dist, 'retired'));
    fs.writeFileSync(path.join(dist, 'retired/NOTES.md'), 'kept');
    expect(writeTree(dist, TREE).foreign).toEqual(['.gitkeep', 'retired/NOTES.md']);
  });
});

describe('a file netiso did not write where netiso writes', () => {
  test('a symbolic link in place of a project directory is a one-line error, and dist/ stays', () => {
    writeTree(dist, TREE);
    const elsewhere = path.join(work, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.rmSync(path.join(dist, 'c/a'), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(dist, 'c/a'));
    const before = snapshot(dist);
    expect(() => writeTree(dist, TREE)).toThrow(new FileSystemError(
      `${path.join(dist, 'c/a')} was not written by netiso, and netiso writes a directory of that name; move it out of ${dist} and run again; ${dist} was left as it was`,
    ));
    expect(() => writeTree(dist, TREE, { dryRun: true })).toThrow(/netiso writes a directory of that name/);
    expect(snapshot(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  test('a directory in place of a generated file is a one-line error', () => {
    writeTree(dist, TREE);
    fs.rmSync(path.join(dist, 'c/a/Namespace.a.k8s.yaml'));
    fs.mkdirSync(path.join(dist, 'c/a/Namespace.a.k8s.yaml'));
    fs.writeFileSync(path.join(dist, 'c/a/Namespace.a.k8s.yaml/notes.txt'), 'mine');
    expect(() => writeTree(dist, TREE)).toThrow(/notes\.txt was not written by netiso, and netiso writes a file at c\/a\/Namespace\.a\.k8s\.yaml; move it out/);
  });
});

describe('checked before anything is moved', () => {
  test('a directory that cannot be modified is refused: the swap would leave a backup no run can remove', () => {
    writeTree(dist, TREE);
    const before = snapshot(dist);
    const realAccess = fs.accessSync;
    jest.spyOn(nodeFs, 'accessSync').mockImplementation((p, mode) => {
      if (String(p) === path.join(dist, 'c')) throw Object.assign(new Error(`EACCES: permission denied, access '${String(p)}'`), { code: 'EACCES', syscall: 'access', path: String(p) });
      return realAccess(p, mode);
    });
    fs.chmodSync(path.join(dist, 'c'), 0o555);
    try {
      expect(() => writeTree(dist, TREE)).toThrow(new FileSystemError(
        `cannot modify ${path.join(dist, 'c')}: permission denied (EACCES); netiso replaces the files under ${dist} and must be able to remove the old ones (mode 0555): `
        + `make it writable (chmod -R u+w ${dist}) or choose another output directory; ${dist} was left as it was`,
      ));
    } finally {
      fs.chmodSync(path.join(dist, 'c'), 0o755);
    }
    expect(snapshot(dist)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  test('a read-only dist/ for a real user is refused before the swap, and the next run after chmod succeeds', () => {
    writeTree(dist, TREE);
    fs.chmodSync(work, 0o777);
    // As root every directory is writable: run the writer as nobody, who owns the tree.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if ('uid' in asUser) spawnSync('chown', ['-R', '65534:65534', dist]);
    fs.chmodSync(path.join(dist, 'c'), 0o555);
    const write = () => spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', `
      const { writeTree } = require(${JSON.stringify(path.join(SRC, 'synth/writer.ts'))});
      try { writeTree(${JSON.stringify(dist)}, new Map(${JSON.stringify([...TREE])})); } catch (e) { process.stderr.write(e.message); process.exitCode = 2; }
    `], { cwd: ROOT, encoding: 'utf8', ...asUser });
    const refused = write();
    expect(refused.stderr).toBe(`cannot modify ${path.join(dist, 'c')}: permission denied (EACCES); netiso replaces the files under ${dist} and must be able to remove the old ones (mode 0555): `
      + `make it writable (chmod -R u+w ${dist}) or choose another output directory; ${dist} was left as it was`);
    expect(leftovers()).toEqual([]);
    fs.chmodSync(path.join(dist, 'c'), 0o755);
    expect(write()).toMatchObject({ status: 0, stderr: '' });
    expect(leftovers()).toEqual([]);
  }, 30_000);

  test('a nearly full file system is refused before staging', () => {
    writeTree(dist, TREE);
    const realStatfs = fs.statfsSync;
    jest.spyOn(nodeFs, 'statfsSync').mockImplementation(((p: string) => ({ ...realStatfs(p), bavail: 10, bsize: 4096 })) as typeof fs.statfsSync);
    expect(() => writeTree(dist, TREE)).toThrow(/^not enough space to write .*dist: 0\.0 MB free, at least 1\.0 MB needed; free some space on that file system and run again; .*dist was left as it was$/);
    expect(leftovers()).toEqual([]);
  });
});

/** Runs `code` in a child process with ts-node; resolves with its output once it has exited. */
/** Runs `code` in a child process; `onStderr` sees its error output as it comes. */
function child(code: string, args: string[] = [], onStderr?: (text: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', code, ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  proc.stderr.on('data', (d: Buffer) => { stderr += d.toString(); onStderr?.(d.toString()); });
  return new Promise((resolve) => proc.on('exit', (c) => resolve({ code: c, stdout, stderr })));
}

/** Holds the lock of `dist` in a child process for `ms` milliseconds. */
function holdLock(ms: number): ReturnType<typeof child> {
  return child(`
    const { acquireLock } = require(${JSON.stringify(path.join(SRC, 'synth/lock.ts'))});
    const lock = acquireLock(${JSON.stringify(dist)});
    setTimeout(() => lock.release(), ${ms});
  `);
}

describe('the lock', () => {
  test('a second writer fails clearly while another process holds the lock, and takes it once released', async () => {
    const holder = holdLock(1000);
    while (!fs.existsSync(lockPathOf(dist))) await new Promise((r) => setTimeout(r, 50));
    expect(() => writeTree(dist, TREE)).toThrow(new RegExp(
      `^${dist} is being written by netiso \\(pid \\d+ on ${os.hostname()}, since .*\\); run again when it has finished \\(if no such process exists any more, remove ${dist}\\.netiso-lock\\)$`,
    ));
    expect((await holder).code).toBe(0);
    expect(writeTree(dist, TREE).written).toHaveLength(TREE.size);
    expect(leftovers()).toEqual([]);
  }, 30_000);

  test('a writer waits for a holder in another process', async () => {
    const holder = holdLock(1500);
    // Wait until the child holds the lock, without blocking the event loop.
    while (!fs.existsSync(lockPathOf(dist))) await new Promise((r) => setTimeout(r, 50));
    const waited: string[] = [];
    const report = writeTree(dist, TREE, { lock: { waitMs: 30_000, onWait: (h) => waited.push(`pid ${h?.pid}`) } });
    expect(report.written).toHaveLength(TREE.size);
    expect((await holder).code).toBe(0);
    expect(waited).toEqual([expect.stringMatching(/^pid \d+$/)]);
    expect(waited[0]).not.toBe(`pid ${process.pid}`);
  }, 30_000);

  test('the lock of a process that is gone (killed) is broken', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(lockPathOf(dist), JSON.stringify({ pid: Number(dead.stdout), host: os.hostname(), since: '2020-01-01T00:00:00Z', nonce: 'dead' }));
    expect(writeTree(dist, TREE).written).toHaveLength(TREE.size);
    expect(fs.existsSync(lockPathOf(dist))).toBe(false);
  });

  test('the lock of another host is broken only once it has not been refreshed for staleMs', () => {
    fs.writeFileSync(lockPathOf(dist), JSON.stringify({ pid: 1, host: 'elsewhere', since: '2020-01-01T00:00:00Z', nonce: 'remote' }));
    expect(() => writeTree(dist, TREE)).toThrow(/is being written by netiso \(pid 1 on elsewhere, since 2020-01-01T00:00:00Z\)/);
    const old = new Date(Date.now() - 11 * 60_000);
    fs.utimesSync(lockPathOf(dist), old, old);
    expect(writeTree(dist, TREE).written).toHaveLength(TREE.size);
  });

  test('two synths started together both succeed, one after the other, and leave one consistent tree', async () => {
    for (let i = 0; i < 200; i++) {
      fs.writeFileSync(path.join(projects, `p${i}.ts`), `
        const n = require(${JSON.stringify(SRC)});
        export default function (clusters: any) {
          const p = new n.IsolatedProject(clusters.cluster('c'), 'p${i}');
          new n.ExternalWhitelist(p, 'office', { direction: 'ingress', cidrs: ['10.0.${i}.0/24'] });
        }`);
    }
    // Both start while a third process holds the lock, and race for it once it is released: run
    // on their own, the first could finish before the second has even started (ts-node takes seconds).
    const release = `${dist}.release`;
    const holder = child(`
      const fs = require('fs');
      const { acquireLock } = require(${JSON.stringify(path.join(SRC, 'synth/lock.ts'))});
      const lock = acquireLock(${JSON.stringify(dist)});
      const poll = setInterval(() => { if (fs.existsSync(${JSON.stringify(release)})) { clearInterval(poll); lock.release(); } }, 20);
    `);
    while (!fs.existsSync(lockPathOf(dist))) await new Promise((r) => setTimeout(r, 50));
    const waiting: string[] = ['', ''];
    const run = (i: number) => child(`require(${JSON.stringify(path.join(SRC, 'cli/main.ts'))}).main(['node', 'netiso', ...process.argv.slice(1)])`, ['synth', '--projects', projects, '--outdir', dist], (err) => { waiting[i] += err; });
    let settled = false;
    const runs = Promise.all([run(0), run(1)]).finally(() => { settled = true; });
    while (!settled && !waiting.every((e) => /waiting for netiso/.test(e))) await new Promise((r) => setTimeout(r, 50));
    fs.writeFileSync(release, '');
    const [a, b] = await runs;
    expect((await holder).code).toBe(0);
    fs.rmSync(release);
    expect(`${a.stderr}${b.stderr}`).toMatch(/^waiting for netiso \(pid \d+ on .*\), which is writing .*dist …$/m);
    // The second run found the first one's tree complete: it wrote nothing.
    const summaries = [a.stdout, b.stdout].map((s) => / (\d+) files? written, (\d+) unchanged/.exec(s)!.slice(1).map(Number)).sort((x, y) => y[0] - x[0]);
    expect(summaries[1][0]).toBe(0);
    expect(summaries[1][1]).toBe(summaries[0][0]);
    expect(listFiles(dist)).toHaveLength(summaries[0][0]);
    expect(leftovers()).toEqual([]);
  }, 120_000);
});

describe('readers refuse a tree whose swap was interrupted', () => {
  test('only the backup left: --check and prepareToRead refuse with the fix; a synth restores it', () => {
    writeTree(dist, TREE);
    fs.renameSync(dist, `${dist}.netiso-old`);
    const message = `${dist} is missing: a netiso synth was interrupted while replacing it, and the previous tree is in ${dist}.netiso-old; `
      + `run \`netiso synth\` to restore and update it (or move ${dist}.netiso-old back to ${dist})`;
    expect(() => prepareToRead(dist)).toThrow(new FileSystemError(message));
    expect(() => writeTree(dist, TREE, { dryRun: true })).toThrow(new FileSystemError(message));
    expect(writeTree(dist, TREE).unchanged).toHaveLength(TREE.size);
    expect(prepareToRead(dist)).toBe(dist);
  });

  test('new tree and backup both there: the tree is complete and is read', () => {
    writeTree(dist, TREE);
    fs.cpSync(dist, `${dist}.netiso-old`, { recursive: true });
    expect(writeTree(dist, TREE, { dryRun: true }).unchanged).toHaveLength(TREE.size);
  });
});
