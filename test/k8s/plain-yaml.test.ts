import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { listFiles } from '../../src/k8s/files';
import { parsePlainYaml } from '../../src/k8s/plain-yaml';

const ROOT = path.resolve(__dirname, '..', '..');

/** What the `yaml` package reads, YAML 1.2 core schema: the reference the fast reader must equal. */
function reference(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => d.toJS() as unknown);
}

/** Documents that hold something; a comment-only text is `[]` in one reader and `[null]` in the other, and every caller skips both. */
const objects = (docs: unknown[]) => docs.filter((d) => d !== null);

test('reads every YAML file of the repository as the yaml package does', () => {
  const dirs = ['dist', 'examples', 'test/npguard/corpus', 'test/import/fixtures'].map((d) => path.join(ROOT, d)).filter((d) => fs.existsSync(d));
  let files = 0;
  for (const dir of dirs) {
    for (const rel of listFiles(dir).filter((f) => /\.ya?ml$/.test(f))) {
      const text = fs.readFileSync(path.join(dir, rel), 'utf8');
      const expected = parseAllDocuments(text);
      if (expected.some((d) => d.errors.length)) continue;
      expect({ rel, docs: objects(parsePlainYaml(text, rel)) }).toEqual({ rel, docs: objects(reference(text)) });
      files++;
    }
  }
  expect(files).toBeGreaterThan(300);
});

test.each([
  '0b101', '+.5', '-.5', '1.', '.5e3', '1e3', '1E-3', '0o17', '0o8', '0x1F', '0xG', '017', '+12', '-0', '1_000',
  '.inf', '-.Inf', '+.INF', '.NaN', '.nan', '~', 'null', 'Null', 'NULL', 'nULL', '', 'true', 'True', 'TRUE', 'tRUE', 'yes', 'no',
  'on', 'off', 'y', 'n', '2001-12-14', '1:20', '<<', '=', '"80"', "'true'", '!!str 80', '!!int "80"', '12:30:00', '0.1.2',
])('resolves the scalar %j as YAML 1.2 core does', (scalar) => {
  const text = `a: ${scalar}\nb: [${scalar}]\n`;
  expect(parsePlainYaml(text, 'x.yaml')).toEqual(reference(text));
});

test('multi-document texts, anchors and empty documents', () => {
  const text = 'a: &x {p: 1}\nb: *x\n---\n---\n- 1\n- two\n...\n';
  expect(parsePlainYaml(text, 'x.yaml')).toEqual(reference(text));
  expect(parsePlainYaml('', 'x.yaml')).toEqual([]);
});

test('a syntax error names the file, in the yaml package\'s words', () => {
  expect(() => parsePlainYaml('a: [1, 2\nb: 3\n', 'dist/c/p/x.yaml')).toThrow(/^dist\/c\/p\/x\.yaml: /);
  expect(() => parsePlainYaml('a: 1\na: 2\n', 'dup.yaml')).toThrow(/^dup\.yaml: Map keys must be unique/);
});
