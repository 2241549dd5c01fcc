import { Direction, ExternalWhitelist, InternalPeer, InternalWhitelist, IpBlock, ISOLATION_POLICY_NAME, Port, Workspace } from '../src';
import { find, problems, project, testCluster } from './helpers';

const isolation = (ms: any[]) => find(ms, 'NetworkPolicy', ISOLATION_POLICY_NAME);

describe('project isolation', () => {
  test('all pods accept ingress only from the own project and the allowed namespaces; egress stays open', () => {
    const cluster = testCluster();
    const p = project(cluster, 'demo');
    const policy = isolation(p.render());
    expect(policy.metadata).toEqual({ name: 'netiso-isolation', namespace: 'demo', labels: { 'app.kubernetes.io/managed-by': 'netiso' } });
    expect(policy.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'demo' } } },
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubesphere-monitoring-system' } } },
        ],
      }],
    });
  });

  test('namespaceLabel selects namespaces by the KubeSphere label and is put on the Namespace', () => {
    const cluster = testCluster({ namespaceLabel: 'kubesphere.io/namespace', allowedIngressNamespaces: [] });
    const ms = project(cluster, 'demo').render();
    expect(isolation(ms).spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubesphere.io/namespace': 'demo' } } }]);
    expect(find(ms, 'Namespace', 'demo').metadata.labels['kubesphere.io/namespace']).toBe('demo');
  });

  test('the Namespace carries workspace, namespace and managed-by labels, unless namespaces are managed elsewhere', () => {
    const cluster = testCluster();
    const ws = new Workspace(cluster, 'ws');
    const ns = find(project(cluster, 'demo', { workspace: ws, namespaceLabels: { team: 'a' } }).render(), 'Namespace', 'demo');
    expect(ns).toEqual({
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { name: 'demo', labels: { 'team': 'a', 'kubesphere.io/namespace': 'demo', 'kubesphere.io/workspace': 'ws', 'app.kubernetes.io/managed-by': 'netiso' } },
    });
    expect(project(cluster, 'other', { manageNamespace: false }).render().map((m) => m.kind)).toEqual(['NetworkPolicy']);
  });

  test('workspace isolation admits the whole workspace; project isolation overrides it', () => {
    const cluster = testCluster();
    const ws = new Workspace(cluster, 'team', { networkIsolation: true });
    const inWs = project(cluster, 'a', { workspace: ws });
    const own = project(cluster, 'b', { workspace: ws, isolation: 'project' });
    expect(inWs.isolation).toBe('workspace');
    expect(isolation(inWs.render()).spec.ingress[0].from[0]).toEqual({ namespaceSelector: { matchLabels: { 'kubesphere.io/workspace': 'team' } } });
    expect(isolation(own.render()).spec.ingress[0].from[0]).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } });
    expect(problems(cluster)).toEqual([]);
  });

  test("isolation 'none' emits no policy", () => {
    const ms = project(testCluster(), 'open', { isolation: 'none' }).render();
    expect(ms.map((m) => m.kind)).toEqual(['Namespace']);
  });
});

describe('egress lockdown', () => {
  test('the first egress entry isolates egress of all pods, re-allowing DNS and the own project', () => {
    const cluster = testCluster({ dns: { nodeLocalDnsIp: '169.254.25.10' } });
    const p = project(cluster);
    new ExternalWhitelist(p, 'to-db', { direction: Direction.EGRESS, cidrs: ['10.1.0.1/32'], ports: [Port.tcp(5432)] });
    const policy = isolation(p.render());
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.egress).toEqual([
      { to: [{ podSelector: {} }] },
      {
        to: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
          { ipBlock: { cidr: '169.254.25.10/32' } },
        ],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
    ]);
  });

  test('egressWithinProject: false matches KubeSphere (no own-project egress)', () => {
    const cluster = testCluster({ dns: { namespace: 'dns', podLabels: { app: 'coredns' }, ports: [Port.udp(53)] } });
    const p = project(cluster, 'demo', { egressWithinProject: false });
    new ExternalWhitelist(p, 'out', { direction: Direction.EGRESS, cidrs: ['10.0.0.0/8'] });
    expect(isolation(p.render()).spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }],
    }]);
  });

  test('ingress entries alone leave egress open', () => {
    const p = project(testCluster());
    new ExternalWhitelist(p, 'in', { direction: Direction.INGRESS, cidrs: ['192.168.1.1/32'] });
    const policy = isolation(p.render());
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.egress).toBeUndefined();
  });
});

describe('allow-list entries', () => {
  test('an internal ingress entry admits another project, on the given ports', () => {
    const cluster = testCluster();
    const p = project(cluster, 'demo');
    const other = project(cluster, 'demo-project-2');
    new InternalWhitelist(p, 'from-2', { direction: Direction.INGRESS, peers: [InternalPeer.project(other)], ports: [Port.tcp(8080)] });
    expect(find(p.render(), 'NetworkPolicy', 'netiso-from-2').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'demo-project-2' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  });

  test('an external entry emits one ipBlock per CIDR with except, and all ports when none are given', () => {
    const p = project(testCluster());
    new ExternalWhitelist(p, 'office', { direction: Direction.INGRESS, cidrs: ['172.17.0.0/16', '172.17.0.0/16', '2001:db8::/32'] });
    new ExternalWhitelist(p, 'partner', { direction: Direction.EGRESS, cidrs: [IpBlock.of('172.17.0.0/16', ['172.17.1.0/24'])], ports: [Port.udpRange(30000, 30100), Port.sctp(9)] });
    const ms = p.render();
    expect(find(ms, 'NetworkPolicy', 'netiso-office').spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '172.17.0.0/16' } }, { ipBlock: { cidr: '2001:db8::/32' } }] }]);
    expect(find(ms, 'NetworkPolicy', 'netiso-partner').spec.egress).toEqual([{
      to: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }],
      ports: [{ protocol: 'UDP', port: 30000, endPort: 30100 }, { protocol: 'SCTP', port: 9 }],
    }]);
  });

  test('a pod selector narrows the entry to some workloads; peers may be narrowed too', () => {
    const cluster = testCluster();
    const db = project(cluster, 'shop-db');
    project(cluster, 'shop-web');
    new InternalWhitelist(db, 'from-frontend', {
      direction: Direction.INGRESS,
      podSelector: { role: 'db' },
      peers: [InternalPeer.project('shop-web', { podSelector: { role: 'frontend' } })],
      ports: [Port.tcp(6379)],
    });
    expect(find(db.render(), 'NetworkPolicy', 'netiso-from-frontend').spec).toEqual({
      podSelector: { matchLabels: { role: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop-web' } }, podSelector: { matchLabels: { role: 'frontend' } } }],
        ports: [{ protocol: 'TCP', port: 6379 }],
      }],
    });
  });

  test('identical entries are merged: the second is not emitted and a warning says why', () => {
    const cluster = testCluster();
    const p = project(cluster);
    project(cluster, 'other');
    new InternalWhitelist(p, 'a', { direction: Direction.INGRESS, peers: [InternalPeer.project('other')] });
    new InternalWhitelist(p, 'b', { direction: Direction.INGRESS, peers: [InternalPeer.project('other'), InternalPeer.project('other')] });
    const names = p.render().filter((m) => m.kind === 'NetworkPolicy').map((m) => m.metadata.name);
    expect(names).toEqual(['netiso-a', 'netiso-isolation']);
    expect(cluster.warnings()).toEqual([{ path: 'test/demo/b', message: 'netiso-b allows exactly what netiso-a allows; it is merged into netiso-a and not emitted' }]);
  });
});
