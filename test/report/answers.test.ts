import { Engine, Workload } from '../../src/analysis';
import { exampleClusters } from '../helpers';
import { Analysis, analyzeCluster, analyzeManifests } from '../../src/report/analyze';
import { ConnEnd, connlist } from '../../src/report/connlist';
import { cidrRanges } from '../../src/report/ranges';
import { ExplainOptions, ExplainReport, explain } from '../../src/report/report';
import { inputDirs, readCase } from '../npguard/cases';

/**
 * The grouped report says exactly what the per-pair list says: every block, expanded to workload
 * pairs (and workload–address ranges), gives each pair the connections `connlist` gives it, and
 * no pair twice. This checks the grouping (default rectangles, their exceptions, rectangles of
 * the pairs rules name, namespaces merged into `within`) against the engine's plain enumeration.
 */
function pairsOfReport(report: ExplainReport, analysis: Analysis): Map<string, string> {
  const hidden = analysis.controller?.ref;
  const workloads = analysis.engine.cluster.workloads.map((w: Workload) => `${w.namespace}/${w.name}`).filter((w) => w !== hidden);
  const expand = (items: readonly string[], ns?: string): string[] => items.flatMap((i) => {
    if (i === '*') return ns === undefined ? workloads : workloads.filter((w) => w.startsWith(`${ns}/`));
    const ref = ns === undefined ? i : `${ns}/${i}`;
    return ref.endsWith('/*') ? workloads.filter((w) => w.startsWith(ref.slice(0, -1))) : [ref];
  });
  const out = new Map<string, string>();
  const add = (key: string, conns: string) => {
    if (out.has(key)) throw new Error(`${key} is in two answers: ${out.get(key)} and ${conns}`);
    out.set(key, conns);
  };
  for (const a of report.answers) {
    for (const b of a.blocks) {
      if (a.from === 'pod' && a.to === 'pod') {
        for (const ns of b.within ?? [undefined]) {
          const except = new Set((b.except ?? []).flatMap((x) => expand(x.from, ns).flatMap((f) => expand(x.to, ns).map((t) => `${f} > ${t}`))));
          for (const f of expand(b.from, ns)) for (const t of expand(b.to, ns)) if (f !== t && !except.has(`${f} > ${t}`)) add(`${f} > ${t}`, a.conns);
        }
      } else if (a.from === 'pod' && a.to === 'address') {
        for (const f of expand(b.from)) for (const r of cidrRanges(b.to)) add(`${f} > ${r.family}:${r.lo}-${r.hi}`, a.conns);
      } else if (a.from === 'address' && a.to === 'pod') {
        for (const t of expand(b.to)) for (const r of cidrRanges(b.from)) add(`${r.family}:${r.lo}-${r.hi} > ${t}`, a.conns);
      } else if (a.from === 'ingress-controller') {
        for (const t of expand(b.to)) add(`{ingress-controller} > ${t}`, a.conns);
      }
    }
  }
  return merged(out);
}

function pairsOfConnlist(engine: Engine, analysis: Analysis, keep: (from: string | undefined, to: string | undefined) => boolean): Map<string, string> {
  const model = 'model' in analysis ? (analysis as { model: Parameters<typeof connlist>[1] }).model : undefined;
  const ref = (e: ConnEnd) => (e.kind === 'workload' ? `${e.namespace}/${e.name}` : undefined);
  const out = new Map<string, string>();
  for (const e of connlist(engine, analysis.controller ? model : undefined, analysis.controller?.ref)) {
    if (!keep(ref(e.from), ref(e.to))) continue;
    const ends = (x: ConnEnd): string[] => (x.kind === 'workload' ? [ref(x) as string] : x.kind === 'ingress-controller' ? ['{ingress-controller}'] : x.ranges.map((r) => `${r.family}:${r.lo}-${r.hi}`));
    for (const f of ends(e.from)) for (const t of ends(e.to)) out.set(`${f} > ${t}`, e.conns.toString());
  }
  return merged(out);
}

/** Address ranges that touch and share an answer, merged, so both sides compare range by range. */
function merged(pairs: Map<string, string>): Map<string, string> {
  const byEnd = new Map<string, { lo: bigint; hi: bigint; conns: string }[]>();
  const out = new Map<string, string>();
  for (const [key, conns] of pairs) {
    const m = key.match(/^(.*) > ([46]):(\d+)-(\d+)$/) ?? key.match(/^([46]):(\d+)-(\d+) > (.*)$/);
    if (!m) {
      out.set(key, conns);
      continue;
    }
    const toAddress = key.includes(' > 4:') || key.includes(' > 6:');
    const [pod, family, lo, hi] = toAddress ? [m[1], m[2], m[3], m[4]] : [m[4], m[1], m[2], m[3]];
    const k = `${toAddress ? '>' : '<'} ${pod} ${family}`;
    byEnd.set(k, [...(byEnd.get(k) ?? []), { lo: BigInt(lo), hi: BigInt(hi), conns }]);
  }
  for (const [k, list] of byEnd) {
    list.sort((a, b) => (a.lo < b.lo ? -1 : 1));
    const runs: typeof list = [];
    for (const r of list) {
      const last = runs[runs.length - 1];
      if (last && last.conns === r.conns && last.hi + 1n === r.lo) last.hi = r.hi;
      else runs.push({ ...r });
    }
    for (const r of runs) out.set(`${k} ${r.lo}-${r.hi}`, r.conns);
  }
  return out;
}

function sorted(m: Map<string, string>): [string, string][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('grouped answers equal the per-pair list', () => {
  test.each(inputDirs())('np-guard input %s', (dir) => {
    const analysis = analyzeManifests(readCase(dir), dir);
    const report = explain(analysis);
    expect(sorted(pairsOfReport(report, analysis))).toEqual(sorted(pairsOfConnlist(analysis.engine, analysis, () => true)));
  });

  const clusters = exampleClusters();
  test.each(clusters.clusters.map((c) => [c.name, c] as const))('definitions: cluster %s', (_name, cluster) => {
    // Node addresses are listed as nodes by the report and as addresses by the list: leave them out here.
    const analysis = { ...analyzeCluster(cluster), nodes: [] };
    const report = explain(analysis);
    expect(sorted(pairsOfReport(report, analysis))).toEqual(sorted(pairsOfConnlist(analysis.engine, analysis, () => true)));
  });

  const demo = clusters.clusters.find((c) => c.name === 'demo')!;
  const focusCases: [string, ExplainOptions, (f: string | undefined, t: string | undefined) => boolean][] = [
    ['--project shop-web', { project: 'shop-web' }, (f, t) => !!f?.startsWith('shop-web/') || !!t?.startsWith('shop-web/')],
    ['--workload redis --direction ingress', { workloads: ['redis'], direction: 'ingress' }, (_f, t) => t === 'shop-db/redis'],
    ['--workload shop-web/frontend --peer redis', { workloads: ['shop-web/frontend'], peers: ['redis'] }, (f, t) => (f === 'shop-web/frontend' && t === 'shop-db/redis') || (t === 'shop-web/frontend' && f === 'shop-db/redis')],
  ];
  test.each(focusCases)('with a focus: %s', (_name, options, keep) => {
    const analysis = { ...analyzeCluster(demo), nodes: [] };
    const report = explain(analysis, options);
    expect(sorted(pairsOfReport(report, analysis))).toEqual(sorted(pairsOfConnlist(analysis.engine, analysis, keep)));
  });
});

describe('SideFunction.ipRanges', () => {
  test.each(['ipblockstest', 'ipblockstest_4', 'onlineboutique', 'exposure_test_with_different_rules_4'])('agrees with getAddress class by class: %s', (dir) => {
    const engine = analyzeManifests(readCase(dir), dir).engine;
    const conn = engine.connectivity;
    const partition = engine.universe.partition;
    for (const cls of engine.universe.classes) {
      if (!conn.present(cls.index)) continue;
      for (const side of [conn.egress(cls.index), conn.ingress(cls.index)]) {
        const byResult = side.ipRanges();
        for (const z of partition.classes) {
          const expected = side.getAddress(z.index);
          const holder = [...byResult].find(([, ranges]) => ranges.some((r) => r.family === z.family && r.lo <= z.ranges[0].lo && z.ranges[0].lo <= r.hi));
          expect(holder?.[0].allowed).toBe(expected.allowed);
          expect(holder?.[0].reason).toBe(expected.reason);
        }
      }
    }
  });
});
