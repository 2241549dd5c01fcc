import { exampleClusters } from '../helpers';
import { Cluster } from '../../src';
import { diffDist } from '../../src/diff/diff';
import { ExplorerData, connsOfText, decodeMatrix, explorerDataProblems, renderHtml } from '../../src/explorer';
import { explainExplorerData, portText } from '../../src/explorer/produce';
import { diffExplorerData } from '../../src/explorer/produce-diff';
import { ConnSet } from '../../src/analysis';
import { analyzeCluster, explain } from '../../src/report';
import { connlist } from '../../src/report/connlist';
import { shop } from '../diff/fixtures';

let clusters: Cluster[];
let demo: Cluster;
beforeAll(() => {
  clusters = exampleClusters().clusters;
  demo = clusters.find((c) => c.name === 'demo') as Cluster;
});

function explainData(cluster: Cluster, options = {}): ExplorerData {
  const analysis = analyzeCluster(cluster);
  return explainExplorerData(analysis, explain(analysis, options));
}

/** The allowed connections of every member pair of the page, as `from > to` → np-guard text. */
function allowedPairs(data: ExplorerData): Map<string, string> {
  const c = data.clusters[0];
  const matrix = decodeMatrix(c);
  const out = new Map<string, string>();
  c.groups.forEach((from, f) => c.groups.forEach((to, t) => {
    if (from.kind !== 'project' && from.kind !== 'namespace') return;
    if (to.kind !== 'project' && to.kind !== 'namespace') return;
    const b = matrix[f * c.groups.length + t];
    if (b < 0) return;
    c.blocks[b].pairs.forEach((row, i) => row.forEach((a, j) => {
      if (a < 0) return;
      let conns = ConnSet.NONE;
      for (const flow of c.answers[a].flows.filter((x) => x.allowed)) {
        const text = connsOfText(flow.port)!;
        let set = ConnSet.unionAll(Object.entries(text.ranges).flatMap(([p, rs]) => rs.map(([lo, hi]) => ConnSet.ports(p as 'TCP', lo, hi))));
        if (text.negated) set = ConnSet.ALL.subtract(set);
        conns = conns.union(set);
      }
      if (!conns.isEmpty) out.set(`${from.id}/${from.members[i].name} > ${to.id}/${to.members[j].name}`, conns.toString());
    }));
  }));
  return out;
}

describe('explain producer', () => {
  test('every cluster of the examples gives sound data', () => {
    for (const c of clusters) expect(explorerDataProblems(explainData(c))).toEqual([]);
  });

  test('its allowed connections are the engine\'s, pair by pair', () => {
    for (const c of clusters) {
      const analysis = analyzeCluster(c);
      const expected = new Map(connlist(analysis.engine).filter((e) => e.from.kind === 'workload' && e.to.kind === 'workload')
        .map((e) => [`${(e.from as { namespace: string }).namespace}/${(e.from as { name: string }).name} > ${(e.to as { namespace: string }).namespace}/${(e.to as { name: string }).name}`, e.conns.toString()] as const));
      expect(new Map([...allowedPairs(explainData(c))].sort())).toEqual(new Map([...expected].sort()));
    }
  });

  test('every pair of pod groups has a cell; blocks are shared between cells', () => {
    const c = explainData(demo).clusters[0];
    const matrix = decodeMatrix(c);
    const pods = c.groups.map((g, i) => (g.kind === 'project' || g.kind === 'namespace' ? i : -1)).filter((i) => i >= 0);
    for (const f of pods) for (const t of pods) expect(matrix[f * c.groups.length + t]).toBeGreaterThanOrEqual(0);
    expect(c.blocks.length).toBeLessThan(pods.length * pods.length / 2);
  });

  test('projects by workspace first, then namespaces, addresses, nodes', () => {
    const kinds = explainData(demo).clusters[0].groups.map((g) => g.kind);
    expect(kinds.indexOf('namespace')).toBeGreaterThan(kinds.lastIndexOf('project'));
    expect(kinds.indexOf('external')).toBeGreaterThan(kinds.lastIndexOf('namespace'));
    expect(kinds[kinds.length - 1]).toBe('nodes');
    expect(explainData(demo).clusters[0].groups.slice(0, 2).map((g) => [g.id, g.workspace])).toEqual([['demo-project', 'demo-workspace'], ['demo-project-2', 'demo-workspace']]);
  });

  test('policies are traced to the construct and file that emit them', () => {
    const data = explainData(demo);
    const policy = (id: string) => data.clusters[0].policies.find((p) => p.id === id);
    expect(policy('demo-project/netiso-from-client')?.source).toEqual({ construct: 'demo/demo-project/from-client', file: 'projects/demo.ts' });
    expect(policy('demo-project/netiso-isolation')?.source).toEqual({ construct: 'demo/demo-project', file: 'projects/demo.ts' });
    expect(policy('demo-project/netiso-from-client')?.ingress?.[0].text).toBe('rule 0: from CIDR 192.168.1.1/32; on TCP/80');
  });

  test('a flow names the deciding rules of both sides within their namespaces; a denied one what denied it', () => {
    const c = explainData(demo).clusters[0];
    const flows = c.answers.flatMap((a) => a.flows);
    // demo-project's egress to nginx, and demo-project-2's ingress from demo-project.
    expect(flows).toContainEqual({
      port: 'TCP 80',
      allowed: true,
      egress: { verdict: 'allowed', rules: [{ policy: 'netiso-to-nginx', index: 0 }], isolatedBy: [] },
      ingress: { verdict: 'allowed', rules: [{ policy: 'netiso-from-demo-project', index: 0 }], isolatedBy: [] },
    });
    expect(flows).toContainEqual({
      port: 'all but TCP 6379',
      allowed: false,
      egress: { verdict: 'denied', rules: [], isolatedBy: ['netiso-isolation', 'netiso-to-redis'] },
      ingress: { verdict: 'denied', rules: [], isolatedBy: ['netiso-from-frontend', 'netiso-isolation'] },
    });
    expect(c.findings.find((f) => f.rule === 'snat-clients')?.groups).toEqual(['demo-nodeport-cluster']);
  });

  test('guardrail rules are cited by their full id, with name, tier and action', () => {
    const c = explainData(clusters.find((x) => x.name === 'guarded-cnp') as Cluster).clusters[0];
    const rules = c.answers.flatMap((a) => a.flows.flatMap((f) => [...f.egress.rules, ...f.ingress.rules]));
    const deny = rules.find((r) => r.action === 'deny');
    expect(deny?.policy).toMatch(/^ClusterNetworkPolicy /);
    expect(deny?.tier).toBe('admin');
    expect(c.policies.find((p) => p.id === deny?.policy)?.target).toMatch(/\(admin tier\)$/);
  });

  test('with a focus, only cells that hold a pair in scope', () => {
    const c = explainData(demo, { project: 'shop-db' }).clusters[0];
    const matrix = decodeMatrix(c);
    const n = c.groups.length;
    const at = (f: string, t: string) => matrix[c.groups.findIndex((g) => g.id === f) * n + c.groups.findIndex((g) => g.id === t)];
    expect(at('shop-web', 'shop-db')).toBeGreaterThanOrEqual(0);
    expect(at('shop-web', 'demo-project')).toBe(-1);
  });

  test('port texts read back as the same connections', () => {
    expect(portText(ConnSet.ALL)).toBe('All Connections');
    expect(portText(ConnSet.ports('TCP', 80, 80))).toBe('TCP 80');
    expect(portText(ConnSet.ALL.subtract(ConnSet.ports('TCP', 80, 80)))).toBe('all but TCP 80');
    expect(connsOfText(portText(ConnSet.ALL.subtract(ConnSet.ports('UDP', 53, 53))))).toEqual({ negated: true, ranges: { UDP: [[53, 53]] } });
  });
});

describe('diff producer', () => {
  const base = shop();
  const head = shop({ webIngressCidrs: ['0.0.0.0/0'], dbFromWeb: false, webFromPartner: true });
  const sides = { base: { files: base, fileName: (p: string) => `base/${p}` }, head: { files: head, fileName: (p: string) => `head/${p}` } };

  test('changed flows land in cells by the workloads and CIDRs the diff reports, risks first', () => {
    const report = diffDist(base, head);
    const data = diffExplorerData(report, sides, 'netiso diff: base → head');
    expect(explorerDataProblems(data)).toEqual([]);
    expect(data.risks.map((r) => [r.kind, r.group])).toEqual(report.risks.map((r) => [r.kind, r.project]));
    const c = data.clusters[0];
    expect(c.groups.map((g) => g.id)).toEqual(['db', 'web', 'partner', 'external any IPv4 address']);
    expect(c.groups.find((g) => g.id === 'partner')?.workspace).toBe('other');
    const changes = c.answers.flatMap((a) => a.flows.map((f) => `${f.change} ${f.port}`)).sort();
    expect(changes).toEqual(['allowed TCP 443', 'allowed TCP 8080', 'denied TCP port "redis"']);
    for (const g of c.groups.filter((x) => x.kind === 'project')) expect(g.members.every((m) => !m.name.includes('/'))).toBe(true);
  });

  test('a newly denied flow cites the rule it had before, with file and line', () => {
    const data = diffExplorerData(diffDist(base, head), sides, 'd');
    const policy = data.clusters[0].policies.find((p) => p.id === 'db/netiso-from-web');
    expect(policy).toMatchObject({ change: 'removed', source: { file: 'base/prod/db/NetworkPolicy.netiso-from-web.k8s.yaml' } });
    expect(policy?.ingress?.[0].line).toBeGreaterThan(1);
  });
});

describe('renderHtml', () => {
  test('one self-contained file: inline script and style admitted by hash, no connections', () => {
    const html = renderHtml(explainData(demo));
    const csp = html.match(/Content-Security-Policy" content="([^"]+)"/)?.[1];
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
    expect(html).not.toMatch(/<script[^>]+src=|<link|https?:\/\/(?!www\.w3\.org)/);
  });

  test('names cannot end the data element', () => {
    const html = renderHtml({ ...explainData(demo), title: '</script><script>alert(1)</script>' });
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain('<title>&lt;/script&gt;');
  });

  test('inconsistent data is refused with every problem', () => {
    const data = explainData(demo);
    expect(() => renderHtml({ ...data, clusters: [{ ...data.clusters[0], policies: [] }] })).toThrow(/explorer data is inconsistent:\n {2}- cluster demo: cell .* names policy/);
  });
});
