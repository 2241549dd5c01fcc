import { LocatedProblem, SynthesisError } from '../errors';
import { OutputTree, renderTree } from './files';
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
  /** Called after each file is staged for writing (for progress display). */
  readonly onFile?: (done: number, total: number) => void;
}

/**
 * Loads the definitions, renders every cluster and returns the output tree without writing it.
 * Throws one {@link SynthesisError} with the problems of every file and construct.
 */
export function renderDefinitions(options: SynthesizeOptions = {}): OutputTree {
  const { clusters, problems } = loadDefinitions(options.projectsDir ?? 'projects');
  const all: LocatedProblem[] = [...problems];
  try {
    const tree = renderTree(clusters.clusters, options.onProject);
    if (!all.length) return tree;
  } catch (e) {
    if (!(e instanceof SynthesisError)) throw e;
    all.push(...e.problems);
  }
  throw new SynthesisError(all);
}

/** {@link renderDefinitions}, then writes the tree to `outdir` all or nothing. */
export function synthesize(options: SynthesizeOptions = {}): { tree: OutputTree; report: WriteReport } {
  const tree = renderDefinitions(options);
  return { tree, report: writeTree(options.outdir ?? 'dist', tree.files, { onFile: options.onFile }) };
}
