import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ClusterSet } from '../src/constructs/cluster-set';
import { KUSTOMIZATION_HEADER, kustomization, streamTree } from '../src/synth/files';
import { writeTree } from '../src/synth/writer';
import { generateProjects } from './generate';
import { Row, Section } from './table';

/** Options of {@link kustomizeSection}. */
export interface KustomizeBenchOptions {
  /** Project counts to build at (its own ladder: a whole-cluster build takes minutes at 2,000). */
  readonly sizes: readonly number[];
  /** Largest size the old nested layout is built at; it grows even faster than the flat one. */
  readonly nestedMax: number;
  /** Project directories built one by one per size (evenly spread); their mean estimates all of them. */
  readonly sample: number;
  /** A whole-cluster build taking longer is stopped and shown as `>` the limit. */
  readonly timeoutS: number;
  /** The kubectl binary; `kubectl kustomize` is what Argo CD and Flux run (kustomize's build). */
  readonly kubectl: string;
  /** Directory for the generated trees (each removed afterwards). */
  readonly tmp: string;
  readonly log: (line: string) => void;
}

interface Build {
  /** Seconds, or undefined when stopped at the time limit. */
  readonly seconds?: number;
  /** Objects in the output (documents with a top-level `kind:`). */
  readonly objects: number;
}

/**
 * Delivery benchmark: how long kustomize (`kubectl kustomize`, the build Argo CD and Flux run)
 * takes for the synthesized tree of the benchmark projects, per layout:
 * - `cluster flat`: `dist/<cluster>` with its kustomization listing every manifest (the layout
 *   netiso writes), one build of every object, as one Application or Kustomization per cluster;
 * - `cluster nested`: the same with the former kustomization listing the project directories;
 * - `per project`: each `dist/<cluster>/<project>` on its own, as the one Application per project
 *   of the ApplicationSet (and one Flux Kustomization per project) build it.
 */
export function kustomizeSection(options: KustomizeBenchOptions): Section {
  const version = kubectlVersion(options.kubectl);
  let skippedNested: number[] = [];
  return {
    title: 'Delivery: kubectl kustomize, whole cluster vs one project at a time',
    sizes: options.sizes,
    async run(sizes) {
      skippedNested = [];
      if (!version) return [];
      const rows: Row[] = [];
      for (const size of sizes) {
        const dir = fs.mkdtempSync(path.join(options.tmp, 'netiso-bench-kustomize-'));
        try {
          rows.push(measureSize(size, dir));
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
      return rows;
    },
    notes(rows) {
      if (!version) return [`skipped: ${options.kubectl} was not found (install kubectl, or pass --kubectl)`];
      const out = [
        `${version}; seconds of wall time, one build at a time. per project: ${options.sample} project directories built one by one, evenly spread; all projects = their mean × projects (what a repository server spends after a commit that changes every project).`,
        `> ${options.timeoutS}: stopped at --kustomize-timeout.`,
      ];
      if (skippedNested.length) out.push(`cluster nested skipped at ${skippedNested.join(', ')} projects (above --nested-max ${options.nestedMax}).`);
      if (rows.length === 0) out.push('no sizes measured.');
      return out;
    },
  };

  function measureSize(size: number, dir: string): Row {
    const dist = path.join(dir, 'dist');
    const clusters = new ClusterSet();
    generateProjects(clusters, size);
    const tree = streamTree(clusters.clusters);
    writeTree(dist, tree);
    const cluster = path.join(dist, 'bench');
    const projects = fs.readdirSync(cluster, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

    const flat = build(cluster);
    options.log(`kustomize flat ${size} projects: ${shown(flat)} s`);
    let nested: Build | undefined;
    if (size <= options.nestedMax) {
      // The layout before: the cluster's kustomization lists the project directories.
      fs.writeFileSync(path.join(cluster, 'kustomization.yaml'), kustomization(projects).replace(KUSTOMIZATION_HEADER, '# nested layout (benchmark)'));
      nested = build(cluster);
      options.log(`kustomize nested ${size} projects: ${shown(nested)} s`);
    } else {
      skippedNested.push(size);
    }
    const step = Math.max(1, Math.floor(projects.length / options.sample));
    const sample = projects.filter((_, i) => i % step === 0).slice(0, options.sample);
    const times = sample.map((p) => {
      const b = build(path.join(cluster, p));
      if (b.seconds === undefined || b.objects === 0) throw new Error(`kubectl kustomize ${p} failed`);
      return b.seconds;
    });
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    options.log(`kustomize per project ${size} projects: mean ${mean.toFixed(3)} s over ${sample.length}`);
    return {
      'projects': size,
      'objects': tree.stats.objects,
      'cluster flat': shown(flat),
      'cluster nested': nested ? shown(nested) : '-',
      'per project (mean)': mean.toFixed(3),
      'per project (max)': Math.max(...times).toFixed(3),
      'all projects': (mean * size).toFixed(1),
      'flat objects': flat.seconds === undefined ? '-' : flat.objects,
    };
  }

  function build(dir: string): Build {
    const started = performance.now();
    const run = spawnSync(options.kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: options.timeoutS * 1000 });
    const seconds = (performance.now() - started) / 1000;
    if (run.error && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { objects: 0 };
    if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr || run.error?.message}`);
    return { seconds, objects: (run.stdout.match(/^kind: /gm) ?? []).length };
  }

  function shown(b: Build): string {
    return b.seconds === undefined ? `> ${options.timeoutS}` : b.seconds.toFixed(2);
  }
}

/** `kubectl v1.32.4, kustomize v5.5.0`, or undefined when kubectl cannot be run. */
function kubectlVersion(kubectl: string): string | undefined {
  const run = spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  const client = /Client Version: (\S+)/.exec(run.stdout)?.[1] ?? '?';
  const kustomize = /Kustomize Version: (\S+)/.exec(run.stdout)?.[1] ?? '?';
  return `kubectl ${client}, kustomize ${kustomize}`;
}
