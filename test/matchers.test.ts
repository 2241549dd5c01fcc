import '../src/testing';
import { Direction, InternalPeer, InternalWhitelist, Port, Workload } from '../src';
import { project, testCluster } from './helpers';

function twoProjects() {
  const cluster = testCluster();
  const a = project(cluster, 'a');
  new Workload(a, 'web', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 80 }] });
  const b = project(cluster, 'b');
  new Workload(b, 'client', { labels: { app: 'client' } });
  new Workload(b, 'other', { labels: { app: 'other' } });
  new InternalWhitelist(a, 'from-b', { direction: Direction.INGRESS, peers: [InternalPeer.project(b, { podSelector: { app: 'client' } })], ports: [Port.tcp(80)] });
  return cluster;
}

describe('toAllow / toDeny', () => {
  test('pass on the verdict of every workload of a project', () => {
    const cluster = twoProjects();
    expect(cluster).toAllow({ from: 'b/client', to: 'a/web', port: Port.tcp('http') });
    expect(cluster).toDeny({ from: 'b/other', to: 'a', port: Port.tcp(80) });
    expect(cluster).not.toAllow({ from: 'b', to: 'a/web', port: Port.tcp(80) });
    expect(cluster).not.toDeny({ from: 'b', to: 'a/web', port: Port.tcp(80) });
  });

  test('a failure names the policy that decided', () => {
    expect(() => expect(twoProjects()).toAllow({ from: 'b', to: 'a/web', port: Port.tcp(80) })).toThrow(
      'expected b -> a/web on TCP 80 to be allowed in cluster test, but:\n'
      + 'DENIED: b/other -> a/web on TCP/80\n'
      + '  egress from b/other: allowed, no NetworkPolicy selects it for egress\n'
      + '  ingress to a/web: denied, isolated by a/netiso-from-b, a/netiso-isolation; no rule matched\n'
      + '    [peer no, port yes] a/netiso-from-b ingress rule 0: from pods with app=client in namespaces with kubernetes.io/metadata.name=b; on TCP/80\n'
      + '    [peer no, port yes] a/netiso-isolation ingress rule 0: from any pod in namespaces with kubernetes.io/metadata.name=a OR any pod in namespaces with kubernetes.io/metadata.name=kubesphere-monitoring-system; on all ports',
    );
  });

  test('endpoints must be declared, ports single', () => {
    const cluster = twoProjects();
    expect(() => expect(cluster).toAllow({ from: 'c', to: 'a/web', port: Port.tcp(80) }))
      .toThrow('"c" is neither an external address nor a namespace with declared workloads in cluster test; declare its pods with new Workload(…)');
    expect(() => expect(cluster).toAllow({ from: 'b/nope', to: 'a/web', port: Port.tcp(80) }))
      .toThrow('no workload b/nope is declared in cluster test; declare it with new Workload(project, "nope", { labels })');
    expect(() => expect(cluster).toAllow({ from: 'b', to: 'a/web', port: Port.tcpRange(80, 90) }))
      .toThrow('expected flows need a single port, not TCP 80-90; use e.g. Port.tcp(80)');
    expect(() => expect(cluster).toAllow({ from: '10.9.0.0/16', to: 'a/web', port: Port.tcp(80) }))
      .toThrow("10.9.0.0/16 is a CIDR that no allow-list or exposure of cluster test names; use { ip: \"10.9.0.1\" } for one address of it, or declare it with new ExternalHost(cluster, 'name', { ip })");
    expect(() => expect({}).toAllow({ from: 'b', to: 'a', port: Port.tcp(80) })).toThrow('toAllow expects a netiso Cluster, got object');
  });

  test('a project expanded on both ends is not checked against itself', () => {
    const cluster = twoProjects();
    let message = '';
    try {
      expect(cluster).toDeny({ from: 'b', to: 'b', port: Port.tcp(80) });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n').filter((l) => /^(ALLOWED|DENIED)/.test(l))).toEqual([
      'ALLOWED: b/client -> b/other on TCP/80',
      'ALLOWED: b/other -> b/client on TCP/80',
    ]);
    expect(() => expect(cluster).toAllow({ from: 'a', to: 'a', port: Port.tcp(80) }))
      .toThrow('a -> a on TCP 80 names no pair of distinct workloads in cluster test; a workload is not checked against itself, so declare a second workload or name a single one on both ends');
    expect(cluster).toAllow({ from: 'a/web', to: 'a/web', port: Port.tcp(80) });
  });
});
