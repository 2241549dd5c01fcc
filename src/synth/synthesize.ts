import { LocatedProblem, SynthesisError } from '../errors';
import { collectTree, OutputTree, StreamedTree, streamTree, treeProblems, TreeStats } from './files';
import { loadDefinitions } from './load';
import { writeTree, WriteOptions, WriteReport } from './writer';

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /** Directory of definition files. @default 'projects' */
  readonly projectsDir?: string;
  /** Output directory. @default 'dist' */
  readonly outdir?: string;
  /** Called after each project is rendered (for progress display). */
  readonly onProject?: (done: number, total: number) => void;
  /** Compare with `outdir` and report what a write would do, writing nothing. */
  readonly dryRun?: WriteOptions['dryRun'];
}

/** What {@link synthesize} did. */
export interface SynthesisResult {
  readonly stats: TreeStats;
  /** Warnings of every cluster, located like problems. */
  readonly warnings: readonly LocatedProblem[];
  readonly report: WriteReport;
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
 */
export async function synthesize(options: SynthesizeOptions = {}): Promise<SynthesisResult> {
  const tree = await loadAndValidate(options);
  const report = writeTree(options.outdir ?? 'dist', tree, { dryRun: options.dryRun });
  return { stats: tree.stats, warnings: tree.warnings(), report };
}
