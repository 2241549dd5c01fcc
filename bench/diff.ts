/**
 * Benchmark of `netiso diff` against synthesis, side by side in one child process per case, so
 * the ratios the issue sets hold on the same machine at the same moment:
 * - `one`: one project of N changed (an allow-list entry's port), diff vs synthesizing the N projects;
 * - `all`: every project of N changed the same way;
 * - `addresses`: one policy of 20,000 single addresses on 200 ports, one port and one address changed.
 * Each run reports the diff time, the synthesis time, their ratio and the peak RSS of the process.
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClusterSet } from '../src/constructs/cluster-set';
import { diffDist } from '../src/diff/diff';
import { collectTree, streamTree } from '../src/synth/files';
import { writeTree } from '../src/synth/writer';
import { generateProjects } from './generate';
import { Row, Section } from './table';

type DiffCase = 'one' | 'all' | 'addresses';

interface DiffMeasurement {
  readonly diffMs: number;
  readonly synthMs: number;
  readonly flows: number;
  readonly peakRssMb: number;
}

/** The file of the allow-list entry the change edits, and the edit. */
const EDITED = /\/NetworkPolicy\.netiso-to-internet\.k8s\.yaml$/;
const edit = (text: string) => text.replace('port: 443', 'port: 8443');

function runCase(kind: DiffCase, size: number, tmp: string): DiffMeasurement {
  const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);
  if (kind === 'addresses') {
    const [base, head] = [20_000, 19_999].map((n) => addressTree(n, n === 20_000 ? 200 : 199));
    const started = performance.now();
    const report = diffDist(base, head);
    return { diffMs: performance.now() - started, synthMs: 0, flows: report.summary.flowsAllowed + report.summary.flowsDenied, peakRssMb: peak() };
  }
  const clusters = new ClusterSet({ outdir: tmp });
  generateProjects(clusters, size);
  const startedSynth = performance.now();
  writeTree(path.join(tmp, 'dist'), streamTree(clusters.clusters));
  const synthMs = performance.now() - startedSynth;
  const base = collectTree(streamTree(clusters.clusters)).files;
  const head = new Map(base);
  let changed = 0;
  for (const [file, text] of base) {
    if (!EDITED.test(file) || (kind === 'one' && changed > 0)) continue;
    head.set(file, edit(text));
    changed++;
  }
  const started = performance.now();
  const report = diffDist(base, head);
  return { diffMs: performance.now() - started, synthMs, flows: report.summary.flowsAllowed + report.summary.flowsDenied, peakRssMb: peak() };
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

async function measure(kind: DiffCase, size: number): Promise<DiffMeasurement> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `netiso-bench-diff-${kind}-`));
  try {
    const child = fork(__filename, [kind, String(size), dir], {
      execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return await new Promise<DiffMeasurement>((resolve, reject) => {
      let result: DiffMeasurement | undefined;
      child.on('message', (m) => { result = m as DiffMeasurement; });
      child.on('error', reject);
      child.on('exit', (code, signal) => (result ? resolve(result) : reject(new Error(`diff ${kind} at ${size} failed (${signal ?? `exit code ${code}`})`))));
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The diff section of `npm run bench`. */
export function diffSection(log: (line: string) => void): Section {
  return {
    title: 'netiso diff: one or every project changed, against synthesizing the same projects (one process per row)',
    async run(sizes) {
      const rows: Row[] = [];
      for (const size of sizes) {
        for (const kind of ['one', 'all'] as const) {
          const m = await measure(kind, size);
          rows.push({ projects: size, changed: kind === 'one' ? 1 : size, flowGroups: m.flows, diffMs: Math.round(m.diffMs), synthMs: Math.round(m.synthMs), 'diff/synth': (m.diffMs / m.synthMs).toFixed(2), peakRssMB: m.peakRssMb });
          log(`diff ${kind} of ${size}: ${Math.round(m.diffMs)} ms (synth ${Math.round(m.synthMs)} ms)`);
        }
      }
      const a = await measure('addresses', 0);
      rows.push({ projects: 1, changed: '20,000 addresses × 200 ports', flowGroups: a.flows, diffMs: Math.round(a.diffMs), synthMs: '-', 'diff/synth': '-', peakRssMB: a.peakRssMb });
      return rows;
    },
    notes(rows) {
      const all = rows.filter((r) => r.changed === r.projects && typeof r.diffMs === 'number');
      return all.slice(1).map((r, i) => `every project changed, ${all[i].projects} -> ${r.projects} projects: diff time x${(Number(r.diffMs) / Math.max(Number(all[i].diffMs), 1)).toFixed(2)}`);
    },
  };
}

if (require.main === module) {
  const [kind, size, dir] = process.argv.slice(2);
  process.send?.(runCase(kind as DiffCase, Number(size), dir));
}
