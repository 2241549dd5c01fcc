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
    expect(() => expect({}).toAllow({ from: 'b', to: 'a', port: Port.tcp(80) })).toThrow('toAllow expects a netiso Cluster, got object');
  });
});
