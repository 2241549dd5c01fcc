import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importSection } from '../../bench/import';
import { writeKubeSphereExport } from '../../bench/kubesphere-export';
import { importKubeSphereFiles } from '../../src/import';

// These prove the migration benchmark works at a tiny size; they assert no timing or memory.
let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-bench-import-test-')); });
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the generated export is what the import expects: every project imported, the entries of isolated ones carried over', () => {
  const file = path.join(tmp, 'ks.yaml');
  writeKubeSphereExport(file, 40);
  const { model, report } = importKubeSphereFiles([file]);
  const projects = model.workspaces.flatMap((w) => w.projects);
  expect(projects).toHaveLength(40);
  expect(projects.filter((p) => p.isolation === 'project').map((p) => p.entries.length)).toEqual(Array(24).fill(3));
  expect(model.snatNodeIps).toEqual(['192.168.0.10', '192.168.0.11', '192.168.0.12']);
  expect(report.filter((i) => i.severity === 'skipped')).toEqual([]);
});

test('the section imports and synthesizes each size, and cleans up', async () => {
  const lines: string[] = [];
  const rows = await importSection({ tmp, isolation: 'shared', log: (l) => lines.push(l) }).run([20]);
  // A cluster file and one file per workspace of 20 projects; 12 isolated projects with 3 entries plus their isolation policy.
  expect(rows).toEqual([expect.objectContaining({ projects: 20, files: 2, objects: 12 * 4 })]);
  expect(lines).toHaveLength(2);
  expect(fs.readdirSync(tmp)).toEqual([]);
}, 60_000);
