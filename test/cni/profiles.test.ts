import { Cluster, Cni, SPEC_SEMANTICS, semanticsOf } from '../../src';

describe('Cni values', () => {
  test('every profile names its dataplane and settings', () => {
    expect(String(Cni.generic())).toBe('generic (the NetworkPolicy specification)');
    expect(String(Cni.calico())).toBe('calico (iptables dataplane)');
    expect(String(Cni.calico({ dataplane: 'ebpf' }))).toBe('calico (ebpf dataplane)');
    expect(String(Cni.cilium({ version: '1.16.3' }))).toBe('cilium 1.16 (policy-cidr-match-mode default, kube-proxy)');
    expect(String(Cni.cilium({ version: '1.17', policyCidrMatchMode: 'nodes', kubeProxyReplacement: 'dsr', sctp: true })))
      .toBe('cilium 1.17 (policy-cidr-match-mode nodes, kube-proxy replacement DSR, SCTP on)');
    expect(String(Cni.flannel())).toBe('flannel (no NetworkPolicy support)');
    expect(String(Cni.terway({ networkPolicy: false }))).toBe('terway (NetworkPolicy off)');
  });

  test('bad options are problems with the fix, not exceptions', () => {
    expect(Cni.cilium({ version: 'latest' }).problems).toEqual([
      'cilium version "latest" is not a version; give the \'major.minor\' that `cilium version` prints, e.g. \'1.18\'',
    ]);
    expect(Cni.cilium({ version: '1.14', policyCidrMatchMode: 'nodes' }).problems).toEqual([
      'policyCidrMatchMode \'nodes\' needs Cilium 1.15 or later, not 1.14; upgrade Cilium or leave policyCidrMatchMode out',
    ]);
    expect(Cni.cilium({ version: '1.16', kubeProxyReplacement: 'true' as never }).problems).toEqual([
      'cilium kubeProxyReplacement "true" is not one of false, "snat", "dsr"',
    ]);
    expect(Cni.calico({ dataplane: 'vpp' as never }).problems).toEqual(['calico dataplane "vpp" is not one of "iptables", "nftables", "ebpf"']);
    expect(Cni.terway({} as never).problems).toHaveLength(1);
  });

  test('a cluster reports its CNI problems and falls back to the specification meanwhile', () => {
    const cluster = new Cluster('t', { cni: Cni.cilium({ version: 'x' }) });
    expect(cluster.problems().map((p) => p.message)).toEqual([expect.stringMatching(/^cni: cilium version "x" is not a version/)]);
    expect(cluster.settings.semantics).toBe(SPEC_SEMANTICS);
    expect(new Cluster('u', { cni: 'cilium' as never }).problems().map((p) => p.message)).toEqual([
      'cni must be a Cni value such as Cni.calico() or Cni.cilium({ version: \'1.18\' }), not "cilium"',
    ]);
  });
});

describe('analysis semantics per profile', () => {
  test('Cilium port ranges follow the version', () => {
    expect(semanticsOf(Cni.cilium({ version: '1.14' })).endPort).toBe('port-only');
    expect(semanticsOf(Cni.cilium({ version: '1.15.9' })).endPort).toBe('policy-ignored');
    expect(semanticsOf(Cni.cilium({ version: '1.16' })).endPort).toBe('enforced');
    expect(semanticsOf(Cni.cilium({ version: '2.0' })).endPort).toBe('enforced');
  });

  test('ipBlocks: Calico matches pods, Cilium matches neither pods nor (by default) nodes', () => {
    expect(semanticsOf(Cni.calico())).toMatchObject({ ipBlockMatchesPodIps: true, ipBlockMatchesNodeIps: true });
    expect(semanticsOf(Cni.cilium({ version: '1.16' }))).toMatchObject({ ipBlockMatchesPodIps: false, ipBlockMatchesNodeIps: false, ingressIdentity: 'ingress' });
    expect(semanticsOf(Cni.cilium({ version: '1.16', policyCidrMatchMode: 'nodes' })).ipBlockMatchesNodeIps).toBe(true);
  });

  test('client addresses through NodePort / LoadBalancer', () => {
    const external = (cni: Cni) => semanticsOf(cni).serviceSources.external;
    expect(external(Cni.generic())).toEqual({ Cluster: ['node', 'tunnel', 'client'], Local: ['client'] });
    expect(external(Cni.calico({ dataplane: 'ebpf' }))).toEqual({ Cluster: ['client'], Local: ['client'] });
    expect(external(Cni.cilium({ version: '1.16', kubeProxyReplacement: 'dsr' }))).toEqual({ Cluster: ['client'], Local: ['client'] });
    expect(external(Cni.cilium({ version: '1.16', kubeProxyReplacement: 'snat' }))).toEqual({ Cluster: ['node', 'client'], Local: ['client'] });
  });

  test('masqueradeAll applies only where kube-proxy implements Services', () => {
    expect(semanticsOf(Cni.calico(), { masqueradeAll: true }).serviceSources.clusterIp).toEqual(['node', 'tunnel']);
    expect(semanticsOf(Cni.calico({ dataplane: 'ebpf' }), { masqueradeAll: true }).serviceSources.clusterIp).toEqual(['pod']);
    expect(semanticsOf(Cni.cilium({ version: '1.16', kubeProxyReplacement: 'snat' }), { masqueradeAll: true }).serviceSources.clusterIp).toEqual(['pod']);
    expect(semanticsOf(Cni.generic(), { masqueradeAll: false })).toBe(SPEC_SEMANTICS);
  });

  test('flannel and Terway without its option enforce nothing; SCTP needs Cilium\'s enable-sctp', () => {
    expect(semanticsOf(Cni.flannel()).enforcesNetworkPolicy).toBe(false);
    expect(semanticsOf(Cni.terway({ networkPolicy: false })).enforcesNetworkPolicy).toBe(false);
    expect(semanticsOf(Cni.terway({ networkPolicy: true })).enforcesNetworkPolicy).toBe(true);
    expect(semanticsOf(Cni.cilium({ version: '1.16' })).sctp).toBe('unknown');
    expect(semanticsOf(Cni.cilium({ version: '1.16', sctp: true })).sctp).toBe('enforced');
  });
});
