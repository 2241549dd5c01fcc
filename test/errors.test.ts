import {
  Cluster, ClusterSet, Direction, ExternalWhitelist, InternalPeer, InternalWhitelist, IpBlock, IsolatedProject, Port, ProjectService,
  renderTree, SynthesisError, Workload, Workspace,
} from '../src';
import { problems, project, testCluster } from './helpers';

describe('validation reports every problem with its construct path, value and fix', () => {
  test('bad values of entries', () => {
    const cluster = testCluster();
    const p = project(cluster, 'demo');
    new ExternalWhitelist(p, 'office', { direction: Direction.INGRESS, cidrs: ['10.0.0.1', IpBlock.of('10.0.0.0/8', ['11.0.0.0/16'])], ports: [Port.tcp(70000), Port.tcpRange(9000, 8000)] });
    new ExternalWhitelist(p, 'Bad_Name', { direction: 'sideways' as Direction, cidrs: [] });
    new ExternalWhitelist(p, 'proto', { direction: Direction.EGRESS, cidrs: ['0.0.0.0/0'], ports: [Port.of({ protocol: 'ICMP' as never, port: 8 })] });
    expect(problems(cluster)).toEqual([
      'demo/office: port 70000 is outside 1-65535; use a whole number between 1 and 65535',
      'demo/office: endPort 8000 is below port 9000; did you mean TCP 8000-9000?',
      'demo/office: CIDR "10.0.0.1" is missing a prefix length; did you mean "10.0.0.1/32"?',
      'demo/office: except entry "11.0.0.0/16" is not inside 10.0.0.0/8; list only blocks inside the CIDR',
      'demo/Bad_Name: allow-list entry name "Bad_Name" is not a DNS-1123 label; did you mean "bad-name"? (lowercase letters, digits and \'-\', starting and ending with a letter or digit)',
      'demo/Bad_Name: direction "sideways" is not a direction; use \'ingress\' or \'egress\'',
      'demo/Bad_Name: cidrs is empty, which in a NetworkPolicy would mean everyone; list at least one CIDR (IpBlock.anyIpv4() opens to every address on purpose)',
      'demo/proto: unknown protocol "ICMP"; use TCP, UDP or SCTP (NetworkPolicy cannot match other protocols)',
    ]);
  });

  test('references to unknown projects and Services, and Services without selector', () => {
    const cluster = testCluster();
    const p = project(cluster, 'demo');
    const other = project(cluster, 'other');
    new ProjectService(other, 'headless', { selector: {}, ports: [{ port: 80 }, { port: 81 }] });
    new InternalWhitelist(p, 'refs', {
      direction: Direction.EGRESS,
      peers: [InternalPeer.project('nowhere'), InternalPeer.service({ project: 'other', name: 'missing' }), InternalPeer.service({ project: 'other', name: 'headless' })],
    });
    new InternalWhitelist(p, 'none', { direction: Direction.INGRESS, peers: [] });
    expect(problems(cluster)).toEqual([
      'demo/refs: project nowhere is not defined in cluster test; define it with new IsolatedProject(cluster, "nowhere"), or use InternalPeer.namespace("nowhere") for a namespace netiso does not manage',
      'demo/refs: Service other/missing is not defined in cluster test; define it with new ProjectService(project, "missing", …) in project other, or describe it inline with { namespace, name, selector, ports }',
      'demo/none: peers is empty, which in a NetworkPolicy would mean everyone; list at least one InternalPeer (use ExternalWhitelist with IpBlock.anyIpv4() to open to everyone on purpose)',
      'other/headless: Service other/headless has an empty selector, so no NetworkPolicy can select its pods; give the Service a pod selector (KubeSphere requires the same)',
      'other/headless: Service other/headless: port 80 needs a name because the Service has several ports',
      'other/headless: Service other/headless: port 81 needs a name because the Service has several ports',
    ]);
  });

  test('allow-lists on projects that are not project-isolated', () => {
    const cluster = testCluster();
    const ws = new Workspace(cluster, 'team', { networkIsolation: true });
    new ExternalWhitelist(project(cluster, 'open', { isolation: 'none' }), 'x', { direction: Direction.INGRESS, cidrs: ['10.0.0.0/8'] });
    new ExternalWhitelist(project(cluster, 'ws', { workspace: ws }), 'y', { direction: Direction.INGRESS, cidrs: ['10.0.0.0/8'] });
    project(cluster, 'lonely', { isolation: 'workspace' });
    expect(problems(cluster)).toEqual([
      "open/x: project open is not isolated (isolation: 'none'), so the allow-list entry for 10.0.0.0/8 has nothing to open; set isolation: 'project' or remove the entry",
      "ws/y: project ws uses workspace isolation, where KubeSphere keeps no allow-list entries; set isolation: 'project' on it to use the entry for 10.0.0.0/8",
      "lonely: isolation 'workspace' needs a workspace; set the workspace prop or use isolation 'project'",
    ]);
  });

  test('duplicate names and bad cluster settings', () => {
    const cluster = new Cluster('Test', { allowedIngressNamespaces: ['Kube_System'], dns: { nodeLocalDnsIp: '169.254.25', podLabels: {} } });
    const a = new IsolatedProject(cluster, 'demo');
    new IsolatedProject(cluster, 'demo');
    new ExternalWhitelist(a, 'x', { direction: Direction.INGRESS, cidrs: ['10.0.0.0/8'] });
    new ExternalWhitelist(a, 'x', { direction: Direction.INGRESS, cidrs: ['10.0.0.0/16'] });
    expect(problems(cluster)).toEqual([
      'cluster name "Test" is not a DNS-1123 label; did you mean "test"? (lowercase letters, digits and \'-\', starting and ending with a letter or digit)',
      'allowed ingress namespace "Kube_System" is not a DNS-1123 label; did you mean "kube-system"? (lowercase letters, digits and \'-\', starting and ending with a letter or digit)',
      'DNS podLabels is empty, which would allow egress to every pod of kube-system; give the DNS pods\' labels, e.g. { \'k8s-app\': \'kube-dns\' }',
      'DNS nodeLocalDnsIp "169.254.25" is not an IP address; use the NodeLocal DNSCache address, e.g. "169.254.25.10"',
      'demo/x: allow-list entry name "x" is used twice in project demo; give each allow-list entry its own name',
      'demo: project name "demo" is used twice; project names must be unique in cluster Test: rename one, or declare it once',
    ]);
  });

  test('renderTree throws one SynthesisError listing the problems of every cluster', () => {
    const set = new ClusterSet();
    new IsolatedProject(set.cluster('a'), 'Bad');
    new ExternalWhitelist(new IsolatedProject(set.cluster('b'), 'ok'), 'e', { direction: Direction.EGRESS, cidrs: ['1.2.3.4'] });
    let error: unknown;
    try { renderTree(set.clusters); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(SynthesisError);
    expect((error as SynthesisError).message).toBe([
      'netiso found 2 problems; nothing was written:',
      '  - a/Bad: project name "Bad" is not a DNS-1123 label; did you mean "bad"? (lowercase letters, digits and \'-\', starting and ending with a letter or digit)',
      '  - b/ok/e: CIDR "1.2.3.4" is missing a prefix length; did you mean "1.2.3.4/32"?',
    ].join('\n'));
  });

  test('clusters configured differently in two files', () => {
    const set = new ClusterSet();
    set.withSource('projects/a.ts', () => set.cluster('demo', { allowedIngressNamespaces: ['x'] }));
    set.withSource('projects/b.ts', () => set.cluster('demo', { allowedIngressNamespaces: ['y'] }));
    set.withSource('projects/c.ts', () => set.cluster('demo'));
    expect(set.clusters[0].problems().map((p) => p.message)).toEqual([
      'cluster demo is configured differently in projects/a.ts and projects/b.ts; give its props in one file and call clusters.cluster("demo") without props elsewhere',
    ]);
  });
});

describe('definitions that would pass but must not', () => {
  test('system namespaces, the DNS namespace, allowed ingress namespaces and the ingress controller namespace are not projects', () => {
    const cluster = testCluster({
      allowedIngressNamespaces: ['monitoring'],
      dns: { namespace: 'dns-system', podLabels: { app: 'dns' } },
      ingressController: { namespace: 'gateway', podLabels: { app: 'gateway' } },
    });
    for (const name of ['kube-system', 'kube-public', 'kube-node-lease', 'dns-system', 'monitoring', 'gateway', 'default']) project(cluster, name);
    const fix = 'choose another name: netiso isolates tenant projects, never the namespaces the cluster itself depends on';
    expect(problems(cluster)).toEqual([
      `kube-system: project name "kube-system" is reserved: names starting with "kube-" belong to Kubernetes itself (kube-system runs the cluster DNS, and isolating it cuts every pod of the cluster off from DNS); ${fix}`,
      `kube-public: project name "kube-public" is reserved: names starting with "kube-" belong to Kubernetes itself (kube-system runs the cluster DNS, and isolating it cuts every pod of the cluster off from DNS); ${fix}`,
      `kube-node-lease: project name "kube-node-lease" is reserved: names starting with "kube-" belong to Kubernetes itself (kube-system runs the cluster DNS, and isolating it cuts every pod of the cluster off from DNS); ${fix}`,
      `dns-system: project name "dns-system" is reserved: it is the cluster's DNS namespace (dns.namespace), which every project's DNS egress goes to, and isolating it cuts every pod of the cluster off from DNS; ${fix}`,
      `monitoring: project name "monitoring" is reserved: it is one of the cluster's allowedIngressNamespaces, which every isolated project admits, so a project of that name would reach every project; ${fix}`,
      `gateway: project name "gateway" is reserved: it is the namespace of the cluster's ingressController, whose pods every Ingress exposure admits; ${fix}`,
    ]);
  });

  test('labels that decide isolation cannot be set through namespaceLabels', () => {
    const cluster = testCluster({ namespaceLabel: 'example.com/namespace' });
    new Workspace(cluster, 'team', { networkIsolation: true });
    project(cluster, 'intruder', {
      namespaceLabels: {
        'kubesphere.io/workspace': 'team', 'kubernetes.io/metadata.name': 'team-a', 'kubesphere.io/namespace': 'team-a',
        'example.com/namespace': 'team-a', 'app.kubernetes.io/managed-by': 'helm', 'team': 'ok',
      },
    });
    expect(problems(cluster)).toEqual([
      'intruder: namespaceLabels sets "kubesphere.io/workspace", which puts the namespace into a workspace\'s isolation; netiso sets it from the project\'s workspace prop, so remove it and set workspace instead',
      'intruder: namespaceLabels sets "kubernetes.io/metadata.name", which names the namespace in policy selectors: another value lets the project pass for another namespace; remove it (netiso sets it to the project name)',
      'intruder: namespaceLabels sets "kubesphere.io/namespace", which names the namespace in policy selectors: another value lets the project pass for another namespace; remove it (netiso sets it to the project name)',
      'intruder: namespaceLabels sets "example.com/namespace", which names the namespace in policy selectors: another value lets the project pass for another namespace; remove it (netiso sets it to the project name)',
      'intruder: namespaceLabels sets "app.kubernetes.io/managed-by", which marks the objects netiso owns (its writer and GitOps pruning rely on it); remove it',
    ]);
  });

  test('names the API server rejects: Services, port names, derived names longer than 63 characters', () => {
    const cluster = testCluster();
    const p = project(cluster);
    new ProjectService(p, '9lives', { selector: { app: 'cat' }, ports: [{ port: 80, name: 'HTTP' }, { port: 9090, name: 'metrics_port' }] });
    new Workload(p, 'cat', { labels: { app: 'cat' }, ports: [{ containerPort: 80, name: 'HTTP' }] });
    const long = `to-${'x'.repeat(54)}`;
    new ExternalWhitelist(p, long, { direction: Direction.EGRESS, cidrs: ['10.0.0.0/8'] });
    expect(problems(cluster)).toEqual([
      'demo/9lives: Service name "9lives" is not a DNS-1035 label; start it with a letter, e.g. "svc-9lives" (Kubernetes requires Service names to start with a letter)',
      'demo/9lives: Service demo/9lives: port name "HTTP" is not a valid port name; use at most 15 lowercase letters, digits and single \'-\', with at least one letter, e.g. "http"',
      'demo/9lives: Service demo/9lives: port name "metrics_port" is not a valid port name; use at most 15 lowercase letters, digits and single \'-\', with at least one letter, e.g. "metrics-port"',
      'demo/workload:cat: workload cat: port HTTP: name "HTTP" is not a port name (1-15 lower-case letters, digits and \'-\', with a letter)',
      `demo/${long}: allow-list entry name "${long}" is 57 characters long, so its NetworkPolicy netiso-${long} would be 64; use at most 56 characters`,
    ]);
  });

  test('an IPv4-mapped IPv6 CIDR is refused: it never matches IPv4 traffic', () => {
    const cluster = testCluster();
    new ExternalWhitelist(project(cluster), 'mapped', { direction: Direction.INGRESS, cidrs: ['::ffff:10.0.0.0/104'] });
    expect(problems(cluster)).toEqual([
      'demo/mapped: CIDR "::ffff:10.0.0.0/104" is an IPv4-mapped IPv6 block, which matches no IPv4 traffic; write the IPv4 CIDR "10.0.0.0/8"',
    ]);
  });

  test('wrong JavaScript types are problems like any other, and hide none of the others', () => {
    const cluster = new Cluster('test', { allowedIngressNamespaces: 'monitoring' as never, nodeCidrs: '10.0.0.0/24' as never });
    const ws = new Workspace(cluster, 'team', { networkIsolation: 'yes' as never });
    const p = project(cluster, 'demo', { workspace: 'team' as never, isolation: 'project', manageNamespace: 'no' as never });
    new ExternalWhitelist(p, 'office', { direction: Direction.INGRESS, cidrs: '10.0.0.0/8' as never });
    new ExternalWhitelist(p, 'mixed', { direction: Direction.INGRESS, cidrs: [{ cidr: '10.0.0.0/8' }] as never, ports: Port.tcp(80) as never });
    new InternalWhitelist(p, 'web', { direction: Direction.INGRESS, peers: ['other'] as never, ports: [80, 'http'] as never });
    new InternalWhitelist(p, 'nothing', { direction: Direction.EGRESS, peers: [InternalPeer.project(undefined as never), InternalPeer.service(undefined as never)] });
    new ProjectService(p, 'api', { selector: { app: 'api' }, ports: 80 as never });
    new ExternalWhitelist(p, 'typo', { direction: Direction.INGRESS, cidrs: ['10.0.0.1'], podSelector: ['app'] as never });
    new Workload(p, 'web', { labels: { app: 'web' }, ports: 80 as never });
    new Workload(p, 'api', { labels: { app: 'api' }, ports: [8080] as never });
    project(cluster, 'other', { workspace: ws });
    expect(problems(cluster)).toEqual([
      'allowedIngressNamespaces must be a list, e.g. ["monitoring"]; got "monitoring"',
      'nodeCidrs must be a list, e.g. ["10.0.0.0/24"]; got "10.0.0.0/24"',
      'Workspace:team: networkIsolation must be true or false; got "yes"',
      'demo: workspace must be a Workspace construct, e.g. new Workspace(cluster, "team"); got "team"',
      'demo: manageNamespace must be true or false; got "no"',
      'demo/office: cidrs must be a list, e.g. ["10.0.0.0/8"]; got "10.0.0.0/8"',
      'demo/mixed: ports must be a list, e.g. [Port.tcp(80)]; got TCP 80',
      'demo/mixed: cidrs[0] is {"cidr":"10.0.0.0/8"}, not a CIDR; write a string like "10.0.0.0/8" or IpBlock.of(cidr, except)',
      'demo/web: ports[0] is 80, not a Port; write Port.tcp(80)',
      'demo/web: ports[1] is "http", not a Port; write Port.tcp("http")',
      'demo/web: peers[0] is "other", not an InternalPeer; write InternalPeer.project("other")',
      'demo/nothing: InternalPeer.project() was given undefined; give a project name or an IsolatedProject',
      'demo/nothing: InternalPeer.service() was given undefined; give a ProjectService, { project, name } or { namespace, name, selector, ports }',
      'demo/api: Service demo/api: ports must be a list, e.g. [{ port: 80 }]; got 80',
      'demo/typo: podSelector must be an object of label key/value pairs, got ["app"]',
      'demo/typo: CIDR "10.0.0.1" is missing a prefix length; did you mean "10.0.0.1/32"?',
      'demo/workload:web: ports must be a list, e.g. [{ containerPort: 80 }]; got 80',
      'demo/workload:api: workload api: port 8080 is not a container port; write { containerPort: 8080 }',
    ]);
  });

  test('an empty name and a name with "/" are reported as such, and stop nothing', () => {
    const cluster = testCluster();
    expect(() => {
      project(cluster, '');
      const p = project(cluster, 'after');
      new ExternalWhitelist(p, '', { direction: Direction.INGRESS, cidrs: ['10.0.0.0/8'] });
      new ExternalWhitelist(p, 'a/b', { direction: Direction.INGRESS, cidrs: ['10.0.0.0/16'] });
    }).not.toThrow();
    expect(cluster.projects.map((p) => p.name)).toEqual(['', 'after']);
    expect(problems(cluster)).toEqual([
      '(empty name): project name "" is empty; use a lowercase DNS label like "demo-project"',
      'after/(empty name): allow-list entry name "" is empty; use a lowercase DNS label like "demo-project"',
      'after/a/b: allow-list entry name "a/b" is not a DNS-1123 label; did you mean "a-b"? (lowercase letters, digits and \'-\', starting and ending with a letter or digit)',
    ]);
  });

  test('a project or workspace declared in two files names both files', () => {
    const set = new ClusterSet();
    set.withSource('projects/a.ts', () => {
      const cluster = set.cluster('demo');
      new IsolatedProject(cluster, 'dup-project', { workspace: new Workspace(cluster, 'team') });
    });
    set.withSource('projects/b.ts', () => {
      const cluster = set.cluster('demo');
      new Workspace(cluster, 'team');
      new IsolatedProject(cluster, 'dup-project');
      new IsolatedProject(cluster, 'dup-project');
    });
    expect(set.clusters[0].problems()).toEqual([
      { path: 'demo/Workspace:team', message: 'workspace team is declared in projects/a.ts and projects/b.ts; declare each workspace once, in the file of its projects' },
      { path: 'demo/dup-project', message: 'project dup-project is declared in projects/a.ts and projects/b.ts; project names must be unique in cluster demo: rename one, or declare it once' },
      { path: 'demo/dup-project', message: 'project dup-project is declared in projects/a.ts and projects/b.ts; project names must be unique in cluster demo: rename one, or declare it once' },
    ]);
  });
});
