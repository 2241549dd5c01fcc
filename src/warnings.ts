import { IConstruct } from 'constructs';
import { LocatedProblem } from './errors';

const WARNING = 'netiso:warning';

/**
 * Warnings are things a synthesis should tell the user without failing: a rule that works but
 * not the way one may expect (e.g. client filtering under SNAT). They are stored as construct
 * metadata and printed by `netiso synth` after the summary.
 */
export function addWarning(construct: IConstruct, message: string): void {
  if (!construct.node.metadata.some((m) => m.type === WARNING && m.data === message)) {
    construct.node.addMetadata(WARNING, message);
  }
}

/** Every warning of a tree, located like problems (`<root name>/<construct path>`). */
export function collectWarnings(root: IConstruct, rootName: string): LocatedProblem[] {
  const out: LocatedProblem[] = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type === WARNING) out.push({ path: c.node.path ? `${rootName}/${c.node.path}` : rootName, message: String(m.data) });
    }
  }
  return out;
}
