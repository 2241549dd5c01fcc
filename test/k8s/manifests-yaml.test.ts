import { fieldLine, lineOf, parseManifestText } from '../../src/k8s/manifests-yaml';

const values = (text: string) => parseManifestText(text).documents.map((d) => d.value);
const errorLines = (text: string) => parseManifestText(text).errors.map((e) => e.line);

describe('tabs, as libyaml (go-yaml v2, kubectl) has them', () => {
  // Verdicts of libyaml's yaml_parser_scan_to_next_token: tabs are white space in flow context
  // and where no simple key may start; elsewhere they "cannot start any token".
  test.each([
    ['a tab before a flow sequence item at the start of a line', 'args:\n  [\n    "a",\n\t    "b",\n  ]\n', [{ args: ['a', 'b'] }]],
    ['a flow line that is only a tab and a value', 'args:\n  [\n    "a",\n\t"b"]\n', [{ args: ['a', 'b'] }]],
    ['a tab inside a flow mapping', 'a: {b:\tc}\n', [{ a: { b: 'c' } }]],
    ['a tab before a comment after a value', 'a: b\t# c\n', [{ a: 'b' }]],
    ['a tab between a key and its colon', 'a\t: b\n', [{ a: 'b' }]],
    ['a tab inside a block scalar, after its indentation', 'a: |\n  x\n  \ty\n', [{ a: 'x\n\ty\n' }]],
    ['a tab inside a quoted scalar', 'a: "x\ty"\n', [{ a: 'x\ty' }]],
    ['a tab after a document separator', '---\t\na: b\n', [{ a: 'b' }]],
  ])('accepts %s', (_what, text, expected) => {
    expect(parseManifestText(text).errors).toEqual([]);
    expect(values(text)).toEqual(expected);
  });

  test.each([
    ['a tab right after "key:"', 'a:\tb\n', 1],
    ['a tab indenting a block mapping', 'a:\n\tb: c\n', 2],
    ['a tab right after "-"', '-\titem\n', 1],
    ['a tab after "- "', '- \titem\n', 1],
    ['a line of only a tab', 'a: b\n\t\nc: d\n', 2],
    ['a tab before a comment at the start of a line', 'a: b\n\t# c\nc: d\n', 2],
    ['spaces then a tab before a key', 'a:\n  \tb: c\n', 2],
  ])('rejects %s, at its line', (_what, text, line) => {
    const { documents, errors } = parseManifestText(text);
    expect(documents).toEqual([]);
    expect(errors).toEqual([{ line, message: expect.stringMatching(/^a tab character here cannot start any token .*use spaces$/) }]);
  });
});

describe('flow collections and quoted scalars ignore indentation, as in go-yaml', () => {
  test.each([
    ['an under-indented flow sequence', 'a:\n  b: [\n "c",\n"d"]\n', { a: { b: ['c', 'd'] } }],
    ['a closing bracket at the key indentation', 'a: [\n  1\n]\nb: 2\n', { a: [1], b: 2 }],
    ['a multi-line double-quoted scalar', 'a: "x\ny"\nb: 1\n', { a: 'x y', b: 1 }],
    ['a multi-line single-quoted scalar with a tab', "a:\n  b: 'x\n\ty'\n", { a: { b: 'x y' } }],
    ['brackets and quotes inside flow strings', 'a: ["[", "it\'s", \'"\', {b: "}"}]\n', { a: ['[', "it's", '"', { b: '}' }] }],
  ])('reads %s', (_what, text, expected) => {
    expect(parseManifestText(text).errors).toEqual([]);
    expect(values(text)).toEqual([expected]);
  });
});

describe('documents, as kubectl splits them', () => {
  test('"---" lines separate documents; each document gets its first line', () => {
    const { documents } = parseManifestText('# head\na: 1\n---\n\nb: 2\n--- # comment\nc: 3\n');
    expect(documents).toEqual([
      { line: 2, value: { a: 1 } },
      { line: 5, value: { b: 2 } },
      { line: 7, value: { c: 3 } },
    ]);
  });

  test('text after "---" is an error that loses the next document only', () => {
    const { documents, errors } = parseManifestText('a: 1\n--- {b: 2}\n---\nc: 3\n');
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }, { c: 3 }]);
    expect(errors).toEqual([{ line: 2, message: expect.stringContaining('kubectl rejects text after the document separator ("--- {b: 2}")') }]);
  });

  test('a syntax error loses its document, not the others', () => {
    expect(values('a: 1\n---\nb: [1\n---\nc: 3\n')).toEqual([{ a: 1 }, { c: 3 }]);
    expect(errorLines('a: 1\n---\nb: [1\n---\nc: 3\n')).toEqual([3]);
  });

  test('content after "..." is reported: kubectl reads only the first document of a chunk', () => {
    const { documents, errors } = parseManifestText('a: 1\n...\nb: 2\n');
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }]);
    expect(errors).toEqual([{ line: 3, message: expect.stringContaining('ignores this one after "..."'), partial: true }]);
  });

  test('documents of only comments are null', () => {
    expect(values('# nothing\n---\n# still nothing\n')).toEqual([null, null]);
  });
});

describe('scalars, as go-yaml v2 resolves them', () => {
  test('YAML 1.1 booleans and octals, timestamps and sexagesimals stay strings', () => {
    expect(values('a: yes\nb: "yes"\nc: y\nd: off\ne: 0777\nf: 2001-12-14\ng: 1:30\nh: 08\n')).toEqual([
      { a: true, b: 'yes', c: true, d: false, e: 511, f: '2001-12-14', g: '1:30', h: 8 },
    ]);
  });

  test('yamlVersion 1.2 keeps them as YAML 1.2 reads them', () => {
    expect(parseManifestText('a: yes\nb: 0777\n', { yamlVersion: '1.2' }).documents[0].value).toEqual({ a: 'yes', b: 777 });
  });

  test('merge keys and aliases', () => {
    expect(values('base: &b {x: 1}\nderived:\n  <<: *b\n  z: 2\n')).toEqual([{ base: { x: 1 }, derived: { x: 1, z: 2 } }]);
  });

  test('a key "y" is a boolean, which sigs.k8s.io/yaml turns into the JSON key "true"', () => {
    expect(values('y: 1\n')).toEqual([{ true: 1 }]);
  });

  test('a key given twice is an error (kubectl --validate=strict rejects it)', () => {
    expect(errorLines('a: 1\nb: 2\na: 3\n')).toEqual([3]);
  });
});

describe('JSON, as kubectl reads a text that starts with "{"', () => {
  test('a stream of objects, tabs as white space, lines of each', () => {
    const { documents, errors } = parseManifestText('{\n\t"kind": "A",\n\t"items": [1,\n\t2]\n}\n{"kind": "B"}\n');
    expect(errors).toEqual([]);
    expect(documents).toEqual([
      { line: 1, value: { kind: 'A', items: [1, 2] } },
      { line: 6, value: { kind: 'B' } },
    ]);
    expect(fieldLine(documents[0].value, 'items[1]')).toBe(4);
  });

  test('YAML syntax is not JSON', () => {
    expect(parseManifestText('{a: 1}').errors).toEqual([{ line: 1, message: expect.stringContaining('JSON') }]);
  });

  test('a byte order mark is skipped', () => {
    expect(values('\ufeff{"a": 1}')).toEqual([{ a: 1 }]);
  });
});

describe('positions of fields', () => {
  const doc = parseManifestText(`apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  containers:
  - name: c
    ports:
    - containerPort: 80
    - containerPort: 81
`).documents[0].value;

  test('lineOf: a container, a key, an item', () => {
    expect(lineOf(doc)).toBe(1);
    expect(lineOf(doc, 'spec')).toBe(7);
    expect(lineOf((doc as { spec: { containers: unknown[] } }).spec.containers, 0)).toBe(9);
    expect(lineOf({ a: 1 }, 'a')).toBeUndefined();
  });

  test('fieldLine: the deepest part of the path that exists, keys with dots included', () => {
    expect(fieldLine(doc, 'spec.containers[0].ports[1].containerPort')).toBe(12);
    expect(fieldLine(doc, 'spec.containers[0].ports[1].protocol')).toBe(12);
    expect(fieldLine(doc, 'metadata.labels.app.kubernetes.io/name')).toBe(6);
    expect(fieldLine(doc, 'status.podIP')).toBe(1);
  });
});
