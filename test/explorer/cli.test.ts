import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { shop } from '../diff/fixtures';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-explorer-cli-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const error = jest.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  process.exitCode = 0;
  try {
    await main(['node', 'netiso', ...args]);
    return { code: Number(process.exitCode ?? 0), err: err.join('\n') };
  } finally {
    error.mockRestore();
    write.mockRestore();
    process.exitCode = 0;
  }
}

function writeDist(to: string, files: Map<string, string>): void {
  for (const [rel, text] of files) {
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    fs.writeFileSync(path.join(to, rel), text);
  }
}

describe('netiso explain --format html', () => {
  test('writes one file per cluster, {cluster} naming it', async () => {
    const r = (await run('explain', '--format', 'html', '--output', path.join(dir, 'out', 'explorer-{cluster}.html')));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^wrote .*explorer-demo\.html \(\d+ KiB\)$/m);
    expect(r.err).toMatch(/^wrote .*explorer-guarded-cnp\.html \(\d+ KiB\)$/m);
    expect(fs.readFileSync(path.join(dir, 'out', 'explorer-demo.html'), 'utf8')).toMatch(/^<!doctype html>[\s\S]*"schema":"netiso-explorer\/1"/);
  });

  test('works for manifests too, named after their paths', async () => {
    const r = (await run('explain', '--manifests', 'dist/demo', '--format', 'html', '--output', path.join(dir, 'x-{cluster}.html')));
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'x-dist_demo.html'), 'utf8')).toContain('"title":"netiso explain: dist/demo"');
  });

  test('needs --output, which is for html only', async () => {
    expect((await run('explain', '--format', 'html'))).toEqual({ code: 2, err: 'netiso explain: --format html writes a file: give --output FILE (e.g. --output explorer-{cluster}.html)' });
    expect((await run('explain', '--format', 'json', '--output', 'x.html'))).toEqual({ code: 2, err: 'netiso explain: --output is for --format html; the json format is written to standard output' });
  });
});

describe('netiso diff --format html', () => {
  test('writes the explorer of the change; exit codes as for the other formats', async () => {
    writeDist(path.join(dir, 'base'), shop());
    writeDist(path.join(dir, 'head'), shop({ webIngressCidrs: ['0.0.0.0/0'] }));
    const file = path.join(dir, 'diff.html');
    const r = (await run('diff', path.join(dir, 'base'), path.join(dir, 'head'), '--format', 'html', '--output', file, '--fail-on', 'risk'));
    expect(r.code).toBe(1);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('"kind":"diff"');
    expect(html).toContain('internet-ingress');
    expect(html).toContain(`${path.join(dir, 'head')}/prod/web/NetworkPolicy.netiso-from-partners.k8s.yaml`);
  });

  test('without --output it is a usage error (exit 2)', async () => {
    expect((await run('diff', 'a', 'b', '--format', 'html'))).toEqual({ code: 2, err: 'netiso diff: --format html writes a file: give --output FILE (e.g. --output netiso-diff.html)' });
  });
});
