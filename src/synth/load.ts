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
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.resolve(file));
      const define: unknown = mod.default ?? mod.define;
      if (typeof define !== 'function') {
        problems.push({ path: rel, message: 'exports no definition; add `export default function (clusters: ClusterSet) { … }`' });
        continue;
      }
      clusters.withSource(rel, () => (define as DefineFunction)(clusters));
    } catch (e) {
      problems.push({ path: rel, message: `failed while loading: ${(e as Error).message}` });
    }
  }
  return { clusters, problems };
}
