/**
 * What KubeSphere's v3.x controller enforces for each fixture, written by hand from the research
 * notes (/work/shared/research/kubesphere-semantics.md), not from the importer.
 *
 * Per imported project: the allowed traffic of each isolated direction as `peer @ port` atoms; a
 * direction that is absent is not isolated (everything allowed). Atoms:
 * - peers: `ns:<name>` (a namespace, all pods), `ns:<name> pods:<k=v,…>`, `ws:<workspace>`,
 *   `cidr:<cidr>` with ` except:<a,b>`;
 * - ports: `TCP/80`, `TCP/5432-5440`, `SCTP/*` (every SCTP port), `*` (every port).
 *
 * Where netiso deviates on purpose (README "Differences from KubeSphere"), the atom is netiso's and a
 * `deviation:` comment gives KubeSphere's. `flows.ts` checks concrete connections on top of these.
 */
export interface ExpectedProject {
  readonly ingress?: readonly string[];
  readonly egress?: readonly string[];
}

export interface ExpectedReportItem {
  readonly severity: 'skipped' | 'changed' | 'note';
  /** `Kind namespace/name` or `Kind name`. */
  readonly object: string;
  /** Part of the message that must appear. */
  readonly says: string;
}

export interface Fixture {
  readonly file: string;
  /** Every imported project (namespaces KubeSphere does not govern are not imported). */
  readonly projects: Readonly<Record<string, ExpectedProject>>;
  /** Every report item, by severity and object. */
  readonly report: readonly ExpectedReportItem[];
}

/** kube-dns/coredns pods on the Service's ports, and nodelocaldns on TCP and UDP 53 (§4). */
const dnsWithService = [
  'cidr:169.254.25.10/32 @ UDP/53',
  'cidr:169.254.25.10/32 @ TCP/53',
  'ns:kube-system pods:k8s-app=kube-dns @ UDP/53',
  'ns:kube-system pods:k8s-app=kube-dns @ TCP/53',
  'ns:kube-system pods:k8s-app=kube-dns @ TCP/9153',
];

/** No DNS Service in the input. */
const dnsWithoutService = [
  'cidr:169.254.25.10/32 @ UDP/53',
  'cidr:169.254.25.10/32 @ TCP/53',
  // deviation: KubeSphere omits the pod rule when neither kube-dns nor coredns exists; netiso allows its default DNS pods.
  'ns:kube-system pods:k8s-app=kube-dns @ UDP/53',
  'ns:kube-system pods:k8s-app=kube-dns @ TCP/53',
];

export const FIXTURES: readonly Fixture[] = [
  {
    file: 'project-mode.yaml',
    projects: {
      'demo': {
        ingress: [
          'ns:demo @ *',
          'ns:kubesphere-monitoring-system @ *',
          'ns:demo-2 @ *',
          'cidr:10.10.0.0/16 except:10.10.1.0/24 @ TCP/80',
          'cidr:10.10.0.0/16 except:10.10.1.0/24 @ TCP/443',
        ],
        // An egress entry locks egress down: no egress to the own namespace, DNS re-allowed.
        egress: [
          ...dnsWithService,
          // deviation: KubeSphere allows the Service port TCP 80; netiso the target port.
          'ns:demo-2 pods:app=nginx @ TCP/9376',
          'cidr:10.1.0.1/32 @ TCP/80',
        ],
      },
      'demo-2': {},
    },
    report: [
      { severity: 'changed', object: 'NamespaceNetworkPolicy demo/policy-to-d4e5f6', says: 'KubeSphere allowed its port TCP 80' },
      { severity: 'note', object: 'Input other objects', says: 'Deployment ×1' },
      { severity: 'note', object: 'Namespace default', says: 'has no kubesphere.io/workspace label' },
      { severity: 'note', object: 'Namespace kube-system', says: 'KubeSphere does not isolate it either' },
    ],
  },
  {
    file: 'workspace-mode.yaml',
    projects: {
      'team-a-web': { ingress: ['ws:team-a @ *', 'ns:kubesphere-system @ *', 'ns:kubesphere-monitoring-system @ *'] },
      'team-a-api': { ingress: ['ws:team-a @ *', 'ns:kubesphere-system @ *', 'ns:kubesphere-monitoring-system @ *'] },
      // Project isolation overrides the workspace's: only itself, the allowed namespaces and its entry.
      'team-a-billing': {
        ingress: ['ns:team-a-billing @ *', 'ns:kubesphere-system @ *', 'ns:kubesphere-monitoring-system @ *', 'ns:team-a-api @ TCP/8443'],
      },
    },
    report: [
      { severity: 'note', object: 'NamespaceNetworkPolicy team-a-web/policy-from-outside', says: 'in workspace isolation' },
    ],
  },
  {
    file: 'egress-rules.yaml',
    projects: {
      app: {
        ingress: ['ns:app @ *', 'ns:db @ UDP/9000', 'ns:db @ SCTP/*'],
        egress: [
          ...dnsWithService,
          // Service peers get a rule of their own with the Service's ports, not the NSNP rule's.
          'ns:db pods:app=pg @ TCP/5432',
          'ns:db @ TCP/8080',
          'ns:ext @ TCP/8080',
          'cidr:192.168.0.0/24 @ TCP/8080',
          // A Service without ports: its pods on every port.
          'ns:db pods:app=pg @ *',
          'ns:db @ TCP/5432-5440',
        ],
      },
      db: { ingress: ['ns:db @ *', 'ns:app @ *'] },
    },
    report: [
      { severity: 'note', object: 'ConfigMap kubesphere-system/kubesphere-config', says: 'not in the input' },
    ],
  },
  {
    file: 'edge-cases.yaml',
    projects: {
      // The node's SNAT IP is admitted into every isolated project (§2).
      'in-iso': { ingress: ['ws:iso @ *', 'cidr:192.168.10.5/32 @ *'] },
      'off': {},
      // Its NSNPs all fail to convert, but one has egress rules, so egress is locked down (DNS only).
      'broken': { ingress: ['ns:broken @ *', 'cidr:192.168.10.5/32 @ *'], egress: dnsWithoutService },
      'ports-only': {
        ingress: [
          'ns:ports-only @ *',
          'cidr:192.168.10.5/32 @ *',
          // deviation: KubeSphere's rule without peers admits everyone (pods too) on TCP 8080; netiso every address.
          'cidr:0.0.0.0/0 @ TCP/8080',
          'cidr:::/0 @ TCP/8080',
          // namespace wins over ipBlock in a peer that sets both.
          'ns:off @ *',
          'cidr:172.16.0.0/12 @ TCP/22',
        ],
        // The egress rule without peers is dropped, but it still locks egress down.
        egress: dnsWithoutService,
      },
      // deviation: `egress: []` locks egress down without DNS in KubeSphere; netiso always allows DNS.
      'sealed': { ingress: ['ns:sealed @ *', 'cidr:192.168.10.5/32 @ *'], egress: dnsWithoutService },
    },
    report: [
      { severity: 'skipped', object: 'Namespace orphan', says: 'workspace gone, which is not in the input' },
      { severity: 'skipped', object: 'NamespaceNetworkPolicy broken/policy-bad-proto', says: 'protocol "ICMP"' },
      { severity: 'skipped', object: 'NamespaceNetworkPolicy broken/policy-missing-svc', says: 'Service broken/nope does not exist' },
      { severity: 'skipped', object: 'NamespaceNetworkPolicy broken/policy-no-peer', says: 'a peer has none of service, namespace or ipBlock' },
      { severity: 'skipped', object: 'NamespaceNetworkPolicy broken/policy-no-selector', says: 'Service broken/external-db has no selector' },
      { severity: 'skipped', object: 'NamespaceNetworkPolicy ghost/policy-y', says: 'Namespace ghost is not in the input' },
      { severity: 'skipped', object: 'NamespaceNetworkPolicy lonely/policy-x', says: 'KubeSphere turns it into NetworkPolicy nsnp-policy-x' },
      { severity: 'skipped', object: 'NamespaceNetworkPolicy orphan/policy-o', says: 'namespace orphan is not imported' },
      { severity: 'changed', object: 'NamespaceNetworkPolicy ports-only/policy-ports-only', says: 'ingress rule 1 has no peers' },
      { severity: 'changed', object: 'NamespaceNetworkPolicy sealed/policy-seal', says: 'spec.egress is an empty list' },
      { severity: 'changed', object: 'Service kube-system/kube-dns', says: 'neither kube-system/kube-dns nor kube-system/coredns' },
      { severity: 'note', object: 'Namespace broken', says: 'because of policy-no-peer' },
      { severity: 'note', object: 'Namespace lonely', says: 'annotation has no effect' },
      // Code-point order: the report's message starting 'KubeSphere' sorts before 'entry'.
      { severity: 'note', object: 'Namespace ports-only', says: 'because of policy-ports-only' },
      { severity: 'note', object: 'Namespace ports-only', says: 'is named isolation-2' },
      { severity: 'note', object: 'Namespace sealed', says: 'because of policy-seal' },
      { severity: 'note', object: 'NamespaceNetworkPolicy in-iso/policy-ws', says: 'in workspace isolation' },
      { severity: 'note', object: 'NamespaceNetworkPolicy off/policy-off', says: 'whose isolation is off' },
      { severity: 'note', object: 'NamespaceNetworkPolicy ports-only/policy-ports-only', says: 'egress rule 1 has no peers: KubeSphere drops such a rule' },
      { severity: 'note', object: 'NamespaceNetworkPolicy ports-only/policy-two-fields', says: 'uses only the first' },
      { severity: 'note', object: 'Node node-1', says: 'carried over as snatNodeIps: 192.168.10.5' },
    ],
  },
  {
    file: 'non-canonical.yaml',
    projects: {
      app: {
        ingress: [
          'ns:app @ *',
          // Kubernetes ignores host bits; the import writes the block it matches.
          'cidr:172.0.0.0/16 except:172.0.1.0/24 @ TCP/80',
          // 'Web' is no namespace name: that peer matched nothing.
          'ns:web @ *',
        ],
        egress: [...dnsWithoutService, 'cidr:10.1.0.0/16 @ TCP/443'],
      },
      web: {},
    },
    report: [
      { severity: 'skipped', object: 'NamespaceNetworkPolicy app/policy-bad-except', says: 'ipBlock except entry "11.0.0.0/16" is not strictly inside 10.0.0.0/8, and the API server rejects' },
      { severity: 'skipped', object: 'NamespaceNetworkPolicy app/policy-bad-port', says: 'named port "HTTP" is not a valid port name, and the API server rejects' },
      { severity: 'changed', object: 'Service kube-system/kube-dns', says: 'neither kube-system/kube-dns nor kube-system/coredns' },
      { severity: 'note', object: 'ConfigMap kubesphere-system/kubesphere-config', says: 'not in the input' },
      { severity: 'note', object: 'NamespaceNetworkPolicy app/policy-lan', says: 'ipBlock cidr "172.0.0.1/16" is written as 172.0.0.0/16' },
      { severity: 'note', object: 'NamespaceNetworkPolicy app/policy-lan', says: 'ipBlock except entry "172.0.1.7/24" is written as 172.0.1.0/24' },
      { severity: 'note', object: 'NamespaceNetworkPolicy app/policy-mapped', says: 'IPv4-mapped IPv6 block, which matches no IPv4 connection' },
      { severity: 'note', object: 'NamespaceNetworkPolicy app/policy-names', says: 'namespace peer "Web" is no namespace name' },
      { severity: 'note', object: 'NamespaceNetworkPolicy app/policy-to-api', says: 'ipBlock cidr "10.1.2.3/16" is written as 10.1.0.0/16' },
    ],
  },
  {
    file: 'gate-off.yaml',
    projects: { a: {} },
    report: [
      { severity: 'note', object: 'ConfigMap kubesphere-system/kubesphere-config', says: 'enableNetworkPolicy is not true' },
      { severity: 'note', object: 'NamespaceNetworkPolicy a/policy-a', says: 'controller does not run' },
    ],
  },
];
