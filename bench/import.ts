import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { importToFiles } from '../src/cli/import';
import { synthesize } from '../src/synth/synthesize';
import { writeKubeSphereExport } from './kubesphere-export';
import type { Isolation } from './synth';
import { Row, Section } from './table';

/** The two steps of a migration, each measured on its own. */
export type ImportCase = 'import' | 'synth';

/** One step at one size. */
export interface ImportMeasurement {
  readonly ms: number;
  /** Peak resident memory of the whole process, as the OS counts it. */
  readonly peakRssMb: number;
  /** import: definition files written; synth: objects synthesized. */
  readonly count: number;
}

/** Options of {@link importSection}. */
export interface ImportBenchOptions {
  /** Directory for the export, the definitions and the output (one per size, removed afterwards). */
  readonly tmp: string;
  readonly isolation: Isolation;
  readonly log: (line: string) => void;
}

/**
 * Runs one step in this process, in `work` (which holds `ks.yaml`): `import` does what
 * `netiso import-kubesphere` does (reading, the in-memory synthesis check, writing) into
 * `work/projects/`, `synth` what `netiso synth` does with those definitions into `work/dist/`.
 */
export async function runImportCase(kind: ImportCase, work: string): Promise<ImportMeasurement> {
  const projects = path.join(work, 'projects');
  const started = performance.now();
  let count: number;
  if (kind === 'import') {
    const options = { out: path.join(projects, 'kubesphere.ts'), cluster: 'bench', force: true };
    count = (await importToFiles([path.join(work, 'ks.yaml')], options, () => undefined)).files.length;
  } else {
    count = (await synthesize({ projectsDir: projects, outdir: path.join(work, 'dist') })).stats.objects;
  }
  return { ms: performance.now() - started, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), count };
}

/** {@link runImportCase} in a child process of its own (so that its peak memory is its own), or here. */
async function measure(kind: ImportCase, work: string, isolation: Isolation): Promise<ImportMeasurement> {
  if (isolation === 'shared') return runImportCase(kind, work);
  const child = fork(__filename, [kind, work], {
    execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<ImportMeasurement>((resolve, reject) => {
    let result: ImportMeasurement | undefined;
    child.on('message', (m) => { result = m as ImportMeasurement; });
    child.on('error', reject);
    child.on('exit', (code, signal) => (result ? resolve(result) : reject(new Error(`${kind} in ${work} failed (${signal ?? `exit code ${code}`})`))));
  });
}

/**
 * The migration benchmark: for each size, a generated KubeSphere export of that many projects
 * (about 12 KB each, as `kubectl get -o yaml` writes them), imported with
 * `netiso import-kubesphere`, then the imported definitions synthesized with `netiso synth`.
 */
export function importSection(options: ImportBenchOptions): Section {
  return {
    title: 'Migration: netiso import-kubesphere of a KubeSphere export, then netiso synth of the result',
    async run(sizes) {
      const rows: Row[] = [];
      for (const size of sizes) {
        const work = fs.mkdtempSync(path.join(options.tmp, 'netiso-bench-import-'));
        try {
          // The generated definitions import '../src', as projects/ of this repository does.
          fs.symlinkSync(path.resolve(__dirname, '..', 'src'), path.join(work, 'src'));
          const { bytes } = writeKubeSphereExport(path.join(work, 'ks.yaml'), size);
          const imported = await measure('import', work, options.isolation);
          options.log(`import ${size} projects: ${seconds(imported.ms)} s`);
          const synthesized = await measure('synth', work, options.isolation);
          options.log(`synth of the import, ${size} projects: ${seconds(synthesized.ms)} s`);
          rows.push({
            'projects': size,
            'export MB': (bytes / 1e6).toFixed(1),
            'files': imported.count,
            'objects': synthesized.count,
            'import': seconds(imported.ms),
            'synth': seconds(synthesized.ms),
            ...(options.isolation === 'process' ? { 'import MB': imported.peakRssMb, 'synth MB': synthesized.peakRssMb } : {}),
          });
        } finally {
          fs.rmSync(work, { recursive: true, force: true });
        }
      }
      return rows;
    },
    notes: () => [
      'import: reading the export, writing the definition files (one per workspace) and synthesizing them in memory first; synth: netiso synth of those files.',
      options.isolation === 'process'
        ? 'Times in seconds; peak RSS (MB) per process. Goal: below 500 MB for both at 4,000 projects.'
        : 'Times in seconds; all steps ran in one process (--shared), so no memory numbers.',
    ],
  };
}

function seconds(ms: number): string { return (ms / 1000).toFixed(2); }

// Child process of measure(): argv is <case> <work>; the result goes back over IPC.
if (require.main === module) {
  const [kind, work] = process.argv.slice(2);
  runImportCase(kind as ImportCase, work).then((m) => process.send!(m), (e: Error) => {
    console.error(e.stack ?? e.message);
    process.exitCode = 1;
  });
}
