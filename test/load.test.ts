import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { loadDefinitions } from '../src/synth/load';

const src = path.join(__dirname, '..', 'src');

/**
 * A projects directory holding `files` (name → body of the definition). Plain JavaScript, so that
 * the line numbers in messages are the file's own, whichever TypeScript loader runs the test.
 */
function projects(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-load-'));
  for (const [name, body] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), `const { IsolatedProject } = require(${JSON.stringify(src)});\n${body}\n`);
  }
  return dir;
}

const rel = (dir: string, file: string) => path.relative(process.cwd(), path.join(dir, file));

test('an async definition is awaited: what it declares after an await is there', async () => {
  const dir = projects({
    'a.js': `exports.default = async function (clusters) {
      const cluster = clusters.cluster('demo');
      new IsolatedProject(cluster, 'before');
      await new Promise((resolve) => setTimeout(resolve, 5));
      new IsolatedProject(cluster, 'after');
    }`,
    'b.js': `exports.default = function (clusters) { new IsolatedProject(clusters.cluster('demo'), 'next'); }`,
  });
  const { clusters, problems } = await loadDefinitions(dir);
  expect(problems).toEqual([]);
  expect(clusters.clusters[0].projects.map((p) => [p.name, p.definedIn])).toEqual([
    ['before', rel(dir, 'a.js')], ['after', rel(dir, 'a.js')], ['next', rel(dir, 'b.js')],
  ]);
});

test('an async definition that rejects is reported with its file and line, with the other files loaded', async () => {
  const dir = projects({
    'a.js': `exports.default = async function (clusters) {
      await Promise.resolve();
      throw new Error('no such team');
    }`,
    'b.js': `exports.default = function (clusters) { new IsolatedProject(clusters.cluster('demo'), 'ok'); }`,
  });
  const { clusters, problems } = await loadDefinitions(dir);
  expect(problems).toEqual([{ path: rel(dir, 'a.js'), message: 'its definition threw: no such team (line 4)' }]);
  expect(clusters.clusters[0].projects.map((p) => p.name)).toEqual(['ok']);
});

describe('process.exit in a definition is an error naming the file, and does not end the process', () => {
  let exit: jest.SpyInstance;
  beforeEach(() => { exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never); });
  afterEach(() => exit.mockRestore());

  test('in the definition function, sync or after an await, and at the top of the module', async () => {
    const dir = projects({
      'a.js': `exports.default = function (clusters) { new IsolatedProject(clusters.cluster('demo'), 'a'); process.exit(0); }`,
      'b.js': `exports.default = async function (clusters) { await Promise.resolve(); process.exit(); }`,
      'c.js': `process.exit(3);\nexports.default = function (clusters) {}`,
      'd.js': `exports.default = function (clusters) { new IsolatedProject(clusters.cluster('demo'), 'd'); }`,
    });
    const { clusters, problems } = await loadDefinitions(dir);
    const why = 'a definition must not end the process (netiso synth and synth --check would report success); throw an Error to report a problem';
    expect(problems).toEqual([
      { path: rel(dir, 'a.js'), message: `its definition called process.exit(0) (line 2); ${why}` },
      { path: rel(dir, 'b.js'), message: `its definition called process.exit() (line 2); ${why}` },
      { path: rel(dir, 'c.js'), message: `failed to load: it called process.exit(3) (line 2); ${why}` },
    ]);
    expect(exit).not.toHaveBeenCalled();
    expect(process.exit).toBe(exit);
    expect(clusters.clusters[0].projects.map((p) => p.name)).toEqual(['a', 'd']);
  });
});

test('under Node\'s own require, definitions load again afresh, and one may import another\'s exports', () => {
  const dir = projects({
    'a.js': `exports.TEAM = { projects: [] };
exports.default = function (clusters) { exports.TEAM.projects.push('a'); new IsolatedProject(clusters.cluster('demo'), 'a'); };`,
    'b.js': `const { TEAM } = require('./a');
exports.default = function (clusters) { new IsolatedProject(clusters.cluster('demo'), \`b-after-\${TEAM.projects.join('-')}\`); };`,
  });
  // Jest has a module cache of its own; the loader lets go of definitions only in Node's.
  const script = `
    const { loadDefinitions } = require(${JSON.stringify(path.join(src, 'synth', 'load'))});
    (async () => {
      const first = await loadDefinitions(${JSON.stringify(dir)});
      const second = await loadDefinitions(${JSON.stringify(dir)});
      console.log(JSON.stringify([first, second].map(({ clusters, problems }) => [problems, clusters.clusters[0].projects.map((p) => p.name)])));
    })();`;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual([[[], ['a', 'b-after-a']], [[], ['a', 'b-after-a']]]);
}, 30_000);
