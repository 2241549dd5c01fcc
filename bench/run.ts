// `npm run bench [-- --sizes 125,1000 --repeat 3 --cdk8s-max 1000 --tmp /dev/shm --shared]`
import { Command, InvalidArgumentError } from 'commander';
import * as os from 'os';
import { analysisSection } from './analysis';
import { explainSection } from './explain';
import { explorerSection } from './explorer';
import { readerSection } from './reader';
import { importSection } from './import';
import { synthSection } from './synth';
import { formatTable, Section } from './table';

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
    .parse(argv)
    .opts<{ sizes: number[]; repeat: number; cdk8sMax: number; tmp: string; shared?: boolean }>();

  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  // Each section prints its own table; a new benchmark is one more entry here.
  const sections: Section[] = [
    synthSection({ repeat: opts.repeat, cdk8sMax: opts.cdk8sMax, tmp: opts.tmp, isolation: opts.shared ? 'shared' : 'process', log }),
    analysisSection(),
    explainSection({ tmp: opts.tmp, log, shared: opts.shared }),
    explorerSection(),
    readerSection(),
    importSection({ tmp: opts.tmp, isolation: opts.shared ? 'shared' : 'process', log }),
  ];

  const cpus = os.cpus();
  console.log(`netiso benchmark: node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, output in ${opts.tmp}\n`);
  for (const section of sections) {
    const rows = await section.run(opts.sizes);
    console.log(`## ${section.title}\n\n${formatTable(rows)}\n`);
    for (const note of section.notes?.(rows) ?? []) console.log(`- ${note}`);
    console.log('');
  }
}

main(process.argv).catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exitCode = 1;
});
