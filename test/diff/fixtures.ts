import { Cluster, Direction, ExternalWhitelist, InternalPeer, InternalWhitelist, IsolatedProject, Port, ProjectService, Workspace, renderTree } from '../../src';

/** Options of the fixture cluster; each toggles one change a test diffs. */
export interface ShopOptions {
  /** Extra ingress CIDRs on web TCP 443. */
  readonly webIngressCidrs?: string[];
  readonly webIsolation?: 'project' | 'none';
  readonly withDb?: boolean;
  /** db accepts redis from web's frontend pods. */
  readonly dbFromWeb?: boolean;
  /** web may reach 10.1.0.1:80 only (locks its egress down). */
  readonly webEgressLocked?: boolean;
  /** web accepts TCP 8080 from the partner workspace's project. */
  readonly webFromPartner?: boolean;
  readonly redisPort?: number;
  /** Emit db's Namespace (false: the namespace is managed elsewhere). */
  readonly dbManaged?: boolean;
}

/** A small cluster: web and db in workspace shop, partner in workspace other. */
export function shop(options: ShopOptions = {}): Map<string, string> {
  const o = { withDb: true, dbFromWeb: true, redisPort: 6379, ...options };
  const cluster = new Cluster('prod', { allowedIngressNamespaces: ['kubesphere-system'] });
  const shopWs = new Workspace(cluster, 'shop');
  const other = new Workspace(cluster, 'other');
  const web = new IsolatedProject(cluster, 'web', { workspace: shopWs, isolation: o.webIsolation ?? 'project' });
  new IsolatedProject(cluster, 'partner', { workspace: other });
  if (o.webIngressCidrs) new ExternalWhitelist(web, 'from-partners', { direction: Direction.INGRESS, cidrs: o.webIngressCidrs, ports: [Port.tcp(443)] });
  if (o.webEgressLocked) new ExternalWhitelist(web, 'to-api', { direction: Direction.EGRESS, cidrs: ['10.1.0.1/32'], ports: [Port.tcp(80)] });
  if (o.webFromPartner) new InternalWhitelist(web, 'from-partner', { direction: Direction.INGRESS, peers: [InternalPeer.project('partner')], ports: [Port.tcp(8080)] });
  if (o.withDb) {
    const db = new IsolatedProject(cluster, 'db', { workspace: shopWs, manageNamespace: o.dbManaged ?? true });
    new ProjectService(db, 'redis', { selector: { role: 'db' }, ports: [{ port: o.redisPort, targetPort: 'redis' }] });
    if (o.dbFromWeb) {
      new InternalWhitelist(db, 'from-web', {
        direction: Direction.INGRESS,
        podSelector: { role: 'db' },
        peers: [InternalPeer.project('web', { podSelector: { role: 'frontend' } })],
        ports: [Port.tcp('redis')],
      });
    }
  }
  return renderTree([cluster]).files;
}
