import * as fs from 'fs';
import * as path from 'path';
import { listFiles } from '../k8s/files';
import { fileSystemError, FileSystemError, shownPath } from '../synth/fs-errors';
import { LockOptions } from '../synth/lock';
import { contains, isNetisoKustomization, outputDirectoryProblem, prepareToRead } from '../synth/outdir';
import { DistCluster, GITOPS_HEADER } from './index';

/**
 * The clusters of a dist tree and their directories, sorted. Refuses what would make the wiring
 * of every cluster disappear: a missing or empty tree, one that is not netiso's output (a
 * mistyped `--dist`), and one left behind by an interrupted synth.
 * @throws FileSystemError naming the directory and the fix.
 */
export function distClusters(distDir: string, lock: LockOptions = {}): DistCluster[] {
  const dir = prepareToRead(distDir, lock);
  if (!fs.existsSync(dir)) throw new FileSystemError(`${shownPath(distDir)} does not exist; run \`netiso synth\` first, or check --dist`, distDir);
  const problem = outputDirectoryProblem(dir);
  if (problem) throw new FileSystemError(`${problem}; check --dist`, distDir);
  try {
    const clusters = subdirectories(dir)
      .map((name) => ({ name, dirs: subdirectories(path.join(dir, name)).filter((d) => isNetisoKustomization(path.join(dir, name, d, 'kustomization.yaml'))) }))
      .filter((c) => isNetisoKustomization(path.join(dir, c.name, 'kustomization.yaml')));
    if (clusters.length === 0) {
      throw new FileSystemError(`${shownPath(distDir)} holds no cluster directory; run \`netiso synth\` first, or check --dist (an empty tree would remove the wiring of every cluster)`, distDir);
    }
    return clusters;
  } catch (e) {
    throw fileSystemError(e);
  }
}

function subdirectories(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** What {@link writeGitOps} did (or, checking, would do), as relative paths. */
export interface GitOpsWriteReport {
  readonly written: string[];
  /** Files it wrote earlier that are no longer produced (a removed cluster). */
  readonly removed: string[];
  /** Files whose content would change; only filled when checking. */
  readonly stale: string[];
}

/**
 * Writes the GitOps files to `outdir` and deletes files it generated earlier that are no longer
 * produced (a removed cluster). Refuses an `outdir` inside `distDir` or containing it: the wiring
 * must never be synced as part of the manifests it points at. With `check`, writes nothing and
 * reports in `stale` and `removed` what a write would change.
 * @throws FileSystemError for an overlap or a failed write.
 */
export function writeGitOps(outdir: string, distDir: string, files: ReadonlyMap<string, string>, check = false): GitOpsWriteReport {
  if (contains(distDir, outdir) || contains(outdir, distDir)) {
    throw new FileSystemError(`${shownPath(outdir)} overlaps ${shownPath(distDir)}; GitOps wiring must live outside the synced manifests: choose another --outdir`, outdir);
  }
  const out = path.resolve(outdir);
  try {
    const removed = fs.existsSync(out)
      ? listFiles(out).filter((rel) => !files.has(rel) && fs.readFileSync(path.join(out, rel), 'utf8').startsWith(GITOPS_HEADER))
      : [];
    if (check) {
      const stale = [...files].filter(([rel, content]) => readIfExists(path.join(out, rel)) !== content).map(([rel]) => rel);
      return { written: [], removed, stale: stale.sort() };
    }
    for (const rel of removed) fs.rmSync(path.join(out, rel));
    for (const [rel, content] of files) {
      fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
      fs.writeFileSync(path.join(out, rel), content);
    }
    return { written: [...files.keys()].sort(), removed, stale: [] };
  } catch (e) {
    throw fileSystemError(e, { fix: 'make it writable or choose another --outdir' });
  }
}

function readIfExists(file: string): string | undefined {
  return fs.statSync(file, { throwIfNoEntry: false }) ? fs.readFileSync(file, 'utf8') : undefined;
}
