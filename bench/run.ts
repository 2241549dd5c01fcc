// `npm run bench [-- --sizes 125,1000 --repeat 3 --cdk8s-max 1000 --tmp /dev/shm --shared --kustomize-sizes 400,2000 --sections delivery]`
import { Command, InvalidArgumentError } from 'commander';
import * as os from 'os';
import { analysisSection } from './analysis';
import { explainSection } from './explain';
import { explorerSection } from './explorer';
import { readerSection } from './reader';
import { importSection } from './import';
import { kustomizeSection } from './kustomize';
import { diffSection } from './diff';
import { synthSection } from './synth';
import { formatTable, Section } from './table';

/** The parts of the benchmark, in the order they run. */
const SECTIONS = ['synth', 'engine', 'explain', 'diff', 'explorer', 'reader', 'import', 'delivery'] as const;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${JSON.stringify(value)} is not a positive integer`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const opts = new Command('bench')
    .description('synthesize generated projects with netiso, cdk8s and no framework, side by side')
    .option('--sizes <list>', 'comma-separated project counts', (v) => v.split(',').map(positiveInt), [125, 250, 500, 1000, 5000])
    .option('--repeat <n>', 'runs per case and size; the fastest counts', positiveInt, 1)
    .option('--cdk8s-max <n>', 'largest size to run the quadratic cdk8s default-output baseline at', positiveInt, 1000)
    .option('--tmp <dir>', 'where the output trees are written (use /dev/shm to leave the disk out)', os.tmpdir())
    .option('--shared', 'run every case in this process: quicker to start, profilable with node --cpu-prof, no memory numbers')
    .option('--kustomize-sizes <list>', 'project counts the kustomize builds are measured at (their own ladder)', (v) => v.split(',').map(positiveInt), [400, 2000])
    .option('--flat-max <n>', 'largest size the flat variant of the cluster kustomization is built at', positiveInt, 2000)
    .option('--kustomize-sample <n>', 'project directories built one by one per size', positiveInt, 40)
    .option('--kustomize-timeout <seconds>', 'stop a whole-cluster kustomize build after this long', positiveInt, 1800)
    .option('--kubectl <path>', 'kubectl binary (runs kustomize)', 'kubectl')
    .option('--sections <list>', `comma-separated sections to run: ${SECTIONS.join(', ')}`, (v) => v.split(','), [...SECTIONS])
    .parse(argv)
    .opts<{
      sizes: number[]; repeat: number; cdk8sMax: number; tmp: string; shared?: boolean;
      kustomizeSizes: number[]; flatMax: number; sections: string[]; kustomizeSample: number; kustomizeTimeout: number; kubectl: string;
    }>();

  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  // Each section prints its own table; a new benchmark is one more entry here.
  const all: Record<(typeof SECTIONS)[number], () => Section> = {
    synth: () => synthSection({ repeat: opts.repeat, cdk8sMax: opts.cdk8sMax, tmp: opts.tmp, isolation: opts.shared ? 'shared' : 'process', log }),
    engine: () => analysisSection(),
    explain: () => explainSection({ tmp: opts.tmp, log, shared: opts.shared }),
    diff: () => diffSection({ tmp: opts.tmp, log }),
    explorer: () => explorerSection(),
    reader: () => readerSection(),
    import: () => importSection({ tmp: opts.tmp, isolation: opts.shared ? 'shared' : 'process', log }),
    delivery: () => kustomizeSection({
      sizes: opts.kustomizeSizes, flatMax: opts.flatMax, sample: opts.kustomizeSample, timeoutS: opts.kustomizeTimeout, kubectl: opts.kubectl, tmp: opts.tmp, log,
    }),
  };
  const unknown = opts.sections.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) throw new InvalidArgumentError(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.join(', ')}`);
  const sections = SECTIONS.filter((s) => opts.sections.includes(s)).map((s) => all[s]());

  const cpus = os.cpus();
  console.log(`netiso benchmark: node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, output in ${opts.tmp}\n`);
  for (const section of sections) {
    const rows = await section.run(section.sizes ?? opts.sizes);
    console.log(`## ${section.title}\n\n${formatTable(rows)}\n`);
    for (const note of section.notes?.(rows) ?? []) console.log(`- ${note}`);
    console.log('');
  }
}

main(process.argv).catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exitCode = 1;
});
