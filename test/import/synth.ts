import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadDefinitions } from '../../src/synth/load';
import { renderTree } from '../../src/synth/files';
import { importKubeSphereFiles } from '../../src/import';
import type { DefinitionFile, ImportOptions } from '../../src/import';

export const fixtures = path.join(__dirname, 'fixtures');
const src = path.join(__dirname, '..', '..', 'src');

/** Imports a fixture and synthesizes the result with {@link synthesizeFiles}. */
export async function synth(file: string, options: ImportOptions = {}) {
  const result = importKubeSphereFiles([path.join(fixtures, file)], { ...options, importFrom: src });
  return { result, tree: await synthesizeFiles(result.files) };
}

/**
 * Writes generated definition files into a fresh projects directory, loads and synthesizes them,
 * as `netiso synth` would. Their imports are pointed at this checkout's sources.
 */
export async function synthesizeFiles(files: readonly DefinitionFile[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-import-'));
  for (const file of files) fs.writeFileSync(path.join(dir, file.name), file.source.replace(/ from '\.\.\/src';$/m, ` from ${JSON.stringify(src)};`));
  const { clusters, problems } = await loadDefinitions(dir);
  expect(problems).toEqual([]);
  return renderTree(clusters.clusters);
}
