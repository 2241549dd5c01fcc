import { LocatedProblem, SynthesisError } from '../errors';
import { collectTree, OutputTree, StreamedTree, streamTree, TreeStats } from './files';
import { loadDefinitions } from './load';
import { writeTree, WriteReport } from './writer';

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /** Directory of definition files. @default 'projects' */
  readonly projectsDir?: string;
  /** Output directory. @default 'dist' */
  readonly outdir?: string;
  /** Called after each project is rendered (for progress display). */
  readonly onProject?: (done: number, total: number) => void;
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
function loadAndValidate(options: SynthesizeOptions): StreamedTree {
  const { clusters, problems } = loadDefinitions(options.projectsDir ?? 'projects');
  const all: LocatedProblem[] = [...problems];
  try {
    const tree = streamTree(clusters.clusters, options.onProject);
    if (!all.length) return tree;
  } catch (e) {
    if (!(e instanceof SynthesisError)) throw e;
    all.push(...e.problems);
  }
  throw new SynthesisError(all);
}

/**
 * Loads the definitions, renders every cluster and returns the output tree without writing it.
 * Throws one {@link SynthesisError} with the problems of every file and construct.
 */
export function renderDefinitions(options: SynthesizeOptions = {}): OutputTree {
  return collectTree(loadAndValidate(options));
}

/**
 * Loads and validates the definitions, then renders and writes them to `outdir` all or nothing.
 * Projects are rendered while being written, so memory does not grow with the output.
 */
export function synthesize(options: SynthesizeOptions = {}): SynthesisResult {
  const tree = loadAndValidate(options);
  const report = writeTree(options.outdir ?? 'dist', tree);
  return { stats: tree.stats, warnings: tree.warnings(), report };
}
