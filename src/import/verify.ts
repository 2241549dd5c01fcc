import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocatedProblem } from '../errors';
import { treeProblems } from '../synth/files';
import { loadDefinitions } from '../synth/load';
import { emitDefinitions, EmitOptions } from './emit';
import { ImportModel } from './model';

/**
 * Synthesizes the definitions of `model` in memory, as `netiso synth` would once they are written,
 * and returns what fails: an import must never write definitions that do not synthesize. The
 * files are loaded from a temporary directory (importing this netiso), validated, and rendered
 * project by project (not serialised: YAML output cannot fail, and costs most of the memory).
 * Problem paths name the files as `outDir` will hold them.
 */
export async function synthesisProblems(model: ImportModel, options: EmitOptions, outDir: string): Promise<LocatedProblem[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-import-check-'));
  try {
    for (const file of emitDefinitions(model, { ...options, importFrom: path.resolve(__dirname, '..', 'index') })) {
      fs.writeFileSync(path.join(dir, file.name), file.source);
    }
    const { clusters, problems } = await loadDefinitions(dir);
    const inTemp = path.relative(process.cwd(), dir) || dir;
    const located = problems.map((p) => (p.path.startsWith(inTemp) ? { ...p, path: path.join(outDir, path.relative(inTemp, p.path)) } : p));
    if (located.length) return located;
    const invalid = treeProblems(clusters.clusters);
    if (invalid.length) return invalid;
    // Rendering finds what only rendering can (e.g. a rule that would lose its peers).
    for (const cluster of clusters.clusters) for (const project of cluster.projects) project.render();
    return [];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
