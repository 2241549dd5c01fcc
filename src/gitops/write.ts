import * as fs from 'fs';
import * as path from 'path';
import { listFiles } from '../k8s/files';
import { GITOPS_HEADER } from './index';

/** Cluster names of a dist tree: its top-level directories, sorted. */
export function distClusters(distDir: string): string[] {
  if (!fs.existsSync(distDir)) throw new Error(`${distDir} does not exist; run \`netiso synth\` first`);
  return fs.readdirSync(distDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/**
 * Writes the GitOps files to `outdir` and deletes files it generated earlier that are no longer
 * produced (a removed cluster). Refuses an `outdir` inside `distDir` or containing it: the wiring
 * must never be synced as part of the manifests it points at.
 * @returns relative paths written and removed.
 */
export function writeGitOps(outdir: string, distDir: string, files: ReadonlyMap<string, string>): { written: string[]; removed: string[] } {
  const out = path.resolve(outdir);
  const dist = path.resolve(distDir);
  const inside = (a: string, b: string) => a === b || a.startsWith(b + path.sep);
  if (inside(out, dist) || inside(dist, out)) throw new Error(`${outdir} overlaps ${distDir}; GitOps wiring must live outside the synced manifests`);
  const removed = fs.existsSync(out)
    ? listFiles(out).filter((rel) => !files.has(rel) && fs.readFileSync(path.join(out, rel), 'utf8').startsWith(GITOPS_HEADER))
    : [];
  for (const rel of removed) fs.rmSync(path.join(out, rel));
  for (const [rel, content] of files) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), content);
  }
  return { written: [...files.keys()].sort(), removed };
}
