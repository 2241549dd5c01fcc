import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { importKubeSphere, importKubeSphereFiles, objectRef, parseObjects, readObjects } from '../../src/import';
import { allowedTraffic, sortedExpectation } from './allowed';
import { FIXTURES } from './expected';
import { fixtures, synth } from './synth';

const src = path.join(__dirname, '..', '..', 'src');

describe.each(FIXTURES)('$file', (fixture) => {
  let run: Awaited<ReturnType<typeof synth>>;
  beforeAll(async () => { run = await synth(fixture.file); });

  test('synthesizes to the traffic KubeSphere allows (modulo documented deviations)', () => {
    expect(allowedTraffic(run.tree.files, 'kubesphere')).toEqual(sortedExpectation(fixture.projects));
  });

  test('reports every input that is not carried over as KubeSphere enforced it', () => {
    const report = run.result.report;
    expect(report.map((i) => ({ severity: i.severity, object: objectRef(i) })))
      .toEqual(fixture.report.map(({ severity, object }) => ({ severity, object })));
    fixture.report.forEach((expected, i) => expect(report[i].message).toContain(expected.says));
  });

  test('synthesis raises no warnings', () => {
    expect(run.tree.warnings).toEqual([]);
  });
});

test('the generated definition files type-check under the project\'s compiler options', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-import-tsc-'));
  const files = FIXTURES.map((f) => {
    const file = path.join(dir, f.file.replace(/\.yaml$/, '.ts'));
    fs.writeFileSync(file, importKubeSphereFiles([path.join(fixtures, f.file)], { importFrom: src, adoptServices: true }).source);
    return file;
  });
  const { config } = ts.readConfigFile(path.join(__dirname, '..', '..', 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, path.join(__dirname, '..', '..'));
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const diagnostics = ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
    .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(diagnostics).toEqual([]);
}, 60_000);

test('the generated file for project isolation reads as a reviewer expects', () => {
  expect(importKubeSphereFiles([path.join(fixtures, 'project-mode.yaml')]).source).toMatchSnapshot();
});

test('the output does not depend on the order of the input objects, duplicates included', () => {
  const read = readObjects([path.join(fixtures, 'edge-cases.yaml'), path.join(fixtures, 'egress-rules.yaml')]);
  const named = (kind: string, name: string) => read.find((o) => o.kind === kind && o.metadata?.name === name)!;
  // Two versions of namespace off: the newer one turns project isolation on.
  const off = named('Namespace', 'off');
  const older = { ...off, metadata: { ...off.metadata, resourceVersion: '9' } };
  const newer = { ...off, metadata: { ...off.metadata, resourceVersion: '12', annotations: { 'kubesphere.io/network-isolate': 'enabled' } } };
  // Two versions of namespace in-iso without resourceVersion, and an identical copy of a NamespaceNetworkPolicy.
  const inIso = named('Namespace', 'in-iso');
  const relabelled = { ...inIso, metadata: { ...inIso.metadata, labels: { ...inIso.metadata?.labels, team: 'x' } } };
  const policy = named('NamespaceNetworkPolicy', 'policy-off');
  const objects = [...read.map((o) => (o === off ? newer : o)), older, relabelled, { ...policy }];
  const forward = importKubeSphere(objects);
  const backward = importKubeSphere([...objects].reverse());
  expect(backward.source).toBe(forward.source);
  expect(backward.report).toEqual(forward.report);
  expect(forward.model.workspaces.flatMap((w) => w.projects).find((p) => p.name === 'off')?.isolation).toBe('project');
  const about = (kind: string, name: string) => forward.report.filter((i) => i.kind === kind && i.name === name);
  expect(about('Namespace', 'off')).toEqual([{
    severity: 'skipped', kind: 'Namespace', namespace: undefined, name: 'off',
    message: 'appears 2 times in the input with different contents (resourceVersion 9, 12); the import uses the newest (resourceVersion 12) and leaves the others out, though the cluster may have one of those; keep only the current copy in the input',
  }]);
  expect(about('Namespace', 'in-iso')).toEqual([{
    severity: 'skipped', kind: 'Namespace', namespace: undefined, name: 'in-iso',
    message: 'appears 2 times in the input with different contents; the import uses the first in canonical JSON order and leaves the others out, though the cluster may have one of those; keep only the current copy in the input',
  }]);
  expect(about('NamespaceNetworkPolicy', 'policy-off')).toEqual([
    { severity: 'note', kind: 'NamespaceNetworkPolicy', namespace: 'off', name: 'policy-off', message: 'appears 2 times in the input, as identical copies; one is used' },
  ]);
});

describe('options', () => {
  test('--egress-within-project re-allows the own project once egress is locked', async () => {
    const { tree } = await synth('project-mode.yaml', { egressWithinProject: true });
    expect(allowedTraffic(tree.files, 'kubesphere').demo.egress).toContain('ns:demo @ *');
  });

  test('--adopt-services emits the named ClusterIP Service in its project, with the same allowed traffic', async () => {
    const { result, tree } = await synth('project-mode.yaml', { adoptServices: true });
    expect(result.source).toContain("new ProjectService(demo2, 'nginx', { selector: { app: 'nginx' }, ports: [{ port: 80, targetPort: 9376 }] });");
    expect(result.source).toContain("InternalPeer.service({ project: 'demo-2', name: 'nginx' })");
    expect(tree.files.has('kubesphere/demo-2/Service.nginx.k8s.yaml')).toBe(true);
    expect(allowedTraffic(tree.files, 'kubesphere')).toEqual(sortedExpectation(FIXTURES[0].projects));
  });

  test('--manage-namespaces emits the Namespaces with KubeSphere\'s labels', async () => {
    const { tree } = await synth('workspace-mode.yaml', { manageNamespaces: true });
    expect(tree.files.get('kubesphere/team-a-web/Namespace.team-a-web.k8s.yaml')).toContain('kubesphere.io/workspace: team-a');
    expect((await synth('workspace-mode.yaml')).tree.files.has('kubesphere/team-a-web/Namespace.team-a-web.k8s.yaml')).toBe(false);
  });

  test('--cluster names the cluster', async () => {
    const { tree } = await synth('gate-off.yaml', { cluster: 'prod' });
    expect([...tree.files.keys()]).toEqual(['prod/a/kustomization.yaml', 'prod/kustomization.yaml']);
  });
});

describe('reading exports', () => {
  test('kind: List is flattened, and empty documents are skipped', () => {
    const objects = parseObjects('apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n---\n---\n{apiVersion: v1, kind: Namespace, metadata: {name: b}}\n');
    expect(objects.map((o) => o.metadata?.name)).toEqual(['a', 'b']);
  });

  test('a syntax error names the file', () => {
    expect(() => parseObjects('a: [1', 'ks.yaml')).toThrow(/^ks\.yaml: /);
  });

  test('directories are read recursively, YAML and JSON files only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netiso-import-dir-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'ns.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'j' } }));
    fs.writeFileSync(path.join(dir, 'a.yml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: y}\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not: read');
    expect(readObjects([dir]).map((o) => o.metadata?.name)).toEqual(['y', 'j']);
  });
});

describe('entry names', () => {
  const nsnp = (name: string) => parseObjects(`
apiVersion: tenant.kubesphere.io/v1alpha1
kind: Workspace
metadata: {name: ws}
---
apiVersion: v1
kind: Namespace
metadata: {name: demo, labels: {kubesphere.io/workspace: ws}, annotations: {kubesphere.io/network-isolate: enabled}}
---
apiVersion: network.kubesphere.io/v1alpha1
kind: NamespaceNetworkPolicy
metadata: {name: ${name}, namespace: demo}
spec:
  ingress: [{from: [{namespace: {name: a}}]}, {from: [{namespace: {name: b}}, {ipBlock: {cidr: 10.0.0.0/8}}]}]
`);
  const names = (name: string) => importKubeSphere(nsnp(name)).model.workspaces[0].projects[0].entries.map((e) => e.name);

  test('carry only the suffixes needed to tell the entries of one NSNP apart', () => {
    expect(names('policy-from-abc')).toEqual(['policy-from-abc-1', 'policy-from-abc-2-internal', 'policy-from-abc-2-external']);
  });

  test('are DNS labels of at most 63 characters, distinct for distinct long names', () => {
    const long = `${'a'.repeat(60)}.x`;
    const [first] = names(long);
    expect(first).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(first.length).toBeLessThanOrEqual(63);
    expect(first).not.toBe(names(`${'a'.repeat(60)}.y`)[0]);
  });
});
