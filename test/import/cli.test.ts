import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';

const fixture = path.join(__dirname, 'fixtures', 'workspace-mode.yaml');

async function run(...args: string[]): Promise<{ code: number; out: string; err: string; stdout: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((m) => { out.push(String(m)); });
  const error = jest.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout.push(String(chunk)); return true; });
  process.exitCode = 0;
  try {
    await main(['node', 'netiso', 'import-kubesphere', ...args]);
    return { code: Number(process.exitCode ?? 0), out: out.join('\n'), err: err.join('\n'), stdout: stdout.join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
    process.exitCode = 0;
  }
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-import-cli-'));

test('writes the cluster file and one file per workspace, and prints the report to stderr', async () => {
  const dir = path.join(tmp(), 'projects');
  const out = path.join(dir, 'ks.ts');
  const result = await run(fixture, '--out', out, '--cluster', 'prod');
  expect(result.code).toBe(0);
  expect(result.err).toContain('note     NamespaceNetworkPolicy team-a-web/policy-from-outside: not carried over');
  const files = ['ks.ts', 'ks-team-a.ts'].map((f) => path.join(dir, f));
  expect(result.out).toBe(`wrote ${out} and 1 workspace file next to it: review them, then run \`netiso synth\` (npm run synth)`);
  expect(fs.readdirSync(dir).sort()).toEqual(['ks-team-a.ts', 'ks.ts']);
  expect(fs.readFileSync(files[0], 'utf8')).toContain("clusters.cluster('prod', {");
  expect(fs.readFileSync(files[1], 'utf8')).toContain("const cluster = clusters.cluster('prod');\n");
});

test('refuses to overwrite existing files unless --force, which also removes workspace files it no longer writes', async () => {
  const dir = tmp();
  const out = path.join(dir, 'ks.ts');
  fs.writeFileSync(out, 'hand-written');
  fs.writeFileSync(path.join(dir, 'ks-gone.ts'), '// Imported from KubeSphere (v3.x network isolation) by `netiso import-kubesphere`; see docs/import.md.\n');
  fs.writeFileSync(path.join(dir, 'ks-mine.ts'), '// written by hand\n');
  const refused = await run(fixture, '--out', out);
  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(new RegExp(`netiso import-kubesphere: ${out}, ${path.join(dir, 'ks-gone.ts')} exist; pass --force to overwrite them`));
  expect(fs.readFileSync(out, 'utf8')).toBe('hand-written');
  const forced = await run(fixture, '--out', out, '--force');
  expect(forced.code).toBe(0);
  expect(forced.out).toContain(`; removed ${path.join(dir, 'ks-gone.ts')}:`);
  expect(fs.readdirSync(dir).sort()).toEqual(['ks-mine.ts', 'ks-team-a.ts', 'ks.ts']);
  expect(fs.readFileSync(out, 'utf8')).toContain('export default function');
});

test('--stdout prints the files and writes nothing', async () => {
  const out = path.join(tmp(), 'ks.ts');
  const result = await run(fixture, '--stdout', '--out', out);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(new RegExp(`^// ==> ${out} <==\\n// Imported from KubeSphere`));
  expect(result.stdout).toContain(`// ==> ${path.join(path.dirname(out), 'ks-team-a.ts')} <==\n`);
  expect(fs.existsSync(out)).toBe(false);
});

test('an unreadable input is an error, exit code 1', async () => {
  const bad = path.join(tmp(), 'bad.yaml');
  fs.writeFileSync(bad, 'kind: [');
  const result = await run(bad, '--stdout');
  expect(result.code).toBe(1);
  expect(result.err).toMatch(/^netiso import-kubesphere: .*bad\.yaml: /);
});

test('definitions that would not synthesize are refused with their problems, and nothing is written', async () => {
  const dir = tmp();
  const input = path.join(dir, 'ks.yaml');
  // A workspace name KubeSphere accepts (a DNS subdomain) but netiso does not (a workspace name is a DNS label).
  fs.writeFileSync(input, [
    'apiVersion: tenant.kubesphere.io/v1alpha1', 'kind: Workspace', 'metadata: {name: team.a}', '---',
    'apiVersion: v1', 'kind: Namespace', 'metadata: {name: web, labels: {kubesphere.io/workspace: team.a}}', '',
  ].join('\n'));
  const out = path.join(dir, 'projects', 'ks.ts');
  const result = await run(input, '--out', out);
  expect(result.code).toBe(1);
  expect(result.err).toContain([
    'netiso import-kubesphere: the imported definitions would not synthesize, so nothing was written; fix the input (or report the import\'s mistake):',
    '  - kubesphere/Workspace:team.a: workspace name "team.a" is not a DNS-1123 label; did you mean "team-a"? (lowercase letters, digits and \'-\', starting and ending with a letter or digit)',
  ].join('\n'));
  expect(fs.existsSync(path.join(dir, 'projects'))).toBe(false);
});
