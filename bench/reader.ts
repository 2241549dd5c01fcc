/**
 * Scale benchmark for the manifest reader.
 *
 * Part of `npm run bench`. For each size N it generates a repository of N projects as YAML texts
 * (per project a folder with a `kustomization.yaml` that sets the namespace, and one file with the
 * Namespace, two NetworkPolicies, five Deployments and a Service, without `metadata.namespace`),
 * then reads it with `readManifestTexts`, as `netiso diff` reads a git revision.
 */
import { readManifestTexts } from '../src/k8s/manifests';
import { Row as TableRow, Section } from './table';

// A type alias, not an interface, so rows fit the bench tables' `Record` rows.
export type Row = {
  projects: number;
  objects: number;
  megabytes: number;
  readMs: number;
  /** Microseconds per object. */
  perObjectUs: number;
  workloads: number;
  policies: number;
  rssMB: number;
};

const APPS = ['web', 'api', 'worker', 'db', 'cache'];

function project(i: number): string {
  const ns = `proj-${String(i).padStart(5, '0')}`;
  const docs = [
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    kubesphere.io/workspace: ws-${i % 20}\n`,
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: isolate\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels: {kubernetes.io/metadata.name: ${ns}}\n  egress:\n  - to:\n    - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}\n    ports:\n    - {port: 443, protocol: TCP}\n`,
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  ingress:\n  - ports:\n    - port: http\n`,
    ...APPS.map(
      (app) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: ${app}}\n  template:\n    metadata:\n      labels: {app: ${app}}\n    spec:\n      containers:\n      - name: ${app}\n        image: registry.example.com/${app}:1.0\n        ports:\n        - {name: http, containerPort: 8080}\n        - {name: metrics, containerPort: 9090}\n`,
    ),
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - {name: http, port: 80, targetPort: http}\n`,
  ];
  return docs.join('---\n');
}

/** Runs the benchmark for each size in turn and returns one row per size. */
export async function benchReader(sizes: readonly number[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of sizes) {
    const texts = new Map<string, string>();
    for (let i = 0; i < n; i++) {
      texts.set(`projects/p${i}/kustomization.yaml`, `namespace: proj-${String(i).padStart(5, '0')}\nresources: [manifests.yaml]\n`);
      texts.set(`projects/p${i}/manifests.yaml`, project(i));
    }
    const bytes = [...texts.values()].reduce((sum, t) => sum + t.length, 0);
    const t0 = performance.now();
    const model = readManifestTexts(texts);
    const ms = performance.now() - t0;
    if (model.problems.length) throw new Error(`the generated manifests have problems: ${model.problems[0].message}`);
    const objects = n * (3 + APPS.length + 1);
    rows.push({
      projects: n,
      objects,
      megabytes: Math.round(bytes / 1e5) / 10,
      readMs: Math.round(ms),
      perObjectUs: Math.round((ms * 1000) / objects),
      workloads: model.workloads.length,
      policies: model.networkPolicies.length,
      rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  return rows;
}

/** The reader's section of `npm run bench`. */
export function readerSection(): Section {
  return {
    title: 'Manifest reader: N projects of 9 objects (kustomization namespaces), read from memory (one process)',
    run: benchReader,
    notes: (rows: readonly TableRow[]) =>
      rows.slice(1).map((r, i) => `${rows[i].projects} -> ${r.projects} projects: time per object x${(Number(r.perObjectUs) / Math.max(Number(rows[i].perObjectUs), 1)).toFixed(2)}`),
  };
}
