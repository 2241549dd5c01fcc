import {
  Cluster, ClusterProps, DenyList, Direction, ExternalWhitelist, GUARDRAIL_KINDS, InternalPeer, InternalWhitelist, IsolatedProject, isGuardrailObject, Port, Workspace,
} from '../../src';
import { renderTree } from '../../src/synth/files';
import { bands } from '../../src/guardrails/priorities';
import { problems } from '../helpers';

function guarded(props: Partial<ClusterProps> = {}, api: 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'calico' | 'cilium' = 'ClusterNetworkPolicy'): Cluster {
  return new Cluster('g', { guardrails: { api }, ...props });
}

const names = (c: Cluster) => c.clusterManifests().map((m) => `${m.kind}/${m.metadata.name}`);

describe('cluster-scoped output', () => {
  test('without guardrails there is none, and no _cluster directory', () => {
    const c = new Cluster('plain');
    new IsolatedProject(c, 'a');
    expect(c.clusterManifests()).toEqual([]);
    expect([...renderTree([c]).files.keys()].filter((f) => f.includes('_cluster'))).toEqual([]);
  });

  test('one object per project, per isolated workspace, per narrowed entry, per deny list, plus system protection', () => {
    const c = guarded({ allowedIngressNamespaces: ['monitoring'] });
    const ws = new Workspace(c, 'team', { networkIsolation: true });
    new IsolatedProject(c, 't1', { workspace: ws });
    new IsolatedProject(c, 't2', { workspace: ws });
    const a = new IsolatedProject(c, 'a');
    new IsolatedProject(c, 'open', { isolation: 'none' });
    new InternalWhitelist(a, 'from-t1', { direction: Direction.INGRESS, podSelector: { app: 'db' }, peers: [InternalPeer.project('t1')], ports: [Port.tcp(5432)] });
    new DenyList(c, 'metadata', { cidrs: ['169.254.169.254/32'] });
    expect(problems(c)).toEqual([]);
    expect(names(c).sort()).toEqual([
      'ClusterNetworkPolicy/netiso.deny.cluster.metadata',
      'ClusterNetworkPolicy/netiso.project.a',
      'ClusterNetworkPolicy/netiso.project.a.from-t1',
      'ClusterNetworkPolicy/netiso.system',
      'ClusterNetworkPolicy/netiso.system.dns',
      'ClusterNetworkPolicy/netiso.workspace.team',
    ]);
    const system = c.clusterManifests().find((m) => m.metadata.name === 'netiso.system')!;
    // Every project is a tenant, isolated or not.
    expect(JSON.stringify(system.spec)).toContain('["a","open","t1","t2"]');
    expect(c.clusterManifests().every(isGuardrailObject)).toBe(true);
    expect(GUARDRAIL_KINDS).toEqual(expect.arrayContaining(['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'Tier', 'GlobalNetworkPolicy', 'CiliumClusterwideNetworkPolicy']));
  });

  test('priorities are unique, ordered by band, and do not move when a project is added', () => {
    const build = (extra: boolean) => {
      const c = guarded();
      for (const n of ['a', 'b', 'c', ...(extra ? ['aa'] : [])]) new IsolatedProject(c, n);
      new DenyList(c, 'metadata', { cidrs: ['169.254.169.254/32'] });
      return new Map(c.clusterManifests().map((m) => [m.metadata.name, (m.spec as { priority: number }).priority]));
    };
    const before = build(false);
    const after = build(true);
    for (const [name, p] of before) expect([name, after.get(name)]).toEqual([name, p]);
    expect(new Set(after.values()).size).toBe(after.size);
    const [system, deny, , tenant] = bands([0, 1000]);
    expect(before.get('netiso.system')).toBe(system.last);
    expect(before.get('netiso.deny.cluster.metadata')).toBeGreaterThanOrEqual(deny.first);
    expect(before.get('netiso.project.a')).toBeGreaterThanOrEqual(tenant.first);
  });

  test('too many objects for the priority range is an error naming the band and the fix', () => {
    const c = guarded({ guardrails: { api: 'AdminNetworkPolicy', priorityRange: [0, 9], protectedNamespaces: [] } });
    for (let i = 0; i < 6; i++) new IsolatedProject(c, `p${i}`);
    expect(problems(c)).toEqual([expect.stringMatching(/^6 guardrail objects of kind "tenant" need more than the 5 priorities 5-9 that priorityRange \[0, 9\] leaves them; widen guardrails.priorityRange .*OpenShift.*workspace isolation/)]);
  });

  test('more rules than the API allows in one object is an error', () => {
    const c = guarded();
    const a = new IsolatedProject(c, 'a');
    for (let i = 0; i < 25; i++) new IsolatedProject(c, `q${i}`);
    for (let i = 0; i < 25; i++) new InternalWhitelist(a, `from-q${i}`, { direction: Direction.INGRESS, peers: [InternalPeer.project(`q${i}`)], ports: [Port.tcp(1000 + i)] });
    expect(problems(c)).toEqual([expect.stringMatching(/ClusterNetworkPolicy netiso.project.a needs 27 ingress rules .* more than the 25 the API allows/)]);
    // Calico has no such limit.
    const calico = guarded({ guardrails: { api: 'calico' } });
    const b = new IsolatedProject(calico, 'a');
    for (let i = 0; i < 25; i++) new IsolatedProject(calico, `q${i}`);
    for (let i = 0; i < 25; i++) new InternalWhitelist(b, `from-q${i}`, { direction: Direction.INGRESS, peers: [InternalPeer.project(`q${i}`)], ports: [Port.tcp(1000 + i)] });
    expect(problems(calico)).toEqual([]);
  });

  test('Calico selectors stay within 1,024 characters: long name lists are split', () => {
    const c = guarded({}, 'calico');
    for (let i = 0; i < 150; i++) new IsolatedProject(c, `project-with-a-long-name-${i}`);
    new DenyList(c, 'metadata', { cidrs: ['169.254.169.254/32'] });
    const deny = c.clusterManifests().filter((m) => m.metadata.name.startsWith('netiso.deny.cluster.metadata'));
    expect(deny.length).toBeGreaterThan(1);
    const selectors = JSON.stringify(c.clusterManifests()).match(/"(namespaceSelector|selector)":"[^"]*"/g)!;
    expect(Math.max(...selectors.map((s) => s.length))).toBeLessThanOrEqual(1024 + 25);
  });
});

describe('validation', () => {
  test('guardrail settings', () => {
    expect(problems(guarded({ guardrails: { api: 'antrea' as never } }))).toEqual([expect.stringContaining("guardrails api \"antrea\" is not an API netiso writes; use 'ClusterNetworkPolicy', 'AdminNetworkPolicy', 'calico', 'cilium'")]);
    expect(problems(guarded({ guardrails: { api: 'ClusterNetworkPolicy', priorityRange: [0, 2000] } }))).toEqual([expect.stringContaining('priorityRange [0,2000] is not a range within 0-1000')]);
    const c = guarded({ guardrails: { api: 'cilium', protectedNamespaces: ['kube-system', 'Bad_Name'] } });
    new IsolatedProject(c, 'kube-system');
    expect(problems(c)).toEqual(expect.arrayContaining([
      expect.stringContaining('guardrails protected namespace "Bad_Name" is not a DNS-1123 label'),
    ]));
    const d = guarded({ guardrails: { api: 'cilium' } });
    new IsolatedProject(d, 'kube-system');
    expect(problems(d)).toEqual([
      'namespace kube-system is both a netiso project and a protected system namespace; remove it from guardrails.protectedNamespaces or rename the project',
      expect.stringMatching(/^kube-system: project name "kube-system" is reserved: /),
    ]);
  });

  test('deny lists: need guardrails, a target, known projects and workspaces, no self, no named ports or except', () => {
    const plain = new Cluster('plain');
    new DenyList(plain, 'x', { cidrs: ['169.254.169.254/32'] });
    expect(problems(plain)).toEqual([expect.stringMatching(/^DenyList:x: a DenyList needs guardrails, because NetworkPolicy cannot deny; set guardrails/)]);

    const c = guarded();
    const ws = new Workspace(c, 'team');
    const a = new IsolatedProject(c, 'a', { workspace: ws });
    new DenyList(c, 'empty', {});
    new DenyList(a, 'self', { projects: ['a'], workspaces: ['team'] });
    new DenyList(ws, 'own', { projects: [a], workspaces: [ws] });
    new DenyList(c, 'unknown', { projects: ['nope'], workspaces: ['gone'], cidrs: [ '10.0.0.0/8', '10.0.0.1' ] });
    new DenyList(c, 'ports', { cidrs: ['10.0.0.0/8'], ports: [Port.tcp('http')] });
    new DenyList(c, 'ports', { cidrs: ['10.0.0.0/8'] });
    expect(problems(c).sort()).toEqual([
      'DenyList:empty: the deny list names nothing; give cidrs, projects, namespaces or workspaces',
      'DenyList:ports: TCP port "http" is a named port, which depends on each pod\'s containers; deny port numbers or ranges',
      'DenyList:ports~2: deny list name "ports" is used twice in the same scope; give each deny list its own name',
      'DenyList:unknown: CIDR "10.0.0.1" is missing a prefix length; did you mean "10.0.0.1/32"?',
      'DenyList:unknown: project nope is not defined in cluster g; define it, or list a namespace netiso does not manage under namespaces',
      'DenyList:unknown: workspace gone is not defined in cluster g; define it with new Workspace(cluster, "gone")',
      'Workspace:team/DenyList:own: the deny list of workspace team denies its own project a; remove it from projects',
      'Workspace:team/DenyList:own: the deny list of workspace team denies the workspace itself; remove it from workspaces',
      'a/DenyList:self: the deny list of project a denies its own workspace team; list the other projects instead',
      'a/DenyList:self: the deny list of project a denies the project itself; remove it from projects',
    ]);
  });

  test('an allow-list entry a deny list makes useless is an error naming both, on either end', () => {
    const c = guarded();
    const a = new IsolatedProject(c, 'a');
    const b = new IsolatedProject(c, 'b');
    new InternalWhitelist(a, 'to-b', { direction: Direction.EGRESS, peers: [InternalPeer.project('b')] });
    new InternalWhitelist(b, 'from-a', { direction: Direction.INGRESS, peers: [InternalPeer.project('a')], ports: [Port.tcp(80)] });
    new ExternalWhitelist(a, 'to-metadata', { direction: Direction.EGRESS, cidrs: ['169.254.169.254/32'] });
    new ExternalWhitelist(a, 'to-link-local', { direction: Direction.EGRESS, cidrs: ['169.254.0.0/16'] });
    new DenyList(a, 'no-b', { projects: ['b'] });
    new DenyList(c, 'metadata', { cidrs: ['169.254.169.254/32'] });
    expect(c.problems().map((p) => p.message).sort()).toEqual([
      'the allow-list entry g/a/to-b opens project b, which DenyList g/a/DenyList:no-b denies: the entry can never allow anything for it. Remove it from the entry, or narrow the deny list',
      'the allow-list entry g/a/to-metadata opens CIDR 169.254.169.254/32, which DenyList g/DenyList:metadata denies: the entry can never allow anything for it. Remove it from the entry, or narrow the deny list',
      'the allow-list entry g/b/from-a opens project a, which DenyList g/a/DenyList:no-b denies: the entry can never allow anything for it. Remove it from the entry, or narrow the deny list',
    ]);
    expect(c.problems().map((p) => p.path).sort()).toEqual(['g/a/to-b', 'g/a/to-metadata', 'g/b/from-a']);
  });

  test('partial overlaps are warnings', () => {
    const c = guarded();
    const a = new IsolatedProject(c, 'a');
    new IsolatedProject(c, 'b');
    new InternalWhitelist(a, 'to-b', { direction: Direction.EGRESS, peers: [InternalPeer.project('b')] });
    new ExternalWhitelist(a, 'to-link-local', { direction: Direction.EGRESS, cidrs: ['169.254.0.0/16'] });
    new DenyList(a, 'no-b-http', { projects: ['b'], ports: [Port.tcp(80)] });
    new DenyList(c, 'metadata', { cidrs: ['169.254.169.254/32'] });
    expect(problems(c)).toEqual([]);
    expect(c.warnings().map((w) => `${w.path}: ${w.message}`).sort()).toEqual([
      'g/a/to-b: DenyList g/a/DenyList:no-b-http denies TCP 80 of what the entry opens for project b; only the other ports are allowed',
      'g/a/to-link-local: 169.254.169.254/32 of CIDR 169.254.0.0/16 is denied by DenyList g/DenyList:metadata; the entry opens the rest of the block only (add it to except to say so)',
    ]);
  });

  test('a deny list that cuts off the cluster DNS is an error', () => {
    const c = guarded();
    new IsolatedProject(c, 'a');
    const d = new DenyList(c, 'no-system', { namespaces: ['kube-system'] });
    expect(c.problems()).toEqual([{ path: `g/${d.node.path}`, message: expect.stringMatching(/^DenyList g\/DenyList:no-system denies namespace kube-system, where the cluster DNS answers on UDP 53, TCP 53/) }]);
  });

  test('defaultDenyUnmanaged makes egress entries into unmanaged namespaces an error, unless protected', () => {
    const c = guarded({ guardrails: { api: 'ClusterNetworkPolicy', defaultDenyUnmanaged: true } });
    const a = new IsolatedProject(c, 'a');
    new InternalWhitelist(a, 'to-monitoring', { direction: Direction.EGRESS, peers: [InternalPeer.namespace('monitoring')] });
    new InternalWhitelist(a, 'to-system', { direction: Direction.EGRESS, peers: [InternalPeer.namespace('kube-system', { podSelector: { app: 'x' } })] });
    expect(problems(c)).toEqual([expect.stringMatching(/^a\/to-monitoring: the allow-list entry g\/a\/to-monitoring opens namespace monitoring, but guardrails.defaultDenyUnmanaged denies the pods of namespace monitoring/)]);
  });
});
