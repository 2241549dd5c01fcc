import { compare } from './k8s/compare';
/** One problem found during validation, located in the construct tree. */
export interface LocatedProblem {
  /** Cluster name, then construct path below it, e.g. `demo/demo-project/office`. */
  readonly path: string;
  /** A complete sentence naming the bad value and the fix. */
  readonly message: string;
}

/**
 * Thrown when a synthesis finds invalid input. It carries every problem found, so one run reports
 * them all; nothing is written when it is thrown.
 */
export class SynthesisError extends Error {
  constructor(public readonly problems: readonly LocatedProblem[]) {
    super(formatProblems(problems));
    this.name = 'SynthesisError';
  }
}

/** Formats problems one per line, sorted by path for a stable report. */
export function formatProblems(problems: readonly LocatedProblem[]): string {
  const lines = [...problems]
    .sort((a, b) => compare(a.path, b.path) || compare(a.message, b.message))
    .map((p) => `  - ${p.path}: ${p.message}`);
  return `netiso found ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written:\n${lines.join('\n')}`;
}
