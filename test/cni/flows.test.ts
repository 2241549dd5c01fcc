/**
 * The flows of the exposure scenarios of "网络隔离的最小配置" (NodePort, LoadBalancer, Ingress and
 * Gateway; externalTrafficPolicy Cluster and Local) as each dataplane enforces netiso's output for
 * it, evaluated by the engine with the profile's semantics, the Service hop of each query and the
 * CiliumNetworkPolicies netiso emits there.
 */
import { Engine, Query } from '../../src/analysis';
import {
  Cluster, ClusterProps, Cni, DataplaneSemantics, Direction, ExposedService, ExposedServiceProps, ExternalWhitelist, InternalPeer, InternalWhitelist,
  IsolatedProject, Port, ServiceHop, Workload, semanticsOf,
} from '../../src';

type Profile = 'generic' | 'calico' | 'calico-ebpf' | 'cilium' | 'cilium-nodes' | 'cilium-dsr' | 'flannel' | 'calico-masquerade-all';

const PROFILES: Readonly<Record<Profile, { cni: Cni; masqueradeAll?: boolean }>> = {
  'generic': { cni: Cni.generic() },
  'calico': { cni: Cni.calico() },
  'calico-ebpf': { cni: Cni.calico({ dataplane: 'ebpf' }) },
  'cilium': { cni: Cni.cilium({ version: '1.16' }) },
  'cilium-nodes': { cni: Cni.cilium({ version: '1.16', policyCidrMatchMode: 'nodes' }) },
  'cilium-dsr': { cni: Cni.cilium({ version: '1.16', kubeProxyReplacement: 'dsr' }) },
  'flannel': { cni: Cni.flannel() },
  'calico-masquerade-all': { cni: Cni.calico(), masqueradeAll: true },
};

const NODE = '192.168.0.12';
const CLIENT = '192.168.1.1';
const LB_CLIENT = '203.0.113.7';
const STRANGER = '198.51.100.7';
const TOMCAT = { selector: { app: 'tomcat' }, ports: [{ port: 80, targetPort: 8080 }] };
const GATEWAY_LABELS = { 'gateway.envoyproxy.io/owning-gateway-name': 'public' };
const INGRESS_LABELS = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };

/** The seed's scenarios on one dataplane, plus a Service call between two projects (masqueradeAll). */
function scenarios(profile: Profile): { cluster: Cluster; semantics: DataplaneSemantics } {
  const { cni, masqueradeAll } = PROFILES[profile];
  const props: ClusterProps = {
    cni,
    kubeProxy: { masqueradeAll },
    nodeCidrs: ['192.168.0.11/32', `${NODE}/32`],
    tunnelCidrs: ['10.233.70.0/32'],
    ingressController: { namespace: 'kubesphere-controls-system', podLabels: INGRESS_LABELS },
    gateway: { name: 'public', namespace: 'gateways', dataPlane: { namespace: 'envoy-gateway-system', podLabels: GATEWAY_LABELS } },
  };
  const cluster = new Cluster(profile, props);
  const exposure = (name: string, props: Partial<ExposedServiceProps>) => {
    const project = new IsolatedProject(cluster, name);
    new Workload(project, 'tomcat', { labels: { app: 'tomcat' }, ports: [{ containerPort: 8080 }] });
    new ExposedService(project, 'demo-service', { ...TOMCAT, ...props } as ExposedServiceProps);
  };
  exposure('np-cluster', { mode: 'NodePort', externalTrafficPolicy: 'Cluster', clients: [`${CLIENT}/32`] });
  exposure('np-local', { mode: 'NodePort', externalTrafficPolicy: 'Local', clients: [`${CLIENT}/32`] });
  exposure('lb-cluster', { mode: 'LoadBalancer', externalTrafficPolicy: 'Cluster', clients: ['203.0.113.0/24'] });
  exposure('lb-local', { mode: 'LoadBalancer', externalTrafficPolicy: 'Local', clients: ['203.0.113.0/24'] });
  exposure('ingress', { mode: 'Ingress', ingress: { rules: [{ host: 'tomcat.example.com' }] } });
  exposure('gateway', { mode: 'Gateway', gateway: { hostnames: ['tomcat.example.com'] } });
  const db = new IsolatedProject(cluster, 'db');
  new Workload(db, 'redis', { labels: { app: 'redis' }, ports: [{ containerPort: 6379 }] });
  new InternalWhitelist(db, 'from-web', { direction: Direction.INGRESS, peers: [InternalPeer.project('web')] });
  // An ipBlock of the pod network: Calico matches pods with it, Cilium does not.
  const podCidr = new IsolatedProject(cluster, 'pod-cidr');
  new Workload(podCidr, 'tomcat', { labels: { app: 'tomcat' }, ports: [{ containerPort: 8080 }] });
  new ExternalWhitelist(podCidr, 'from-pod-network', { direction: Direction.INGRESS, cidrs: ['10.244.0.0/16'], ports: [Port.tcp(8080)] });
  const web = new IsolatedProject(cluster, 'web');
  new Workload(web, 'app', { labels: { app: 'web' } });
  new Workload(cluster, 'ingress-nginx', { namespace: 'kubesphere-controls-system', labels: INGRESS_LABELS });
  new Workload(cluster, 'envoy', { namespace: 'envoy-gateway-system', labels: GATEWAY_LABELS });
  new Workload(cluster, 'stranger', { namespace: 'other', labels: { app: 'stranger' }, ip: '10.244.1.5' });
  return { cluster, semantics: semanticsOf(cni, { masqueradeAll }) };
}

function engineFor(profile: Profile): Engine {
  const { cluster, semantics } = scenarios(profile);
  expect(cluster.problems()).toEqual([]);
  const manifests = cluster.render().flatMap((r) => r.manifests);
  const workloads = [...cluster.projects.flatMap((p) => Workload.of(p)), ...Workload.of(cluster)]
    .map((w) => ({
      namespace: w.namespace, name: w.name, labels: w.labels, ...(w.ip ? { ip: w.ip } : {}),
      ports: w.ports.map((p) => ({ containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' as const })),
    }));
  const inputs = {
    workloads,
    nodes: [{ name: 'node-2', ip: NODE }],
    externals: [{ name: 'client', ip: CLIENT }, { name: 'lb-client', ip: LB_CLIENT }, { name: 'stranger', ip: STRANGER }],
    namespaces: ['kubesphere-controls-system', 'envoy-gateway-system', 'other'].map((name) => ({ name, labels: {} })),
  };
  return Engine.fromManifests(manifests, inputs, { dataplane: semantics });
}

type Verdicts = Readonly<Record<Profile, 'allowed' | 'denied'>>;
const EVERYWHERE: Verdicts = { 'generic': 'allowed', 'calico': 'allowed', 'calico-ebpf': 'allowed', 'cilium': 'allowed', 'cilium-nodes': 'allowed', 'cilium-dsr': 'allowed', 'flannel': 'allowed', 'calico-masquerade-all': 'allowed' };
/** Denied wherever policies are enforced. */
const ENFORCED_DENY: Verdicts = { 'generic': 'denied', 'calico': 'denied', 'calico-ebpf': 'denied', 'cilium': 'denied', 'cilium-nodes': 'denied', 'cilium-dsr': 'denied', 'flannel': 'allowed', 'calico-masquerade-all': 'denied' };
/**
 * A client that is not listed, under externalTrafficPolicy Cluster: it gets in through the node
 * SNAT wherever the dataplane SNATs, and not where the client's address is kept.
 */
const SNAT_LEAK: Verdicts = { ...EVERYWHERE, 'calico-ebpf': 'denied', 'cilium-dsr': 'denied' };

interface Row {
  readonly flow: string;
  readonly query: Query;
  readonly expected: Verdicts;
}

const nodePort = (etp: 'Cluster' | 'Local'): ServiceHop => ({ kind: 'NodePort', externalTrafficPolicy: etp });
const loadBalancer = (etp: 'Cluster' | 'Local'): ServiceHop => ({ kind: 'LoadBalancer', externalTrafficPolicy: etp });

const ROWS: readonly Row[] = [
  { flow: 'NodePort Cluster: listed client', query: { from: CLIENT, to: 'np-cluster/tomcat', port: 8080, via: nodePort('Cluster') }, expected: EVERYWHERE },
  { flow: 'NodePort Cluster: any other client', query: { from: STRANGER, to: 'np-cluster/tomcat', port: 8080, via: nodePort('Cluster') }, expected: SNAT_LEAK },
  { flow: 'NodePort Local: listed client', query: { from: CLIENT, to: 'np-local/tomcat', port: 8080, via: nodePort('Local') }, expected: EVERYWHERE },
  { flow: 'NodePort Local: any other client', query: { from: STRANGER, to: 'np-local/tomcat', port: 8080, via: nodePort('Local') }, expected: ENFORCED_DENY },
  { flow: 'LoadBalancer Cluster: listed client', query: { from: LB_CLIENT, to: 'lb-cluster/tomcat', port: 8080, via: loadBalancer('Cluster') }, expected: EVERYWHERE },
  { flow: 'LoadBalancer Cluster: any other client', query: { from: STRANGER, to: 'lb-cluster/tomcat', port: 8080, via: loadBalancer('Cluster') }, expected: SNAT_LEAK },
  { flow: 'LoadBalancer Local: listed client', query: { from: LB_CLIENT, to: 'lb-local/tomcat', port: 8080, via: loadBalancer('Local') }, expected: EVERYWHERE },
  { flow: 'LoadBalancer Local: any other client', query: { from: STRANGER, to: 'lb-local/tomcat', port: 8080, via: loadBalancer('Local') }, expected: ENFORCED_DENY },
  { flow: 'Ingress: the controller', query: { from: 'kubesphere-controls-system/ingress-nginx', to: 'ingress/tomcat', port: 8080 }, expected: EVERYWHERE },
  { flow: 'Ingress: another namespace\'s pod', query: { from: 'other/stranger', to: 'ingress/tomcat', port: 8080 }, expected: ENFORCED_DENY },
  { flow: 'Ingress: a client straight to the pod', query: { from: CLIENT, to: 'ingress/tomcat', port: 8080 }, expected: ENFORCED_DENY },
  { flow: 'Gateway: the gateway\'s proxy', query: { from: 'envoy-gateway-system/envoy', to: 'gateway/tomcat', port: 8080 }, expected: EVERYWHERE },
  { flow: 'Gateway: another namespace\'s pod', query: { from: 'other/stranger', to: 'gateway/tomcat', port: 8080 }, expected: ENFORCED_DENY },
  { flow: 'A node to a pod on another node (kubelet excepted)', query: { from: NODE, to: 'np-local/tomcat', port: 8080 }, expected: ENFORCED_DENY },
  // Cilium: the CiliumNetworkPolicy's remote-node entity; Calico eBPF and Cilium DSR need no node rule, so there is none.
  { flow: 'A node to an exposure under externalTrafficPolicy Cluster', query: { from: NODE, to: 'np-cluster/tomcat', port: 8080 }, expected: SNAT_LEAK },
  {
    flow: 'A pod whose address is inside an ingress ipBlock',
    query: { from: 'other/stranger', to: 'pod-cidr/tomcat', port: 8080 },
    expected: { ...EVERYWHERE, 'cilium': 'denied', 'cilium-nodes': 'denied', 'cilium-dsr': 'denied' },
  },
  // masqueradeAll: across nodes the source is a node address, which the selector rule does not
  // match; on the same node it is the pod's own node, which is always let in. Possibly allowed both ways.
  { flow: 'An allowed project through a ClusterIP Service', query: { from: 'web/app', to: 'db/redis', port: 6379, via: { kind: 'ClusterIP' } }, expected: EVERYWHERE },
  {
    flow: 'Another project through a ClusterIP Service',
    query: { from: 'other/stranger', to: 'db/redis', port: 6379, via: { kind: 'ClusterIP' } },
    expected: { ...ENFORCED_DENY, 'calico-masquerade-all': 'allowed' },
  },
];

const ALL: readonly Profile[] = Object.keys(PROFILES) as Profile[];

describe.each(ALL)('flows as enforced on %s', (profile) => {
  const engine = engineFor(profile);
  test.each(ROWS.map((r) => [r.flow, r] as const))('%s', (_, row) => {
    const verdict = engine.evaluate(row.query);
    expect(verdict.allowed ? 'allowed' : 'denied').toBe(row.expected[profile]);
  });
});

describe('Cilium\'s own Gateway', () => {
  test('its ingress identity reaches the exposed pods on the target port only', () => {
    const cluster = new Cluster('cilium-gw', {
      cni: Cni.cilium({ version: '1.17' }),
      gateway: { name: 'cilium', namespace: 'gateways', dataPlane: 'cni' },
    });
    const project = new IsolatedProject(cluster, 'gateway');
    new Workload(project, 'tomcat', { labels: { app: 'tomcat' }, ports: [{ containerPort: 8080 }, { containerPort: 9090 }] });
    new ExposedService(project, 'demo-service', { ...TOMCAT, mode: 'Gateway', gateway: {} });
    expect(cluster.problems()).toEqual([]);
    const inputs = {
      workloads: [{ namespace: 'gateway', name: 'tomcat', labels: { app: 'tomcat' }, ports: [{ containerPort: 8080 }, { containerPort: 9090 }] }],
    };
    const engine = Engine.fromManifests(cluster.render().flatMap((r) => r.manifests), inputs, { dataplane: cluster.settings.semantics });
    const from = { entity: 'ingress' } as const;
    expect(engine.evaluate({ from, to: 'gateway/tomcat', port: 8080 }).allowed).toBe(true);
    expect(engine.evaluate({ from, to: 'gateway/tomcat', port: 9090 }).allowed).toBe(false);
  });
});
