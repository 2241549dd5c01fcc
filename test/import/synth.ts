import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadDefinitions } from '../../src/synth/load';
import { renderTree } from '../../src/synth/files';
import { importKubeSphereFiles } from '../../src/import';
import type { ImportOptions } from '../../src/import';

export const fixtures = path.join(__dirname, 'fixtures');
const src = path.join(__dirname, '..', '..', 'src');

/** Writes the generated definition files into a fresh projects directory, loads and synthesizes them, as `netiso synth` would. */
export async function synth(file: string, options: ImportOptions = {}) {
  const result = importKubeSphereFiles([path.join(fixtures, file)], { ...options, importFrom: src });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-import-'));
  for (const file of result.files) fs.writeFileSync(path.join(dir, file.name), file.source);
  const { clusters, problems } = await loadDefinitions(dir);
  expect(problems).toEqual([]);
  const tree = renderTree(clusters.clusters);
  return { result, tree };
}
