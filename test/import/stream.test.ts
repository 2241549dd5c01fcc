import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseObjects } from '../../src/import';
import type { KubeObject } from '../../src/import';
import { streamObjects } from '../../src/import/stream';
import { fixtures } from './synth';

function streamed(...paths: string[]): KubeObject[] {
  const out: KubeObject[] = [];
  streamObjects(paths, (o) => out.push(o));
  return out;
}

function file(text: string, name = 'export.yaml'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-stream-'));
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

test.each(fs.readdirSync(fixtures))('%s reads as the whole-file parser reads it', (name) => {
  const at = path.join(fixtures, name);
  expect(streamed(at)).toEqual(parseObjects(fs.readFileSync(at, 'utf8'), at));
});

test('a kubectl List, split item by item, with the shapes YAML allows around items', () => {
  const text = [
    '# exported by kubectl',
    'apiVersion: v1',
    'items:',
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  metadata:',
    '    name: kubesphere-config',
    '    namespace: kubesphere-system',
    '  data:',
    '    kubesphere.yaml: |',
    '      network:',
    '        enableNetworkPolicy: true',
    '',
    '      - not an item: a line of the block scalar',
    '# a comment between items',
    '-   apiVersion: v1',
    '    kind: Namespace',
    '    metadata: {name: wide}',
    '- {apiVersion: v1, kind: Namespace, metadata: {name: flow}}',
    '-',
    '  apiVersion: v1',
    '  kind: Namespace',
    '  metadata: {name: next-line}',
    'kind: List',
    'metadata:',
    '  resourceVersion: ""',
    '---',
    'apiVersion: v1',
    'kind: List',
    'items:',
    '  - apiVersion: v1',
    '    kind: Namespace',
    '    metadata: {name: indented}',
    '...',
    '---',
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    '  name: plain',
    'items:',
    'spec: {}',
  ].join('\r\n');
  const at = file(text);
  const objects = streamed(at);
  expect(objects).toEqual(parseObjects(text, at));
  expect(objects.map((o) => o.metadata?.name)).toEqual(['kubesphere-config', 'wide', 'flow', 'next-line', 'indented', 'plain']);
  expect((objects[0].data as Record<string, string>)['kubesphere.yaml']).toBe('network:\n  enableNetworkPolicy: true\n\n- not an item: a line of the block scalar\n');
});

test('JSON (kubectl -o json) and YAML flow style that looks like it', () => {
  const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'j' } }] };
  expect(streamed(file(JSON.stringify(list, null, 2), 'export.json')).map((o) => o.metadata?.name)).toEqual(['j']);
  expect(streamed(file('{apiVersion: v1, kind: Namespace, metadata: {name: y}}\n')).map((o) => o.metadata?.name)).toEqual(['y']);
});

test('errors name the file and the line', () => {
  const at = file('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: [a}\n');
  expect(() => streamed(at)).toThrow(new RegExp(`^${at.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 6: `));
  expect(() => streamed(file('{"a": 1', 'x.json'))).toThrow(/x\.json: /);
});

test('items split out of a document that is not a List are an error, not objects', () => {
  expect(() => streamed(file('apiVersion: v1\nitems:\n- {kind: Namespace, metadata: {name: a}}\nkind: Namespace\nmetadata: {name: b}\n')))
    .toThrow(/line 1: a document with a top-level items list has kind "Namespace", not a List/);
});
