import { diffDist, formatDiff, RiskKind } from '../../src';
import { DiffInputError } from '../../src/diff';
import { shop } from './fixtures';

const kinds = (base: Map<string, string>, head: Map<string, string>): RiskKind[] => diffDist(base, head).risks.map((r) => r.kind);

test('identical trees: no changes', () => {
  const report = diffDist(shop(), shop());
  expect(report.projects).toEqual([]);
  expect(report.risks).toEqual([]);
  expect(formatDiff(report, 'text')).toBe('No changes.\n');
});

test('ingress newly open to the internet: exact text output', () => {
  const report = diffDist(shop(), shop({ webIngressCidrs: ['0.0.0.0/0', '::/0'] }));
  expect(formatDiff(report, 'text')).toBe([
    '1 project(s) changed: 1 flow group(s) newly allowed, 0 newly denied; objects 1 added, 0 removed, 0 changed; 1 risk(s).',
    '',
    'RISKS:',
    '  ! [internet-ingress] prod/web: ingress from 0.0.0.0/0 and ::/0 to all pods on TCP 443 is now allowed (allowed by netiso-from-partners rule 0)',
    '',
    'prod/web:',
    '  + ingress from any IPv4 address; any IPv6 address to all pods on TCP 443: now allowed (allowed by netiso-from-partners rule 0)',
    '  added NetworkPolicy/netiso-from-partners',
    '',
  ].join('\n'));
  expect(report.projects[0].flows[0].rules).toEqual([{ policy: 'web/netiso-from-partners', direction: 'ingress', ruleIndex: 0, action: 'allow', tier: 'networkPolicy' }]);
});

test('ingress from a declared CIDR is an external-ingress risk, and names the CIDR', () => {
  const report = diffDist(shop(), shop({ webIngressCidrs: ['10.0.0.0/8'] }));
  expect(report.risks.map((r) => r.kind)).toEqual(['external-ingress']);
  expect(report.projects[0].flows.map((f) => f.peer)).toEqual(['CIDR 10.0.0.0/8']);
});

test('isolation none: isolation-removed, plus everything it opens', () => {
  expect(kinds(shop(), shop({ webIsolation: 'none' }))).toEqual(['internet-ingress', 'isolation-removed', 'cross-workspace']);
});

test('a removed project whose Namespace netiso managed is flagged; its pods are gone with it', () => {
  const report = diffDist(shop(), shop({ withDb: false }));
  expect(report.risks.map((r) => r.message)).toEqual(['prod/db: project removed; pruning deletes its Namespace and every workload in it']);
  const db = report.projects.find((p) => p.project === 'db')!;
  expect(db.status).toBe('removed');
  expect(db.objects.removed).toEqual(['Namespace/db', 'NetworkPolicy/netiso-from-web', 'NetworkPolicy/netiso-isolation', 'Service/redis']);
  expect(db.flows.length).toBeGreaterThan(0);
  expect(db.flows.every((f) => f.change === 'denied' && /is gone/.test(f.reason))).toBe(true);
});

test('a removed project whose namespace outlives it fails open', () => {
  const report = diffDist(shop({ dbManaged: false }), shop({ withDb: false }));
  expect(report.risks.map((r) => r.message)).toEqual([
    'prod/db: ingress from 0.0.0.0/0 and ::/0 to all pods on all ports is now allowed (no policy isolates ingress any more)',
    'prod/db: no policy isolates ingress to its pods any more',
    'prod/db: project removed; pruning deletes its NetworkPolicies while its namespace stays, so its pods fail open',
  ]);
  const db = report.projects.find((p) => p.project === 'db')!;
  expect(db.flows.some((f) => f.change === 'allowed' && f.direction === 'ingress' && f.reason === 'no policy isolates ingress any more')).toBe(true);
  expect(db.flows.every((f) => f.change === 'allowed')).toBe(true);
});

test('a new project is added without risk when it is isolated', () => {
  const report = diffDist(shop({ withDb: false }), shop());
  expect(report.risks).toEqual([]);
  const db = report.projects.find((p) => p.project === 'db')!;
  expect(db.status).toBe('added');
  expect(db.objects.added).toHaveLength(4);
});

test('egress lockdown lifted', () => {
  const report = diffDist(shop({ webEgressLocked: true }), shop());
  expect(report.risks.map((r) => r.kind)).toEqual(['egress-lockdown-lifted']);
  expect(report.projects[0].objects).toEqual({ added: [], removed: ['NetworkPolicy/netiso-to-api'], changed: ['NetworkPolicy/netiso-isolation'] });
  expect(report.projects[0].flows.every((f) => f.direction === 'egress' && f.change === 'allowed')).toBe(true);
});

test('a new flow from another workspace is a cross-workspace risk', () => {
  const report = diffDist(shop(), shop({ webFromPartner: true }));
  expect(report.risks).toEqual([{
    kind: 'cross-workspace', cluster: 'prod', project: 'web',
    message: 'prod/web: ingress from namespace partner (workspace other) on TCP 8080 is now allowed; web is in workspace shop',
  }]);
  expect(report.projects[0].flows.map((f) => f.text)).toEqual([
    '+ ingress from all pods in namespace partner to all pods on TCP 8080: now allowed (allowed by netiso-from-partner rule 0)',
  ]);
});

test('a removed allow-list entry denies its flows, on the Service-named port, and is no risk', () => {
  const report = diffDist(shop(), shop({ dbFromWeb: false }));
  expect(report.risks).toEqual([]);
  expect(report.projects[0].flows.map((f) => f.text)).toEqual([
    '- ingress from pods with role=frontend in namespace web to pods with role=db on TCP port "redis": now denied (was allowed by netiso-from-web rule 0)',
  ]);
});

test('an object change without connectivity change lists the object only', () => {
  const report = diffDist(shop(), shop({ redisPort: 6380 }));
  expect(report.projects).toEqual([{ cluster: 'prod', project: 'db', status: 'changed', objects: { added: [], removed: [], changed: ['Service/redis'] }, flows: [] }]);
  expect(report.summary.flowsAllowed + report.summary.flowsDenied).toBe(0);
});

test('markdown: summary, risks, then a collapsible section per project', () => {
  const md = formatDiff(diffDist(shop(), shop({ webFromPartner: true, dbFromWeb: false })), 'md');
  expect(md.indexOf('#### :warning: Risks')).toBeLessThan(md.indexOf('<details>'));
  expect(md).toContain('- **cross-workspace**: prod/web: ingress from namespace partner (workspace other) on TCP 8080 is now allowed; web is in workspace shop');
  expect(md).toContain('<summary><b>prod/db</b>: +0 allowed, -1 denied, 1 object(s) changed</summary>');
  expect(md.match(/<details>/g)).toHaveLength(2);
  expect(md.match(/<\/details>/g)).toHaveLength(2);
});

test('json: the report with its summary, risks and per-project flows', () => {
  const json = JSON.parse(formatDiff(diffDist(shop(), shop({ webFromPartner: true })), 'json'));
  expect(Object.keys(json).sort()).toEqual(['projects', 'risks', 'summary']);
  expect(json.summary).toEqual({ projectsChanged: 1, flowsAllowed: 1, flowsDenied: 0, objectsAdded: 1, objectsRemoved: 0, objectsChanged: 0 });
  expect(json.risks).toEqual([{
    kind: 'cross-workspace',
    cluster: 'prod',
    project: 'web',
    message: 'prod/web: ingress from namespace partner (workspace other) on TCP 8080 is now allowed; web is in workspace shop',
  }]);
  expect(json.projects).toHaveLength(1);
  expect(json.projects[0]).toMatchObject({ cluster: 'prod', project: 'web', status: 'changed', objects: { added: ['NetworkPolicy/netiso-from-partner'], removed: [], changed: [] } });
  expect(json.projects[0].flows).toEqual([expect.objectContaining({ direction: 'ingress', change: 'allowed', pods: 'all pods', peer: 'all pods in namespace partner', ports: 'TCP 8080', external: false })]);
});

test('output does not depend on the order of the files', () => {
  const reversed = (files: Map<string, string>) => new Map([...files].reverse());
  const head = shop({ webIsolation: 'none', withDb: false });
  const a = formatDiff(diffDist(shop(), head), 'json');
  const b = formatDiff(diffDist(reversed(shop()), reversed(head)), 'json');
  expect([...reversed(head).keys()]).not.toEqual([...head.keys()]);
  expect(b).toBe(a);
});

test('unparsable YAML is reported with its side and file', () => {
  const head = shop();
  head.set('prod/web/NetworkPolicy.netiso-isolation.k8s.yaml', 'a: [');
  expect(() => diffDist(shop(), head, { names: { head: 'dist' } })).toThrow(/^head \(dist\): prod\/web\/NetworkPolicy\.netiso-isolation\.k8s\.yaml: Flow sequence in block collection must be sufficiently indented and end with a \]/);
  expect(() => diffDist(head, shop())).toThrow(/^base: prod\/web\/NetworkPolicy\.netiso-isolation\.k8s\.yaml: /);
});

test('a malformed policy is reported with its side', () => {
  const base = shop();
  const file = 'prod/web/NetworkPolicy.netiso-isolation.k8s.yaml';
  base.set(file, base.get(file)!.replace(/policyTypes:\n(\s+)- Ingress/, 'policyTypes:\n$1- Sideways'));
  expect(base.get(file)).toContain('- Sideways');
  expect(() => diffDist(base, shop(), { names: { base: 'origin/main' } })).toThrow(new DiffInputError('base (origin/main): NetworkPolicy web/netiso-isolation: spec.policyTypes[0]: must be Ingress or Egress, got "Sideways"'));
});

/** A dist tree of raw objects: `<cluster>/<project>/<Kind>.<name>.yaml`. */
function tree(objects: Record<string, unknown>[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const o of objects) {
    const meta = o.metadata as { name: string; namespace?: string };
    files.set(`prod/${meta.namespace ?? meta.name}/${String(o.kind)}.${meta.name}.yaml`, JSON.stringify(o));
  }
  return files;
}
const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const policy = (namespace: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

test('a default-deny ingress policy is reported for pods inside the namespace too, on every protocol', () => {
  const base = tree([ns('a'), ns('b')]);
  const head = tree([ns('a'), ns('b'), policy('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })]);
  const a = diffDist(base, head).projects.find((p) => p.project === 'a')!;
  expect(a.flows.map((f) => `${f.text} [${f.conns}]`)).toEqual([
    '- ingress from all pods of the project; all pods in 2 namespaces (b, any other namespace); any IPv4 address; any IPv6 address to all pods on all ports: now denied (isolated by deny; no rule allows it) [All Connections]',
  ]);
});

test('a semantically equal rewrite changes objects only: no flows, no risk', () => {
  const before = policy('a', 'p', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }, { namespaceSelector: { matchLabels: { team: 'y' } } }], ports: [{ port: 80 }, { port: 443 }] }] });
  const after = policy('a', 'p', { podSelector: {}, policyTypes: ['Ingress'], ingress: [
    { from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }], ports: [{ port: 443, protocol: 'TCP' }, { port: 80 }] },
    { from: [{ podSelector: { matchLabels: { app: 'x' } } }], ports: [{ port: 80 }, { port: 443 }] },
  ] });
  const report = diffDist(tree([ns('a'), before]), tree([ns('a'), after]));
  expect(report.risks).toEqual([]);
  expect(report.projects.map((p) => [p.project, p.flows.length, p.objects.changed])).toEqual([['a', 0, ['NetworkPolicy/p']]]);
});

test('label selectors are analysed exactly: pods only some selectors match are told apart', () => {
  const base = tree([ns('a'), policy('a', 'p', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, policyTypes: ['Ingress'] })]);
  const head = tree([ns('a'), policy('a', 'p', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }, { key: 'tier', operator: 'NotIn', values: ['db'] }] }, policyTypes: ['Ingress'] })]);
  const flows = diffDist(base, head).projects[0].flows;
  // Only pods without a tier label lose their isolation; tier=db was never isolated, tier=other stays so.
  expect(flows.map((f) => f.text)).toEqual([
    '+ ingress from all pods of the project; all pods in any other namespace; any IPv4 address; any IPv6 address to pods without tier on all ports: now allowed (no policy isolates ingress any more)',
  ]);
});

test('address peers of several classes read as one set, whatever their order', () => {
  // Ingress from 0.0.0.0/0 on TCP 443 beside an entry for one address on TCP 80: the address's
  // class and the rest are separate answers, and both get TCP 443 newly.
  const base = tree([ns('a'), policy('a', 'p', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '192.168.1.1/32' } }], ports: [{ port: 80 }] }] })]);
  const head = tree([ns('a'), policy('a', 'p', { podSelector: {}, policyTypes: ['Ingress'], ingress: [
    { from: [{ ipBlock: { cidr: '192.168.1.1/32' } }], ports: [{ port: 80 }] },
    { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] },
  ] })]);
  const flows = diffDist(base, head).projects[0].flows;
  expect(flows.map((f) => f.text)).toEqual(['+ ingress from any IPv4 address to all pods on TCP 443: now allowed (allowed by p rule 1)']);
});
