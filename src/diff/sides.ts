import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { listFiles } from '../k8s/files';
import { parsePlainYaml } from '../k8s/plain-yaml';

/** Output files of one side of a diff: path relative to the dist root (`<cluster>/<project>/<file>`) → content. */
export type DistFiles = ReadonlyMap<string, string>;

/** One project directory: the objects its kustomization applies, keyed by `Kind/name`. */
export interface ProjectObjects {
  readonly objects: ReadonlyMap<string, Record<string, unknown>>;
}

/** A side parsed into clusters and projects; both maps are sorted by name. */
export interface DistTree {
  readonly clusters: ReadonlyMap<string, ReadonlyMap<string, ProjectObjects>>;
}

/** Raised for a side that cannot be read; the CLI maps it to exit code 2. */
export class DiffInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffInputError';
  }
}

/** Every file below a dist directory. */
export function readDistDirectory(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((rel) => [rel, fs.readFileSync(path.join(dir, rel), 'utf8')]));
}

/**
 * The files of `distPath` as committed in git revision `rev`, read from the object store (no
 * checkout, no synthesis). `distPath` is relative to `cwd`, which must be inside the repository.
 * A revision without that directory yields an empty map: the whole tree is new then.
 */
export function readDistRevision(rev: string, distPath = 'dist', cwd = process.cwd()): Map<string, string> {
  const git = (args: string[], input?: string): Buffer => {
    try {
      return execFileSync('git', args, { cwd, input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      // No stderr when git could not be started at all (e.g. not installed): the spawn error says why.
      const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
      throw new DiffInputError(`git ${args.join(' ')} failed: ${stderr || (e as Error).message}`);
    }
  };
  // `.` reads the whole revision (manifests mode); otherwise one directory of it.
  const dir = distPath.replace(/\\/g, '/').replace(/\/+$/, '');
  const prefix = dir === '.' || dir === '' ? '' : `${dir}/`;
  // `^{commit}` makes ls-tree itself reject anything but a commit ("Not a valid object name").
  // ls-tree prints paths relative to cwd, like the distPath the user gave.
  const entries = git(['ls-tree', '-r', '-z', `${rev}^{commit}`, '--', prefix || '.']).toString('utf8').split('\0').filter(Boolean).map((line) => {
    const tab = line.indexOf('\t');
    const [, type, oid] = line.slice(0, tab).split(' ');
    return { type, oid, file: line.slice(tab + 1) };
  }).filter((e) => e.type === 'blob' && e.file.startsWith(prefix));
  if (entries.length === 0) return new Map();
  // One cat-file process for every blob instead of one `git show` per file.
  const out = git(['cat-file', '--batch'], entries.map((e) => e.oid).join('\n') + '\n');
  const files = new Map<string, string>();
  let pos = 0;
  for (const entry of entries) {
    const eol = out.indexOf(0x0a, pos);
    const size = Number(out.subarray(pos, eol).toString('utf8').split(' ')[2]);
    files.set(entry.file.slice(prefix.length), out.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    pos = eol + 1 + size + 1;
  }
  return files;
}

/**
 * Reads one side named on the command line: an existing directory is a dist directory, anything
 * else a git revision whose committed `distPath` is read.
 */
export function readSide(spec: string, distPath = 'dist', cwd = process.cwd()): Map<string, string> {
  return loadSide('base', spec, distPath, cwd).files;
}

/** One side of a diff as read, with what messages call it. */
export interface DiffSide {
  readonly role: 'base' | 'head';
  /** What the command line named: a directory, a git revision, or `--synth`. */
  readonly spec: string;
  readonly kind: 'directory' | 'revision' | 'synth';
  readonly files: Map<string, string>;
}

/**
 * Makes `head` hold `base`'s copy of every text the two sides have in common, so the unchanged
 * files of a large tree (nearly all of them) are in memory once instead of twice.
 */
export function shareIdenticalTexts(base: Map<string, string>, head: Map<string, string>): void {
  for (const [rel, text] of head) {
    const same = base.get(rel);
    // Equal content, another string in memory: keeping base's lets head's copy go.
    if (same === text) head.set(rel, same);
  }
}

/** `base (origin/main)`: how errors and notes name a side. */
export function sideLabel(side: Pick<DiffSide, 'role' | 'spec'>): string {
  return `${side.role} (${side.spec})`;
}

/** {@link readSide}, remembering which side it is and whether it was a directory or a revision. */
export function loadSide(role: 'base' | 'head', spec: string, distPath = 'dist', cwd = process.cwd()): DiffSide {
  const dir = path.resolve(cwd, spec);
  if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) return { role, spec, kind: 'directory', files: readDistDirectory(dir) };
  try {
    return { role, spec, kind: 'revision', files: readDistRevision(spec, distPath, cwd) };
  } catch (e) {
    if (e instanceof DiffInputError) throw new DiffInputError(`${JSON.stringify(spec)} is neither a directory nor a git revision (${e.message})`);
    throw e;
  }
}

/**
 * Refuses sides without any `<cluster>/<project>/` file, which would otherwise compare as
 * "No changes.": usually a mistyped `--dist` or directory. One case is legitimate: a base
 * revision that predates the dist directory, while head has it (in its revision, or in the
 * working tree for a directory or `--synth` head); every project of head is new then. An empty
 * base directory is accepted too: it was named explicitly, as "nothing before".
 * @returns notes for the user (stderr) about sides accepted although empty.
 * @throws DiffInputError naming the side and the path.
 */
export function checkSides(base: DiffSide, head: DiffSide, distPath = 'dist', cwd = process.cwd()): string[] {
  const dist = distPath.replace(/\\/g, '/').replace(/\/+$/, '') + '/';
  const hasProjects = (files: DistFiles) => [...files.keys()].some((rel) => rel.split('/').length === 3);
  const missing = (side: DiffSide): string => {
    if (side.kind === 'revision') {
      return side.files.size === 0
        ? `${side.role}: revision ${side.spec} has no directory ${dist}; check --dist`
        : `${side.role}: directory ${dist} of revision ${side.spec} has no <cluster>/<project>/ files; check --dist`;
    }
    if (side.kind === 'directory') return `${side.role}: directory ${side.spec} has no <cluster>/<project>/ files; is it a dist directory?`;
    return `${side.role}: --synth rendered no <cluster>/<project>/ files; check --projects`;
  };
  if (!hasProjects(head.files)) throw new DiffInputError(missing(head));
  if (hasProjects(base.files)) return [];
  if (base.kind === 'directory' && base.files.size === 0) {
    return [`note: base directory ${base.spec} is empty; every project of head counts as new`];
  }
  if (base.kind === 'revision' && base.files.size === 0) {
    const inWorkTree = () => fs.statSync(path.resolve(cwd, distPath), { throwIfNoEntry: false })?.isDirectory() ?? false;
    if (head.kind === 'revision' || inWorkTree()) {
      return [`note: base revision ${base.spec} has no directory ${dist} (it predates it); every project of head counts as new`];
    }
    throw new DiffInputError(`base: revision ${base.spec} has no directory ${dist}, and neither has the working tree; check --dist`);
  }
  throw new DiffInputError(missing(base));
}

/**
 * Groups files into clusters and projects. A project's objects are the files its
 * `kustomization.yaml` lists, because that is what GitOps applies; files it does not list (kept
 * foreign files) are ignored. Without a kustomization every YAML file of the directory counts.
 * Files outside `<cluster>/<project>/` are ignored.
 * @param side prefixes error messages, e.g. `base (origin/main)`.
 * @param cache parsed objects by file content, shared by both sides of a diff: most files are
 *   the same on both, and parsing is most of the cost of reading a tree. Objects are not modified.
 * @throws DiffInputError for unparsable YAML.
 */
export function parseDist(files: DistFiles, side?: string, cache?: Map<string, Record<string, unknown>[]>): DistTree {
  const parse = (content: string, file: string): Record<string, unknown>[] => {
    const cached = cache?.get(content);
    if (cached) return cached;
    try {
      const docs = parsePlainYaml(content, file).filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v));
      cache?.set(content, docs);
      return docs;
    } catch (e) {
      throw new DiffInputError(side ? `${side}: ${(e as Error).message}` : (e as Error).message);
    }
  };
  const dirs = new Map<string, Map<string, string>>();
  for (const [rel, content] of files) {
    const parts = rel.split('/');
    if (parts.length !== 3) continue;
    const key = `${parts[0]}/${parts[1]}`;
    if (!dirs.has(key)) dirs.set(key, new Map());
    dirs.get(key)!.set(parts[2], content);
  }
  const clusters = new Map<string, Map<string, ProjectObjects>>();
  for (const key of [...dirs.keys()].sort()) {
    const [cluster, project] = key.split('/');
    const dirFiles = dirs.get(key)!;
    const kustomization = dirFiles.get('kustomization.yaml');
    const names = kustomization !== undefined
      ? kustomizationResources(parse(kustomization, `${key}/kustomization.yaml`))
      : [...dirFiles.keys()].filter((f) => /\.ya?ml$/.test(f)).sort();
    const objects = new Map<string, Record<string, unknown>>();
    for (const name of names) {
      const content = dirFiles.get(name);
      if (content === undefined) continue;
      for (const doc of parse(content, `${key}/${name}`)) {
        const metadata = (doc.metadata ?? {}) as Record<string, unknown>;
        objects.set(`${String(doc.kind)}/${String(metadata.name)}`, doc);
      }
    }
    if (!clusters.has(cluster)) clusters.set(cluster, new Map());
    clusters.get(cluster)!.set(project, { objects });
  }
  return { clusters };
}

function kustomizationResources([doc]: readonly Record<string, unknown>[]): string[] {
  const resources = doc?.resources;
  return Array.isArray(resources) ? resources.filter((r): r is string => typeof r === 'string') : [];
}
