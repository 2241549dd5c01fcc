import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';

const fixture = path.join(__dirname, 'fixtures', 'workspace-mode.yaml');

function run(...args: string[]): { code: number; out: string; err: string; stdout: string } {
  const out: string[] = [];
  const err: string[] = [];
  const stdout: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((m) => { out.push(String(m)); });
  const error = jest.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout.push(String(chunk)); return true; });
  process.exitCode = 0;
  try {
    main(['node', 'netiso', 'import-kubesphere', ...args]);
    return { code: Number(process.exitCode ?? 0), out: out.join('\n'), err: err.join('\n'), stdout: stdout.join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
    process.exitCode = 0;
  }
}

test('writes the definition file and prints the report to stderr', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-import-cli-')), 'projects', 'ks.ts');
  const result = run(fixture, '--out', out, '--cluster', 'prod');
  expect(result.code).toBe(0);
  expect(result.err).toContain('note     NamespaceNetworkPolicy team-a-web/policy-from-outside: not carried over');
  expect(result.out).toBe(`wrote ${out}: review it, then run \`netiso synth\` (npm run synth)`);
  expect(fs.readFileSync(out, 'utf8')).toContain("clusters.cluster('prod', {");
});

test('refuses to overwrite an existing file unless --force', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-import-cli-')), 'ks.ts');
  fs.writeFileSync(out, 'hand-written');
  const refused = run(fixture, '--out', out);
  expect(refused.code).toBe(1);
  expect(refused.err).toBe(`netiso import-kubesphere: ${out} exists; pass --force to overwrite it, or --out another file`);
  expect(fs.readFileSync(out, 'utf8')).toBe('hand-written');
  expect(run(fixture, '--out', out, '--force').code).toBe(0);
  expect(fs.readFileSync(out, 'utf8')).toContain('export default function');
});

test('--stdout prints the file and writes nothing', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-import-cli-')), 'ks.ts');
  const result = run(fixture, '--stdout', '--out', out);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^\/\/ Imported from KubeSphere/);
  expect(fs.existsSync(out)).toBe(false);
});

test('an unreadable input is an error, exit code 1', () => {
  const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-import-cli-')), 'bad.yaml');
  fs.writeFileSync(bad, 'kind: [');
  const result = run(bad, '--stdout');
  expect(result.code).toBe(1);
  expect(result.err).toMatch(/^netiso import-kubesphere: .*bad\.yaml: /);
});
