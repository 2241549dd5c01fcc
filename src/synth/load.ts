import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import { ClusterSet } from '../constructs/cluster-set';
import { LocatedProblem } from '../errors';

/**
 * What a definition file exports: a function that declares clusters, workspaces and projects.
 * It may be `async` (e.g. to read an inventory first); the loader awaits it.
 */
export type DefineFunction = (clusters: ClusterSet) => void | Promise<void>;

/** The definition files of a directory: `*.ts` / `*.js` files, sorted, without tests and typings. */
export function definitionFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.d\.ts$|\.test\.(ts|js)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Loads every definition file of `dir` into one {@link ClusterSet}, one file after the other,
 * awaiting async definitions. A file that fails to load, throws, rejects or calls `process.exit`
 * is reported with the others; the returned set holds what the remaining files declared.
 * Loading `.ts` files needs a TypeScript loader (ts-node, ts-jest); the CLI registers ts-node.
 */
export async function loadDefinitions(dir: string, clusters = new ClusterSet()): Promise<{ clusters: ClusterSet; problems: LocatedProblem[] }> {
  const problems: LocatedProblem[] = [];
  const files = definitionFiles(dir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (files.some((f) => f.endsWith('.ts')) && !require.extensions['.ts']) require('ts-node').register({ transpileOnly: true });
  const guard = new ExitGuard();
  try {
    for (const file of files) {
      const rel = path.relative(process.cwd(), file) || file;
      let define: unknown;
      let exports: Record<string, unknown> | undefined;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        exports = require(path.resolve(file));
        define = exports?.default ?? exports?.define;
      } catch (e) {
        problems.push({ path: rel, message: `failed to load: ${describeError(guard.exitOf(e) ?? e, file, 'it')}` });
        continue;
      } finally {
        guard.reset();
      }
      if (typeof define !== 'function') {
        problems.push({ path: rel, message: 'exports no definition; add `export default function (clusters: ClusterSet) { … }`' });
        continue;
      }
      try {
        await clusters.withSource(rel, () => (define as DefineFunction)(clusters));
        // A definition that caught the exit still asked to end the process.
        if (guard.called) throw guard.called;
      } catch (e) {
        const exit = guard.exitOf(e);
        problems.push({ path: rel, message: exit ? describeError(exit, file, 'its definition') : `its definition threw: ${describeError(e, file)}` });
      } finally {
        guard.reset();
        forgetDefinition(path.resolve(file), exports);
      }
    }
  } finally {
    guard.restore();
    // A later load runs the definitions afresh.
    for (const file of files) uncache(path.resolve(file));
  }
  return { clusters, problems };
}

/**
 * Lets go of a definition function once it has run: it runs once, and for a large cluster its
 * code is large (an import writes thousands of object literals). While it stays loaded, V8 keeps
 * allocation feedback for every literal, and the heap grows far more while the projects are
 * rendered (measured: synthesizing 4,000 imported projects peaked at 500 MB instead of 440 MB).
 * The module stays cached until all definitions have run, so that another definition file
 * importing it shares its other exports.
 */
function forgetDefinition(file: string, exports: Record<string, unknown> | undefined): void {
  // Only modules of Node's own cache, which the end of the load empties; a loader with a cache of
  // its own (jest) would hand the same exports, without the definition, to a later load.
  if (!nodeCache() || require.cache[file]?.exports !== exports || exports === null || typeof exports !== 'object') return;
  for (const key of ['default', 'define']) if (typeof exports[key] === 'function') Reflect.deleteProperty(exports, key);
}

/** True when `require` is Node's, whose cache the loader may edit. */
function nodeCache(): boolean {
  return require.cache === (Module as unknown as { _cache?: unknown })._cache;
}

/** Removes a module from Node's require cache (and from its parents' lists of children). */
function uncache(file: string): void {
  const cached = nodeCache() ? require.cache[file] : undefined;
  if (!cached) return;
  delete require.cache[file];
  for (const m of Object.values(require.cache)) {
    if (m?.children.includes(cached)) m.children = m.children.filter((c) => c !== cached);
  }
}

/** Thrown in place of ending the process when a definition calls `process.exit`. */
class ExitCalled extends Error {
  constructor(readonly code: unknown) {
    super(`process.exit(${code === undefined ? '' : String(code)})`);
  }
}

/**
 * Replaces `process.exit` while definitions load: a definition that exits would end `netiso synth`
 * (and `synth --check`) with its own exit code, typically 0, before anything was validated.
 */
class ExitGuard {
  /** The first exit call since the last reset, even if the definition caught the error. */
  public called?: ExitCalled;
  private readonly original = process.exit;

  constructor() {
    process.exit = ((code?: unknown) => {
      const e = new ExitCalled(code);
      this.called ??= e;
      throw e;
    }) as typeof process.exit;
  }

  /** The exit call behind `e`, if it is one. */
  public exitOf(e: unknown): ExitCalled | undefined {
    return e instanceof ExitCalled ? e : this.called;
  }

  public reset(): void { this.called = undefined; }

  public restore(): void { process.exit = this.original; }
}

const EXIT_ADVICE = 'a definition must not end the process (netiso synth and synth --check would report success); throw an Error to report a problem';

/** The error's message, plus where in `file` it was thrown, when the stack says. */
function describeError(e: unknown, file: string, who?: string): string {
  if (!(e instanceof Error)) return String(e);
  const frame = e.stack?.split('\n').find((line) => line.includes(path.resolve(file)));
  const at = frame?.match(/:(\d+):(\d+)\)?$/);
  const line = at ? ` (line ${at[1]})` : '';
  return e instanceof ExitCalled ? `${who} called ${e.message}${line}; ${EXIT_ADVICE}` : `${e.message}${line}`;
}
