import { Direction, ExternalWhitelist, ISOLATION_POLICY_NAME, Port, Workspace } from '../src';
import { find, problems, project, testCluster } from './helpers';

// Cluster options that exist so that an import can reproduce what KubeSphere's controller generates.
const isolation = (ms: any[]) => find(ms, 'NetworkPolicy', ISOLATION_POLICY_NAME);

describe('snatNodeIps: KubeSphere\'s kubesphere.io/snat-node-ips', () => {
  test('every isolated project admits the addresses on every port, in project and workspace isolation; sorted as strings', () => {
    const cluster = testCluster({ allowedIngressNamespaces: [], snatNodeIps: ['192.168.0.12', '192.168.0.11', 'fd00::1', '192.168.0.11'] });
    const ws = new Workspace(cluster, 'team', { networkIsolation: true });
    const snat = [
      { ipBlock: { cidr: '192.168.0.11/32' } }, { ipBlock: { cidr: '192.168.0.12/32' } }, { ipBlock: { cidr: 'fd00::1/128' } },
    ];
    expect(isolation(project(cluster, 'a').render()).spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } }, ...snat] },
    ]);
    expect(isolation(project(cluster, 'b', { workspace: ws }).render()).spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubesphere.io/workspace': 'team' } } }, ...snat] },
    ]);
    expect(project(cluster, 'c', { isolation: 'none' }).render().map((m) => m.kind)).toEqual(['Namespace']);
    expect(problems(cluster)).toEqual([]);
  });

  test('only IP addresses', () => {
    const cluster = testCluster({ snatNodeIps: ['192.168.0.1/32', '::ffff:10.0.0.1', 'node-1'] });
    expect(problems(cluster)).toEqual([
      'snatNodeIps: "192.168.0.1/32" is not an IP address; list node addresses like "192.168.0.11"',
      'snatNodeIps: "::ffff:10.0.0.1" is an IPv4-mapped IPv6 address, which no IPv4 connection comes from; write "10.0.0.1"',
      'snatNodeIps: "node-1" is not an IP address; list node addresses like "192.168.0.11"',
    ]);
    expect(problems(testCluster({ snatNodeIps: '192.168.0.1' as never }))).toEqual(['snatNodeIps must be a list, e.g. ["192.168.0.1"]; got "192.168.0.1"']);
  });
});

describe('dns.nodeLocalDnsPorts: NodeLocal DNS on its own ports', () => {
  const egress = (nodeLocalDnsPorts?: Port[]) => {
    const cluster = testCluster({
      dns: { nodeLocalDnsIp: '169.254.25.10', ports: [Port.udp(53), Port.tcp(53), Port.tcp(9153)], nodeLocalDnsPorts },
    });
    const p = project(cluster, 'demo', { egressWithinProject: false });
    new ExternalWhitelist(p, 'out', { direction: Direction.EGRESS, cidrs: ['10.0.0.0/8'] });
    return { spec: isolation(p.render()).spec.egress, problems: problems(cluster) };
  };

  test('the DNS pods get dns.ports, NodeLocal DNS its own list', () => {
    expect(egress([Port.tcp(53), Port.udp(53)]).spec).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }, { protocol: 'TCP', port: 9153 }],
      },
      { to: [{ ipBlock: { cidr: '169.254.25.10/32' } }], ports: [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }] },
    ]);
  });

  test('by default NodeLocal DNS gets dns.ports (one rule with the DNS pods, as the ports are the same)', () => {
    expect(egress().spec).toEqual([{
      to: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
        { ipBlock: { cidr: '169.254.25.10/32' } },
      ],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }, { protocol: 'TCP', port: 9153 }],
    }]);
  });

  test('port numbers only: a named port never matches an address outside the pod network', () => {
    expect(egress([Port.udp('dns')]).problems).toEqual([
      'DNS nodeLocalDnsPorts: UDP port "dns" is a named port, which only matches pods; NodeLocal DNS listens on the node, so give its port number, e.g. Port.udp(53)',
    ]);
  });
});
