import { Engine } from '../../src/analysis';
import { Direction, ExposedService, ExternalWhitelist, InternalPeer, InternalWhitelist, Port, Workload, Workspace, analyzeCluster, lintCluster, lintOneSided, lintPolicies } from '../../src';
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

  test('DNS ports: ranges and all-ports are checked, named ports are not held against a rule', () => {
    const policy = (name: string, egress: unknown[]) => ({
      kind: 'NetworkPolicy', metadata: { name, namespace: 'x' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress },
    });
    const toDns = (ports: unknown[]) => Engine.fromManifests([policy('dns', [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports }])]);
    const dns = (ports: { protocol: 'UDP' | 'TCP'; port?: number | string; endPort?: number }[]) => ({ ...DNS, ports });
    const udp53 = toDns([{ protocol: 'UDP', port: 53 }]);
    expect(lintPolicies(udp53, dns([{ protocol: 'UDP', port: 'dns' }]), 'kubernetes.io/metadata.name')).toEqual([]);
    expect(lintPolicies(udp53, dns([{ protocol: 'UDP', port: 50, endPort: 60 }]), 'kubernetes.io/metadata.name')).toEqual([]);
    expect(lintPolicies(udp53, dns([{ protocol: 'UDP' }]), 'kubernetes.io/metadata.name')).toEqual([]);
    expect(lintPolicies(toDns([{ protocol: 'TCP', port: 53 }]), dns([{ protocol: 'UDP', port: 50, endPort: 60 }, { protocol: 'UDP' }]), 'kubernetes.io/metadata.name')).toEqual([{
      rule: 'dns', subject: 'pods of x',
      message: 'egress-isolated by x/dns, but no rule lets it reach DNS (pods with k8s-app=kube-dns in namespace kube-system on UDP 50-60, all UDP ports); name lookups will fail',
    }]);
    const denyAll = Engine.fromManifests([policy('deny', [])]);
    expect(lintPolicies(denyAll, dns([{ protocol: 'UDP', port: 'dns' }]), 'kubernetes.io/metadata.name')).toEqual([{
      rule: 'dns', subject: 'pods of x',
      message: 'egress-isolated by x/deny, but no rule lets it reach DNS (pods with k8s-app=kube-dns in namespace kube-system on UDP port "dns"); name lookups will fail',
    }]);
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

  test('one-sided allows: an entry on one side that the other project refuses', () => {
    const cluster = testCluster();
    const web = project(cluster, 'web');
    const api = project(cluster, 'api');
    new Workload(web, 'frontend', { labels: { app: 'frontend' }, ports: [{ containerPort: 8080 }] });
    new Workload(api, 'server', { labels: { app: 'server' }, ports: [{ containerPort: 9000 }] });
    new InternalWhitelist(web, 'to-api', { direction: Direction.EGRESS, peers: [InternalPeer.project(api)], ports: [Port.tcp(9000)] });
    expect(lintCluster(analyzeCluster(cluster)).filter((f) => f.rule === 'one-sided')).toEqual([{
      rule: 'one-sided',
      subject: 'web/netiso-to-api egress rule 0',
      message: 'lets web/frontend connect to api/server on TCP 9000, but api does not admit it (isolated by api/netiso-isolation); add an ingress allow-list entry from web in api, or drop the egress entry',
    }]);

    // Admitting it on the other side resolves the finding; an ingress entry the sender cannot use is the mirror case.
    new InternalWhitelist(api, 'from-web', { direction: Direction.INGRESS, peers: [InternalPeer.project(web)], ports: [Port.tcp(9000)] });
    new InternalWhitelist(web, 'from-api', { direction: Direction.INGRESS, peers: [InternalPeer.project(api)], ports: [Port.tcp(8080)] });
    expect(lintCluster(analyzeCluster(cluster)).filter((f) => f.rule === 'one-sided')).toEqual([]);
    new ExternalWhitelist(api, 'to-dns-only', { direction: Direction.EGRESS, cidrs: ['10.0.0.0/8'] });
    expect(lintCluster(analyzeCluster(cluster)).filter((f) => f.rule === 'one-sided')).toEqual([{
      rule: 'one-sided',
      subject: 'web/netiso-from-api ingress rule 0',
      message: 'admits api/server to web/frontend on TCP 8080, but api may not send it (egress-isolated by api/netiso-isolation, api/netiso-to-dns-only); add an egress allow-list entry to web in api, or drop the ingress entry',
    }]);
  });

  test('one-sided, from side functions: a rule open to every pod, grouped per rule over the namespaces that refuse it', () => {
    const ns = (name: string) => ({ kind: 'Namespace', metadata: { name } });
    const policy = (namespace: string, spec: object) => ({ kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec: { podSelector: {}, ...spec } });
    const pod = (namespace: string) => ({ kind: 'Pod', metadata: { name: 'app', namespace, labels: { app: 'app' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }, { containerPort: 9090 }] }] } });
    const engine = Engine.fromManifests([
      ...['x', 'y', 'z', 'w'].flatMap((n) => [ns(n), pod(n)]),
      // x may send TCP 80 to every pod; y and w admit only themselves, z admits x.
      policy('x', { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 80 }] }] }),
      policy('y', { ingress: [{ from: [{ podSelector: {} }] }] }),
      policy('w', { ingress: [{ from: [{ podSelector: {} }] }] }),
      policy('z', { ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'x' } } }] }] }),
    ]);
    expect(lintOneSided(engine)).toEqual([{
      rule: 'one-sided',
      subject: 'x/p egress rule 0',
      message: 'lets x/app connect to w/app, y/app on TCP 80, but w, y do not admit it (isolated by p); add an ingress allow-list entry from x in w, y, or drop the egress entry',
    }, {
      // z admits every port of x, which sends only TCP 80: the rest of z's declared ports is one-sided.
      rule: 'one-sided',
      subject: 'z/p ingress rule 0',
      message: 'admits x/app to z/app on TCP 9090, but x may not send it (egress-isolated by x/p); add an egress allow-list entry to z in x, or drop the ingress entry',
    }]);
  });
});
