import * as fs from 'fs';
import * as path from 'path';
import { LocatedProblem, SynthesisError } from '../errors';
import { collectTree, OutputTree, StreamedTree, streamTree, treeProblems, TreeStats } from './files';
import { FileSystemError, shownPath } from './fs-errors';
import { definitionFiles, loadDefinitions } from './load';
import { LockOptions } from './lock';
import { contains } from './outdir';
import { writeTree, WriteReport } from './writer';

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /** Directory of definition files. @default 'projects' */
  readonly projectsDir?: string;
  /** Output directory. @default 'dist' */
  readonly outdir?: string;
  /** Called after each project is rendered (for progress display). */
  readonly onProject?: (done: number, total: number) => void;
  /** Compare with `outdir` and report what a write would do, writing nothing. */
  readonly dryRun?: boolean;
  /**
   * Write even when that removes every generated file of the output directory or of a cluster
   * (a missing or empty projects directory, definitions without projects), or into a directory
   * that does not look like netiso's output. Without it these are refused: a mistyped path
   * would otherwise empty `dist/`, and GitOps pruning would delete every policy.
   * @default false
   */
  readonly force?: boolean;
  /** Waiting for another synth of the same output directory. @default fail at once */
  readonly lock?: LockOptions;
}

/** What {@link synthesize} did. */
export interface SynthesisResult {
  readonly stats: TreeStats;
  /** Warnings of every cluster, located like problems. */
  readonly warnings: readonly LocatedProblem[];
  readonly report: WriteReport;
}

/** Why `dir` has no definitions to load (missing, not a directory, no definition files), or undefined. */
export function definitionsProblem(dir: string): string | undefined {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) return `the projects directory ${shownPath(dir)} does not exist`;
  if (!stat.isDirectory()) return `the projects directory ${shownPath(dir)} is a file, not a directory`;
  if (definitionFiles(dir).length === 0) return `the projects directory ${shownPath(dir)} holds no definition files (*.ts, *.js)`;
  return undefined;
}

/**
 * Refuses a projects directory without definitions: reading nothing from a mistyped path must
 * not look like success (`netiso explain` printing nothing, `netiso synth` emptying `dist/`).
 * @throws FileSystemError naming the directory.
 */
export function requireDefinitions(dir: string): void {
  const problem = definitionsProblem(dir);
  if (problem) throw new FileSystemError(`${problem}; check --projects`, dir);
}

/**
 * Loads the definitions and validates them, returning the files to render. Throws one
 * {@link SynthesisError} with the problems of every file and construct.
 */
async function loadAndValidate(options: SynthesizeOptions): Promise<StreamedTree> {
  const { clusters, problems } = await loadDefinitions(options.projectsDir ?? 'projects');
  // A file that failed to load is reported together with the problems of the others.
  if (problems.length) throw new SynthesisError([...problems, ...treeProblems(clusters.clusters)]);
  return streamTree(clusters.clusters, options.onProject);
}

/**
 * Loads the definitions, renders every cluster and returns the output tree without writing it.
 * Throws one {@link SynthesisError} with the problems of every file and construct.
 */
export async function renderDefinitions(options: SynthesizeOptions = {}): Promise<OutputTree> {
  return collectTree(await loadAndValidate(options));
}

/**
 * Loads and validates the definitions, then renders and writes them to `outdir` all or nothing
 * (or, with `dryRun`, only compares). Projects are rendered while being written, so memory does
 * not grow with the output.
 * @throws SynthesisError for invalid definitions; FileSystemError for a refused or failed write.
 */
export async function synthesize(options: SynthesizeOptions = {}): Promise<SynthesisResult> {
  const projectsDir = options.projectsDir ?? 'projects';
  const outdir = options.outdir ?? 'dist';
  const force = options.force ?? false;
  if (contains(outdir, projectsDir)) {
    throw new FileSystemError(`the output directory ${shownPath(outdir)} contains the projects directory ${shownPath(projectsDir)}; give the output a directory of its own (e.g. dist)`, outdir);
  }
  const forceHint = `or pass --force to write it anyway, removing every file netiso generated there`;
  const missing = definitionsProblem(projectsDir);
  if (missing && !force) throw new FileSystemError(`${missing}, so nothing would be left in ${shownPath(outdir)}; check --projects, ${forceHint}`, projectsDir);
  const tree = await loadAndValidate(options);
  if (!force) refuseEmptied(tree, projectsDir, outdir, forceHint);
  const report = writeTree(outdir, tree, { dryRun: options.dryRun, force, lock: options.lock });
  return { stats: tree.stats, warnings: tree.warnings(), report };
}

/**
 * Definitions that declare no project at all, or none for a cluster that has a directory in
 * `outdir`, would remove every policy of it: with GitOps pruning, everything fails open.
 */
function refuseEmptied(tree: StreamedTree, projectsDir: string, outdir: string, forceHint: string): void {
  if (tree.stats.projects === 0) {
    throw new FileSystemError(`${shownPath(projectsDir)} declares no projects, so nothing would be left in ${shownPath(outdir)}; check --projects, ${forceHint}`, projectsDir);
  }
  const emptied = tree.clusterProjects.filter(([cluster, projects]) => projects === 0 && fs.existsSync(path.join(outdir, cluster))).map(([cluster]) => cluster);
  if (emptied.length) {
    throw new FileSystemError(
      `${shownPath(projectsDir)} declares no projects for cluster ${emptied.join(', ')}, so every file of ${emptied.map((c) => shownPath(path.join(outdir, c))).join(', ')} would be removed; `
      + `check the definitions, ${forceHint}`,
      outdir,
    );
  }
}
