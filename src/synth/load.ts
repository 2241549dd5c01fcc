import * as fs from 'fs';
import * as path from 'path';
import { ClusterSet } from '../constructs/cluster-set';
import { LocatedProblem } from '../errors';

/** What a definition file exports: a function that declares clusters, workspaces and projects. */
export type DefineFunction = (clusters: ClusterSet) => void;

/** The definition files of a directory: `*.ts` / `*.js` files, sorted, without tests and typings. */
export function definitionFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.d\.ts$|\.test\.(ts|js)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Loads every definition file of `dir` into one {@link ClusterSet}. A file that fails to load or
 * throws is reported with the others; the returned set holds what the remaining files declared.
 * Loading `.ts` files needs a TypeScript loader (ts-node, ts-jest); the CLI registers ts-node.
 */
export function loadDefinitions(dir: string, clusters = new ClusterSet()): { clusters: ClusterSet; problems: LocatedProblem[] } {
  const problems: LocatedProblem[] = [];
  const files = definitionFiles(dir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (files.some((f) => f.endsWith('.ts')) && !require.extensions['.ts']) require('ts-node').register({ transpileOnly: true });
  for (const file of files) {
    const rel = path.relative(process.cwd(), file) || file;
    let define: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.resolve(file));
      define = mod.default ?? mod.define;
    } catch (e) {
      problems.push({ path: rel, message: `failed to load: ${describeError(e, file)}` });
      continue;
    }
    if (typeof define !== 'function') {
      problems.push({ path: rel, message: 'exports no definition; add `export default function (clusters: ClusterSet) { … }`' });
      continue;
    }
    try {
      clusters.withSource(rel, () => (define as DefineFunction)(clusters));
    } catch (e) {
      problems.push({ path: rel, message: `its definition threw: ${describeError(e, file)}` });
    }
  }
  return { clusters, problems };
}

/** The error's message, plus where in `file` it was thrown, when the stack says. */
function describeError(e: unknown, file: string): string {
  if (!(e instanceof Error)) return String(e);
  const frame = e.stack?.split('\n').find((line) => line.includes(path.resolve(file)));
  const at = frame?.match(/:(\d+):(\d+)\)?$/);
  return at ? `${e.message} (line ${at[1]})` : e.message;
}
