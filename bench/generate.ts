import { ClusterSet } from '../src/constructs/cluster-set';
import { ExternalWhitelist } from '../src/constructs/external-whitelist';
import { InternalWhitelist } from '../src/constructs/internal-whitelist';
import { IsolatedProject } from '../src/constructs/project';
import { ProjectService } from '../src/constructs/project-service';
import { Direction } from '../src/values/direction';
import { InternalPeer } from '../src/values/internal-peer';
import { Port } from '../src/values/port';

/**
 * Declares `count` projects in one cluster named `bench`, the shape the issue measures: each
 * project has its isolation policy, a Service and ten allow-list entries, half internal (naming
 * the previous project and its Service, so lookups across projects are exercised) and half
 * external. Every entry is distinct, so none is merged away. Deterministic for a given count.
 */
export function generateProjects(clusters: ClusterSet, count: number): void {
  const cluster = clusters.cluster('bench', { allowedIngressNamespaces: ['kubesphere-system', 'kubesphere-monitoring-system'] });
  const name = (i: number) => `project-${String(i).padStart(5, '0')}`;
  for (let i = 0; i < count; i++) {
    const project = new IsolatedProject(cluster, name(i));
    new ProjectService(project, 'api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080, name: 'http' }, { port: 443, targetPort: 8443, name: 'https' }] });
    // Project 0 names the last project, so every project is both a peer and has peers.
    const peer = name((i + count - 1) % count);
    const octet = (k: number) => `10.${(i >> 8) & 255}.${i & 255}.${k}`;
    new InternalWhitelist(project, 'from-peer', { direction: Direction.INGRESS, peers: [InternalPeer.project(peer)] });
    new InternalWhitelist(project, 'from-peer-web', { direction: Direction.INGRESS, peers: [InternalPeer.project(peer, { podSelector: { role: 'web' } })], ports: [Port.tcp(8080)] });
    new InternalWhitelist(project, 'to-peer-api', { direction: Direction.EGRESS, peers: [InternalPeer.service({ project: peer, name: 'api' })] });
    new InternalWhitelist(project, 'from-ingress', { direction: Direction.INGRESS, peers: [InternalPeer.namespace('ingress-nginx')], ports: [Port.tcp(80), Port.tcp(443)] });
    new InternalWhitelist(project, 'to-monitoring', { direction: Direction.EGRESS, peers: [InternalPeer.namespace('monitoring', { podSelector: { app: 'prometheus' } })], ports: [Port.tcp(9090)] });
    new ExternalWhitelist(project, 'from-office', { direction: Direction.INGRESS, cidrs: [`${octet(0)}/24`], ports: [Port.tcp(443)] });
    new ExternalWhitelist(project, 'from-vpn', { direction: Direction.INGRESS, cidrs: ['192.168.0.0/16'], ports: [Port.tcp(22)], podSelector: { role: 'bastion' } });
    new ExternalWhitelist(project, 'to-database', { direction: Direction.EGRESS, cidrs: [`${octet(10)}/32`], ports: [Port.tcp(5432)] });
    new ExternalWhitelist(project, 'to-dns-upstream', { direction: Direction.EGRESS, cidrs: ['8.8.8.8/32', '8.8.4.4/32'], ports: [Port.udp(53), Port.tcp(53)] });
    new ExternalWhitelist(project, 'to-internet', { direction: Direction.EGRESS, cidrs: ['0.0.0.0/0'], ports: [Port.tcp(443)], podSelector: { role: 'web' } });
  }
}
