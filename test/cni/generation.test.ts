import {
  Cluster, ClusterProps, Cni, Direction, ExposedService, ExposedServiceProps, ExternalPeer, ExternalWhitelist, InternalPeer, InternalWhitelist,
  IsolatedProject, Manifest, Port,
} from '../../src';
import { schemaProblems } from '../../src/render/schemas/validate';

const NODES: ClusterProps = { nodeCidrs: ['192.168.0.11/32'], tunnelCidrs: ['10.233.70.0/32'] };
const TOMCAT = { selector: { app: 'tomcat' }, ports: [{ port: 80, targetPort: 8080 }] };
const CILIUM = Cni.cilium({ version: '1.16' });

function expose(props: Partial<ExposedServiceProps>, cluster: ClusterProps) {
  const c = new Cluster('t', cluster);
  const project = new IsolatedProject(c, 'p');
  new ExposedService(project, 'web', { ...TOMCAT, mode: 'NodePort', ...props } as ExposedServiceProps);
  return { cluster: c, project };
}

function render(cluster: Cluster, project: IsolatedProject): Manifest[] {
  expect(cluster.problems()).toEqual([]);
  const out = project.render();
  for (const m of out) expect(schemaProblems(m)).toEqual([]);
  return out;
}

const find = (out: readonly Manifest[], kind: string, name: string): any => out.find((m) => m.kind === kind && m.metadata.name === name);
const ipBlock = (cidr: string) => ({ ipBlock: { cidr } });
const TCP_8080 = [{ protocol: 'TCP', port: 8080 }];

describe('NodePort / LoadBalancer under externalTrafficPolicy Cluster, per profile', () => {
  test.each([
    ['generic', Cni.generic()],
    ['Calico iptables', Cni.calico()],
    ['Cilium, policy-cidr-match-mode nodes', Cni.cilium({ version: '1.16', policyCidrMatchMode: 'nodes' })],
  ])('%s: the node CIDRs in the NetworkPolicy, nothing else', (_, cni) => {
    const { cluster, project } = expose({ clients: ['192.168.1.1/32'] }, { ...NODES, cni });
    const out = render(cluster, project);
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([
      { from: [ipBlock('192.168.0.11/32'), ipBlock('10.233.70.0/32'), ipBlock('192.168.1.1/32')], ports: TCP_8080 },
    ]);
    expect(out.filter((m) => m.kind === 'CiliumNetworkPolicy')).toEqual([]);
    expect(cluster.warnings()).toEqual([expect.objectContaining({ message: expect.stringMatching(/^externalTrafficPolicy 'Cluster' lets kube-proxy forward/) })]);
  });

  test('default Cilium: the nodes as remote-node and host entities on the target port, in a CiliumNetworkPolicy; no node CIDRs needed', () => {
    const { cluster, project } = expose({ clients: ['192.168.1.1/32'] }, { cni: CILIUM });
    const out = render(cluster, project);
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([{ from: [ipBlock('192.168.1.1/32')], ports: TCP_8080 }]);
    expect(find(out, 'CiliumNetworkPolicy', 'netiso-expose-web')).toEqual({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'netiso-expose-web', namespace: 'p', labels: { 'app.kubernetes.io/managed-by': 'netiso' } },
      spec: {
        endpointSelector: { matchLabels: { app: 'tomcat' } },
        ingress: [{ fromEntities: ['remote-node', 'host'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }],
      },
    });
  });

  test('default Cilium without the node CIDRs on the cluster and without clients: the CiliumNetworkPolicy alone', () => {
    const { cluster, project } = expose({}, { cni: CILIUM });
    const out = render(cluster, project);
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web')).toBeUndefined();
    expect(find(out, 'CiliumNetworkPolicy', 'netiso-expose-web').spec.ingress[0].fromEntities).toEqual(['remote-node', 'host']);
  });

  test('Cilium with NetworkPolicy only: an error that names the Cilium setting', () => {
    const { cluster } = expose({ clients: ['192.168.1.1/32'] }, { ...NODES, cni: Cni.cilium({ version: '1.16', ciliumPolicies: false }) });
    expect(cluster.problems()).toEqual([{
      path: 't/p/web',
      message: 'externalTrafficPolicy \'Cluster\' lets kube-proxy SNAT the client\'s address to a node\'s, which netiso-expose-web must let in cannot be matched by NetworkPolicy on '
        + 'cilium 1.16 (policy-cidr-match-mode default, kube-proxy); set policyCidrMatchMode: \'nodes\' on the Cilium profile (Cilium 1.15 or later, and the same in cilium-config) '
        + 'so that ipBlocks match nodes, or allow CiliumNetworkPolicy output (ciliumPolicies: true)',
    }]);
  });

  test.each([
    ['Calico eBPF', Cni.calico({ dataplane: 'ebpf' })],
    ['Cilium DSR', Cni.cilium({ version: '1.16', kubeProxyReplacement: 'dsr' })],
  ])('%s keeps the client\'s address: only the clients, no SNAT warning, no node settings needed', (_, cni) => {
    const { cluster, project } = expose({ mode: 'LoadBalancer', clients: ['203.0.113.0/24'] }, { cni });
    const out = render(cluster, project);
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([{ from: [ipBlock('203.0.113.0/24')], ports: TCP_8080 }]);
    expect(out.filter((m) => m.kind === 'CiliumNetworkPolicy')).toEqual([]);
    expect(cluster.warnings()).toEqual([]);
    expect(expose({}, { cni }).cluster.problems().map((p) => p.message)).toEqual([
      `${cni} keeps the client's address under externalTrafficPolicy 'Cluster' too, so only listed clients can be let in, and clients is empty; list the client CIDRs (write '0.0.0.0/0' to let every address in)`,
    ]);
  });

  test('Cilium\'s kube-proxy replacement in SNAT mode forwards with the node identity: warned as such', () => {
    const { cluster, project } = expose({ clients: ['192.168.1.1/32'] }, { cni: Cni.cilium({ version: '1.16', kubeProxyReplacement: 'snat' }) });
    render(cluster, project);
    expect(cluster.warnings()[0].message).toMatch(/^externalTrafficPolicy 'Cluster' lets cilium 1\.16 \(policy-cidr-match-mode default, kube-proxy replacement SNAT\) forward/);
  });

  test('Local is the same everywhere: the clients only', () => {
    for (const cni of [Cni.generic(), CILIUM, Cni.calico({ dataplane: 'ebpf' })]) {
      const { cluster, project } = expose({ externalTrafficPolicy: 'Local', clients: ['192.168.1.1/32'] }, { cni });
      const out = render(cluster, project);
      expect(find(out, 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([{ from: [ipBlock('192.168.1.1/32')], ports: TCP_8080 }]);
      expect(out.filter((m) => m.kind === 'CiliumNetworkPolicy')).toEqual([]);
    }
  });
});

describe('Ingress with a hostNetwork controller', () => {
  test('default Cilium: the nodes as entities', () => {
    const { cluster, project } = expose({ mode: 'Ingress', ingress: { rules: [{ host: 'tomcat.example.com' }] } }, {
      cni: CILIUM, ingressController: { namespace: 'ingress', podLabels: { app: 'ingress' }, hostNetwork: true },
    });
    const out = render(cluster, project);
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web')).toBeUndefined();
    expect(find(out, 'CiliumNetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([
      { fromEntities: ['remote-node', 'host'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] },
    ]);
  });
});

describe('NodeLocal DNS once egress is locked down', () => {
  function locked(cluster: ClusterProps) {
    const c = new Cluster('t', { dns: { nodeLocalDnsIp: '169.254.25.10' }, ...cluster });
    const project = new IsolatedProject(c, 'p');
    new ExternalWhitelist(project, 'to-api', { direction: Direction.EGRESS, cidrs: ['10.1.0.1/32'], ports: [Port.tcp(443)] });
    return { cluster: c, project };
  }
  const DNS_PORTS = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }];

  test('generic: an ipBlock of the NodeLocal address', () => {
    const { cluster, project } = locked({});
    const egress = find(render(cluster, project), 'NetworkPolicy', 'netiso-isolation').spec.egress;
    expect(egress[1]).toEqual({ to: [expect.objectContaining({ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }), ipBlock('169.254.25.10/32')], ports: DNS_PORTS });
  });

  test('default Cilium: the host entity on the DNS ports, in netiso-isolation\'s CiliumNetworkPolicy', () => {
    const { cluster, project } = locked({ cni: CILIUM });
    const out = render(cluster, project);
    expect(JSON.stringify(find(out, 'NetworkPolicy', 'netiso-isolation'))).not.toContain('169.254.25.10');
    expect(find(out, 'CiliumNetworkPolicy', 'netiso-isolation').spec).toEqual({
      endpointSelector: {},
      egress: [{ toEntities: ['host'], toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }] }],
    });
  });

  test('Cilium with NetworkPolicy only: the cluster reports it once', () => {
    expect(new Cluster('t', { dns: { nodeLocalDnsIp: '169.254.25.10' }, cni: Cni.cilium({ version: '1.16', ciliumPolicies: false }) }).problems()).toEqual([{
      path: 't',
      message: expect.stringMatching(/^DNS nodeLocalDnsIp 169\.254\.25\.10 cannot be matched by NetworkPolicy on cilium 1\.16 .*; set policyCidrMatchMode: 'nodes'/),
    }]);
  });
});

describe('named peers', () => {
  function entry(peers: InternalPeer[], cluster: ClusterProps) {
    const c = new Cluster('t', cluster);
    const project = new IsolatedProject(c, 'p');
    new InternalWhitelist(project, 'to-api', { direction: Direction.EGRESS, peers, ports: [Port.tcp(6443)] });
    return { cluster: c, project };
  }

  test('the API server: its endpoints as ipBlocks, plus the kube-apiserver entity on Cilium', () => {
    const generic = entry([InternalPeer.kubeApiServer()], { apiServerEndpoints: ['192.168.0.11/32'] });
    expect(find(render(generic.cluster, generic.project), 'NetworkPolicy', 'netiso-to-api').spec.egress).toEqual([
      { to: [ipBlock('192.168.0.11/32')], ports: [{ protocol: 'TCP', port: 6443 }] },
    ]);
    const cilium = entry([InternalPeer.kubeApiServer()], { cni: CILIUM, apiServerEndpoints: ['203.0.113.10/32'] });
    const out = render(cilium.cluster, cilium.project);
    expect(find(out, 'NetworkPolicy', 'netiso-to-api').spec.egress[0].to).toEqual([ipBlock('203.0.113.10/32')]);
    expect(find(out, 'CiliumNetworkPolicy', 'netiso-to-api').spec.egress).toEqual([
      { toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '6443', protocol: 'TCP' }] }] },
    ]);
  });

  test('the API server without its endpoints: an error naming the setting, except on Cilium', () => {
    expect(entry([InternalPeer.kubeApiServer()], {}).cluster.problems()).toEqual([{
      path: 't/p/to-api',
      message: 'the API server needs the addresses of the API server; set apiServerEndpoints (the addresses `kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes` lists) on cluster t',
    }]);
    const cilium = entry([InternalPeer.kubeApiServer()], { cni: CILIUM });
    expect(find(render(cilium.cluster, cilium.project), 'NetworkPolicy', 'netiso-to-api')).toBeUndefined();
  });

  test('the nodes: CIDRs, or entities on default Cilium', () => {
    const generic = entry([InternalPeer.nodes()], NODES);
    expect(find(render(generic.cluster, generic.project), 'NetworkPolicy', 'netiso-to-api').spec.egress[0].to).toEqual([ipBlock('192.168.0.11/32'), ipBlock('10.233.70.0/32')]);
    const cilium = entry([InternalPeer.nodes(), InternalPeer.project('p')], { ...NODES, cni: CILIUM });
    const out = render(cilium.cluster, cilium.project);
    expect(find(out, 'NetworkPolicy', 'netiso-to-api').spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'p' } } }]);
    expect(find(out, 'CiliumNetworkPolicy', 'netiso-to-api').spec.egress[0].toEntities).toEqual(['remote-node', 'host']);
    expect(String(InternalPeer.nodes())).toBe('the nodes');
    expect(String(InternalPeer.kubeApiServer())).toBe('the API server');
  });

  test('the cloud metadata service: the provider\'s addresses', () => {
    const c = new Cluster('t', { cni: CILIUM });
    const project = new IsolatedProject(c, 'p');
    new ExternalWhitelist(project, 'to-imds', { direction: Direction.EGRESS, cidrs: [ExternalPeer.cloudMetadata('aws')], ports: [Port.tcp(80)] });
    expect(find(render(c, project), 'NetworkPolicy', 'netiso-to-imds').spec.egress[0].to).toEqual([ipBlock('169.254.169.254/32'), ipBlock('fd00:ec2::254/128')]);
    expect(String(ExternalPeer.cloudMetadata())).toBe('the cloud metadata service (169.254.169.254/32)');
    expect(ExternalPeer.cloudMetadata('alibaba').blocks.map(String)).toEqual(['100.100.100.200/32']);
    expect(ExternalPeer.cloudMetadata('ibm' as never).problems).toEqual([
      'cloud provider "ibm" is not one of "aws", "azure", "gcp", "openstack", "alibaba"; name one of them or list the metadata address as a CIDR',
    ]);
  });
});

describe('no profile allows more than the declaration', () => {
  const PROFILES = [Cni.generic(), Cni.calico(), Cni.calico({ dataplane: 'ebpf' }), CILIUM, Cni.cilium({ version: '1.15', policyCidrMatchMode: 'nodes' }),
    Cni.cilium({ version: '1.16', kubeProxyReplacement: 'dsr' }), Cni.flannel()];

  test.each(PROFILES.map((cni) => [String(cni), cni]))('%s: every emitted peer is a declared client, a node address, or a node entity', (_, cni) => {
    const { cluster, project } = expose({ clients: ['192.168.1.1/32'] }, { ...NODES, cni: cni as Cni });
    const out = render(cluster, project);
    const declared = new Set(['192.168.1.1/32', '192.168.0.11/32', '10.233.70.0/32']);
    for (const m of out.filter((x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'netiso-expose-web') as any[]) {
      for (const rule of m.spec.ingress) {
        expect(rule.ports).toEqual(TCP_8080);
        for (const peer of rule.from) expect(declared.has(peer.ipBlock?.cidr)).toBe(true);
      }
    }
    for (const m of out.filter((x) => x.kind === 'CiliumNetworkPolicy') as any[]) {
      expect(m.spec.endpointSelector).toEqual({ matchLabels: { app: 'tomcat' } });
      for (const rule of m.spec.ingress) {
        expect(rule.fromEntities).toEqual(['remote-node', 'host']);
        expect(rule.toPorts).toEqual([{ ports: [{ port: '8080', protocol: 'TCP' }] }]);
      }
    }
  });
});
