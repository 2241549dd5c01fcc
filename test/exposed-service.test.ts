import {
  Cluster, ClusterProps, Cni, Direction, ExposedService, ExposedServiceProps, ExternalWhitelist, InternalPeer, InternalWhitelist,
  IsolatedProject, IsolationMode, Manifest, Workspace,
} from '../src';

const GATEWAY = {
  namespace: 'kubesphere-controls-system',
  podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
};
const FULL: ClusterProps = {
  nodeCidrs: ['192.168.0.0/24'],
  tunnelCidrs: ['10.233.64.1/32', '10.233.65.1/32'],
  ingressController: GATEWAY,
};
const TOMCAT = { selector: { app: 'tomcat' }, ports: [{ port: 80, targetPort: 8080 }] };

function setup(props: Partial<ExposedServiceProps>, options: { cluster?: ClusterProps; isolation?: IsolationMode } = {}) {
  const cluster = new Cluster('t', options.cluster ?? FULL);
  const project = new IsolatedProject(cluster, 'p', { isolation: options.isolation });
  const service = new ExposedService(project, 'web', { ...TOMCAT, mode: 'NodePort', ...props } as ExposedServiceProps);
  return { cluster, project, service };
}

function find(manifests: readonly Manifest[], kind: string, name: string): any {
  return manifests.find((m) => m.kind === kind && m.metadata.name === name);
}

/** Renders a valid tree; fails the test with the problems otherwise. */
function render(cluster: Cluster, project: IsolatedProject): Manifest[] {
  expect(cluster.problems()).toEqual([]);
  return project.render();
}

function messages(cluster: Cluster): string[] {
  return cluster.problems().map((p) => p.message);
}

const ipBlock = (cidr: string) => ({ ipBlock: { cidr } });
const NODE_PEERS = [ipBlock('192.168.0.0/24'), ipBlock('10.233.64.1/32'), ipBlock('10.233.65.1/32')];
const TCP_8080 = [{ protocol: 'TCP', port: 8080 }];

describe('NodePort and LoadBalancer', () => {
  test.each(['NodePort', 'LoadBalancer'] as const)('%s with Cluster lets in node and tunnel addresses plus clients, on the target port', (mode) => {
    const { cluster, project } = setup({ mode, externalTrafficPolicy: 'Cluster', clients: ['192.168.1.1/32'], ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] });
    const out = render(cluster, project);
    expect(find(out, 'Service', 'web').spec).toEqual({
      type: mode,
      externalTrafficPolicy: 'Cluster',
      selector: { app: 'tomcat' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 }],
    });
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web').spec).toEqual({
      podSelector: { matchLabels: { app: 'tomcat' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [...NODE_PEERS, ipBlock('192.168.1.1/32')], ports: TCP_8080 }],
    });
    expect(find(out, 'Ingress', 'web')).toBeUndefined();
  });

  test.each(['NodePort', 'LoadBalancer'] as const)('%s with Local lets in only the clients', (mode) => {
    const { cluster, project } = setup({ mode, externalTrafficPolicy: 'Local', clients: ['192.168.1.1/32'] });
    const out = render(cluster, project);
    expect(find(out, 'Service', 'web').spec.externalTrafficPolicy).toBe('Local');
    expect(find(out, 'Service', 'web').spec.type).toBe(mode);
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([{ from: [ipBlock('192.168.1.1/32')], ports: TCP_8080 }]);
  });

  test('the traffic policy defaults to Cluster and is written out', () => {
    const { cluster, project, service } = setup({ mode: 'NodePort' });
    const out = render(cluster, project);
    expect(service.externalTrafficPolicy).toBe('Cluster');
    expect(find(out, 'Service', 'web').spec.externalTrafficPolicy).toBe('Cluster');
    // No clients: only the node addresses, never an implicit 0.0.0.0/0.
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([{ from: NODE_PEERS, ports: TCP_8080 }]);
  });

  test('every port of the Service is exposed, on its target port, named target ports staying names', () => {
    const { cluster, project } = setup({
      mode: 'LoadBalancer', externalTrafficPolicy: 'Local', clients: ['0.0.0.0/0'],
      ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'dns', port: 53, protocol: 'UDP' }],
    });
    expect(find(render(cluster, project), 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([{
      from: [ipBlock('0.0.0.0/0')],
      ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'UDP', port: 53 }],
    }]);
  });

  test('Service annotations (OpenELB) are emitted', () => {
    const annotations = { 'lb.kubesphere.io/v1alpha1': 'openelb', 'eip.openelb.kubesphere.io/v1alpha2': 'eip-pool' };
    const { cluster, project } = setup({ mode: 'LoadBalancer', externalTrafficPolicy: 'Local', clients: ['10.0.0.0/8'], annotations });
    expect(find(render(cluster, project), 'Service', 'web').metadata.annotations).toEqual(annotations);
  });
});

describe('warnings', () => {
  test('Cluster warns once that clients cannot be filtered, naming them', () => {
    const { cluster, project } = setup({ mode: 'NodePort', clients: ['192.168.1.1/32'] });
    render(cluster, project);
    render(cluster, project);
    expect(cluster.warnings()).toEqual([{
      path: 't/p/web',
      message: 'externalTrafficPolicy \'Cluster\' lets kube-proxy forward through another node and SNAT the client\'s address to that node\'s, '
        + 'so netiso-expose-web lets in the node addresses and, through them, every client that reaches the Service, not only 192.168.1.1/32; '
        + 'use externalTrafficPolicy: \'Local\' to filter clients by address',
    }]);
  });

  test('Cluster without clients suggests Local with clients', () => {
    const { cluster, project } = setup({ mode: 'LoadBalancer' });
    render(cluster, project);
    expect(cluster.warnings().map((w) => w.message)).toEqual([expect.stringMatching(/every client that reaches the Service; use externalTrafficPolicy: 'Local' with clients to filter/)]);
  });

  test('Cluster open to every address has nothing to warn about', () => {
    const { cluster, project } = setup({ mode: 'LoadBalancer', clients: ['0.0.0.0/0'] });
    render(cluster, project);
    expect(cluster.warnings()).toEqual([]);
  });

  test('Local NodePort warns once that only nodes with a ready pod answer', () => {
    const { cluster, project } = setup({ mode: 'NodePort', externalTrafficPolicy: 'Local', clients: ['192.168.1.1/32'] });
    render(cluster, project);
    render(cluster, project);
    expect(cluster.warnings()).toEqual([{
      path: 't/p/web',
      message: 'externalTrafficPolicy \'Local\': only nodes running a ready pod of Service web answer on its node port, the others drop the traffic; clients must use those nodes\' addresses',
    }]);
  });

  test('Local LoadBalancer warns that the load balancer must pick those nodes', () => {
    const { cluster, project } = setup({ mode: 'LoadBalancer', externalTrafficPolicy: 'Local', clients: ['192.168.1.1/32'] });
    render(cluster, project);
    expect(cluster.warnings().map((w) => w.message)).toEqual([expect.stringContaining('the load balancer must send traffic only to those nodes')]);
  });

  test('Ingress mode has no warning', () => {
    const { cluster, project } = setup({ mode: 'Ingress', ingress: { rules: [{ host: 'demo.example.com' }] } });
    render(cluster, project);
    expect(cluster.warnings()).toEqual([]);
  });
});

describe('Ingress', () => {
  test('emits a ClusterIP Service, the Ingress and a rule from the controller pods', () => {
    const { cluster, project } = setup({
      mode: 'Ingress',
      ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'admin', port: 9000, targetPort: 9000 }],
      ingress: { rules: [{ host: 'demo.example.com', paths: [{ path: '/api', pathType: 'Exact', port: 'http' }] }, { host: '*.example.com', paths: [{ port: 80 }] }] },
    }, { cluster: { ...FULL, ingressController: { ...GATEWAY, className: 'nginx' } } });
    const out = render(cluster, project);
    expect(find(out, 'Service', 'web').spec.type).toBe('ClusterIP');
    expect(find(out, 'Service', 'web').spec.externalTrafficPolicy).toBeUndefined();
    expect(find(out, 'Ingress', 'web')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'p', labels: { 'app.kubernetes.io/managed-by': 'netiso' } },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          { host: 'demo.example.com', http: { paths: [{ path: '/api', pathType: 'Exact', backend: { service: { name: 'web', port: { name: 'http' } } } }] } },
          { host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } },
        ],
      },
    });
    // Only the routed port (target "http"), not admin's 9000.
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubesphere-controls-system' } }, podSelector: { matchLabels: GATEWAY.podLabels } }],
      ports: [{ protocol: 'TCP', port: 'http' }],
    }]);
  });

  test('a single-port Service needs no path port; the exposure\'s class and annotations win', () => {
    const { cluster, project } = setup({
      mode: 'Ingress',
      ingress: { rules: [{}], className: 'kubesphere-router-p', annotations: { 'nginx.ingress.kubernetes.io/whitelist-source-range': '192.168.1.1/32' } },
    }, { cluster: { ...FULL, ingressController: { ...GATEWAY, className: 'nginx' } } });
    const ingress = find(render(cluster, project), 'Ingress', 'web');
    expect(ingress.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/whitelist-source-range': '192.168.1.1/32' });
    expect(ingress.spec).toEqual({
      ingressClassName: 'kubesphere-router-p',
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    });
  });

  test('a hostNetwork controller is let in by node and tunnel addresses', () => {
    const { cluster, project } = setup(
      { mode: 'Ingress', ingress: { rules: [{ host: 'demo.example.com' }] } },
      { cluster: { ...FULL, ingressController: { ...GATEWAY, hostNetwork: true } } },
    );
    expect(find(render(cluster, project), 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([{ from: NODE_PEERS, ports: TCP_8080 }]);
  });
});

describe('isolation modes', () => {
  test('isolation none: Service and Ingress without any policy, and no cluster setting needed', () => {
    const cluster = new Cluster('t');
    const project = new IsolatedProject(cluster, 'p', { isolation: 'none' });
    new ExposedService(project, 'web', { ...TOMCAT, mode: 'NodePort' });
    new ExposedService(project, 'site', { ...TOMCAT, mode: 'Ingress', ingress: { rules: [{ host: 'demo.example.com' }] } });
    const out = render(cluster, project);
    expect(out.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['Namespace/p', 'Ingress/site', 'Service/site', 'Service/web']);
    expect(find(out, 'Ingress', 'site').spec.ingressClassName).toBeUndefined();
    expect(cluster.warnings()).toEqual([]);
  });

  test('isolation none: clients are an error, since they could restrict nothing', () => {
    const { cluster } = setup({ mode: 'NodePort', externalTrafficPolicy: 'Local', clients: ['192.168.1.1/32'] }, { isolation: 'none' });
    expect(cluster.problems()).toEqual([{
      path: 't/p/web',
      message: 'project p is not isolated (isolation: \'none\'), so clients 192.168.1.1/32 restrict nothing: every client that reaches the Service gets in; remove clients or set isolation: \'project\'',
    }]);
  });

  test('isolation none: the Local note is still given', () => {
    const { cluster, project } = setup({ mode: 'NodePort', externalTrafficPolicy: 'Local' }, { isolation: 'none' });
    render(cluster, project);
    expect(cluster.warnings().map((w) => w.message)).toEqual([expect.stringContaining('only nodes running a ready pod')]);
  });

  test('workspace isolation: the exposure policy is emitted as in project isolation', () => {
    const cluster = new Cluster('t', FULL);
    const workspace = new Workspace(cluster, 'ws', { networkIsolation: true });
    const project = new IsolatedProject(cluster, 'p', { workspace });
    new ExposedService(project, 'web', { ...TOMCAT, mode: 'NodePort', externalTrafficPolicy: 'Local', clients: ['192.168.1.1/32'] });
    const out = render(cluster, project);
    expect(project.isolation).toBe('workspace');
    expect(find(out, 'NetworkPolicy', 'netiso-isolation').spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubesphere.io/workspace': 'ws' } } }]);
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([{ from: [ipBlock('192.168.1.1/32')], ports: TCP_8080 }]);
  });
});

test('another project can name the exposure as a Service peer', () => {
  const { cluster, service } = setup({ mode: 'NodePort', externalTrafficPolicy: 'Local', clients: ['192.168.1.1/32'] });
  const client = new IsolatedProject(cluster, 'client');
  new InternalWhitelist(client, 'to-web', { direction: Direction.EGRESS, peers: [InternalPeer.service(service)] });
  const out = render(cluster, client);
  expect(find(out, 'NetworkPolicy', 'netiso-to-web').spec.egress).toEqual([{
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'p' } }, podSelector: { matchLabels: { app: 'tomcat' } } }],
    ports: TCP_8080,
  }]);
});

describe('problems', () => {
  test.each(['NodePort', 'LoadBalancer'] as const)('%s with Cluster and no node addresses names nodeCidrs', (mode) => {
    const { cluster } = setup({ mode }, { cluster: {} });
    expect(messages(cluster)).toEqual([
      'externalTrafficPolicy \'Cluster\' lets kube-proxy SNAT the client\'s address to a node\'s, which netiso-expose-web must let in; '
      + 'set nodeCidrs (plus tunnelCidrs when the CNI uses IPIP or VXLAN) on cluster t, or use externalTrafficPolicy: \'Local\'',
    ]);
  });

  test('tunnel addresses alone satisfy Cluster', () => {
    const { cluster } = setup({ mode: 'NodePort' }, { cluster: { tunnelCidrs: ['10.233.64.1/32'] } });
    expect(messages(cluster)).toEqual([]);
  });

  test('Local without clients asks for clients', () => {
    const { cluster } = setup({ mode: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    expect(messages(cluster)).toEqual([
      'externalTrafficPolicy \'Local\' keeps the client\'s address, so only listed clients can be let in, and clients is empty; list the client CIDRs (write \'0.0.0.0/0\' to let every address in)',
    ]);
  });

  test('Ingress mode without an ingress controller names ingressController', () => {
    const { cluster } = setup({ mode: 'Ingress', ingress: { rules: [{}] } }, { cluster: { nodeCidrs: ['192.168.0.0/24'] } });
    expect(messages(cluster)).toEqual([
      'Ingress mode needs to know where the ingress controller runs, so that netiso-expose-web can let it in; set ingressController: { namespace, podLabels } on cluster t (KubeSphere\'s gateways run in \'kubesphere-controls-system\')',
    ]);
  });

  test('a hostNetwork controller without node addresses names nodeCidrs', () => {
    const { cluster } = setup({ mode: 'Ingress', ingress: { rules: [{}] } }, { cluster: { ingressController: { ...GATEWAY, hostNetwork: true } } });
    expect(messages(cluster)).toEqual([
      'the ingress controller of cluster t uses hostNetwork, so its connections come from node addresses; set nodeCidrs (plus tunnelCidrs when the CNI uses IPIP or VXLAN) on cluster t',
    ]);
  });

  test('unknown mode and traffic policy', () => {
    expect(messages(setup({ mode: 'HostPort' as never }).cluster)).toEqual(['mode "HostPort" is not an exposure mode; use \'NodePort\', \'LoadBalancer\', \'Ingress\' or \'Gateway\'']);
    expect(messages(setup({ externalTrafficPolicy: 'local' as never }).cluster)).toEqual(['externalTrafficPolicy "local" is not a traffic policy; use \'Cluster\' or \'Local\'']);
  });

  test('bad clients are reported with their CIDR', () => {
    expect(messages(setup({ clients: ['192.168.1.300/32'] }).cluster)).toEqual([expect.stringMatching(/^clients: .*192\.168\.1\.300\/32/)]);
  });

  test('Ingress mode refuses what only node exposures have', () => {
    const { cluster } = setup({
      mode: 'Ingress', externalTrafficPolicy: 'Local', clients: ['192.168.1.1/32'],
      ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }], ingress: { rules: [{}] },
    });
    expect(messages(cluster)).toEqual([
      'externalTrafficPolicy has no effect in Ingress mode: the Service is ClusterIP and its traffic comes from the ingress controller; remove it (the controller\'s own Service has one)',
      'clients cannot be filtered in Ingress mode: the pods see the ingress controller\'s address, not the client\'s; remove clients and filter at the controller (ingress-nginx: the nginx.ingress.kubernetes.io/whitelist-source-range annotation in ingress.annotations)',
      'port 80 has nodePort 30080, but in Ingress mode the Service is ClusterIP and has no node ports; remove nodePort',
    ]);
  });

  test('nodePort out of range, ingress outside Ingress mode, bad annotation key', () => {
    const { cluster } = setup({
      ports: [{ port: 80, targetPort: 8080, nodePort: 70000 }], ingress: { rules: [{}] }, annotations: { 'bad key': 'x', 'example.com/port': 80 as never },
    });
    expect(messages(cluster)).toEqual([
      'port 80: nodePort 70000 is outside 1-65535; use a port of the cluster\'s NodePort range (30000-32767 by default) or leave it out to let Kubernetes choose',
      'annotations has an invalid key "bad key"; use [prefix/]name with a DNS subdomain prefix and a name of at most 63 letters, digits, \'-\', \'_\' or \'.\'',
      'annotations "example.com/port" has the value 80; annotation values must be strings, e.g. "80"',
      'ingress only applies in mode \'Ingress\', not \'NodePort\'; remove ingress or set mode: \'Ingress\'',
    ]);
  });

  test('Ingress mode needs rules', () => {
    expect(messages(setup({ mode: 'Ingress' }).cluster)).toEqual(['mode \'Ingress\' needs ingress: { rules: [...] } with at least one rule, e.g. { host: \'demo.example.com\' }']);
    expect(messages(setup({ mode: 'Ingress', ingress: { rules: [] } }).cluster)).toHaveLength(1);
  });

  test('bad Ingress rules', () => {
    const { cluster } = setup({
      mode: 'Ingress',
      ports: [{ name: 'http', port: 80 }, { name: 'syslog', port: 514, protocol: 'UDP' }],
      ingress: {
        className: 'Nginx',
        annotations: { '/x': 'y' },
        rules: [
          { host: 'Demo.example.com', paths: [] },
          { host: '*.example.com', paths: [{ path: 'api', pathType: 'Regex' as never, port: 'http' }, { port: 8080 }, {}, { port: 'syslog' }] },
        ],
      },
    });
    expect(messages(cluster)).toEqual([
      'ingress className "Nginx" is not a DNS-1123 subdomain; use lowercase letters, digits, \'-\' and \'.\', like "demo.example.com"',
      'ingress annotations has an invalid key "/x"; use [prefix/]name with a DNS subdomain prefix and a name of at most 63 letters, digits, \'-\', \'_\' or \'.\'',
      'ingress host "Demo.example.com" is not a DNS-1123 subdomain; use lowercase letters, digits, \'-\' and \'.\', like "demo.example.com"',
      'ingress rule Demo.example.com has an empty paths list, which Kubernetes rejects; leave paths out to route \'/\' or list at least one path',
      'ingress path "api" is not absolute; start it with \'/\', e.g. "/api"',
      'ingress pathType "Regex" of path api is not a path type; use \'Prefix\', \'Exact\' or \'ImplementationSpecific\'',
      'an Ingress path routes to port 8080, which Service web does not have; use one of 80 ("http"), 514 ("syslog")',
      'an Ingress path without port cannot choose among the Service\'s ports 80 ("http"), 514 ("syslog"); give it a port',
      'ingress path / routes to UDP port 514, but an Ingress carries HTTP over TCP only; route it to a TCP port',
    ]);
  });

  test('the exposure policy name takes part in the project\'s name-clash check', () => {
    const { cluster, project } = setup({ mode: 'NodePort', externalTrafficPolicy: 'Local', clients: ['192.168.1.1/32'] });
    new ExternalWhitelist(project, 'expose-web', { direction: Direction.INGRESS, cidrs: ['10.0.0.0/8'] });
    expect(messages(cluster)).toEqual(['expose-web emits NetworkPolicy/netiso-expose-web, which another part of project p already emits; rename one of them']);
  });

  test('cluster exposure settings are validated', () => {
    const cluster = new Cluster('t', {
      nodeCidrs: ['192.168.0.0/33'],
      tunnelCidrs: ['tunl0'],
      ingressController: { namespace: 'Kubesphere', podLabels: {}, className: 'a_b' },
    });
    expect(messages(cluster)).toEqual([
      expect.stringMatching(/^nodeCidrs: .*192\.168\.0\.0\/33/),
      expect.stringMatching(/^tunnelCidrs: .*tunl0/),
      expect.stringMatching(/^ingressController namespace "Kubesphere" is not a DNS-1123 label/),
      'ingressController podLabels is empty, which would let every pod of Kubesphere reach exposed pods; give the controller pods\' labels, e.g. { \'app.kubernetes.io/name\': \'ingress-nginx\', \'app.kubernetes.io/component\': \'controller\' }',
      expect.stringMatching(/^ingressController className "a_b" is not a DNS-1123 subdomain/),
    ]);
  });
});

describe('Gateway mode', () => {
  const ENVOY = {
    name: 'public', namespace: 'gateways',
    dataPlane: { namespace: 'envoy-gateway-system', podLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'public' } },
  };
  const gatewayCluster = (gateway: ClusterProps['gateway'] = ENVOY, more: ClusterProps = {}): ClusterProps => ({ ...FULL, gateway, ...more });

  test('an HTTPRoute attached to the cluster\'s Gateway, and the proxies let in on the routed target ports only', () => {
    const { cluster, project } = setup({
      mode: 'Gateway',
      ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'admin', port: 9000 }],
      gateway: { hostnames: ['tomcat.example.com', '*.tomcat.example.com'], http: [{ path: '/api', port: 80 }, { path: '/', pathType: 'Exact', port: 'http' }] },
    }, { cluster: gatewayCluster() });
    const out = render(cluster, project);
    expect(find(out, 'Service', 'web').spec.type).toBe('ClusterIP');
    expect(find(out, 'Service', 'web').spec.externalTrafficPolicy).toBeUndefined();
    expect(find(out, 'HTTPRoute', 'web')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'p', labels: { 'app.kubernetes.io/managed-by': 'netiso' } },
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateways', name: 'public' }],
        hostnames: ['tomcat.example.com', '*.tomcat.example.com'],
        rules: [{
          matches: [{ path: { type: 'PathPrefix', value: '/api' } }, { path: { type: 'Exact', value: '/' } }],
          backendRefs: [{ group: '', kind: 'Service', name: 'web', port: 80 }],
        }],
      },
    });
    expect(find(out, 'GRPCRoute', 'web')).toBeUndefined();
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
        podSelector: { matchLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'public' } },
      }],
      ports: TCP_8080,
    }]);
  });

  test('without http or grpc every path goes to the only port; a GRPCRoute where asked', () => {
    const { cluster, project } = setup({
      mode: 'Gateway', ports: [{ name: 'grpc', port: 50051 }, { name: 'web', port: 80, targetPort: 8080 }],
      gateway: { sectionName: 'https', grpc: [{ service: 'helloworld.Greeter', port: 'grpc' }, { service: 'helloworld.Greeter', method: 'SayHello', port: 50051 }] },
    }, { cluster: gatewayCluster() });
    const out = render(cluster, project);
    expect(find(out, 'HTTPRoute', 'web')).toBeUndefined();
    expect(find(out, 'GRPCRoute', 'web').spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateways', name: 'public', sectionName: 'https' }],
      rules: [{
        matches: [{ method: { type: 'Exact', service: 'helloworld.Greeter' } }, { method: { type: 'Exact', service: 'helloworld.Greeter', method: 'SayHello' } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'web', port: 50051 }],
      }],
    });
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 50051 }]);

    const plain = setup({ mode: 'Gateway', gateway: {} }, { cluster: gatewayCluster() });
    expect(find(render(plain.cluster, plain.project), 'HTTPRoute', 'web').spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: '', kind: 'Service', name: 'web', port: 80 }] },
    ]);
  });

  test('Cilium\'s own Gateway: its ingress identity, in a CiliumNetworkPolicy; an error on a CNI without one', () => {
    const cilium = setup({ mode: 'Gateway', gateway: {} }, { cluster: gatewayCluster({ name: 'cilium-gw', namespace: 'gateways', dataPlane: 'cni' }, { cni: Cni.cilium({ version: '1.17' }) }) });
    const out = render(cilium.cluster, cilium.project);
    expect(find(out, 'NetworkPolicy', 'netiso-expose-web')).toBeUndefined();
    expect(find(out, 'CiliumNetworkPolicy', 'netiso-expose-web').spec).toEqual({
      endpointSelector: { matchLabels: { app: 'tomcat' } },
      ingress: [{ fromEntities: ['ingress'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }],
    });
    const generic = setup({ mode: 'Gateway', gateway: {} }, { cluster: gatewayCluster({ name: 'gw', namespace: 'gateways', dataPlane: 'cni' }) });
    expect(messages(generic.cluster)).toEqual([
      'gateway gw is the CNI\'s own implementation (dataPlane: \'cni\'), whose traffic carries the CNI\'s ingress identity, and it cannot be matched on generic (the NetworkPolicy specification): '
        + 'the CNI has no identity for the CNI\'s own Ingress / Gateway proxy; choose the cluster\'s CNI profile (cni: Cni.cilium(...)) or name the pods that carry this traffic instead',
    ]);
  });

  test('proxies on the node network are the nodes', () => {
    const { cluster, project } = setup({ mode: 'Gateway', gateway: {} }, { cluster: gatewayCluster({ name: 'gw', namespace: 'gateways', dataPlane: 'host-network' }) });
    expect(find(render(cluster, project), 'NetworkPolicy', 'netiso-expose-web').spec.ingress).toEqual([{ from: NODE_PEERS, ports: TCP_8080 }]);
  });

  test('problems: no cluster gateway, what only node exposures have, bad routes', () => {
    expect(messages(setup({ mode: 'Gateway', gateway: {} }).cluster)).toEqual([
      'Gateway mode needs the Gateway its routes attach to and where its proxies run; set gateway: { name, namespace, dataPlane } on cluster t',
    ]);
    const { cluster } = setup({
      mode: 'Gateway', externalTrafficPolicy: 'Local', clients: ['192.168.1.1/32'],
      ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'dns', port: 53, protocol: 'UDP' }],
      gateway: {
        hostnames: ['10.0.0.1', 'Bad.example.com'], sectionName: 'HTTPS',
        http: [{ path: 'api', port: 'http' }, { path: '/x', pathType: 'Regex' as never, port: 'http' }, { port: 'dns' }, {}],
        grpc: [{ service: 'no spaces', method: '1x', port: 'http' }],
      },
      ingress: { rules: [{}] },
    }, { cluster: gatewayCluster() });
    expect(messages(cluster)).toEqual([
      'externalTrafficPolicy has no effect in Gateway mode: the Service is ClusterIP and its traffic comes from the gateway; remove it (the gateway\'s own Service has one)',
      'clients cannot be filtered in Gateway mode: the pods see the gateway\'s proxies, not the client; remove clients and filter at the Gateway (its implementation\'s client IP policy)',
      'port 80 has nodePort 30080, but in Gateway mode the Service is ClusterIP and has no node ports; remove nodePort',
      'ingress only applies in mode \'Ingress\', not \'Gateway\'; remove ingress or set mode: \'Ingress\'',
      'gateway hostname "10.0.0.1" is an IP address, which Gateway API refuses; use a host name',
      expect.stringMatching(/^gateway hostname "Bad\.example\.com" is not a DNS-1123 subdomain/),
      expect.stringMatching(/^gateway sectionName "HTTPS" is not a DNS-1123 subdomain/),
      'gateway path "api" is not absolute; start it with \'/\'',
      'gateway pathType "Regex" of path /x is not a path type; use \'PathPrefix\' or \'Exact\'',
      'gateway path / routes to UDP port 53, but HTTP and gRPC run over TCP only; route it to a TCP port',
      'gateway path / without port cannot choose among the Service\'s ports 80 ("http"), 53 ("dns"); give it a port',
      'gRPC service "no spaces" is not a fully qualified service name, e.g. \'helloworld.Greeter\'',
      'gRPC method "1x" is not a method name, e.g. \'SayHello\'',
    ]);
    expect(messages(setup({ gateway: {} }).cluster)).toEqual(['gateway only applies in mode \'Gateway\', not \'NodePort\'; remove gateway or set mode: \'Gateway\'']);
    expect(messages(setup({ mode: 'Gateway' }, { cluster: gatewayCluster() }).cluster)).toEqual([
      'mode \'Gateway\' needs gateway: { hostnames?, http?, grpc? }, e.g. { hostnames: [\'demo.example.com\'] } to route every path',
    ]);
  });

  test('cluster gateway settings are validated', () => {
    expect(new Cluster('t', { gateway: { name: 'Public', namespace: 'gw', dataPlane: { podLabels: {} } } }).problems().map((p) => p.message)).toEqual([
      expect.stringMatching(/^gateway name "Public" is not a DNS-1123 subdomain/),
      'gateway dataPlane podLabels is empty, which would let every pod of gw reach exposed pods; give the proxy pods\' labels',
    ]);
    expect(new Cluster('t', { gateway: { name: 'p', namespace: 'gw', dataPlane: 'envoy' as never } }).problems().map((p) => p.message)).toEqual([
      'gateway dataPlane "envoy" does not say where the gateway\'s proxies run; give { podLabels } of the proxy pods, \'host-network\' or \'cni\'',
    ]);
  });
});
