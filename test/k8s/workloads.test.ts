import { formatProblem, readManifestTexts } from '../../src/k8s/manifests';

const read = (yaml: string) => readManifestTexts(new Map([['w.yaml', yaml]]));
const template = (labels: string, ports = '[{name: http, containerPort: 8080}]') => `{metadata: {labels: ${labels}}, spec: {containers: [{name: c, ports: ${ports}}]}}`;

describe('one workload per pod-template owner', () => {
  test.each([
    ['apps/v1', 'Deployment', `template: ${template('{app: a}')}`],
    ['apps/v1', 'ReplicaSet', `template: ${template('{app: a}')}`],
    ['apps/v1', 'StatefulSet', `template: ${template('{app: a}')}`],
    ['apps/v1', 'DaemonSet', `template: ${template('{app: a}')}`],
    ['v1', 'ReplicationController', `template: ${template('{app: a}')}`],
    ['batch/v1', 'Job', `template: ${template('{app: a}')}`],
    ['batch/v1', 'CronJob', `jobTemplate: {spec: {template: ${template('{app: a}')}}}`],
  ])('%s %s: labels and container ports from the pod template', (apiVersion, kind, spec) => {
    const m = read(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: w, namespace: shop, labels: {owner: label}}\nspec: {${spec}}\n`);
    expect(m.problems).toEqual([]);
    expect(m.workloads).toEqual([
      { kind, namespace: 'shop', name: 'w', labels: { app: 'a' }, ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }], source: { file: 'w.yaml', line: 1 } },
    ]);
  });

  test('named ports and protocols of every container', () => {
    const m = read(`apiVersion: apps/v1
kind: Deployment
metadata: {name: dns}
spec:
  template:
    metadata: {labels: {app: dns}}
    spec:
      containers:
      - {name: a, ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53}]}
      - {name: b, ports: [{containerPort: 9153, protocol: SCTP}]}
`);
    expect(m.workloads[0].ports).toEqual([
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
      { containerPort: 9153, protocol: 'SCTP' },
    ]);
  });
});

describe('Pods', () => {
  const pod = (name: string, extra: string, labels = '{app: a}') =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: shop, labels: ${labels}${extra}}\nspec: {nodeName: n-${name}, containers: [{name: c}]}\nstatus: {podIP: 10.0.0.${name.length}, podIPs: [{ip: 10.0.0.${name.length}}, {ip: 'fd00::${name.length}'}]}\n`;
  const owned = (kind: string, owner: string) => `, ownerReferences: [{apiVersion: apps/v1, kind: ${kind}, name: ${owner}, uid: u, controller: true}]`;

  test('a bare Pod is its own workload, with its addresses and node', () => {
    const m = read(pod('p', ''));
    expect(m.workloads).toEqual([
      { kind: 'Pod', namespace: 'shop', name: 'p', labels: { app: 'a' }, ports: [], ip: '10.0.0.1', ips: ['10.0.0.1', 'fd00::1'], node: 'n-p', source: { file: 'w.yaml', line: 1 } },
    ]);
  });

  test("Pods with a controller join their owner's workload, named after the owner", () => {
    const m = read([pod('web-1', owned('ReplicaSet', 'web-5d4f')), pod('web-22', owned('ReplicaSet', 'web-5d4f'))].join('---\n'));
    expect(m.workloads).toEqual([
      { kind: 'ReplicaSet', namespace: 'shop', name: 'web-5d4f', labels: { app: 'a' }, ports: [], ips: ['10.0.0.5', '10.0.0.6', 'fd00::5', 'fd00::6'], source: { file: 'w.yaml', line: 1 } },
    ]);
  });

  test("with the owner in the input, its template gives labels and ports, the Pods their addresses", () => {
    const m = read(
      [`apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web, namespace: shop}\nspec: {template: ${template('{app: web}')}}\n`, pod('web-x', owned('ReplicaSet', 'web'), '{app: web, pod-template-hash: x}')].join('---\n'),
    );
    expect(m.workloads).toEqual([
      { kind: 'ReplicaSet', namespace: 'shop', name: 'web', labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }], ip: '10.0.0.5', ips: ['10.0.0.5', 'fd00::5'], node: 'n-web-x', source: { file: 'w.yaml', line: 1 } },
    ]);
  });

  test('labels that differ between the Pods of one owner are left out and named', () => {
    const m = read([pod('db-0', owned('StatefulSet', 'db'), '{app: db, pod: db-0}'), pod('db-1', owned('StatefulSet', 'db'), '{app: db, pod: db-1, extra: x}')].join('---\n'));
    expect(m.workloads[0]).toEqual(expect.objectContaining({ kind: 'StatefulSet', name: 'db', labels: { app: 'db' }, varyingLabels: ['extra', 'pod'] }));
  });

  test('a Pod owned by a Node (static or mirror Pod) or without a controller reference is a bare Pod', () => {
    const m = read([pod('etcd', owned('Node', 'n1')), pod('x', ', ownerReferences: [{kind: ReplicaSet, name: rs, controller: false}]')].join('---\n'));
    expect(m.workloads.map((w) => `${w.kind} ${w.name}`)).toEqual(['Pod etcd', 'Pod x']);
  });

  test('hostNetwork is recorded', () => {
    const m = read('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostNetwork: true, containers: [{name: c}]}\n');
    expect(m.workloads[0].hostNetwork).toBe(true);
  });
});

describe('problems', () => {
  const problems = (yaml: string) => read(yaml).problems.map(formatProblem);

  test('labels that cannot be read leave the workload out', () => {
    const m = read(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: ${template('{app: [a]}')}}\n`);
    expect(m.workloads).toEqual([]);
    expect(m.problems.map(formatProblem)).toEqual(['w.yaml:4: Deployment default/d: spec.template.metadata.labels.app: must be a string, got ["a"]; write the value as a string']);
  });

  test('a bad container port or address is reported and left out alone', () => {
    const m = read(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    ports:
    - {name: ok, containerPort: 80}
    - {name: Bad_Name, containerPort: 81}
    - {containerport: 82}
    - {containerPort: 83, protocol: HTTP}
status: {podIP: 10.0.0.300}
`);
    expect(m.workloads).toEqual([expect.objectContaining({ name: 'p', ports: [{ name: 'ok', containerPort: 80, protocol: 'TCP' }] })]);
    expect(m.workloads[0].ips).toBeUndefined();
    expect(m.problems.map(formatProblem)).toEqual([
      `w.yaml:9: Pod default/p: spec.containers[0].ports[1].name: "Bad_Name" is not a valid port name; use at most 15 lower-case letters, digits and '-', with at least one letter`,
      'w.yaml:10: Pod default/p: spec.containers[0].ports[2].containerPort: is missing: this entry has "containerport", but field names are case-sensitive; write "containerPort"',
      'w.yaml:11: Pod default/p: spec.containers[0].ports[3].protocol: must be one of TCP, UDP, SCTP, got "HTTP"',
      'w.yaml:12: Pod default/p: status.podIP: "10.0.0.300" is not an IP address',
    ]);
    expect(m.policiesIncomplete).toBe(false);
  });

  test('a workload without pod template, or with containers that are not a list', () => {
    expect(problems('apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {}}\n')).toEqual([
      "w.yaml:4: CronJob default/c: spec.jobTemplate.spec.template: is required: the pod template gives the workload's labels and ports",
    ]);
    expect(problems('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: {name: c}}\n')).toEqual([
      'w.yaml:4: Pod default/p: spec.containers: must be a list, got {"name":"c"}; write it as a YAML list ("- item")',
    ]);
  });
});
