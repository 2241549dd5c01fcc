// Workspace network isolation: every project of team-a accepts ingress from the whole workspace,
// except team-a-billing, whose own project isolation overrides it (as in KubeSphere).
import { ClusterSet, Direction, InternalPeer, InternalWhitelist, IsolatedProject, Port, Workload, Workspace } from '../src';

export default function (clusters: ClusterSet): void {
  const cluster = clusters.cluster('demo');
  const team = new Workspace(cluster, 'team-a', { networkIsolation: true });

  const web = new IsolatedProject(cluster, 'team-a-web', { workspace: team });
  new Workload(web, 'web', { labels: { app: 'web' }, ports: [{ containerPort: 8080 }] });
  const api = new IsolatedProject(cluster, 'team-a-api', { workspace: team });
  new Workload(api, 'api', { labels: { app: 'api' }, ports: [{ containerPort: 8443 }] });

  const billing = new IsolatedProject(cluster, 'team-a-billing', { workspace: team, isolation: 'project' });
  new Workload(billing, 'billing', { labels: { app: 'billing' }, ports: [{ containerPort: 8443 }] });
  new InternalWhitelist(billing, 'from-team-a-api', {
    direction: Direction.INGRESS,
    peers: [InternalPeer.project('team-a-api')],
    ports: [Port.tcp(8443)],
  });
}
