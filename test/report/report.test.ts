import { Cluster, Direction, ExternalHost, IpBlock, InternalPeer, InternalWhitelist, Port, Workload, explainCluster, formatReports } from '../../src';
import { analyzeCluster, representative } from '../../src/report/analyze';
import { buildCli } from '../../src/cli/main';
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
  test('text: who reaches each project, through which rule, and what the policies select without workloads', () => {
    expect(formatReports([explainCluster(twoProjects(), { project: 'a' })], 'text')).toBe(`netiso explain: cluster test

== a (isolation: project)
  a/web is ingress-isolated by a/netiso-from-b, a/netiso-isolation.
  a/web may connect anywhere: open (not egress-isolated).
  Reachable from outside the project: b/client (TCP 80).
  May connect to no probed destination outside the project.
  policies:
    a/netiso-from-b applies to any pod in namespace a
      ingress: rule 0: from any pod in namespaces with kubernetes.io/metadata.name=b; on TCP/80
      egress: not restricted by this policy
    a/netiso-isolation applies to any pod in namespace a
      ingress: rule 0: from any pod in namespaces with kubernetes.io/metadata.name=a OR any pod in namespaces with kubernetes.io/metadata.name=kubesphere-monitoring-system; on all ports
      egress: not restricted by this policy
  ingress (who may reach its pods):
    a/web TCP 80
      allowed from b/client: netiso-to-a egress rule 0 + netiso-from-b ingress rule 0

reachability (rows: from, columns: to; externals probed on TCP 443):
  b
    -> a: yes: TCP 80
`);
    const empty = explainCluster(twoProjects(), { project: 'empty' }).projects[0];
    expect(empty.summary).toEqual([
      'No workloads are declared in empty, so no pairs were probed; the policies below say what they select.',
      'Ingress is restricted by empty/netiso-isolation: only what their rules allow reaches the pods they select.',
      'Egress is open (not egress-isolated).',
    ]);
  });

  test('md: tables, matrix and a Mermaid graph of allowed cross-project flows', () => {
    const cluster = twoProjects();
    new ExternalHost(cluster, 'office', { ip: '192.168.1.1' });
    const md = formatReports([explainCluster(cluster)], 'md');
    expect(md).toContain('| a/web | TCP 80 | b/client (netiso-to-a egress rule 0 + netiso-from-b ingress rule 0) | external office |\n');
    expect(md).toContain('| from \\ to | a | external office |\n| --- | --- | --- |\n| a |  | yes: TCP 443 |\n| b | yes: TCP 80 | no |\n| external office | no |  |\n');
    expect(md).toContain('```mermaid\nflowchart LR\n  g0["a"]\n  g1["b"]\n  g2["external office"]\n  g0 -->|"TCP 443"| g2\n  g1 -->|"TCP 80"| g0\n```\n');
  });

  test('json is the report itself, and an unknown project is an error', () => {
    const report = explainCluster(twoProjects());
    const json = JSON.parse(formatReports([report], 'json'));
    expect(json.cluster).toBe('test');
    expect(json.externalPorts).toEqual(['TCP 443']);
    expect(json.projects[0].workloads).toEqual([{ workload: 'a/web', ports: ['TCP 80'], ingress: { isolatedBy: ['a/netiso-from-b', 'a/netiso-isolation'] }, egress: { isolatedBy: [] } }]);
    expect(json.projects[0].ingress).toEqual([{
      from: 'b/client', to: 'a/web', port: 'TCP 80', allowed: true,
      rules: [
        { policy: 'b/netiso-to-a', direction: 'egress', ruleIndex: 0, description: 'b/netiso-to-a egress rule 0: to any pod in namespaces with kubernetes.io/metadata.name=a; on all ports' },
        { policy: 'a/netiso-from-b', direction: 'ingress', ruleIndex: 0, description: 'a/netiso-from-b ingress rule 0: from any pod in namespaces with kubernetes.io/metadata.name=b; on TCP/80' },
      ],
      reason: 'egress from b/client: allowed, isolated by b/netiso-isolation, b/netiso-to-a; allowed by b/netiso-to-a egress rule 0; ingress to a/web: allowed, isolated by a/netiso-from-b, a/netiso-isolation; allowed by a/netiso-from-b ingress rule 0',
    }]);
    expect(json.matrix.cells).toEqual([{ from: 'b', to: 'a', allowed: 1, total: 1, ports: ['TCP 80'] }]);
    expect(json.lint).toEqual([]);
    expect(report.projects.map((p) => p.name)).toEqual(['a', 'b', 'empty']);
    expect(() => explainCluster(twoProjects(), { project: 'nope' })).toThrow('cluster test has no project nope; projects: a, b, empty');
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

describe('netiso explain', () => {
  test('prints the report of the example projects; --strict fails on lint findings', async () => {
    const out: string[] = [];
    const errors: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    const error = jest.spyOn(console, 'error').mockImplementation((s) => { errors.push(String(s)); });
    // Jest runs several test files in one process, so start from a clean exit code.
    process.exitCode = undefined;
    try {
      await buildCli().parseAsync(['node', 'netiso', 'explain', '--project', 'shop-db', '--format', 'md'], { from: 'node' });
      expect(process.exitCode).toBeUndefined();
      await buildCli().parseAsync(['node', 'netiso', 'explain', '--cluster', 'demo', '--strict', '--format', 'json'], { from: 'node' });
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = undefined;
      write.mockRestore();
      error.mockRestore();
    }
    expect(errors).toEqual(['netiso explain --strict: 1 lint finding']);
    expect(out.join('')).toContain('| shop-db/redis | TCP 6379 | kubesphere-monitoring-system/prometheus (netiso-isolation ingress rule 0)<br>shop-web/frontend (netiso-to-redis egress rule 0 + netiso-from-frontend ingress rule 0) |');
  });
});
