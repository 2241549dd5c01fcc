import { Engine } from '../../src/analysis';
import { Direction, ExposedService, ExternalWhitelist, InternalPeer, InternalWhitelist, Port, Workload, Workspace, analyzeCluster, lintCluster, lintPolicies } from '../../src';
import { project, testCluster } from '../helpers';

const DNS = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, ports: [{ protocol: 'UDP' as const, port: 53 }] };

describe('lint', () => {
  test('egress isolation without DNS', () => {
    const policy = (name: string, egress: unknown[]) => ({
      kind: 'NetworkPolicy', metadata: { name, namespace: 'x' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress },
    });
    const denyAll = Engine.fromManifests([policy('deny', [])]);
    expect(lintPolicies(denyAll, DNS, 'kubernetes.io/metadata.name')).toEqual([{
      rule: 'dns', subject: 'pods of x',
      message: 'egress-isolated by x/deny, but no rule lets it reach DNS (pods with k8s-app=kube-dns in namespace kube-system on UDP 53); name lookups will fail',
    }]);
    const withDns = Engine.fromManifests([policy('deny', []), policy('dns', [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }] }])]);
    expect(lintPolicies(withDns, DNS, 'kubernetes.io/metadata.name')).toEqual([]);
  });

  test('netiso output: never-matching peers, CNI support, SNAT clients, peers outside the workspace', () => {
    const cluster = testCluster({ nodeCidrs: ['192.168.0.11/32'] });
    const ws = new Workspace(cluster, 'ws');
    const a = project(cluster, 'a', { workspace: ws });
    const b = project(cluster, 'b');
    new Workload(b, 'client', { labels: { app: 'client' } });
    new InternalWhitelist(a, 'from-b', { direction: Direction.INGRESS, peers: [InternalPeer.project(b, { podSelector: { app: 'typo' } })] });
    new ExternalWhitelist(a, 'to-sctp', { direction: Direction.EGRESS, cidrs: ['10.0.0.0/8'], ports: [Port.sctp(9000), Port.tcpRange(8000, 8100)] });
    new ExposedService(b, 'web', { selector: { app: 'web' }, ports: [{ port: 80 }], mode: 'NodePort', clients: ['192.168.1.0/24'] });
    expect(lintCluster(analyzeCluster(cluster))).toEqual([
      { rule: 'cni-support', subject: 'a/netiso-to-sctp egress rule 0', message: 'uses SCTP, which not every CNI supports; check that yours enforces it' },
      { rule: 'cni-support', subject: 'a/netiso-to-sctp egress rule 0', message: 'uses a port range (8000-8100, endPort), which not every CNI supports; check that yours enforces it' },
      { rule: 'never-matches', subject: 'a/netiso-from-b ingress rule 0', message: 'peer "pods with app=typo in namespaces with kubernetes.io/metadata.name=b" selects none of the workloads declared in b; check its labels' },
      { rule: 'outside-workspace', subject: 'a/netiso-from-b', message: 'project b pods app=typo is outside workspace ws (it is in no workspace); check that this cross-workspace ingress is intended' },
      { rule: 'snat-clients', subject: 'b/netiso-expose-web', message: "clients 192.168.1.0/24 are allowed, but externalTrafficPolicy 'Cluster' lets kube-proxy SNAT any client to a node address (192.168.0.11/32), which this policy also allows: every address that reaches the node port gets in; use externalTrafficPolicy: 'Local'" },
    ]);
  });
});
