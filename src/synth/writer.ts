import * as fs from 'fs';
import * as path from 'path';
import { MANAGED_BY } from '../render/model';
import { KUSTOMIZATION_MARK } from './files';
import { listFiles } from '../k8s/files';

/** What a write did, by relative path; each list sorted. */
export interface WriteReport {
  readonly written: string[];
  readonly unchanged: string[];
  readonly removed: string[];
  /** Files in the output directory that netiso did not generate: kept, never deleted. */
  readonly foreign: string[];
}

/** Options of {@link writeTree}. */
export interface WriteOptions {
  /** Only compare: report what a write would do and touch nothing (`netiso synth --check`). */
  readonly dryRun?: boolean;
}

/**
 * Replaces the generated files under `outdir` with `files` (`[relative path, content]`, e.g. a
 * `Map` or a `streamTree()`, consumed once), all or nothing: the new tree is built
 * in a sibling staging directory and swapped in with renames, so a failure leaves the previous
 * tree as it was. Unchanged files are hard-linked (their mtime is kept), stale generated files
 * disappear, and files netiso did not generate are carried over and reported.
 *
 * When `outdir` is a symbolic link, the directory it points to is replaced and the link is kept.
 * A run interrupted at any point (even killed) is repaired by the next one.
 */
export function writeTree(outdir: string, files: Iterable<readonly [string, string]>, options: WriteOptions = {}): WriteReport {
  const dryRun = options.dryRun ?? false;
  const target = followLinks(outdir);
  const staging = `${target}.netiso-tmp`;
  const backup = `${target}.netiso-old`;
  if (!dryRun) {
    recoverInterruptedSwap(target, backup);
    fs.rmSync(staging, { recursive: true, force: true });
  }

  const report: WriteReport = { written: [], unchanged: [], removed: [], foreign: [] };
  const targetStat = fs.statSync(target, { throwIfNoEntry: false });
  const old = new Set(targetStat ? listFiles(target) : []);
  // One mkdir per directory, not per file: a project directory holds a dozen files.
  const made = new Set<string>();
  const ensureParent = (rel: string) => {
    const dir = path.posix.dirname(rel);
    if (made.has(dir)) return;
    fs.mkdirSync(path.join(staging, dir), { recursive: true });
    made.add(dir);
  };
  // In a dry run every staging operation is skipped; the classification is the same.
  const stage = (op: () => void) => { if (!dryRun) op(); };
  try {
    stage(() => fs.mkdirSync(staging, { recursive: true }));
    const generated = new Set<string>();
    for (const [rel, content] of files) {
      // Validation makes paths unique; a repeat would silently drop a manifest.
      if (generated.has(rel)) throw new Error(`internal error: ${rel} is generated twice`);
      generated.add(rel);
      const from = path.join(target, rel);
      const to = path.join(staging, rel);
      stage(() => ensureParent(rel));
      if (old.has(rel) && hasContent(from, content)) {
        stage(() => linkOrCopy(from, to));
        report.unchanged.push(rel);
      } else {
        stage(() => fs.writeFileSync(to, content));
        report.written.push(rel);
      }
    }
    for (const rel of old) {
      if (generated.has(rel)) continue;
      if (isGenerated(path.join(target, rel))) {
        report.removed.push(rel);
      } else {
        stage(() => {
          ensureParent(rel);
          carryOver(path.join(target, rel), path.join(staging, rel));
        });
        report.foreign.push(rel);
      }
    }
    if (dryRun) return sorted(report);
    if (targetStat) {
      // Last, so that a read-only mode does not stop the staging writes.
      fs.chmodSync(staging, targetStat.mode & 0o7777);
      fs.renameSync(target, backup);
    }
    fs.renameSync(staging, target);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    recoverInterruptedSwap(target, backup);
    throw e;
  }
  fs.rmSync(backup, { recursive: true, force: true });
  return sorted(report);
}

// Sorted so the report does not depend on definition order.
function sorted(report: WriteReport): WriteReport {
  for (const list of Object.values(report)) list.sort();
  return report;
}

// The label every generated manifest carries, as one YAML line; derived so the two cannot drift.
const MANAGED_BY_LINE = new RegExp(`^\\s+${Object.entries(MANAGED_BY).map(([k, v]) => `${k}: ${v}`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))[0]}$`, 'm');

/** True when netiso wrote the file: a manifest with its managed-by label, or its kustomization. */
export function isGenerated(file: string): boolean {
  const name = path.basename(file);
  if (!/\.ya?ml$/.test(name) || !fs.lstatSync(file).isFile()) return false;
  const text = fs.readFileSync(file, 'utf8');
  if (name === 'kustomization.yaml') return text.startsWith(KUSTOMIZATION_MARK);
  return MANAGED_BY_LINE.test(text);
}

/**
 * The swap is two renames (target → backup, staging → target) and a removal of the backup.
 * A run that died in between leaves either only the backup (put it back) or both directories
 * (the new tree is complete: drop the backup, or the next swap could not rename onto it).
 */
function recoverInterruptedSwap(target: string, backup: string): void {
  if (!fs.existsSync(backup)) return;
  if (fs.existsSync(target)) fs.rmSync(backup, { recursive: true, force: true });
  else fs.renameSync(backup, target);
}

// Renaming a symbolic link would replace the link, not the tree it points to.
function followLinks(outdir: string): string {
  let p = path.resolve(outdir);
  for (let hops = 0; hops < 40; hops++) {
    const stat = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!stat?.isSymbolicLink()) return p;
    p = path.resolve(path.dirname(p), fs.readlinkSync(p));
  }
  throw new Error(`${outdir}: too many levels of symbolic links`);
}

function hasContent(file: string, content: string): boolean {
  const stat = fs.lstatSync(file);
  // A size mismatch settles most changed files without reading them.
  return stat.isFile() && stat.size === Buffer.byteLength(content) && fs.readFileSync(file, 'utf8') === content;
}

// A user's symbolic link is carried over as a link; copying it would turn it into a file.
function carryOver(from: string, to: string): void {
  if (fs.lstatSync(from).isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
  else linkOrCopy(from, to);
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
