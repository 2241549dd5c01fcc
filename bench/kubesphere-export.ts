import * as fs from 'fs';

/**
 * Writes a KubeSphere export of `projects` namespaces to `file`, shaped as `kubectl get
 * ns,workspaces,workspacetemplates,nsnp,services,nodes -A -o yaml` writes it: one `kind: List`,
 * every object with the metadata the API server adds (uid, resourceVersion, managedFields,
 * last-applied-configuration), Services with cluster IPs and status. About 12 KB a project, so
 * 4,000 projects make a file of about 50 MB. Per workspace of 20 projects: 12 isolated projects
 * (each with an ingress entry from its neighbour, an egress entry to the neighbour's Service and
 * an external ingress entry), 6 without isolation, 2 in a workspace with workspace isolation.
 * Deterministic for a given size. Written object by object, so the generator stays small too.
 */
export function writeKubeSphereExport(file: string, projects: number): { bytes: number } {
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  const out = (text: string) => { bytes += Buffer.byteLength(text); fs.writeSync(fd, text); };
  try {
    out('apiVersion: v1\nitems:\n');
    const item = (yaml: string) => out(`- ${yaml.trimEnd().split('\n').join('\n  ')}\n`);
    item(configMap());
    item(service('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [['dns', 53, 'UDP', 53], ['dns-tcp', 53, 'TCP', 53], ['metrics', 9153, 'TCP', 9153]], 0));
    for (let n = 0; n < 20; n++) item(node(n));
    const workspaces = Math.ceil(projects / 20);
    for (let w = 0; w < workspaces; w++) {
      item(workspace('Workspace', 'tenant.kubesphere.io/v1alpha1', w));
      item(workspace('WorkspaceTemplate', 'tenant.kubesphere.io/v1alpha2', w));
    }
    for (let i = 0; i < projects; i++) {
      const ns = projectName(i);
      const w = Math.floor(i / 20);
      const slot = i % 20;
      item(namespace(ns, workspaceName(w), slot < 12, i));
      for (const [k, svc] of ['api', 'web', 'cache', 'db'].entries()) {
        item(service(ns, svc, { app: svc, 'app.kubernetes.io/instance': ns }, [['http', 80, 'TCP', 8080 + k], ['metrics', 9100, 'TCP', 9100]], i * 4 + k));
      }
      if (slot < 12) {
        const neighbour = projectName(w * 20 + ((slot + 1) % 12));
        item(nsnp(ns, `policy-from-${id(i, 1)}`, 'ingress', { namespace: { name: neighbour } }, undefined, i));
        item(nsnp(ns, `policy-to-${id(i, 2)}`, 'egress', { service: { name: 'api', namespace: neighbour } }, undefined, i));
        item(nsnp(ns, `policy-from-${id(i, 3)}`, 'ingress', { ipBlock: { cidr: `10.${(i >> 8) & 255}.${i & 255}.0/24` } }, [[443, 'TCP'], [80, 'TCP']], i));
      }
    }
    out('kind: List\nmetadata:\n  resourceVersion: ""\n');
  } finally {
    fs.closeSync(fd);
  }
  return { bytes };
}

const projectName = (i: number) => `project-${String(i).padStart(5, '0')}`;
const workspaceName = (w: number) => `team-${String(w).padStart(4, '0')}`;
const id = (i: number, k: number) => ((i * 7919 + k * 104729) % 2176782336).toString(36).padStart(6, '0').slice(-6);
const uid = (seed: number) => {
  const h = (n: number) => ((seed * 2654435761 + n * 40503) >>> 0).toString(16).padStart(8, '0');
  return `${h(1)}-${h(2).slice(0, 4)}-${h(3).slice(0, 4)}-${h(4).slice(0, 4)}-${h(5)}${h(6).slice(0, 4)}`;
};
const time = (seed: number) => new Date(Date.UTC(2024, 0, 1) + seed * 61_000).toISOString().replace(/\.\d+Z$/, 'Z');

function managedFields(manager: string, seed: number, fields: string): string {
  return [
    'managedFields:',
    '- apiVersion: v1',
    '  fieldsType: FieldsV1',
    '  fieldsV1:',
    ...fields.trim().split('\n').map((l) => `    ${l}`),
    `  manager: ${manager}`,
    '  operation: Update',
    `  time: "${time(seed)}"`,
  ].join('\n');
}

function metadata(name: string, namespace: string | undefined, seed: number, extra: string[], fields: string, manager = 'ks-controller-manager'): string {
  return [
    'metadata:',
    ...extra.map((l) => `  ${l}`),
    `  creationTimestamp: "${time(seed)}"`,
    ...managedFields(manager, seed, fields).split('\n').map((l) => `  ${l}`),
    `  name: ${name}`,
    ...(namespace ? [`  namespace: ${namespace}`] : []),
    `  resourceVersion: "${1000 + seed}"`,
    `  uid: ${uid(seed)}`,
  ].join('\n');
}

function namespace(name: string, ws: string, isolated: boolean, seed: number): string {
  return [
    'apiVersion: v1',
    'kind: Namespace',
    metadata(name, undefined, seed, [
      'annotations:',
      '  kubesphere.io/creator: admin',
      '  kubesphere.io/description: Generated project for the netiso import benchmark',
      ...(isolated ? ['  kubesphere.io/network-isolate: enabled'] : []),
      'finalizers:',
      '- finalizers.kubesphere.io/namespaces',
      'labels:',
      `  kubernetes.io/metadata.name: ${name}`,
      `  kubesphere.io/namespace: ${name}`,
      `  kubesphere.io/workspace: ${ws}`,
    ], `
f:metadata:
  f:annotations:
    .: {}
    f:kubesphere.io/creator: {}
    f:kubesphere.io/description: {}
    f:kubesphere.io/network-isolate: {}
  f:finalizers:
    .: {}
    v:"finalizers.kubesphere.io/namespaces": {}
  f:labels:
    .: {}
    f:kubernetes.io/metadata.name: {}
    f:kubesphere.io/namespace: {}
    f:kubesphere.io/workspace: {}
  f:ownerReferences:
    .: {}
    k:{"uid":"${uid(seed + 7)}"}: {}`),
    'spec:',
    '  finalizers:',
    '  - kubernetes',
    'status:',
    '  phase: Active',
  ].join('\n');
}

function service(ns: string, name: string, selector: Record<string, string>, ports: Array<[string, number, string, number]>, seed: number): string {
  const sel = Object.entries(selector);
  return [
    'apiVersion: v1',
    'kind: Service',
    metadata(name, ns, 100_000 + seed, [
      'annotations:',
      `  kubectl.kubernetes.io/last-applied-configuration: '${JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector, ports: ports.map(([n, p, proto, t]) => ({ name: n, port: p, protocol: proto, targetPort: t })) } })}'`,
      'labels:',
      `  app: ${name}`,
      `  app.kubernetes.io/managed-by: Helm`,
      `  app.kubernetes.io/part-of: ${ns}`,
      `  app.kubernetes.io/version: 1.2.${seed % 10}`,
      `  helm.sh/chart: ${name}-1.2.${seed % 10}`,
    ], `
f:metadata:
  f:annotations:
    .: {}
    f:kubectl.kubernetes.io/last-applied-configuration: {}
  f:labels:
    .: {}
    f:app: {}
    f:app.kubernetes.io/managed-by: {}
    f:app.kubernetes.io/part-of: {}
    f:app.kubernetes.io/version: {}
    f:helm.sh/chart: {}
f:spec:
  f:internalTrafficPolicy: {}
  f:ports:
    .: {}
${ports.map(([, p, proto]) => `    k:{"port":${p},"protocol":"${proto}"}:\n      .: {}\n      f:name: {}\n      f:port: {}\n      f:protocol: {}\n      f:targetPort: {}`).join('\n')}
  f:selector: {}
  f:sessionAffinity: {}
  f:type: {}`, 'helm'),
    'spec:',
    `  clusterIP: 10.233.${(seed >> 8) & 255}.${seed & 255}`,
    '  clusterIPs:',
    `  - 10.233.${(seed >> 8) & 255}.${seed & 255}`,
    '  internalTrafficPolicy: Cluster',
    '  ipFamilies:',
    '  - IPv4',
    '  ipFamilyPolicy: SingleStack',
    '  ports:',
    ...ports.flatMap(([n, p, proto, t]) => [`  - name: ${n}`, `    port: ${p}`, `    protocol: ${proto}`, `    targetPort: ${t}`]),
    '  selector:',
    ...sel.map(([k, v]) => `    ${k}: ${v}`),
    '  sessionAffinity: None',
    '  type: ClusterIP',
    'status:',
    '  loadBalancer: {}',
  ].join('\n');
}

function nsnp(ns: string, name: string, direction: 'ingress' | 'egress', peer: Record<string, unknown>, ports: Array<[number, string]> | undefined, seed: number): string {
  const flow = (v: unknown): string => (v !== null && typeof v === 'object'
    ? `{${Object.entries(v).map(([k, x]) => `${k}: ${flow(x)}`).join(', ')}}` : String(v));
  const peerYaml = flow(peer);
  return [
    'apiVersion: network.kubesphere.io/v1alpha1',
    'kind: NamespaceNetworkPolicy',
    metadata(name, ns, 200_000 + seed, [
      'annotations:',
      `  kubesphere.io/creator: admin`,
      `  kubesphere.io/description: ${direction} allow-list entry created in the console`,
    ], `
f:metadata:
  f:annotations:
    .: {}
    f:kubesphere.io/creator: {}
    f:kubesphere.io/description: {}
f:spec:
  .: {}
  f:${direction}: {}`, 'ks-apiserver'),
    'spec:',
    `  ${direction}:`,
    `  - ${direction === 'ingress' ? 'from' : 'to'}:`,
    `    - ${peerYaml}`,
    ...(ports ? ['    ports:', ...ports.map(([p, proto]) => `    - port: ${p}\n      protocol: ${proto}`)] : []),
  ].join('\n');
}

function workspace(kind: string, apiVersion: string, w: number): string {
  const isolated = w % 10 === 9;
  const spec = kind === 'Workspace'
    ? ['spec:', '  manager: admin', ...(isolated ? ['  networkIsolation: true'] : [])]
    : ['spec:', '  placement:', '    clusterSelector: {}', '  template:', '    spec:', '      manager: admin', ...(isolated ? ['      networkIsolation: true'] : [])];
  return [
    `apiVersion: ${apiVersion}`,
    `kind: ${kind}`,
    metadata(workspaceName(w), undefined, 300_000 + w, [
      'annotations:',
      '  kubesphere.io/creator: admin',
      'labels:',
      '  kubefed.io/managed: "false"',
    ], `
f:metadata:
  f:annotations:
    .: {}
    f:kubesphere.io/creator: {}
f:spec:
  .: {}
  f:manager: {}`, 'ks-apiserver'),
    ...spec,
  ].join('\n');
}

function node(n: number): string {
  const ip = `192.168.0.${10 + n}`;
  return [
    'apiVersion: v1',
    'kind: Node',
    metadata(`node-${n}`, undefined, 400_000 + n, [
      'annotations:',
      '  node.alpha.kubernetes.io/ttl: "0"',
      `  projectcalico.org/IPv4Address: ${ip}/24`,
      `  projectcalico.org/IPv4IPIPTunnelAddr: 10.233.${64 + n}.0`,
      ...(n < 3 ? [`  kubesphere.io/snat-node-ips: ${ip};`] : []),
      'labels:',
      `  kubernetes.io/hostname: node-${n}`,
      '  kubernetes.io/os: linux',
      '  node-role.kubernetes.io/worker: ""',
    ], `
f:metadata:
  f:annotations:
    f:node.alpha.kubernetes.io/ttl: {}
f:status:
  f:conditions: {}`, 'kubelet'),
    'spec:',
    `  podCIDR: 10.233.${64 + n}.0/24`,
    'status:',
    '  addresses:',
    `  - address: ${ip}`,
    '    type: InternalIP',
    `  - address: node-${n}`,
    '    type: Hostname',
    '  images:',
    ...['kubesphere/ks-apiserver:v3.4.1', 'kubesphere/ks-controller-manager:v3.4.1', 'calico/node:v3.26.1', 'coredns/coredns:1.9.3']
      .flatMap((img, k) => [`  - names:`, `    - docker.io/${img}`, `    sizeBytes: ${40_000_000 + k * 1_000_000}`]),
  ].join('\n');
}

function configMap(): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: kubesphere-config',
    '  namespace: kubesphere-system',
    'data:',
    '  kubesphere.yaml: |',
    '    authentication:',
    '      authenticateRateLimiterMaxTries: 10',
    '      jwtSecret: "x"',
    '    network:',
    '      enableNetworkPolicy: true',
    '      nsnpOptions:',
    '        allowedIngressNamespaces:',
    '        - kubesphere-system',
    '        - kubesphere-monitoring-system',
    '      ippoolType: calico',
  ].join('\n');
}
