import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { listFiles } from '../synth/writer';

/** Output files of one side of a diff: path relative to the dist root (`<cluster>/<project>/<file>`) → content. */
export type DistFiles = ReadonlyMap<string, string>;

/** One project directory: the objects its kustomization applies, keyed by `Kind/name`. */
export interface ProjectObjects {
  readonly cluster: string;
  readonly project: string;
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
      const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
      throw new DiffInputError(`git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
    }
  };
  git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  const prefix = distPath.replace(/\\/g, '/').replace(/\/+$/, '') + '/';
  // ls-tree prints paths relative to cwd, like the distPath the user gave.
  const entries = git(['ls-tree', '-r', '-z', rev, '--', prefix]).toString('utf8').split('\0').filter(Boolean).map((line) => {
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
  const dir = path.resolve(cwd, spec);
  if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) return readDistDirectory(dir);
  try {
    return readDistRevision(spec, distPath, cwd);
  } catch (e) {
    if (e instanceof DiffInputError) throw new DiffInputError(`${JSON.stringify(spec)} is neither a directory nor a git revision (${e.message})`);
    throw e;
  }
}

/**
 * Groups files into clusters and projects. A project's objects are the files its
 * `kustomization.yaml` lists, because that is what GitOps applies; files it does not list (kept
 * foreign files) are ignored. Without a kustomization every YAML file of the directory counts.
 * Files outside `<cluster>/<project>/` are ignored.
 * @throws DiffInputError for unparsable YAML.
 */
export function parseDist(files: DistFiles): DistTree {
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
      ? kustomizationResources(kustomization, `${key}/kustomization.yaml`)
      : [...dirFiles.keys()].filter((f) => /\.ya?ml$/.test(f)).sort();
    const objects = new Map<string, Record<string, unknown>>();
    for (const name of names) {
      const content = dirFiles.get(name);
      if (content === undefined) continue;
      for (const doc of parseYaml(content, `${key}/${name}`)) {
        const metadata = (doc.metadata ?? {}) as Record<string, unknown>;
        objects.set(`${String(doc.kind)}/${String(metadata.name)}`, doc);
      }
    }
    if (!clusters.has(cluster)) clusters.set(cluster, new Map());
    clusters.get(cluster)!.set(project, { cluster, project, objects });
  }
  return { clusters };
}

function kustomizationResources(content: string, file: string): string[] {
  const [doc] = parseYaml(content, file);
  const resources = doc?.resources;
  return Array.isArray(resources) ? resources.filter((r): r is string => typeof r === 'string') : [];
}

function parseYaml(content: string, file: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const doc of parseAllDocuments(content)) {
    if (doc.errors.length) throw new DiffInputError(`${file}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(value as Record<string, unknown>);
  }
  return out;
}
