import '../../src/testing';
import { Cluster, Port, loadDefinitions } from '../../src';

// The example projects, checked against what KubeSphere's isolation guide and the examples'
// comments promise. Each expectation is a real pair of declared workloads or addresses.
let demo: Cluster;
beforeAll(async () => {
  const { clusters, problems } = await loadDefinitions('projects');
  expect(problems).toEqual([]);
  demo = clusters.clusters.find((c) => c.name === 'demo') as Cluster;
});

describe('KubeSphere guide (projects/demo.ts)', () => {
  test('demo-project-2 may reach demo-project; another project may not', () => {
    expect(demo).toAllow({ from: 'demo-project-2', to: 'demo-project/tomcat', port: Port.tcp(80) });
    expect(demo).toDeny({ from: 'shop-web', to: 'demo-project', port: Port.tcp(80) });
    expect(demo).toDeny({ from: 'team-a-web/web', to: 'demo-project/tomcat', port: Port.tcp(80) });
  });

  test('after the egress lockdown demo-project reaches nginx on TCP 80 only', () => {
    expect(demo).toAllow({ from: 'demo-project/tomcat', to: 'demo-project-2/nginx', port: Port.tcp(80) });
    expect(demo).toAllow({ from: 'demo-project/tomcat', to: 'demo-project-2/nginx', port: Port.tcp('http') });
    expect(demo).toDeny({ from: 'demo-project/tomcat', to: 'demo-project-2/nginx', port: Port.tcp(81) });
    expect(demo).toDeny({ from: 'demo-project', to: 'shop-db/redis', port: Port.tcp(6379) });
  });

  test('DNS stays reachable from the egress-isolated project', () => {
    expect(demo).toAllow({ from: 'demo-project', to: 'kube-system/coredns', port: Port.udp(53) });
    expect(demo).toAllow({ from: 'demo-project', to: 'kube-system/coredns', port: Port.tcp(53) });
    expect(demo).toAllow({ from: 'demo-project', to: { ip: '169.254.25.10' }, port: Port.udp(53) });
  });

  test('the client 192.168.1.1 reaches demo-project on TCP 80 only; other addresses do not', () => {
    expect(demo).toAllow({ from: { ip: '192.168.1.1' }, to: 'demo-project', port: Port.tcp(80) });
    expect(demo).toAllow({ from: '192.168.1.1/32', to: 'demo-project', port: Port.tcp(80) });
    expect(demo).toDeny({ from: '192.168.1.1', to: 'demo-project', port: Port.tcp(8080) });
    expect(demo).toDeny({ from: 'internet', to: 'demo-project', port: Port.tcp(80) });
  });

  test('demo-project reaches the external service on TCP 80 only', () => {
    expect(demo).toAllow({ from: 'demo-project', to: '10.1.0.1/32', port: Port.tcp(80) });
    expect(demo).toDeny({ from: 'demo-project', to: '10.1.0.1/32', port: Port.tcp(443) });
    expect(demo).toDeny({ from: 'demo-project', to: 'internet', port: Port.tcp(80) });
  });

  test('monitoring reaches every isolated project', () => {
    const targets: [string, Port][] = [
      ['demo-project/tomcat', Port.tcp(80)], ['demo-project-2/nginx', Port.tcp(80)], ['shop-db/redis', Port.tcp('redis')],
      ['team-a-web/web', Port.tcp(8080)], ['team-a-billing/billing', Port.tcp(8443)], ['demo-ingress/tomcat', Port.tcp(8080)],
    ];
    for (const [to, port] of targets) expect(demo).toAllow({ from: 'kubesphere-monitoring-system/prometheus', to, port });
  });
});

describe('workload-scoped entries (projects/shop.ts)', () => {
  test('only the frontend reaches the database, on the redis port', () => {
    expect(demo).toAllow({ from: 'shop-web/frontend', to: 'shop-db/redis', port: Port.tcp(6379) });
    expect(demo).toAllow({ from: 'shop-web/frontend', to: 'shop-db/redis', port: Port.tcp('redis') });
    expect(demo).toDeny({ from: 'shop-web/frontend', to: 'shop-db/redis', port: Port.tcp(6380) });
    expect(demo).toDeny({ from: 'shop-web/worker', to: 'shop-db/redis', port: Port.tcp(6379) });
  });

  test('with egressWithinProject: false the pods of shop-web cannot reach each other', () => {
    expect(demo).toDeny({ from: 'shop-web/worker', to: 'shop-web/frontend', port: Port.tcp(8080) });
  });
});

describe('workspace isolation (projects/workspace.ts)', () => {
  test('projects of the workspace reach each other; billing keeps its own isolation', () => {
    expect(demo).toAllow({ from: 'team-a-web', to: 'team-a-api', port: Port.tcp(8443) });
    expect(demo).toAllow({ from: 'team-a-billing', to: 'team-a-web', port: Port.tcp(8080) });
    expect(demo).toAllow({ from: 'team-a-api', to: 'team-a-billing', port: Port.tcp(8443) });
    expect(demo).toDeny({ from: 'team-a-web', to: 'team-a-billing', port: Port.tcp(8443) });
    expect(demo).toDeny({ from: 'demo-project', to: 'team-a-web', port: Port.tcp(8080) });
  });
});

describe('exposures (projects/exposure.ts)', () => {
  test('Cluster traffic policy: node addresses get in, so the client filter does not hold', () => {
    expect(demo).toAllow({ from: '192.168.1.1', to: 'demo-nodeport-cluster', port: Port.tcp(8080) });
    expect(demo).toAllow({ from: { ip: '192.168.0.12' }, to: 'demo-nodeport-cluster', port: Port.tcp(8080) });
    expect(demo).toAllow({ from: { ip: '10.233.90.0' }, to: 'demo-nodeport-cluster', port: Port.tcp(8080) });
  });

  test('Local traffic policy: only the listed clients, on the target port', () => {
    expect(demo).toAllow({ from: '192.168.1.1', to: 'demo-nodeport-local', port: Port.tcp(8080) });
    expect(demo).toDeny({ from: '192.168.1.1', to: 'demo-nodeport-local', port: Port.tcp(80) });
    expect(demo).toDeny({ from: { ip: '192.168.0.12' }, to: 'demo-nodeport-local', port: Port.tcp(8080) });
    expect(demo).toAllow({ from: '203.0.113.0/24', to: 'demo-loadbalancer', port: Port.tcp(8080) });
    expect(demo).toAllow({ from: { ip: '203.0.113.250' }, to: 'demo-loadbalancer', port: Port.tcp(8080) });
    expect(demo).toDeny({ from: 'internet', to: 'demo-loadbalancer', port: Port.tcp(8080) });
  });

  test('Ingress mode: only the gateway pods get in', () => {
    expect(demo).toAllow({ from: 'kubesphere-controls-system/ingress-nginx', to: 'demo-ingress/tomcat', port: Port.tcp(8080) });
    expect(demo).toDeny({ from: 'kubesphere-controls-system/ingress-nginx', to: 'demo-nodeport-local/tomcat', port: Port.tcp(8080) });
    expect(demo).toDeny({ from: '192.168.1.1', to: 'demo-ingress', port: Port.tcp(8080) });
  });
});
