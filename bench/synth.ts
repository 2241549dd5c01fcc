import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { ClusterSet } from '../src/constructs/cluster-set';
import { manifestFileName } from '../src/synth/canonical';
import { streamTree } from '../src/synth/files';
import { writeTree } from '../src/synth/writer';
import { listFiles } from '../src/k8s/files';
import { generateProjects } from './generate';
import { Row, Section } from './table';

/**
 * The ways to write the same projects:
 * - `netiso`: `streamTree` + `writeTree` (validate, render, serialise, stage, swap), what `netiso synth` does;
 * - `floor`: the already rendered manifests through `YAML.stringify` and `writeFileSync`, no framework;
 * - `cdk8s`: `Cluster.synth()`: validate, render, the manifests as `ApiObject`s, cdk8s `App.synth()`
 *   writing the same files as netiso (`FOLDER_PER_CHART_FILE_PER_RESOURCE`);
 * - `cdk8s-default`: the same, in an `App` with cdk8s's default output (`FILE_PER_CHART`, one file per
 *   project), whose synthesis re-validates the whole app for every chart: quadratic.
 */
export type SynthCase = 'netiso' | 'floor' | 'cdk8s' | 'cdk8s-default';

/** One case at one size. */
export interface Measurement {
  /** Time to synthesize; declaring the projects is not included (it is the same code in every case). */
  readonly ms: number;
  /** netiso only: a second synthesis onto its own unchanged output (the incremental case). */
  readonly rerunMs?: number;
  /** Manifests written. */
  readonly objects: number;
  /** Peak resident memory of the whole process, declarations included, as the OS counts it (netiso: before the re-run). */
  readonly peakRssMb: number;
}

/** Where a case runs. */
export type Isolation = 'process' | 'shared';

/** Options of {@link synthSection}. */
export interface SynthBenchOptions {
  /** Runs per case and size; the fastest counts, which filters out noise from other processes. */
  readonly repeat: number;
  /** Largest size the `cdk8s-default` baseline runs at: it grows quadratically (minutes at 5,000 projects). */
  readonly cdk8sMax: number;
  /** Directory for the output trees (each run writes into its own, removed afterwards). */
  readonly tmp: string;
  /**
   * `process`: each run in a child process of its own, for clean memory numbers and a cold start
   * like a real `netiso synth`. `shared`: all in this process, which starts faster and lets
   * `node --cpu-prof` see the work; peak RSS is then not per case and is not shown.
   */
  readonly isolation: Isolation;
  /** Where a line is logged after each run, so a long ladder shows it is alive. */
  readonly log: (line: string) => void;
}

/** Runs one case in this process: declares `size` projects, then synthesizes them into `outdir`. */
export function runCase(kind: SynthCase, size: number, outdir: string): Measurement {
  const clusters = new ClusterSet({ outdir });
  generateProjects(clusters, size);
  const all = clusters.clusters;
  const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
  switch (kind) {
    case 'netiso': {
      const started = performance.now();
      const tree = streamTree(all);
      writeTree(outdir, tree);
      const ms = performance.now() - started;
      // Taken before the re-run: a real synthesis runs once per process.
      const peak = peakRssMb();
      const again = performance.now();
      writeTree(outdir, streamTree(all));
      return { ms, rerunMs: performance.now() - again, objects: tree.stats.objects, peakRssMb: peak };
    }
    case 'cdk8s': {
      const started = performance.now();
      for (const cluster of all) cluster.synth();
      const ms = performance.now() - started;
      return { ms, objects: listFiles(outdir).length, peakRssMb: peakRssMb() };
    }
    case 'cdk8s-default': {
      const started = performance.now();
      let objects = 0;
      for (const cluster of all) {
        const app = new App({ outdir: path.join(outdir, cluster.name) });
        for (const { project, manifests } of cluster.render()) {
          const chart = new Chart(app, project.name, { disableResourceNameHashes: true });
          for (const m of manifests) new ApiObject(chart, `${m.kind}.${m.metadata.name}`, m);
          objects += manifests.length;
        }
        app.synth();
      }
      return { ms: performance.now() - started, objects, peakRssMb: peakRssMb() };
    }
    case 'floor': {
      const projects = all.flatMap((c) => c.projects.map((p) => ({ dir: path.join(outdir, c.name, p.name), manifests: p.render() })));
      const started = performance.now();
      let objects = 0;
      for (const { dir, manifests } of projects) {
        fs.mkdirSync(dir, { recursive: true });
        for (const m of manifests) fs.writeFileSync(path.join(dir, manifestFileName(m)), YAML.stringify(m));
        objects += manifests.length;
      }
      return { ms: performance.now() - started, objects, peakRssMb: peakRssMb() };
    }
  }
}

/** {@link runCase} in an output directory of its own under `tmp`, removed afterwards. */
export async function measure(kind: SynthCase, size: number, tmp: string, isolation: Isolation): Promise<Measurement> {
  const dir = fs.mkdtempSync(path.join(tmp, `netiso-bench-${kind}-`));
  try {
    if (isolation === 'shared') return runCase(kind, size, path.join(dir, 'dist'));
    const child = fork(__filename, [kind, String(size), path.join(dir, 'dist')], {
      execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return await new Promise<Measurement>((resolve, reject) => {
      let result: Measurement | undefined;
      child.on('message', (m) => { result = m as Measurement; });
      child.on('error', reject);
      child.on('exit', (code, signal) => (result ? resolve(result)
        : reject(new Error(`${kind} at ${size} projects failed (${signal ?? `exit code ${code}`})`))));
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface SizeResult {
  readonly size: number;
  readonly netiso: Measurement;
  readonly floor: Measurement;
  readonly cdk8s: Measurement;
  readonly cdk8sDefault?: Measurement;
}

/**
 * The synthesis benchmark: for each size, every case (`cdk8s-default` up to `cdk8sMax`), each in
 * its own process, interleaved so that background load hits all of them alike.
 */
export function synthSection(options: SynthBenchOptions): Section {
  let results: SizeResult[] = [];
  return {
    title: 'Synthesis: netiso, the floor, cdk8s App.synth()',
    async run(sizes) {
      results = [];
      for (const size of sizes) {
        const runs: Record<SynthCase, Measurement[]> = { 'netiso': [], 'floor': [], 'cdk8s': [], 'cdk8s-default': [] };
        const cases: SynthCase[] = ['netiso', 'floor', 'cdk8s'];
        if (size <= options.cdk8sMax) cases.push('cdk8s-default');
        for (let i = 0; i < options.repeat; i++) {
          for (const kind of cases) {
            const m = await measure(kind, size, options.tmp, options.isolation);
            options.log(`${kind} ${size} projects: ${seconds(m.ms)} s`);
            runs[kind].push(m);
          }
        }
        results.push({ size, netiso: best(runs.netiso)!, floor: best(runs.floor)!, cdk8s: best(runs.cdk8s)!, cdk8sDefault: best(runs['cdk8s-default']) });
      }
      return results.map(toRow);
    },
    notes() {
      const out = [
        options.isolation === 'process'
          ? 'Times in seconds, the fastest of the repeats; peak RSS (MB) is per process, declarations included.'
          : 'Times in seconds, the fastest of the repeats; all cases ran in one process (--shared), so no memory numbers.',
        'cdk8s: Cluster.synth(), the same files as netiso; cdk8s default: one file per project (cdk8s\'s default output).',
        'netiso step: per-project time against the previous size (1.00 = linear).',
      ];
      const skipped = results.filter((r) => !r.cdk8sDefault).map((r) => r.size);
      if (skipped.length) out.push(`cdk8s default skipped at ${skipped.join(', ')} projects (above --cdk8s-max ${options.cdk8sMax}): it grows quadratically and would take minutes.`);
      for (const a of results) {
        for (const b of results) {
          if (b.size === a.size * 10) out.push(`10× the projects (${a.size} → ${b.size}): netiso took ${ratio(b.netiso.ms / a.netiso.ms)}× the time (goal: at most 11×).`);
        }
      }
      return out;
    },
  };

  function toRow(r: SizeResult, i: number): Row {
    const previous = results[i - 1];
    return {
      'projects': r.size,
      'objects': r.netiso.objects,
      'netiso': seconds(r.netiso.ms),
      'netiso re-run': seconds(r.netiso.rerunMs!),
      'floor': seconds(r.floor.ms),
      'cdk8s': seconds(r.cdk8s.ms),
      'cdk8s default': r.cdk8sDefault ? seconds(r.cdk8sDefault.ms) : '-',
      'netiso/floor': ratio(r.netiso.ms / r.floor.ms),
      'cdk8s/netiso': ratio(r.cdk8s.ms / r.netiso.ms),
      'default/netiso': r.cdk8sDefault ? ratio(r.cdk8sDefault.ms / r.netiso.ms) : '-',
      'netiso step': previous ? ratio((r.netiso.ms / previous.netiso.ms) / (r.size / previous.size)) : '-',
      ...(options.isolation === 'process' ? { 'netiso MB': r.netiso.peakRssMb, 'floor MB': r.floor.peakRssMb, 'cdk8s MB': r.cdk8s.peakRssMb } : {}),
    };
  }
}

function best(runs: Measurement[]): Measurement | undefined {
  if (runs.length === 0) return undefined;
  const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return {
    ...fastest,
    rerunMs: fastest.rerunMs === undefined ? undefined : Math.min(...runs.map((r) => r.rerunMs!)),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
  };
}

function seconds(ms: number): string { return (ms / 1000).toFixed(2); }
function ratio(x: number): string { return x.toFixed(2); }

// Child process of measure(): argv is <case> <size> <outdir>; the result goes back over IPC.
if (require.main === module) {
  const [kind, size, outdir] = process.argv.slice(2);
  process.send!(runCase(kind as SynthCase, Number(size), outdir));
}
