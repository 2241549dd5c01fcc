import { Direction, InternalPeer, InternalWhitelist, Port, ProjectService } from '../src';
import { find, problems, project, testCluster } from './helpers';

describe('Service peers', () => {
  test('egress to a Service allows its pods on the target ports (named ones stay names), not the Service port', () => {
    const cluster = testCluster();
    const backend = project(cluster, 'backend');
    const api = new ProjectService(backend, 'api', {
      selector: { app: 'api' },
      ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'grpc', port: 9000, targetPort: 'grpc' }, { name: 'dns', port: 53, protocol: 'UDP' }],
    });
    const p = project(cluster, 'frontend');
    new InternalWhitelist(p, 'to-api', { direction: Direction.EGRESS, peers: [InternalPeer.service(api), InternalPeer.project(backend)], ports: [] });
    expect(find(p.render(), 'NetworkPolicy', 'netiso-to-api').spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'backend' } }, podSelector: { matchLabels: { app: 'api' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 'grpc' }, { protocol: 'UDP', port: 53 }],
      },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'backend' } } }] },
    ]);
    expect(find(backend.render(), 'Service', 'api')).toEqual({
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'api', namespace: 'backend', labels: { 'app.kubernetes.io/managed-by': 'netiso' } },
      spec: {
        type: 'ClusterIP',
        selector: { app: 'api' },
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
          { name: 'grpc', port: 9000, protocol: 'TCP', targetPort: 'grpc' },
          { name: 'dns', port: 53, protocol: 'UDP' },
        ],
      },
    });
  });

  test('ingress from a Service admits the pods behind it, on the entry ports', () => {
    const cluster = testCluster();
    const p = project(cluster, 'db');
    new InternalWhitelist(p, 'from-api', {
      direction: Direction.INGRESS,
      peers: [InternalPeer.service({ namespace: 'legacy', name: 'api', selector: { app: 'api' }, ports: [{ port: 80 }] })],
      ports: [Port.tcp(5432)],
    });
    expect(find(p.render(), 'NetworkPolicy', 'netiso-from-api').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'legacy' } }, podSelector: { matchLabels: { app: 'api' } } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    }]);
  });

  test('a Service of another definition is found by project and name', () => {
    const cluster = testCluster();
    const p = project(cluster, 'web');
    new InternalWhitelist(p, 'to-redis', { direction: Direction.EGRESS, peers: [InternalPeer.service({ project: 'db', name: 'redis' })] });
    // Declared after the reference, as a later file would.
    new ProjectService(project(cluster, 'db'), 'redis', { selector: { role: 'db' }, ports: [{ port: 6379 }] });
    expect(problems(cluster)).toEqual([]);
    expect(find(p.render(), 'NetworkPolicy', 'netiso-to-redis').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 6379 }]);
  });
});
