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
  /** Largest size the flat variant of the cluster's kustomization is built at. */
  readonly flatMax: number;
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
  /** Wall-clock seconds, or undefined when stopped at the time limit. */
  readonly seconds?: number;
  /** User + system CPU seconds of kustomize (steadier than wall time on a loaded machine), when /usr/bin/time exists. */
  readonly cpu?: number;
  /** Peak RSS of kustomize in MB, when /usr/bin/time exists. */
  readonly mb?: number;
  /** Objects in the output (documents with a top-level `kind:`). */
  readonly objects: number;
}

/** GNU time reports a child's CPU time and peak memory, which Node's spawnSync does not. */
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Delivery benchmark: how long kustomize (`kubectl kustomize`, the build Argo CD and Flux run)
 * takes for the synthesized tree of the benchmark projects, per layout:
 * - `cluster`: `dist/<cluster>` as netiso writes it (its kustomization lists the project
 *   directories), one build of every object, as one Application or Kustomization per cluster;
 * - `cluster flat`: the same with the cluster's kustomization listing every manifest file
 *   (`<project>/<file>`) instead, the other layout considered;
 * - `per project`: each `dist/<cluster>/<project>` on its own, as the one Application per project
 *   of the ApplicationSet (and one Flux Kustomization per project) build it.
 */
export function kustomizeSection(options: KustomizeBenchOptions): Section {
  const version = kubectlVersion(options.kubectl);
  let skippedFlat: number[] = [];
  return {
    title: 'Delivery: kubectl kustomize, whole cluster vs one project at a time',
    sizes: options.sizes,
    async run(sizes) {
      skippedFlat = [];
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
        `${version}; s: wall-clock seconds, one build at a time; cpu: user + system CPU seconds of kustomize; MB: its peak memory.`,
        `per project: ${options.sample} project directories built one by one, evenly spread; all projects = their mean × projects (what a repository server spends after a commit that changes every project).`,
        `> ${options.timeoutS}: stopped at --kustomize-timeout.`,
      ];
      if (skippedFlat.length) out.push(`cluster flat skipped at ${skippedFlat.join(', ')} projects (above --flat-max ${options.flatMax}).`);
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

    const whole = build(cluster);
    options.log(`kustomize cluster ${size} projects: ${shown(whole)} s`);
    let flat: Build | undefined;
    if (size <= options.flatMax) {
      // The other layout: the cluster's kustomization lists every manifest file itself.
      const files = projects.flatMap((p) => fs.readdirSync(path.join(cluster, p)).filter((f) => f !== 'kustomization.yaml').map((f) => `${p}/${f}`));
      fs.writeFileSync(path.join(cluster, 'kustomization.yaml'), kustomization(files).replace(KUSTOMIZATION_HEADER, '# flat layout (benchmark)'));
      flat = build(cluster);
      options.log(`kustomize cluster flat ${size} projects: ${shown(flat)} s`);
    } else {
      skippedFlat.push(size);
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
      'cluster s': shown(whole),
      'cluster cpu': cpu(whole),
      'cluster MB': whole.mb ?? '-',
      'cluster objects': whole.seconds === undefined ? '-' : whole.objects,
      'flat s': flat ? shown(flat) : '-',
      'flat cpu': flat ? cpu(flat) : '-',
      'per project s (mean)': mean.toFixed(3),
      'per project s (max)': Math.max(...times).toFixed(3),
      'all projects s': (mean * size).toFixed(1),
    };
  }

  function build(dir: string): Build {
    const [command, args] = TIME
      ? [TIME, ['-f', 'netiso-bench %U %S %M', options.kubectl, 'kustomize', dir]]
      : [options.kubectl, ['kustomize', dir]];
    const started = performance.now();
    const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, timeout: options.timeoutS * 1000, killSignal: 'SIGKILL' });
    const seconds = (performance.now() - started) / 1000;
    if (run.error && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { objects: 0 };
    if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr || run.error?.message}`);
    const usage = /^netiso-bench ([\d.]+) ([\d.]+) (\d+)$/m.exec(run.stderr);
    return {
      seconds,
      cpu: usage ? Number(usage[1]) + Number(usage[2]) : undefined,
      mb: usage ? Math.round(Number(usage[3]) / 1024) : undefined,
      objects: (run.stdout.match(/^kind: /gm) ?? []).length,
    };
  }

  function shown(b: Build): string {
    return b.seconds === undefined ? `> ${options.timeoutS}` : b.seconds.toFixed(2);
  }

  function cpu(b: Build): string {
    return b.cpu === undefined ? '-' : b.cpu.toFixed(2);
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
