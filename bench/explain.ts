/**
 * `netiso explain` at scale (issue 14: 1,000 projects × 5 workloads in at most 10 s and under
 * 1 GB, whole cluster or `--project`). Part of `npm run bench`. For each size, each case runs in a
 * child process of its own (clean memory numbers, as a real `netiso explain` would see them):
 *
 * - `manifests`: the engine section's cluster (`bench/analysis.ts`: isolated projects with
 *   egress allow-lists, workspace ingress for web pods, CIDRs) written as YAML, one folder per
 *   project plus the system pods, then what `netiso explain --manifests` does: read the files,
 *   analyse, lint, and render the report as text and as JSON;
 * - `manifests --project`: the same, reporting one project's connections;
 * - `definitions`: `bench/generate.ts`'s projects with five workloads each, synthesized in memory
 *   and reported like `netiso explain` (text and JSON).
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ClusterSet } from '../src/constructs/cluster-set';
import { Workload } from '../src/constructs/workload';
import { readManifestFiles } from '../src/k8s/manifests';
import { analyzeCluster, analyzeManifests } from '../src/report/analyze';
import { formatReports } from '../src/report/format';
import { ExplainReport, explain } from '../src/report/report';
import { generateCluster } from './analysis';
import { generateProjects } from './generate';
import { Row, Section } from './table';

export type ExplainCase = 'manifests' | 'manifests --project' | 'definitions';

/** One case at one size. */
export interface ExplainMeasurement {
  readonly workloads: number;
  readonly answers: number;
  readonly blocks: number;
  readonly allowedPairs: number;
  /** Reading the files (manifests) or synthesizing the definitions in memory. */
  readonly inputMs: number;
  /** Engine, grouped answers and lint. */
  readonly explainMs: number;
  /** Text and JSON. */
  readonly formatMs: number;
  readonly textKB: number;
  readonly jsonKB: number;
  readonly peakRssMb: number;
}

/** The project `--project` reports on (the engine section's names). */
function focusOf(n: number): string {
  return `proj-${String(Math.min(7, n - 1)).padStart(5, '0')}`;
}

/** The engine section's cluster as manifests: its Namespaces and NetworkPolicies, and a Pod per workload. */
export function benchManifests(n: number): { metadata: { name: string; namespace?: string } }[] {
  const { manifests, workloads } = generateCluster(n);
  return [
    ...manifests as { metadata: { name: string; namespace?: string } }[],
    ...workloads.map((w) => ({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: w.name, namespace: w.namespace, labels: w.labels },
      spec: { nodeName: w.node, containers: [{ name: 'main', image: `registry.example.com/${w.name}:1.0`, ports: (w.ports ?? []).map((p) => ({ ...p })) }] },
      status: { podIP: w.ip },
    })),
  ];
}

/** Writes {@link benchManifests} as YAML: a folder per namespace. */
export function writeManifests(n: number, dir: string): void {
  const byNamespace = new Map<string, unknown[]>();
  for (const o of benchManifests(n)) {
    const ns = o.metadata.namespace ?? o.metadata.name;
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), o]);
  }
  for (const [ns, objects] of byNamespace) {
    fs.mkdirSync(path.join(dir, ns), { recursive: true });
    fs.writeFileSync(path.join(dir, ns, 'manifests.yaml'), objects.map((o) => YAML.stringify(o)).join('---\n'));
  }
}

/** Five workloads per project of `bench/generate.ts`, labelled for its entries (`role=web`, `app=api`). */
function declareWorkloads(clusters: ClusterSet): void {
  for (const project of clusters.clusters.flatMap((c) => c.projects)) {
    new Workload(project, 'web', { labels: { app: 'web', role: 'web' }, ports: [{ name: 'http', containerPort: 8080 }] });
    new Workload(project, 'api', { labels: { app: 'api' }, ports: [{ name: 'http', containerPort: 8080 }, { name: 'https', containerPort: 8443 }] });
    new Workload(project, 'worker', { labels: { app: 'worker' } });
    new Workload(project, 'db', { labels: { app: 'db' }, ports: [{ containerPort: 5432 }] });
    new Workload(project, 'bastion', { labels: { app: 'bastion', role: 'bastion' }, ports: [{ containerPort: 22 }] });
  }
}

/** Runs one case in this process. */
export function runCase(kind: ExplainCase, n: number, dir: string): ExplainMeasurement {
  const t0 = performance.now();
  let report: ExplainReport;
  let t1: number;
  if (kind === 'definitions') {
    const clusters = new ClusterSet();
    generateProjects(clusters, n);
    declareWorkloads(clusters);
    const analysis = analyzeCluster(clusters.clusters[0]);
    t1 = performance.now();
    report = explain(analysis);
  } else {
    const model = readManifestFiles([dir]);
    if (model.problems.length) throw new Error(`the generated manifests have problems: ${model.problems[0].message}`);
    t1 = performance.now();
    report = explain(analyzeManifests(model, 'bench'), kind === 'manifests --project' ? { project: focusOf(n) } : {});
  }
  const t2 = performance.now();
  const text = formatReports([report], 'text');
  const json = formatReports([report], 'json');
  const t3 = performance.now();
  return {
    workloads: report.totals.workloads,
    answers: report.totals.answers,
    blocks: report.answers.reduce((sum, a) => sum + a.blocks.length, 0),
    allowedPairs: report.totals.pairs,
    inputMs: t1 - t0,
    explainMs: t2 - t1,
    formatMs: t3 - t2,
    textKB: Math.round(text.length / 1024),
    jsonKB: Math.round(json.length / 1024),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** {@link runCase} in a child process, with the manifests of `dir`. */
export async function measure(kind: ExplainCase, n: number, dir: string): Promise<ExplainMeasurement> {
  const child = fork(__filename, [kind, String(n), dir], {
    execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<ExplainMeasurement>((resolve, reject) => {
    let result: ExplainMeasurement | undefined;
    child.on('message', (m) => { result = m as ExplainMeasurement; });
    child.on('error', reject);
    child.on('exit', (code, signal) => (result ? resolve(result) : reject(new Error(`${kind} at ${n} projects failed (${signal ?? `exit code ${code}`})`))));
  });
}

/** The largest size run: the report itself would scale on, but the ladder's 5,000 takes minutes to write and read. */
const MAX_PROJECTS = 2000;

/** The explain section of `npm run bench`; `shared` runs every case in this process (no memory numbers). */
export function explainSection(options: { readonly tmp: string; readonly log: (line: string) => void; readonly shared?: boolean }): Section {
  return {
    title: 'netiso explain: N projects x 5 workloads, read, analysed, reported as text and JSON (a process per case)',
    async run(sizes) {
      const rows: Row[] = [];
      for (const n of sizes.filter((s) => s <= MAX_PROJECTS)) {
        const dir = fs.mkdtempSync(path.join(options.tmp, 'netiso-bench-explain-'));
        try {
          writeManifests(n, dir);
          for (const kind of ['manifests', 'manifests --project', 'definitions'] as const) {
            const m = options.shared ? runCase(kind, n, dir) : await measure(kind, n, dir);
            const total = m.inputMs + m.explainMs + m.formatMs;
            options.log(`explain ${kind} ${n} projects: ${(total / 1000).toFixed(1)} s`);
            rows.push({
              case: kind,
              projects: n,
              workloads: m.workloads,
              answers: m.answers,
              blocks: m.blocks,
              allowedPairs: m.allowedPairs,
              inputMs: Math.round(m.inputMs),
              explainMs: Math.round(m.explainMs),
              formatMs: Math.round(m.formatMs),
              totalS: (total / 1000).toFixed(2),
              textKB: m.textKB,
              jsonKB: m.jsonKB,
              peakMB: options.shared ? '-' : m.peakRssMb,
            });
          }
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
      return rows;
    },
    notes: (rows) => {
      const at = rows.filter((r) => r.projects === 1000);
      return [
        'inputMs: reading the YAML files (manifests) or synthesizing the definitions in memory; explainMs: engine, grouped answers, lint; formatMs: text and JSON. Peak RSS of the whole process.',
        `manifests --project reports ${focusOf(1000)}'s connections (at 1,000 projects); the definitions are bench/generate.ts's projects (10 entries each) with 5 workloads each.`,
        `sizes above ${MAX_PROJECTS} projects are left out.`,
        ...at.map((r) => (options.shared
          ? `1,000 projects, ${r.case}: ${r.totalS} s, budget 10 s: ${Number(r.totalS) <= 10 ? 'met' : 'MISSED'} (memory is measured without --shared).`
          : `1,000 projects, ${r.case}: ${r.totalS} s and ${r.peakMB} MB, budget 10 s and 1,024 MB: ${Number(r.totalS) <= 10 && Number(r.peakMB) < 1024 ? 'met' : 'MISSED'}.`)),
      ];
    },
  };
}

// Child process of measure(): argv is <case> <size> <dir>; the result goes back over IPC.
if (require.main === module) {
  const [kind, size, dir] = process.argv.slice(2);
  process.send!(runCase(kind as ExplainCase, Number(size), dir));
}
