/**
 * Examples from the kubernetes.io NetworkPolicy concept page
 * (docs/concepts/services-networking/network-policies).
 */
import { Engine } from '../../src/analysis';
import { yamlDocs } from './fixture';

const TEST_NETWORK_POLICY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978
`;

const NAMESPACES = `
apiVersion: v1
kind: Namespace
metadata: {name: myproject, labels: {project: myproject}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
`;

function engine(policies: string): Engine {
  return Engine.fromManifests([...yamlDocs(NAMESPACES), ...yamlDocs(policies)], {
    workloads: [
      { namespace: 'default', name: 'db', labels: { role: 'db' }, ip: '10.244.1.10', node: 'n1' },
      { namespace: 'default', name: 'frontend', labels: { role: 'frontend' }, ip: '10.244.1.11' },
      { namespace: 'default', name: 'backend', labels: { role: 'backend' }, ip: '10.244.1.12' },
      { namespace: 'myproject', name: 'api', labels: { app: 'api' } },
      { namespace: 'other', name: 'api', labels: { app: 'api' } },
      { namespace: 'other', name: 'client', labels: { role: 'client', user: 'alice' } },
    ],
    externals: [
      { name: 'office', ip: '172.17.0.5' },
      { name: 'excepted', ip: '172.17.1.5' },
      { name: 'service', ip: '10.0.0.7' },
    ],
    nodes: [
      { name: 'n1', ip: '192.168.0.1' },
      { name: 'n2', ip: '192.168.0.2' },
    ],
  });
}

describe('kubernetes.io test-network-policy', () => {
  const e = engine(TEST_NETWORK_POLICY);
  const allowed = (from: Parameters<Engine['evaluate']>[0]['from'], to: Parameters<Engine['evaluate']>[0]['to'], port: number) => e.evaluate({ from, to, port }).allowed;

  test('ingress to db on TCP/6379 from the three ORed peers', () => {
    expect(allowed('default/frontend', 'default/db', 6379)).toBe(true);
    expect(allowed('myproject/api', 'default/db', 6379)).toBe(true);
    expect(allowed({ external: 'office' }, 'default/db', 6379)).toBe(true);
  });

  test('everyone else, the except range, and other ports are denied', () => {
    expect(allowed('default/backend', 'default/db', 6379)).toBe(false);
    expect(allowed('other/api', 'default/db', 6379)).toBe(false);
    expect(allowed({ external: 'excepted' }, 'default/db', 6379)).toBe(false);
    expect(allowed('default/frontend', 'default/db', 80)).toBe(false);
    expect(e.evaluate({ from: 'default/frontend', to: 'default/db', port: 6379, protocol: 'UDP' }).allowed).toBe(false);
  });

  test('egress from db only to 10.0.0.0/24 on TCP/5978', () => {
    expect(allowed('default/db', { external: 'service' }, 5978)).toBe(true);
    expect(allowed('default/db', '10.0.0.200', 5978)).toBe(true);
    expect(allowed('default/db', { external: 'service' }, 80)).toBe(false);
    expect(allowed('default/db', '10.0.1.1', 5978)).toBe(false);
    expect(allowed('default/db', 'default/frontend', 5978)).toBe(false);
  });

  test('pods not selected by the policy are unaffected', () => {
    expect(allowed('default/backend', 'default/frontend', 80)).toBe(true);
    expect(allowed('default/frontend', '8.8.8.8', 443)).toBe(true);
  });

  test("the db's own node may always reach it; another node may not", () => {
    const own = e.evaluate({ from: { node: 'n1' }, to: 'default/db', port: 6379 });
    expect(own.allowed).toBe(true);
    expect(own.exemption).toBe('own-node');
    expect(own.ingress.allowed).toBe(false);
    expect(allowed({ node: 'n2' }, 'default/db', 6379)).toBe(false);
  });
});

describe('kubernetes.io default policies', () => {
  test('default deny all ingress, then allow all ingress', () => {
    const deny = engine(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`);
    expect(deny.evaluate({ from: 'other/api', to: 'default/frontend', port: 80 }).allowed).toBe(false);
    expect(deny.evaluate({ from: 'default/frontend', to: 'other/api', port: 80 }).allowed).toBe(true);
    const allow = engine(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-ingress}
spec:
  podSelector: {}
  ingress: [{}]
  policyTypes: [Ingress]
`);
    expect(allow.evaluate({ from: '8.8.8.8', to: 'default/frontend', port: 80 }).allowed).toBe(true);
  });

  test('default deny all egress, then allow all egress', () => {
    const deny = engine(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-egress}
spec:
  podSelector: {}
  policyTypes: [Egress]
`);
    expect(deny.evaluate({ from: 'default/frontend', to: '8.8.8.8', port: 53, protocol: 'UDP' }).allowed).toBe(false);
    expect(deny.evaluate({ from: 'other/api', to: 'default/frontend', port: 80 }).allowed).toBe(true);
    const allow = engine(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-egress}
spec:
  podSelector: {}
  egress: [{}]
  policyTypes: [Egress]
`);
    expect(allow.evaluate({ from: 'default/frontend', to: '8.8.8.8', port: 53, protocol: 'UDP' }).allowed).toBe(true);
  });

  test('namespaceSelector and podSelector: one element (AND) versus two elements (OR)', () => {
    const policy = (from: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Ingress]
  ingress:
  - from:
${from}
`;
    const and = engine(policy(`    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}
      podSelector: {matchLabels: {role: client}}`));
    const or = engine(policy(`    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}
    - podSelector: {matchLabels: {role: client}}`));
    expect(and.evaluate({ from: 'other/client', to: 'default/db', port: 1 }).allowed).toBe(true);
    expect(and.evaluate({ from: 'other/api', to: 'default/db', port: 1 }).allowed).toBe(false);
    expect(or.evaluate({ from: 'other/api', to: 'default/db', port: 1 }).allowed).toBe(true);
    expect(or.evaluate({ from: 'default/frontend', to: 'default/db', port: 1 }).allowed).toBe(false);
  });

  test('targeting a range of ports with endPort', () => {
    const e = engine(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: multi-port-egress, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24}
    ports:
    - {protocol: TCP, port: 32000, endPort: 32768}
`);
    expect([31999, 32000, 32768, 32769].map((port) => e.evaluate({ from: 'default/db', to: { external: 'service' }, port }).allowed)).toEqual([false, true, true, false]);
  });
});
