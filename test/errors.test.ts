import {
  Cluster, ClusterSet, Direction, ExternalWhitelist, InternalPeer, InternalWhitelist, IpBlock, IsolatedProject, Port, ProjectService,
  renderTree, SynthesisError, Workspace,
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
      'demo/x~2: allow-list entry name "x" is used twice in project demo; give each allow-list entry its own name',
      'demo~2: project name "demo" is already used; project names must be unique in cluster Test',
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
