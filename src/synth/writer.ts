import * as fs from 'fs';
import * as path from 'path';
import { KUSTOMIZATION_HEADER } from './files';

/** What a write did, by relative path. */
export interface WriteReport {
  readonly written: string[];
  readonly unchanged: string[];
  readonly removed: string[];
  /** Files in the output directory that netiso did not generate: kept, never deleted. */
  readonly foreign: string[];
}

/**
 * Replaces the generated files under `outdir` with `files`, all or nothing: the new tree is built
 * in a sibling staging directory and swapped in with renames, so a failure leaves the previous
 * tree as it was. Unchanged files are hard-linked (their mtime is kept), stale generated files
 * disappear, and files netiso did not generate are carried over and reported.
 */
export function writeTree(outdir: string, files: ReadonlyMap<string, string>): WriteReport {
  const target = path.resolve(outdir);
  const staging = `${target}.netiso-tmp`;
  const backup = `${target}.netiso-old`;
  recoverInterruptedSwap(target, backup);
  fs.rmSync(staging, { recursive: true, force: true });

  const report: WriteReport = { written: [], unchanged: [], removed: [], foreign: [] };
  const old = fs.existsSync(target) ? listFiles(target) : [];
  try {
    for (const [rel, content] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const from = path.join(target, rel);
      const to = path.join(staging, rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      if (old.includes(rel) && fs.readFileSync(from, 'utf8') === content) {
        linkOrCopy(from, to);
        report.unchanged.push(rel);
      } else {
        fs.writeFileSync(to, content);
        report.written.push(rel);
      }
    }
    for (const rel of old) {
      if (files.has(rel)) continue;
      if (isGenerated(path.join(target, rel))) {
        report.removed.push(rel);
      } else {
        fs.mkdirSync(path.dirname(path.join(staging, rel)), { recursive: true });
        linkOrCopy(path.join(target, rel), path.join(staging, rel));
        report.foreign.push(rel);
      }
    }
    fs.mkdirSync(staging, { recursive: true });
    if (fs.existsSync(target)) fs.renameSync(target, backup);
    fs.renameSync(staging, target);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    recoverInterruptedSwap(target, backup);
    throw e;
  }
  fs.rmSync(backup, { recursive: true, force: true });
  return report;
}

/** True when netiso wrote the file: a manifest with its managed-by label, or its kustomization. */
export function isGenerated(file: string): boolean {
  const name = path.basename(file);
  if (!/\.ya?ml$/.test(name)) return false;
  const text = fs.readFileSync(file, 'utf8');
  if (name === 'kustomization.yaml') return text.startsWith(KUSTOMIZATION_HEADER);
  return /^\s+app\.kubernetes\.io\/managed-by: netiso$/m.test(text);
}

/** All files below `dir`, relative, with `/` separators, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}

// A crash between the two renames leaves only the backup: put it back before anything else.
function recoverInterruptedSwap(target: string, backup: string): void {
  if (!fs.existsSync(target) && fs.existsSync(backup)) fs.renameSync(backup, target);
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
    const { atime, mtime } = fs.statSync(from);
    fs.utimesSync(to, atime, mtime);
  }
}
