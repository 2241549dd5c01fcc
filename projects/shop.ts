// Workload-scoped entries: only the shop's frontend pods may reach its database pods, on TCP 6379.
import { ClusterSet, Direction, InternalPeer, InternalWhitelist, IsolatedProject, Port, ProjectService, Workload } from '../src';

export default function (clusters: ClusterSet): void {
  const cluster = clusters.cluster('demo');

  const db = new IsolatedProject(cluster, 'shop-db');
  new Workload(db, 'redis', { labels: { role: 'db' }, ports: [{ name: 'redis', containerPort: 6379 }] });
  new ProjectService(db, 'redis', { selector: { role: 'db' }, ports: [{ port: 6379, targetPort: 'redis' }] });
  new InternalWhitelist(db, 'from-frontend', {
    direction: Direction.INGRESS,
    podSelector: { role: 'db' },
    peers: [InternalPeer.project('shop-web', { podSelector: { role: 'frontend' } })],
    ports: [Port.tcp('redis')],
  });

  const web = new IsolatedProject(cluster, 'shop-web', {
    // Match KubeSphere exactly: once egress is locked down, pods of the project cannot reach each other.
    egressWithinProject: false,
  });
  new Workload(web, 'frontend', { labels: { role: 'frontend' }, ports: [{ name: 'http', containerPort: 8080 }] });
  new Workload(web, 'worker', { labels: { role: 'worker' } });
  // Defined in this file, but found by name the same way a Service of another file would be.
  new InternalWhitelist(web, 'to-redis', {
    direction: Direction.EGRESS,
    podSelector: { role: 'frontend' },
    peers: [InternalPeer.service({ project: 'shop-db', name: 'redis' })],
  });
}
