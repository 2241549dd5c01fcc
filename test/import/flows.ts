import type { Protocol } from '../../src/analysis';

type Verdict = 'allow' | 'deny';

/**
 * `[from, to, protocol, port, netiso, kubesphere?]`. Endpoints are `namespace/workload` or the name of
 * an external endpoint or node of the model. `kubesphere` is given only where netiso deviates on
 * purpose, with a `deviation:` comment; otherwise KubeSphere's verdict is netiso's.
 */
export type Flow = readonly [from: string, to: string, protocol: Protocol, port: number, netiso: Verdict, kubesphere?: Verdict];

/** A small cluster around one fixture, and the connections to check in it. */
export interface FlowModel {
  readonly file: string;
  /** Namespaces the fixture does not declare, with their workspace if any. */
  readonly namespaces?: Readonly<Record<string, { workspace?: string }>>;
  /** `namespace/name` → pod labels. Pods have no IP, so only namespace and pod selectors match them. */
  readonly workloads: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Name → address, for addresses outside the pod network. */
  readonly externals?: Readonly<Record<string, string>>;
  readonly nodes?: Readonly<Record<string, string>>;
  readonly flows: readonly Flow[];
}

const nodelocaldns = '169.254.25.10';

export const FLOW_MODELS: readonly FlowModel[] = [
  {
    file: 'project-mode.yaml',
    namespaces: { 'kubesphere-monitoring-system': {} },
    workloads: {
      'demo/web': { app: 'web' },
      'demo/worker': { app: 'worker' },
      'demo-2/nginx': { app: 'nginx' },
      'demo-2/other': { app: 'other' },
      'kube-system/coredns': { 'k8s-app': 'kube-dns' },
      'kubesphere-monitoring-system/prometheus': { app: 'prometheus' },
      'default/client': { app: 'client' },
    },
    externals: { 'office': '10.10.5.5', 'office-guest-wifi': '10.10.1.7', 'elsewhere': '10.11.0.1', 'partner-api': '10.1.0.1', 'partner-other': '10.1.0.2', nodelocaldns },
    flows: [
      ['demo-2/nginx', 'demo/web', 'TCP', 8080, 'allow'],
      ['kubesphere-monitoring-system/prometheus', 'demo/web', 'TCP', 9090, 'allow'],
      ['default/client', 'demo/web', 'TCP', 8080, 'deny'],
      ['kube-system/coredns', 'demo/web', 'TCP', 8080, 'deny'],
      ['office', 'demo/web', 'TCP', 80, 'allow'],
      ['office', 'demo/web', 'TCP', 443, 'allow'],
      ['office', 'demo/web', 'UDP', 80, 'deny'],
      ['office', 'demo/web', 'TCP', 22, 'deny'],
      ['office-guest-wifi', 'demo/web', 'TCP', 80, 'deny'],
      ['elsewhere', 'demo/web', 'TCP', 80, 'deny'],
      // Egress entries lock egress down, the own project included (the import is KubeSphere-exact).
      ['demo/web', 'demo/worker', 'TCP', 8080, 'deny'],
      ['demo/web', 'default/client', 'TCP', 8080, 'deny'],
      ['demo/web', 'kube-system/coredns', 'UDP', 53, 'allow'],
      ['demo/web', 'kube-system/coredns', 'TCP', 9153, 'allow'],
      ['demo/web', 'nodelocaldns', 'UDP', 53, 'allow'],
      // nodelocaldns answers on TCP and UDP 53 only; the DNS Service's other ports are its pods'.
      ['demo/web', 'nodelocaldns', 'TCP', 9153, 'deny'],
      // deviation: KubeSphere allows the Service port (80), which NetworkPolicy never sees after DNAT;
      // netiso the target port the connection really arrives on.
      ['demo/web', 'demo-2/nginx', 'TCP', 9376, 'allow', 'deny'],
      ['demo/web', 'demo-2/nginx', 'TCP', 80, 'deny', 'allow'],
      ['demo/web', 'demo-2/other', 'TCP', 9376, 'deny'],
      ['demo/web', 'partner-api', 'TCP', 80, 'allow'],
      ['demo/web', 'partner-api', 'TCP', 443, 'deny'],
      ['demo/web', 'partner-other', 'TCP', 80, 'deny'],
      ['default/client', 'demo-2/nginx', 'TCP', 9376, 'allow'],
      ['demo-2/nginx', 'default/client', 'TCP', 8080, 'allow'],
    ],
  },
  {
    file: 'workspace-mode.yaml',
    namespaces: { 'kubesphere-system': {}, 'kubesphere-monitoring-system': {}, 'team-b-app': { workspace: 'team-b' } },
    workloads: {
      'team-a-web/web': { app: 'web' },
      'team-a-api/api': { app: 'api' },
      'team-a-billing/billing': { app: 'billing' },
      'team-b-app/app': { app: 'app' },
      'kubesphere-system/console': { app: 'ks-console' },
      'kubesphere-monitoring-system/prometheus': { app: 'prometheus' },
    },
    externals: { internet: '203.0.113.9' },
    flows: [
      ['team-a-api/api', 'team-a-web/web', 'TCP', 80, 'allow'],
      ['team-a-billing/billing', 'team-a-web/web', 'TCP', 80, 'allow'],
      ['team-b-app/app', 'team-a-web/web', 'TCP', 80, 'deny'],
      ['kubesphere-system/console', 'team-a-web/web', 'TCP', 80, 'allow'],
      // Workspace mode deletes the project's allow-list entries.
      ['internet', 'team-a-web/web', 'TCP', 80, 'deny'],
      // An annotation the console turned off leaves the project to its workspace.
      ['team-a-web/web', 'team-a-api/api', 'TCP', 8080, 'allow'],
      ['team-b-app/app', 'team-a-api/api', 'TCP', 8080, 'deny'],
      // Project isolation replaces the workspace's, so its workspace neighbours need an entry.
      ['team-a-api/api', 'team-a-billing/billing', 'TCP', 8443, 'allow'],
      ['team-a-api/api', 'team-a-billing/billing', 'TCP', 80, 'deny'],
      ['team-a-web/web', 'team-a-billing/billing', 'TCP', 8443, 'deny'],
      ['kubesphere-monitoring-system/prometheus', 'team-a-billing/billing', 'TCP', 9090, 'allow'],
      ['team-a-billing/billing', 'team-b-app/app', 'TCP', 80, 'allow'],
      ['team-a-web/web', 'internet', 'TCP', 443, 'allow'],
    ],
  },
  {
    file: 'egress-rules.yaml',
    namespaces: { ext: {}, 'kube-system': {} },
    workloads: {
      'app/web': { app: 'web' },
      'app/worker': { app: 'worker' },
      'db/pg': { app: 'pg' },
      'db/cache': { app: 'cache' },
      'ext/api': { app: 'api' },
      'kube-system/coredns': { 'k8s-app': 'kube-dns' },
    },
    externals: { lan: '192.168.0.5', 'other-lan': '192.168.1.5', nodelocaldns },
    flows: [
      ['app/web', 'db/pg', 'TCP', 5432, 'allow'],
      // A Service without ports: every port of its pods.
      ['app/web', 'db/pg', 'UDP', 9999, 'allow'],
      ['app/web', 'db/cache', 'TCP', 5436, 'allow'],
      ['app/web', 'db/cache', 'TCP', 5441, 'deny'],
      ['app/web', 'db/cache', 'TCP', 8080, 'allow'],
      ['app/web', 'db/cache', 'TCP', 6379, 'deny'],
      ['app/web', 'ext/api', 'TCP', 8080, 'allow'],
      ['app/web', 'ext/api', 'TCP', 443, 'deny'],
      ['app/web', 'lan', 'TCP', 8080, 'allow'],
      ['app/web', 'lan', 'TCP', 22, 'deny'],
      ['app/web', 'other-lan', 'TCP', 8080, 'deny'],
      ['app/web', 'app/worker', 'TCP', 8080, 'deny'],
      ['app/web', 'kube-system/coredns', 'UDP', 53, 'allow'],
      ['app/web', 'nodelocaldns', 'TCP', 53, 'allow'],
      ['db/pg', 'app/web', 'UDP', 9000, 'allow'],
      ['db/pg', 'app/web', 'TCP', 9000, 'deny'],
      ['db/pg', 'app/web', 'SCTP', 3868, 'allow'],
      ['ext/api', 'app/web', 'TCP', 8080, 'deny'],
      ['ext/api', 'db/pg', 'TCP', 5432, 'deny'],
    ],
  },
  {
    file: 'edge-cases.yaml',
    namespaces: { 'kube-system': {} },
    workloads: {
      'lonely/app': { app: 'app' },
      'orphan/app': { app: 'app' },
      'off/app': { app: 'app' },
      'in-iso/app': { app: 'app' },
      'broken/app': { app: 'app' },
      'ports-only/app': { app: 'app' },
      'sealed/app': { app: 'app' },
      'kube-system/coredns': { 'k8s-app': 'kube-dns' },
    },
    externals: { anywhere: '203.0.113.9', 'private-net': '172.16.3.4', 'ten-net': '10.1.2.3', nodelocaldns },
    nodes: { 'node-1': '192.168.10.5' },
    flows: [
      ['lonely/app', 'off/app', 'TCP', 80, 'allow'],
      // deviation: KubeSphere converts the entries of a namespace outside any workspace, or of a
      // workspace that is gone, although it does not isolate it; netiso imports neither namespace.
      ['in-iso/app', 'lonely/app', 'TCP', 80, 'allow', 'deny'],
      ['in-iso/app', 'orphan/app', 'TCP', 80, 'allow', 'deny'],
      ['off/app', 'lonely/app', 'TCP', 80, 'allow'],
      ['off/app', 'in-iso/app', 'TCP', 80, 'deny'],
      // The nodes' SNAT IPs are admitted into every isolated project, in workspace and project isolation.
      ['node-1', 'in-iso/app', 'TCP', 80, 'allow'],
      ['node-1', 'sealed/app', 'UDP', 5000, 'allow'],
      ['node-1', 'off/app', 'TCP', 80, 'allow'],
      ['off/app', 'broken/app', 'TCP', 80, 'deny'],
      ['broken/app', 'off/app', 'TCP', 80, 'deny'],
      ['broken/app', 'nodelocaldns', 'UDP', 53, 'allow'],
      // deviation: without a DNS Service in the input KubeSphere allows nodelocaldns only; netiso its default DNS pods too.
      ['broken/app', 'kube-system/coredns', 'UDP', 53, 'allow', 'deny'],
      ['anywhere', 'ports-only/app', 'TCP', 8080, 'allow'],
      ['anywhere', 'ports-only/app', 'TCP', 80, 'deny'],
      // deviation: an ingress rule without peers admits pods too in KubeSphere; netiso admits every address,
      // which matches pods only by IP (these have none, as with a CNI where ipBlocks miss pod IPs).
      ['in-iso/app', 'ports-only/app', 'TCP', 8080, 'deny', 'allow'],
      // A peer with both namespace and ipBlock is the namespace only.
      ['off/app', 'ports-only/app', 'TCP', 5432, 'allow'],
      ['ten-net', 'ports-only/app', 'TCP', 5432, 'deny'],
      ['private-net', 'ports-only/app', 'TCP', 22, 'allow'],
      ['private-net', 'ports-only/app', 'TCP', 23, 'deny'],
      // An egress rule without peers is dropped, yet locks egress down.
      ['ports-only/app', 'anywhere', 'TCP', 443, 'deny'],
      ['ports-only/app', 'nodelocaldns', 'UDP', 53, 'allow'],
      // deviation: `egress: []` locks egress down without DNS in KubeSphere; netiso always allows DNS.
      ['sealed/app', 'nodelocaldns', 'UDP', 53, 'allow', 'deny'],
      ['sealed/app', 'off/app', 'TCP', 80, 'deny'],
    ],
  },
  {
    file: 'non-canonical.yaml',
    namespaces: { 'kube-system': {} },
    workloads: { 'app/api': { app: 'api' }, 'web/front': { app: 'front' }, 'kube-system/coredns': { 'k8s-app': 'kube-dns' } },
    externals: { 'lan': '172.0.5.5', 'lan-excepted': '172.0.1.9', 'mapped-range': '10.0.0.5', 'api': '10.1.200.1', 'other-api': '10.2.0.1', nodelocaldns },
    flows: [
      ['lan', 'app/api', 'TCP', 80, 'allow'],
      ['lan-excepted', 'app/api', 'TCP', 80, 'deny'],
      ['mapped-range', 'app/api', 'TCP', 22, 'deny'],
      ['web/front', 'app/api', 'TCP', 8080, 'allow'],
      ['app/api', 'api', 'TCP', 443, 'allow'],
      ['app/api', 'other-api', 'TCP', 443, 'deny'],
      ['app/api', 'nodelocaldns', 'UDP', 53, 'allow'],
    ],
  },
  {
    file: 'gate-off.yaml',
    workloads: { 'a/app': { app: 'app' }, 'b/app': { app: 'app' } },
    flows: [
      ['b/app', 'a/app', 'TCP', 80, 'allow'],
      ['a/app', 'b/app', 'TCP', 80, 'allow'],
    ],
  },
];
