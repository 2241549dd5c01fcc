import { Cni, Direction, ExposedService, ExternalWhitelist, Port, analyzeCluster, lintCluster } from '../../src';
import { project, testCluster } from '../helpers';

function lint(cni: Cni, options: { masqueradeAll?: boolean } = {}) {
  const cluster = testCluster({ cni, nodeCidrs: ['192.168.0.11/32'], kubeProxy: { masqueradeAll: options.masqueradeAll } });
  const a = project(cluster, 'a');
  new ExternalWhitelist(a, 'to-sctp', { direction: Direction.EGRESS, cidrs: ['10.0.0.0/8'], ports: [Port.sctp(9000), Port.tcpRange(8000, 8100)] });
  new ExposedService(a, 'web', { selector: { app: 'web' }, ports: [{ port: 80 }], mode: 'NodePort', clients: ['192.168.1.0/24'] });
  return lintCluster(analyzeCluster(cluster)).filter((f) => f.rule === 'cni-support' || f.rule === 'snat-clients');
}

const SUBJECT = 'a/netiso-to-sctp egress rule 0';

describe('lint per CNI profile', () => {
  test('flannel: one error, NetworkPolicy is not enforced', () => {
    expect(lint(Cni.flannel()).filter((f) => f.subject === 'cluster test')).toEqual([{
      rule: 'cni-support', severity: 'error', subject: 'cluster test',
      message: 'NetworkPolicy is not enforced on flannel (no NetworkPolicy support): every generated policy is accepted and does nothing, so every flow is allowed; add a policy engine (e.g. Calico in canal mode, or kube-network-policies) and choose its profile',
    }]);
  });

  test('Cilium 1.14: endPort applies only its first port; SCTP without enable-sctp', () => {
    expect(lint(Cni.cilium({ version: '1.14' })).filter((f) => f.subject === SUBJECT)).toEqual([
      { rule: 'cni-support', severity: 'error', subject: SUBJECT, message: expect.stringMatching(/^uses SCTP, for which cilium 1\.14 .* documents no policy enforcement, .* \(Cilium: set enable-sctp/) },
      { rule: 'cni-support', severity: 'error', subject: SUBJECT, message: expect.stringMatching(/^uses a port range \(8000-8100, endPort\), which cilium 1\.14 .* does not enforce: it allows only port 8000;/) },
    ]);
  });

  test('Cilium 1.15 ignores the whole policy; 1.16 with SCTP on has nothing to report', () => {
    expect(lint(Cni.cilium({ version: '1.15', sctp: true })).filter((f) => f.subject === SUBJECT)).toEqual([
      { rule: 'cni-support', severity: 'error', subject: SUBJECT, message: expect.stringMatching(/does not apply a NetworkPolicy with endPort at all: the whole policy neither isolates nor allows/) },
    ]);
    expect(lint(Cni.cilium({ version: '1.16', sctp: true })).filter((f) => f.subject === SUBJECT)).toEqual([]);
  });

  test('Calico iptables enforces both: no finding, where the specification only reminds', () => {
    expect(lint(Cni.calico()).filter((f) => f.subject === SUBJECT)).toEqual([]);
    expect(lint(Cni.generic()).filter((f) => f.subject === SUBJECT).map((f) => f.severity)).toEqual([undefined, undefined]);
  });

  test('the SNAT warning only where the dataplane SNATs', () => {
    expect(lint(Cni.generic()).filter((f) => f.rule === 'snat-clients')).toHaveLength(1);
    expect(lint(Cni.calico({ dataplane: 'ebpf' })).filter((f) => f.rule === 'snat-clients')).toEqual([]);
    expect(lint(Cni.cilium({ version: '1.16', kubeProxyReplacement: 'dsr' })).filter((f) => f.rule === 'snat-clients')).toEqual([]);
  });

  test('kube-proxy masqueradeAll, where kube-proxy runs', () => {
    const finding = { rule: 'cni-support', subject: 'cluster test', message: expect.stringMatching(/^kube-proxy masqueradeAll SNATs all Service traffic/) };
    expect(lint(Cni.calico(), { masqueradeAll: true })).toContainEqual(finding);
    expect(lint(Cni.calico({ dataplane: 'ebpf' }), { masqueradeAll: true })).not.toContainEqual(finding);
  });
});
