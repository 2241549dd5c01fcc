import { exampleClusters } from '../helpers';
import { Cluster } from '../../src';
import { diffDist } from '../../src/diff/diff';
import { decodeMatrix, explorerDataProblems, renderHtml } from '../../src/explorer';
import { explainExplorerData } from '../../src/explorer/produce';
import { diffExplorerData, peersOf } from '../../src/explorer/produce-diff';
import { analyzeCluster, explainCluster } from '../../src/report';
import { shop } from '../diff/fixtures';

let demo: Cluster;
beforeAll(() => {
  const clusters = exampleClusters();
    const problems: { path: string; message: string }[] = [];
  expect(problems).toEqual([]);
  demo = clusters.clusters.find((c) => c.name === 'demo') as Cluster;
});

describe('explain producer', () => {
  test('every cell of the report, with its counts, and sound data', () => {
    const report = explainCluster(demo);
    const data = explainExplorerData(report, analyzeCluster(demo));
    expect(explorerDataProblems(data)).toEqual([]);
    const c = data.clusters[0];
    const matrix = decodeMatrix(c);
    const cells = report.matrix.cells.map((cell) => {
      const f = c.groups.findIndex((g) => g.id === cell.from);
      const t = c.groups.findIndex((g) => g.id === cell.to);
      const flows = c.blocks[matrix[f * c.groups.length + t]].pairs.flat().filter((a) => a >= 0).flatMap((a) => c.answers[a].flows);
      return { from: cell.from, to: cell.to, allowed: flows.filter((x) => x.allowed).length, total: flows.length };
    });
    expect(cells).toEqual(report.matrix.cells.map(({ from, to, allowed, total }) => ({ from, to, allowed, total })));
    // Nothing outside the report's cells.
    expect([...matrix].filter((b) => b >= 0)).toHaveLength(report.matrix.cells.length);
  });

  test('projects by workspace first, then namespaces, addresses, nodes', () => {
    const data = explainExplorerData(explainCluster(demo), analyzeCluster(demo));
    const kinds = data.clusters[0].groups.map((g) => g.kind);
    expect(kinds.indexOf('namespace')).toBeGreaterThan(kinds.lastIndexOf('project'));
    expect(kinds.indexOf('external')).toBeGreaterThan(kinds.lastIndexOf('namespace'));
    expect(kinds[kinds.length - 1]).toBe('nodes');
    expect(data.clusters[0].groups.slice(0, 2).map((g) => [g.id, g.workspace])).toEqual([['demo-project', 'demo-workspace'], ['demo-project-2', 'demo-workspace']]);
  });

  test('policies are traced to the construct and file that emit them', () => {
    const data = explainExplorerData(explainCluster(demo), analyzeCluster(demo));
    const policy = (id: string) => data.clusters[0].policies.find((p) => p.id === id);
    expect(policy('demo-project/netiso-from-client')?.source).toEqual({ construct: 'demo/demo-project/from-client', file: 'projects/demo.ts' });
    expect(policy('demo-project/netiso-isolation')?.source).toEqual({ construct: 'demo/demo-project', file: 'projects/demo.ts' });
    expect(policy('demo-project/netiso-from-client')?.ingress?.[0].text).toBe('rule 0: from CIDR 192.168.1.1/32; on TCP/80');
  });

  test('a flow names the deciding rules of both sides, within their namespaces', () => {
    const data = explainExplorerData(explainCluster(demo), analyzeCluster(demo));
    const c = data.clusters[0];
    const flows = c.answers.flatMap((a) => a.flows);
    // demo-project egress to nginx, and demo-project-2's ingress from demo-project.
    expect(flows).toContainEqual({
      port: 'TCP 80',
      allowed: true,
      egress: { verdict: 'allowed', rules: [{ policy: 'netiso-to-nginx', index: 0 }], isolatedBy: [] },
      ingress: { verdict: 'allowed', rules: [{ policy: 'netiso-from-demo-project', index: 0 }], isolatedBy: [] },
    });
    expect(flows.some((f) => f.ingress.verdict === 'denied' && f.ingress.isolatedBy.includes('netiso-isolation'))).toBe(true);
    expect(c.findings.find((f) => f.rule === 'snat-clients')?.groups).toEqual(['demo-nodeport-cluster']);
  });
});

describe('diff producer', () => {
  const base = shop();
  const head = shop({ webIngressCidrs: ['0.0.0.0/0'], dbFromWeb: false, webFromPartner: true });
  const sides = { base: { files: base, fileName: (p: string) => `base/${p}` }, head: { files: head, fileName: (p: string) => `head/${p}` } };

  test('changed flows land in cells with their marks, risks first', () => {
    const report = diffDist(base, head);
    const data = diffExplorerData(report, sides, 'netiso diff: base → head');
    expect(explorerDataProblems(data)).toEqual([]);
    expect(data.risks.map((r) => [r.kind, r.group])).toEqual([['external-ingress', 'web'], ['cross-workspace', 'web']]);
    const c = data.clusters[0];
    expect(c.groups.map((g) => g.id)).toEqual(['db', 'web', 'partner', 'external any IPv4 address']);
    expect(c.groups.find((g) => g.id === 'partner')?.workspace).toBe('other');
    const changes = c.answers.flatMap((a) => a.flows.map((f) => `${f.change} ${f.port}`)).sort();
    expect(changes).toEqual(['allowed TCP 443', 'allowed TCP 8080', 'denied TCP 6379 (redis)']);
  });

  test('a newly denied flow cites the rule it had before, with file and line', () => {
    const data = diffExplorerData(diffDist(base, head), sides, 'd');
    const policy = data.clusters[0].policies.find((p) => p.id === 'db/netiso-from-web');
    expect(policy).toMatchObject({ change: 'removed', source: { file: 'base/prod/db/NetworkPolicy.netiso-from-web.k8s.yaml' } });
    expect(policy?.ingress?.[0].line).toBeGreaterThan(1);
  });

  test('peers the diff folds into words are placed on the axis', () => {
    expect(peersOf('all pods in namespaces a, b; pods with role=db,tier=x in namespace c; CIDR 10.0.0.0/8; the internet (IPv6)')).toEqual([
      { group: 'a', kind: 'namespace', member: 'all pods' },
      { group: 'b', kind: 'namespace', member: 'all pods' },
      { group: 'c', kind: 'namespace', member: 'pods with role=db,tier=x' },
      { group: 'external 10.0.0.0/8', kind: 'external', member: '10.0.0.0/8' },
      { group: 'external the internet (IPv6)', kind: 'external', member: 'the internet (IPv6)' },
    ]);
    expect(peersOf('other pods in any other namespace')).toEqual([{ group: '(any other namespace)', kind: 'namespace', member: 'other pods' }]);
    expect(() => peersOf('somewhere new')).toThrow('cannot place the diff\'s peer "somewhere new"');
  });
});

describe('renderHtml', () => {
  test('one self-contained file: inline script and style admitted by hash, no connections', () => {
    const html = renderHtml(explainExplorerData(explainCluster(demo), analyzeCluster(demo)));
    const csp = html.match(/Content-Security-Policy" content="([^"]+)"/)?.[1];
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
    expect(html).not.toMatch(/<script[^>]+src=|<link|https?:\/\/(?!www\.w3\.org)/);
  });

  test('names cannot end the data element', () => {
    const data = explainExplorerData(explainCluster(demo), analyzeCluster(demo));
    const html = renderHtml({ ...data, title: '</script><script>alert(1)</script>' });
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain('<title>&lt;/script&gt;');
  });

  test('inconsistent data is refused with every problem', () => {
    const data = explainExplorerData(explainCluster(demo), analyzeCluster(demo));
    expect(() => renderHtml({ ...data, clusters: [{ ...data.clusters[0], policies: [] }] })).toThrow(/explorer data is inconsistent:\n {2}- cluster demo: cell .* names policy/);
  });
});
