import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { importKubeSphere, importKubeSphereFiles, objectRef, parseObjects, readObjects } from '../../src/import';
import { kubernetesIpBlock } from '../../src/import/nsnp';
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
  const files = FIXTURES.flatMap((f) => importKubeSphereFiles([path.join(fixtures, f.file)], { importFrom: src, adoptServices: true }).files.map((generated) => {
    const file = path.join(dir, `${f.file.replace(/\.yaml$/, '')}-${generated.name}`);
    fs.writeFileSync(file, generated.source);
    return file;
  }));
  const { config } = ts.readConfigFile(path.join(__dirname, '..', '..', 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, path.join(__dirname, '..', '..'));
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const diagnostics = ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
    .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(diagnostics).toEqual([]);
}, 60_000);

test('the generated files for project isolation read as a reviewer expects', () => {
  for (const file of importKubeSphereFiles([path.join(fixtures, 'project-mode.yaml')]).files) expect(file.source).toMatchSnapshot(file.name);
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
  expect(backward.files).toEqual(forward.files);
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
    const source = result.files.map((f) => f.source).join('\n');
    expect(source).toContain("new ProjectService(demo2, 'nginx', { selector: { app: 'nginx' }, ports: [{ port: 80, targetPort: 9376 }] });");
    expect(source).toContain("InternalPeer.service({ project: 'demo-2', name: 'nginx' })");
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
  const nsnps = (...names: string[]) => parseObjects(`
apiVersion: tenant.kubesphere.io/v1alpha1
kind: Workspace
metadata: {name: ws}
---
apiVersion: v1
kind: Namespace
metadata: {name: demo, labels: {kubesphere.io/workspace: ws}, annotations: {kubesphere.io/network-isolate: enabled}}
${names.map((name) => `---
apiVersion: network.kubesphere.io/v1alpha1
kind: NamespaceNetworkPolicy
metadata: {name: ${name}, namespace: demo}
spec:
  ingress: [{from: [{namespace: {name: a}}]}, {from: [{namespace: {name: b}}, {ipBlock: {cidr: 10.0.0.0/8}}]}]
`).join('')}`);
  const names = (...nsnpNames: string[]) => importKubeSphere(nsnps(...nsnpNames)).model.workspaces[0].projects[0].entries.map((e) => e.name);

  test('carry only the suffixes needed to tell the entries of one NSNP apart', () => {
    expect(names('policy-from-abc')).toEqual(['policy-from-abc-1', 'policy-from-abc-2-internal', 'policy-from-abc-2-external']);
  });

  test('fit netiso-<entry> into 63 characters, readable (no hashes) and distinct within the project', () => {
    const long = (end: string) => `${'a'.repeat(60)}.${end}`;
    const all = names(long('x'), long('y'));
    expect(all).toEqual([
      `${'a'.repeat(54)}-1`, `${'a'.repeat(45)}-2-internal`, `${'a'.repeat(45)}-2-external`,
      `${'a'.repeat(52)}-1-2`, `${'a'.repeat(43)}-2-internal-2`, `${'a'.repeat(43)}-2-external-2`,
    ]);
    for (const name of all) expect(`netiso-${name}`).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });
});

describe('ipBlocks as Kubernetes reads them', () => {
  test.each([
    ['172.0.0.1/16', [], { cidr: '172.0.0.0/16', except: [], notes: ['ipBlock cidr "172.0.0.1/16" is written as 172.0.0.0/16, the block Kubernetes matches'] }],
    ['010.001.0.0/16', [], { cidr: '10.1.0.0/16', except: [], notes: ['ipBlock cidr "010.001.0.0/16" is written as 10.1.0.0/16, the block Kubernetes matches'] }],
    ['FD00:0:0::1/8', [], { cidr: 'fd00::/8', except: [], notes: ['ipBlock cidr "FD00:0:0::1/8" is written as fd00::/8, the block Kubernetes matches'] }],
    ['::/0', ['::ffff:0:0/96'], { cidr: '::/0', except: [], notes: ['ipBlock except entry "::ffff:0:0/96" is an IPv4-mapped IPv6 block, which excludes no connection; left out'] }],
    ['10.0.0.0/8', ['10.1.0.0/16', '10.1.0.0/16'], { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], notes: [] }],
  ])('%s except %j', (cidr, except, expected) => expect(kubernetesIpBlock(cidr, except)).toEqual(expected));

  test.each([
    ['10.0.0.0/33', [], { problem: 'ipBlock cidr "10.0.0.0/33" is not a CIDR, and the API server rejects the NetworkPolicy' }],
    ['10.0.0.0/8', ['10.0.0.0/8'], { problem: 'ipBlock except entry "10.0.0.0/8" is not strictly inside 10.0.0.0/8, and the API server rejects the NetworkPolicy' }],
    ['::ffff:10.0.0.0/104', [], { nothing: expect.stringContaining('(the IPv4 block would be 10.0.0.0/8)') }],
  ])('%s except %j is refused or matches nothing', (cidr, except, expected) => expect(kubernetesIpBlock(cidr, except)).toEqual(expected));
});

test('SNAT node IPs: every valid address of every node, sorted as strings; what KubeSphere skips is reported', () => {
  const { model, report } = importKubeSphere(parseObjects(`
apiVersion: v1
kind: Node
metadata: {name: node-2, annotations: {kubesphere.io/snat-node-ips: "192.168.0.12;fd00::2;"}}
---
apiVersion: v1
kind: Node
metadata: {name: node-1, annotations: {kubesphere.io/snat-node-ips: "192.168.0.11;bogus;::ffff:192.168.0.9"}}
`));
  expect(model.snatNodeIps).toEqual(['192.168.0.11', '192.168.0.12', '192.168.0.9', 'fd00::2']);
  expect(report.filter((i) => i.kind === 'Node').map((i) => i.message)).toEqual([
    'its kubesphere.io/snat-node-ips are carried over as snatNodeIps: 192.168.0.11, 192.168.0.9; every isolated project admits them, as in KubeSphere (KubeSphere skips "bogus", which is no IP address, and so does the import; the IPv4-mapped ::ffff:192.168.0.9 as 192.168.0.9)',
    'its kubesphere.io/snat-node-ips are carried over as snatNodeIps: 192.168.0.12, fd00::2; every isolated project admits them, as in KubeSphere',
  ]);
});
