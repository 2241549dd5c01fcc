/**
 * Benchmark of `netiso diff` against synthesis, side by side, so the ratios the issue sets hold on
 * the same machine at the same moment:
 * - `one`: one project of N changed (an allow-list entry's port), diff vs synthesizing the N projects;
 * - `all`: every project of N changed the same way;
 * - `addresses`: one policy of 20,000 single addresses on 200 ports, one port and one address changed.
 * The synthesis and the diff run in processes of their own, so each peak RSS is its own: the
 * synthesis writes the base tree to `tmp`, the head tree is its copy with the change, and the
 * diff reads both directories as `netiso diff <base> <head>` does (Node's start-up aside).
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ClusterSet } from '../src/constructs/cluster-set';
import { diffDist } from '../src/diff/diff';
import { readSide, shareIdenticalTexts } from '../src/diff/sides';
import { listFiles } from '../src/k8s/files';
import { streamTree } from '../src/synth/files';
import { writeTree } from '../src/synth/writer';
import { generateProjects } from './generate';
import { Row, Section } from './table';

type DiffCase = 'one' | 'all';

interface Measurement {
  readonly ms: number;
  readonly flows: number;
  readonly peakRssMb: number;
}

/** The file of the allow-list entry the change edits, and the edit. */
const EDITED = /\/NetworkPolicy\.netiso-to-internet\.k8s\.yaml$/;
const edit = (text: string) => text.replace('port: 443', 'port: 8443');
const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Child process work: `synth <size> <dir>` writes `<dir>/base`; `diff <base> <head>` diffs two trees; `addresses`. */
function runChild(args: string[]): Measurement {
  const [step] = args;
  if (step === 'synth') {
    const [size, dir] = [Number(args[1]), args[2]];
    const clusters = new ClusterSet({ outdir: dir });
    generateProjects(clusters, size);
    const started = performance.now();
    writeTree(path.join(dir, 'base'), streamTree(clusters.clusters));
    return { ms: performance.now() - started, flows: 0, peakRssMb: peak() };
  }
  if (step === 'diff') {
    const started = performance.now();
    const [base, head] = [readSide(args[1]), readSide(args[2])];
    shareIdenticalTexts(base, head);
    const report = diffDist(base, head);
    return { ms: performance.now() - started, flows: report.summary.flowsAllowed + report.summary.flowsDenied, peakRssMb: peak() };
  }
  const [base, head] = [20_000, 19_999].map((n) => addressTree(n, n === 20_000 ? 200 : 199));
  const started = performance.now();
  const report = diffDist(base, head);
  return { ms: performance.now() - started, flows: report.summary.flowsAllowed + report.summary.flowsDenied, peakRssMb: peak() };
}

/** The head tree: a copy of the base with the allow-list entry of one (or every) project edited. */
function writeHead(dir: string, kind: DiffCase): void {
  const [base, head] = [path.join(dir, 'base'), path.join(dir, 'head')];
  fs.cpSync(base, head, { recursive: true });
  let changed = 0;
  for (const rel of listFiles(head)) {
    if (!EDITED.test(`/${rel}`) || (kind === 'one' && changed > 0)) continue;
    const file = path.join(head, rel);
    fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
    changed++;
  }
}

/** One project whose ingress admits `count` single addresses on `ports` TCP ports. */
function addressTree(count: number, ports: number): Map<string, string> {
  const from = Array.from({ length: count }, (_, i) => ({ ipBlock: { cidr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32` } }));
  const policy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'netiso-from-partners', namespace: 'edge' },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from, ports: Array.from({ length: ports }, (_, i) => ({ port: 1000 + i * 7, protocol: 'TCP' })) }] },
  };
  return new Map([
    ['bench/edge/Namespace.edge.k8s.yaml', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'edge' } })],
    ['bench/edge/NetworkPolicy.netiso-from-partners.k8s.yaml', JSON.stringify(policy)],
  ]);
}

function child(args: string[]): Promise<Measurement> {
  const proc = fork(__filename, args, {
    execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<Measurement>((resolve, reject) => {
    let result: Measurement | undefined;
    proc.on('message', (m) => { result = m as Measurement; });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => (result ? resolve(result) : reject(new Error(`bench diff ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`))));
  });
}

/** Synthesizes `size` projects, changes one or all, and diffs: each step in a process of its own. */
async function measure(kind: DiffCase, size: number, tmp: string): Promise<{ synth: Measurement; diff: Measurement }> {
  const dir = fs.mkdtempSync(path.join(tmp, `netiso-bench-diff-${kind}-`));
  try {
    const synth = await child(['synth', String(size), dir]);
    writeHead(dir, kind);
    const diff = await child(['diff', path.join(dir, 'base'), path.join(dir, 'head')]);
    return { synth, diff };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The diff section of `npm run bench`. */
export function diffSection(options: { tmp: string; log: (line: string) => void }): Section {
  return {
    title: 'netiso diff: one or every project changed, against synthesizing the same projects (synthesis and diff each in a process of its own)',
    async run(sizes) {
      const rows: Row[] = [];
      for (const size of sizes) {
        for (const kind of ['one', 'all'] as const) {
          const { synth, diff } = await measure(kind, size, options.tmp);
          rows.push({
            projects: size, changed: kind === 'one' ? 1 : size, flowGroups: diff.flows, diffMs: Math.round(diff.ms), synthMs: Math.round(synth.ms),
            'diff/synth': (diff.ms / synth.ms).toFixed(2), diffPeakMB: diff.peakRssMb, synthPeakMB: synth.peakRssMb,
          });
          options.log(`diff ${kind} of ${size}: ${Math.round(diff.ms)} ms (synth ${Math.round(synth.ms)} ms)`);
        }
      }
      const a = await child(['addresses']);
      rows.push({ projects: 1, changed: '20,000 addresses × 200 ports', flowGroups: a.flows, diffMs: Math.round(a.ms), synthMs: '-', 'diff/synth': '-', diffPeakMB: a.peakRssMb, synthPeakMB: '-' });
      return rows;
    },
    notes(rows) {
      const all = rows.filter((r) => r.changed === r.projects && typeof r.diffMs === 'number');
      return [
        'diffMs: reading both directories, parsing, analysing and building the report, as `netiso diff <base> <head>` does after Node has started; synthMs: rendering and writing the projects as `netiso synth` does after the definitions are declared.',
        ...all.slice(1).map((r, i) => `every project changed, ${all[i].projects} -> ${r.projects} projects (x${(Number(r.projects) / Number(all[i].projects)).toFixed(0)}): diff time x${(Number(r.diffMs) / Math.max(Number(all[i].diffMs), 1)).toFixed(2)}`),
      ];
    },
  };
}

if (require.main === module) process.send?.(runChild(process.argv.slice(2)));
