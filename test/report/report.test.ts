import { Cluster, Cni, Direction, ExternalHost, IpBlock, InternalPeer, InternalWhitelist, Port, Workload, explainCluster, formatReports, semanticsOf } from '../../src';
import { analyzeCluster, representative } from '../../src/report/analyze';
import { problems, project, testCluster } from '../helpers';

function twoProjects(): Cluster {
  const cluster = testCluster();
  const a = project(cluster, 'a');
  new Workload(a, 'web', { labels: { app: 'web' }, ports: [{ containerPort: 80 }] });
  const b = project(cluster, 'b');
  new Workload(b, 'client', { labels: { app: 'client' } });
  new InternalWhitelist(a, 'from-b', { direction: Direction.INGRESS, peers: [InternalPeer.project(b)], ports: [Port.tcp(80)] });
  new InternalWhitelist(b, 'to-a', { direction: Direction.EGRESS, peers: [InternalPeer.project(a)] });
  project(cluster, 'empty');
  return cluster;
}

describe('explain report', () => {
  test('text: answers grouped, with the rules of both sides, isolation and the project\'s policies', () => {
    expect(formatReports([explainCluster(twoProjects(), { project: 'a' })], 'text')).toBe(`netiso explain: cluster test
  definitions; dataplane generic (the NetworkPolicy specification)
  only connections of project a
  5 namespaces, 2 workloads, 5 policies: 2 distinct answers, 1 allowed workload pair

isolation (policies named within each workload's namespace):
  ingress isolated by netiso-from-b, netiso-isolation; egress open: 1 workload (a/web)

allowed connections, one entry per answer (policies named within the namespace of their side):
  1. TCP 80: 1 pair
     egress: netiso-to-a rule 0; ingress: netiso-from-b rule 0
     b/client -> a/web
  2. All Connections: 1 pair
     egress: open; ingress: not a pod
     a/web -> any IPv4 address; any IPv6 address

policies of a:
  a/netiso-from-b applies to any pod in namespace a
    ingress: rule 0: from any pod in namespaces with kubernetes.io/metadata.name=b; on TCP/80
    egress: not restricted by this policy
  a/netiso-isolation applies to any pod in namespace a
    ingress: rule 0: from any pod in namespaces with kubernetes.io/metadata.name=a OR any pod in namespaces with kubernetes.io/metadata.name=kubesphere-monitoring-system; on all ports
    egress: not restricted by this policy
`);
    const empty = explainCluster(twoProjects(), { project: 'empty' });
    expect(empty.answers).toEqual([]);
    expect(empty.policies?.map((p) => p.policy)).toEqual(['empty/netiso-isolation']);
  });

  test('md: tables and a Mermaid graph of what is allowed between namespaces and addresses', () => {
    const cluster = twoProjects();
    new ExternalHost(cluster, 'office', { ip: '192.168.1.1' });
    const md = formatReports([explainCluster(cluster)], 'md');
    expect(md).toContain('| 1 | TCP 80 | netiso-to-a rule 0 | netiso-from-b rule 0 | 1 | b/client -> a/web |\n');
    expect(md).toContain('| 2 | All Connections | open | not a pod | 1 | a/web -> any IPv4 address; any IPv6 address (external office) |\n');
    expect(md).toContain('```mermaid\nflowchart LR\n  n0["a"]\n  n1["any IPv4 address; any IPv6 address (external office)"]\n  n2["b"]\n  n2 -->|"TCP 80"| n0\n  n0 -->|"All Connections"| n1\n```\n');
  });

  test('json is the report itself; an answer cites each side\'s rules, a block its pairs', () => {
    const report = explainCluster(twoProjects());
    const json = JSON.parse(formatReports([report], 'json'));
    expect(json.cluster).toBe('test');
    expect(json.input).toBe('definitions');
    expect(json.complete).toBe(true);
    expect(json.answers[0]).toEqual({
      conns: 'TCP 80', ports: 'TCP 80', from: 'pod', to: 'pod',
      egress: [{ kind: 'rule', policy: 'netiso-to-a', ruleIndex: 0 }],
      ingress: [{ kind: 'rule', policy: 'netiso-from-b', ruleIndex: 0 }],
      pairs: 1, blocks: [{ from: ['b/client'], to: ['a/web'], pairs: 1 }],
    });
    expect(json.isolation).toEqual([
      { ingress: ['netiso-from-b', 'netiso-isolation'], egress: [], workloads: ['a/web'], count: 1 },
      { ingress: ['netiso-isolation'], egress: ['netiso-isolation', 'netiso-to-a'], workloads: ['b/client'], count: 1 },
    ]);
    expect(json.lint).toEqual([]);
    expect(() => explainCluster(twoProjects(), { project: 'nope' })).toThrow('cluster test has no project nope; projects: a, b, empty');
    expect(() => explainCluster(twoProjects(), { workloads: ['a/nope', 'web'] })).toThrow('--workload a/nope: no such workload in test');
    expect(() => explainCluster(twoProjects(), { peers: ['web'] })).toThrow('--peer and --direction narrow a focus: give --workload or --project too');
  });

  test('csv has a row per block, dot a graph; with --pairs both list pairs as np-guard does', () => {
    const cluster = twoProjects();
    expect(formatReports([explainCluster(cluster)], 'csv')).toBe([
      'answer,connections,from,to,within,egress,ingress,pairs,except',
      '1,TCP 80,b/client,a/web,,netiso-to-a rule 0,netiso-from-b rule 0,1,',
      '2,All Connections,a/web,0.0.0.0/0 ::/0,,open,not a pod,1,',
      '',
    ].join('\n'));
    const pairs = explainCluster(cluster, { pairs: true });
    expect(pairs.pairs).toEqual([
      { from: 'a/web', to: '0.0.0.0-255.255.255.255', conns: 'All Connections' },
      { from: 'a/web', to: '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', conns: 'All Connections' },
      { from: 'b/client', to: 'a/web', conns: 'TCP 80' },
    ]);
    expect(formatReports([pairs], 'csv')).toBe('src,dst,conn\na/web,0.0.0.0-255.255.255.255,All Connections\na/web,::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,All Connections\nb/client,a/web,TCP 80\n');
    expect(formatReports([explainCluster(cluster)], 'dot')).toContain('  "b" -> "a" [label="TCP 80"];\n');
    expect(formatReports([pairs], 'dot')).toContain('  subgraph "cluster_a" {\n    label="a";\n    "a/web" [label="web"];\n  }\n');
  });

  test('the answers follow the dataplane', () => {
    const cluster = twoProjects();
    const flannel = explainCluster(cluster, {}, { dataplane: semanticsOf(Cni.flannel()) });
    expect(flannel.dataplane).toBe('flannel (no NetworkPolicy support)');
    expect(flannel.answers[0]).toMatchObject({ conns: 'All Connections', exemption: 'the dataplane does not enforce NetworkPolicy, so every connection is allowed', pairs: 2 });
    expect(flannel.lint.map((l) => l.rule)).toEqual(['cni-support']);
  });

  test('workloads are in the engine order: namespace, then name', () => {
    const cluster = testCluster();
    new Workload(project(cluster, 'a-b'), 'x', { labels: { app: 'x' } });
    new Workload(project(cluster, 'a'), 'x', { labels: { app: 'x' } });
    const analysis = analyzeCluster(cluster);
    expect(analysis.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual(['a/x', 'a-b/x']);
    expect(analysis.workloads).toBe(analysis.engine.cluster.workloads);
  });

  test('representative addresses of CIDRs', () => {
    expect(representative(IpBlock.of('192.168.1.1/32'))).toBe('192.168.1.1');
    expect(representative(IpBlock.of('10.0.0.0/8', ['10.0.0.0/16']))).toBe('10.1.0.0');
    expect(representative(IpBlock.of('10.0.0.0/8', ['10.0.0.0/8']))).toBeUndefined();
    expect(representative(IpBlock.of('2001:db8::/32'))).toBe('2001:db8::1');
  });
});

describe('Workload', () => {
  test('emits nothing and is validated', () => {
    const cluster = testCluster();
    const a = project(cluster, 'a');
    new Workload(a, 'web', { labels: {}, ports: [{ name: 'HTTP', containerPort: 0 }, { name: 'HTTP', containerPort: 80, protocol: 'ICMP' as never }], ip: '10.0.0' });
    new Workload(a, 'web', { labels: { app: 'web' } });
    new Workload(cluster, 'dns', { labels: { app: 'dns' } });
    expect(problems(cluster)).toEqual([
      "a/workload:web: workload web has no labels, so no policy can tell it apart from the other pods of its namespace; give the pod template's labels, e.g. { app: 'web' }",
      'a/workload:web: workload web: ip "10.0.0" is not an IP address',
      'a/workload:web: workload web: port HTTP: containerPort 0 is outside 1-65535; use a whole number between 1 and 65535',
      'a/workload:web: workload web: port HTTP: name "HTTP" is not a port name (1-15 lower-case letters, digits and \'-\', with a letter)',
      'a/workload:web: workload web: port HTTP: protocol "ICMP" is not TCP, UDP or SCTP',
      'a/workload:web: workload web: port HTTP: name "HTTP" is not a port name (1-15 lower-case letters, digits and \'-\', with a letter)',
      'a/workload:web: workload web: port HTTP: name "HTTP" is used twice; port names must be unique',
      'a/workload:web~2: workload name "web" is used twice in a; give each workload its own name',
      'workload:dns: workload dns is declared on the cluster without a namespace; set namespace, or declare it in its project',
    ]);
    const ok = testCluster();
    new Workload(project(ok, 'a'), 'web', { labels: { app: 'web' } });
    // Cluster-level workloads of the same name in different namespaces are different workloads.
    new Workload(ok, 'agent', { labels: { app: 'agent' }, namespace: 'ns1' });
    new Workload(ok, 'agent', { labels: { app: 'agent' }, namespace: 'ns2' });
    expect(problems(ok)).toEqual([]);
    expect(ok.render()[0].manifests.map((m) => m.kind)).toEqual(['Namespace', 'NetworkPolicy']);
  });
});

describe('Workload names', () => {
  test('are unique by namespace/name across the cluster, whichever scope declares them', () => {
    const cluster = testCluster();
    new Workload(project(cluster, 'a'), 'web', { labels: { app: 'web' } });
    new Workload(cluster, 'web', { labels: { app: 'web' }, namespace: 'a' });
    new Workload(cluster, 'dns', { labels: { app: 'dns' }, namespace: 'kube-system' });
    new Workload(cluster, 'dns', { labels: { app: 'dns' }, namespace: 'kube-system' });
    expect(problems(cluster)).toEqual([
      'workload:web: workload a/web is declared on the cluster with namespace a and in project a; declare it once, or give each workload its own name',
      'workload:dns~2: workload name "dns" is used twice in kube-system; give each workload its own name',
    ]);
  });
});
