/**
 * Scale benchmark for the reachability engine.
 *
 * Part of `npm run bench`. For each size N it generates N KubeSphere-style projects of 5 workloads,
 * each isolated by a policy that admits its own namespace and
 * kubesphere-monitoring-system and allow-lists egress to its own namespace,
 * DNS, the web pods of two projects in the same workspace and a few CIDRs; builds the engine; and
 * computes the exact connection set of every workload pair.
 */
import { Engine, Workload } from '../src/analysis';
import { Row as TableRow, Section } from './table';

// A type alias, not an interface, so rows fit the bench tables' `Record` rows.
export type Row = {
  namespaces: number;
  workloads: number;
  policies: number;
  classes: number;
  /** Manifests to engine with class index (compile policies, group workloads, resolve peers). */
  buildMs: number;
  /** Every pair's connection set. */
  pairsMs: number;
  allowedPairs: number;
  rssMB: number;
  heapUsedMB: number;
};

const APPS = [
  { app: 'web', ports: [{ name: 'http', containerPort: 80 }] },
  { app: 'api', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] },
  { app: 'worker', ports: [] },
  { app: 'db', ports: [{ name: 'pg', containerPort: 5432 }] },
  { app: 'cache', ports: [{ name: 'redis', containerPort: 6379 }] },
];

const nsName = (i: number): string => `proj-${String(i).padStart(5, '0')}`;

export function generateCluster(n: number): { manifests: unknown[]; workloads: Workload[] } {
  const manifests: unknown[] = [];
  const workloads: Workload[] = [
    { namespace: 'kube-system', name: 'coredns', labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }], ip: '10.96.0.10' },
    { namespace: 'kubesphere-monitoring-system', name: 'prometheus', labels: { app: 'prometheus' }, ports: [{ name: 'web', containerPort: 9090 }], ip: '10.127.0.5' },
  ];
  for (let i = 0; i < n; i++) {
    const ns = nsName(i);
    const workspace = `ws-${i % 20}`;
    manifests.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubesphere.io/namespace': ns, 'kubesphere.io/workspace': workspace } } });
    APPS.forEach(({ app, ports }, j) => {
      workloads.push({ namespace: ns, name: app, labels: { app }, ports, ip: `10.${128 + (i >> 8)}.${i & 255}.${j + 1}`, node: `node-${i % 50}` });
    });
    const nameSelector = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
    manifests.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'nsnp-network-isolate', namespace: ns },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [nameSelector(ns), nameSelector('kubesphere-monitoring-system')] }],
        egress: [
          { to: [{ podSelector: {} }] },
          { to: [{ ...nameSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
          { to: [20, 40].map((d) => ({ ...nameSelector(nsName((i + d) % n)), podSelector: { matchLabels: { app: 'web' } } })), ports: [{ port: 'http' }] },
          { to: [{ ipBlock: { cidr: '10.96.0.0/12' } }], ports: [{ port: 443 }] },
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ port: 443 }] },
          { to: [{ ipBlock: { cidr: `10.${128 + ((i + 3) % n >> 8)}.${(i + 3) % n & 255}.0/24` } }], ports: [{ port: 80, endPort: 8080 }] },
        ],
      },
    });
    manifests.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'nsnp-web-from-workspace', namespace: ns },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubesphere.io/workspace': workspace } } }], ports: [{ port: 'http' }] }],
      },
    });
  }
  return { manifests, workloads };
}

/** Runs the benchmark for each size in turn and returns one row per size. */
export async function benchAnalysis(sizes: readonly number[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of sizes) {
    const { manifests, workloads } = generateCluster(n);
    const t0 = performance.now();
    const engine = Engine.fromManifests(manifests, { workloads });
    const classes = engine.universe.classes.length;
    const t1 = performance.now();
    let allowedPairs = 0;
    for (const pair of engine.connectivity.pairs()) {
      const size = (c: number) => engine.universe.classes[c].workloads.length;
      allowedPairs += pair.from === pair.to ? size(pair.from) * (size(pair.from) - 1) : size(pair.from) * size(pair.to);
    }
    const t2 = performance.now();
    const mem = process.memoryUsage();
    rows.push({
      namespaces: n,
      workloads: workloads.length,
      policies: engine.policies.length,
      classes,
      buildMs: Math.round(t1 - t0),
      pairsMs: Math.round(t2 - t1),
      allowedPairs,
      rssMB: Math.round(mem.rss / 2 ** 20),
      heapUsedMB: Math.round(mem.heapUsed / 2 ** 20),
    });
    // Yield so a caller's timers and I/O are not starved between sizes.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return rows;
}

/** The engine's section of `npm run bench`. */
export function analysisSection(): Section {
  return {
    title: 'Reachability engine: N projects x 5 workloads, build and every pair\'s exact connection set (one process)',
    run: benchAnalysis,
    notes: ratioNotes,
  };
}

/** Scaling of the engine between ladder steps: time per project relative to the previous size (1.00 = linear). */
function ratioNotes(rows: readonly TableRow[]): string[] {
  return rows.slice(1).map((r, i) => {
    const prev = rows[i];
    const per = (row: TableRow) => (Number(row.buildMs) + Number(row.pairsMs)) / Number(row.namespaces);
    return `${prev.namespaces} -> ${r.namespaces} projects: build+pairs per project x${(per(r) / Math.max(per(prev), 1e-9)).toFixed(2)}`;
  });
}
