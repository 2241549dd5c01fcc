import { Engine, describeManifests } from '../../src/analysis';
import { yamlDocs } from './fixture';

const KUBESPHERE = yamlDocs(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: nsnp-network-isolate, namespace: demo-project}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: demo-project}}
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kubesphere-monitoring-system}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: nsnp-allow-nginx, namespace: demo-project}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: demo-project-2}}
      podSelector: {matchLabels: {app: nginx}}
    ports: [{port: 80}, {port: http-alt}]
  egress:
  - to: [{ipBlock: {cidr: 192.168.1.1/32}}]
  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}, {namespaceSelector: {}}]
    ports: [{port: 53, protocol: UDP}]
`);

const WORKLOAD_MANIFESTS = yamlDocs(`
apiVersion: v1
kind: Namespace
metadata: {name: demo-project-2, labels: {team: blue}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: demo-project}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        ports: [{name: http, containerPort: 80}, {name: http-alt, containerPort: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: nginx, namespace: demo-project-2}
spec:
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: {name: agent, namespace: kubesphere-monitoring-system}
  spec:
    template:
      metadata: {labels: {app: agent}}
      spec: {containers: [{name: c, ports: [{containerPort: 9100, protocol: TCP}]}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: other, namespace: demo-project-2, labels: {app: other}}
  spec: {nodeName: n1, containers: [{name: c}]}
  status: {podIP: 10.1.0.9}
`);

const engine = (): Engine => Engine.fromManifests([...KUBESPHERE, ...WORKLOAD_MANIFESTS], { nodes: [{ name: 'n1', ip: '192.168.0.1' }], externals: [{ name: 'gw', ip: '192.168.1.1' }] });

describe('loading workloads from manifests', () => {
  test('Deployment, StatefulSet, DaemonSet (inside a List) and Pod become workloads', () => {
    const e = engine();
    expect(e.cluster.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual([
      'demo-project/web',
      'demo-project-2/nginx',
      'demo-project-2/other',
      'kubesphere-monitoring-system/agent',
    ]);
    const web = e.cluster.workloads.find((w) => w.name === 'web')!;
    expect(web.labels).toEqual({ app: 'web' });
    expect(web.ports).toEqual([
      { name: 'http', containerPort: 80, protocol: 'TCP' },
      { name: 'http-alt', containerPort: 8080, protocol: 'TCP' },
    ]);
    const other = e.cluster.workloads.find((w) => w.name === 'other')!;
    expect(other.ip).toBe('10.1.0.9');
    expect(other.node).toBe('n1');
  });

  test('one workload per owner, with its kind; two kinds sharing a name in a namespace become name[Kind]', () => {
    const e = Engine.fromManifests([
      { kind: 'Deployment', metadata: { name: 'web', namespace: 'a' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } } },
      { kind: 'StatefulSet', metadata: { name: 'web', namespace: 'a' }, spec: { template: { metadata: { labels: { app: 'db' } }, spec: { containers: [] } } } },
      ...[1, 2].map((i) => ({ kind: 'Pod', metadata: { name: `rs-${i}`, namespace: 'a', labels: { app: 'rs' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', controller: true }] }, spec: { containers: [] } })),
    ]);
    expect(e.cluster.workloads.map((w) => `${w.kind} ${w.namespace}/${w.name}`)).toEqual(['ReplicaSet a/rs', 'Deployment a/web[Deployment]', 'StatefulSet a/web[StatefulSet]']);
  });

  test('namespaces always carry kubernetes.io/metadata.name, declared or not', () => {
    const ns = engine().cluster.namespaces;
    expect(ns.get('demo-project-2')!.labels).toEqual({ team: 'blue', 'kubernetes.io/metadata.name': 'demo-project-2' });
    expect(ns.get('demo-project')!.labels).toEqual({ 'kubernetes.io/metadata.name': 'demo-project' });
  });

  test('malformed workloads are reported with the object and field', () => {
    expect(() => Engine.fromManifests([{ kind: 'Deployment', metadata: { name: 'd' }, spec: {} }])).toThrow(
      "manifests[0]: Deployment default/d: spec.template: is required: the pod template gives the workload's labels and ports",
    );
    expect(() =>
      Engine.fromManifests([{ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ ports: [{ containerPort: 80, protocol: 'HTTP' }] }] } }]),
    ).toThrow('manifests[0]: Pod default/p: spec.containers[0].ports[0].protocol: must be one of TCP, UDP, SCTP, got "HTTP"');
    expect(() => Engine.fromManifests([], { workloads: [{ namespace: 'a', name: 'b', labels: {}, ip: '300.1.1.1' }] })).toThrow('workload a/b: ip: "300.1.1.1" is not an IP address');
    expect(() => Engine.fromManifests([], { workloads: [{ namespace: 'a', name: 'b', labels: {} }, { namespace: 'a', name: 'b', labels: {} }] })).toThrow('workload a/b: metadata.name: is declared twice');
  });
});

describe('queries', () => {
  const e = engine();

  test('endpoints by string, object, IP, node and external name', () => {
    expect(e.evaluate({ from: 'demo-project-2/nginx', to: 'demo-project/web', port: 80 }).allowed).toBe(true);
    expect(e.evaluate({ from: { namespace: 'demo-project-2', name: 'nginx' }, to: { namespace: 'demo-project', name: 'web' }, port: 80 }).allowed).toBe(true);
    expect(e.evaluate({ from: 'demo-project/web', to: { external: 'gw' }, port: 443 }).to).toBe('external gw (192.168.1.1)');
    expect(e.evaluate({ from: { node: 'n1' }, to: 'demo-project/web', port: 80 }).from).toBe('node n1 (192.168.0.1)');
    // A known pod IP is that pod, so pod selectors apply to it.
    expect(e.evaluate({ from: { ip: '10.1.0.9' }, to: 'demo-project/web', port: 80 }).from).toBe('demo-project-2/other');
  });

  test('named query ports resolve on the destination', () => {
    const v = e.evaluate({ from: 'demo-project-2/nginx', to: 'demo-project/web', port: 'http-alt' });
    expect([v.port, v.protocol, v.allowed]).toEqual([8080, 'TCP', true]);
    expect(() => e.evaluate({ from: 'demo-project-2/nginx', to: 'demo-project/web', port: 'grpc' })).toThrow('demo-project/web has no container port named "grpc"');
    expect(() => e.evaluate({ from: 'demo-project/web', to: '8.8.8.8', port: 'dns' })).toThrow('8.8.8.8 has no container port named "dns"');
  });

  test('unknown endpoints and bad ports are errors', () => {
    expect(() => e.evaluate({ from: 'nope/x', to: 'demo-project/web', port: 80 })).toThrow('unknown workload nope/x');
    expect(() => e.evaluate({ from: 'web', to: 'demo-project/web', port: 80 })).toThrow('endpoint "web" is neither "namespace/name" nor an IP address');
    expect(() => e.evaluate({ from: { node: 'n9' }, to: 'demo-project/web', port: 80 })).toThrow('unknown node "n9"');
    expect(() => e.evaluate({ from: 'demo-project/web', to: 'demo-project/web', port: 0 })).toThrow('port must be an integer between 1 and 65535, got 0');
  });

  test('verdicts name the isolating policies and the allowing rule', () => {
    const v = e.evaluate({ from: 'demo-project-2/nginx', to: 'demo-project/web', port: 80 });
    expect(v.egress).toMatchObject({ isPod: true, isolated: false, allowed: true, isolatingPolicies: [] });
    expect(v.ingress).toMatchObject({
      isolated: true,
      allowed: true,
      isolatingPolicies: ['demo-project/nsnp-allow-nginx', 'demo-project/nsnp-network-isolate'],
      allowedBy: [{ policy: 'demo-project/nsnp-allow-nginx', direction: 'ingress', ruleIndex: 0 }],
    });
  });

  test('external sources are matched by ipBlock only, never by selectors', () => {
    expect(e.evaluate({ from: '10.2.0.1', to: 'demo-project/web', port: 80 }).allowed).toBe(false);
    expect(e.evaluate({ from: 'kubesphere-monitoring-system/agent', to: 'demo-project/web', port: 80 }).allowed).toBe(true);
  });

  test('egress to IPs honours ipBlock except and ports; a pod matched via namespaceSelector {} counts too', () => {
    expect(e.evaluate({ from: 'demo-project/web', to: '10.2.0.1', port: 53, protocol: 'UDP' }).allowed).toBe(true);
    expect(e.evaluate({ from: 'demo-project/web', to: '10.1.0.1', port: 53, protocol: 'UDP' }).allowed).toBe(false);
    expect(e.evaluate({ from: 'demo-project/web', to: '10.2.0.1', port: 53 }).allowed).toBe(false);
    expect(e.evaluate({ from: 'demo-project/web', to: 'demo-project-2/nginx', port: 53, protocol: 'UDP' }).allowed).toBe(true);
    expect(e.evaluate({ from: 'demo-project/web', to: 'demo-project-2/nginx', port: 80 }).allowed).toBe(false);
  });

  test('a pod may always reach itself', () => {
    const v = e.evaluate({ from: 'demo-project/web', to: 'demo-project/web', port: 443 });
    expect(v.allowed).toBe(true);
    expect(v.exemption).toBe('same-pod');
    expect(v.egress.allowed).toBe(false);
  });

  test('isolation names the isolating policies per direction without probing a port', () => {
    expect(e.isolation('demo-project/web')).toEqual({ ingress: ['demo-project/nsnp-allow-nginx', 'demo-project/nsnp-network-isolate'], egress: ['demo-project/nsnp-allow-nginx'] });
    expect(e.isolation({ namespace: 'demo-project-2', name: 'nginx' })).toEqual({ ingress: [], egress: [] });
    expect(e.isolation({ node: 'n1' })).toEqual({ ingress: [], egress: [] });
    expect(() => e.isolation('demo-project/nope')).toThrow('unknown workload demo-project/nope');
  });

  test('traffic from a node to a pod on another node gets no exemption', () => {
    const v = e.evaluate({ from: { node: 'n1' }, to: 'demo-project/web', port: 80 });
    expect(v.exemption).toBeUndefined();
    expect(v.allowed).toBe(false);
  });
});

describe('explain', () => {
  test('a denial lists every rule of the isolating policies and what matched', () => {
    expect(engine().explain({ from: 'demo-project-2/other', to: 'demo-project/web', port: 'http' }).text).toBe(
      [
        'DENIED: demo-project-2/other -> demo-project/web on TCP/80',
        '  egress from demo-project-2/other: allowed, no NetworkPolicy selects it for egress',
        '  ingress to demo-project/web: denied, isolated by demo-project/nsnp-allow-nginx, demo-project/nsnp-network-isolate; no rule matched',
        '    [peer no, port yes] demo-project/nsnp-allow-nginx ingress rule 0: from pods with app=nginx in namespaces with kubernetes.io/metadata.name=demo-project-2; on TCP/80, TCP port named http-alt',
        '    [peer no, port yes] demo-project/nsnp-network-isolate ingress rule 0: from any pod in namespaces with kubernetes.io/metadata.name=demo-project OR any pod in namespaces with kubernetes.io/metadata.name=kubesphere-monitoring-system; on all ports',
      ].join('\n'),
    );
  });

  test('an allowed connection names the allowing rule; non-pods are explained as unrestricted', () => {
    const x = engine().explain({ from: 'demo-project/web', to: { external: 'gw' }, port: 443 });
    expect(x.text).toBe(
      [
        'ALLOWED: demo-project/web -> external gw (192.168.1.1) on TCP/443',
        '  egress from demo-project/web: allowed, isolated by demo-project/nsnp-allow-nginx; allowed by demo-project/nsnp-allow-nginx egress rule 0',
        '    [peer yes, port yes] demo-project/nsnp-allow-nginx egress rule 0: to CIDR 192.168.1.1/32; on all ports',
        '  ingress to external gw (192.168.1.1): not a pod, so NetworkPolicy does not restrict it',
      ].join('\n'),
    );
    expect(x.egress.rules.map((r) => r.rule)).toEqual([{ policy: 'demo-project/nsnp-allow-nginx', direction: 'egress', ruleIndex: 0, action: 'allow', tier: 'networkPolicy' }]);
  });

  test('exemptions are stated, and a deny-all policy says it has no rules', () => {
    const e = Engine.fromManifests(
      [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'a' }, spec: { podSelector: {} } }],
      { workloads: [{ namespace: 'a', name: 'p', labels: {}, node: 'n' }, { namespace: 'a', name: 'q', labels: {} }], nodes: [{ name: 'n', ip: '10.9.0.1' }] },
    );
    expect(e.explain({ from: { node: 'n' }, to: 'a/p', port: 10250 }).text).toContain("traffic from a pod's own node is always allowed");
    // The reason is a field too, so reports need not parse the text.
    expect(e.explain({ from: { node: 'n' }, to: 'a/p', port: 10250 }).exemptionReason).toBe("traffic from a pod's own node is always allowed, whatever the policies say");
    expect(e.explain({ from: 'a/p', to: 'a/p', port: 80 }).exemptionReason).toBe('a pod may always connect to itself, whatever the policies say');
    expect(e.explain({ from: 'a/q', to: 'a/p', port: 80 }).exemptionReason).toBeUndefined();
    expect(e.explain({ from: 'a/q', to: 'a/p', port: 80 }).ingress.summary).toBe('ingress to a/p: denied, isolated by a/deny; the isolating policies have no ingress rules');
  });
});

describe('selector-level policy descriptions', () => {
  test('describe targets and peers in plain words without any workloads', () => {
    const [allow, isolate] = describeManifests([...KUBESPHERE, ...WORKLOAD_MANIFESTS]);
    expect(allow.policy).toBe('demo-project/nsnp-allow-nginx');
    expect(allow.target).toBe('pods with app=web in namespace demo-project');
    expect(allow.ingress).toEqual({
      restricted: true,
      rules: [{ index: 0, peers: ['pods with app=nginx in namespaces with kubernetes.io/metadata.name=demo-project-2'], ports: 'TCP/80, TCP port named http-alt' }],
    });
    expect(allow.egress).toEqual({
      restricted: true,
      rules: [
        { index: 0, peers: ['CIDR 192.168.1.1/32'], ports: 'all ports' },
        { index: 1, peers: ['CIDR 10.0.0.0/8 except 10.1.0.0/16', 'any pod in any namespace'], ports: 'UDP/53' },
      ],
    });
    expect(isolate.text).toBe(
      [
        'demo-project/nsnp-network-isolate applies to any pod in namespace demo-project',
        '  ingress: allow only',
        '    rule 0: from any pod in namespaces with kubernetes.io/metadata.name=demo-project OR any pod in namespaces with kubernetes.io/metadata.name=kubesphere-monitoring-system; on all ports',
        '  egress: not restricted by this policy',
      ].join('\n'),
    );
  });

  test('deny-all and allow-everyone read as such', () => {
    const [d] = describeManifests([
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{}] } },
    ]);
    expect(d.text).toBe(['n/p applies to any pod in namespace n', '  ingress: deny all (isolated, no rules)', '  egress: allow only', '    rule 0: to everyone; on all ports'].join('\n'));
  });
});
