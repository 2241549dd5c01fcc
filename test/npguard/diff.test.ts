import * as fs from 'fs';
import * as path from 'path';
import { diffModels } from '../../src/diff/manifests';
import { ManifestModel } from '../../src/k8s/manifests';
import { CORPUS, diffCases, readCase } from './cases';
import { Peer, canonicalLines, ipValue, parseConns, peerText } from './conns';
import { diffConnlists, diffValue } from './diff';
import { DiffEntry, parseDiff } from './expected';
import { PROVIDER } from './provider';

const NO_FOCUS = { focusWorkloads: [], focusWorkloadPeers: [] };

function workloadNames(m: ManifestModel): Set<string> {
  return new Set(m.workloads.map((w) => peerText({ kind: 'workload', namespace: w.namespace, name: w.name, workloadKind: w.kind })));
}

describe('np-guard corpus: diff', () => {
  const cases = diffCases();

  test('every expected diff maps to two input folders', () => {
    expect(cases).toHaveLength(29);
  });

  for (const c of cases) {
    test(`${c.file} (ref1 ${c.ref1}, ref2 ${c.ref2})`, () => {
      const [m1, m2] = [readCase(c.ref1), readCase(c.ref2)];
      const actual = diffConnlists(PROVIDER.connlist(m1, NO_FOCUS), PROVIDER.connlist(m2, NO_FOCUS), workloadNames(m1), workloadNames(m2));
      const expected = parseDiff(fs.readFileSync(path.join(CORPUS, 'diff', c.file), 'utf8'));
      expect(canonicalLines(actual, diffValue)).toEqual(canonicalLines(expected, diffValue));
    });
  }
});

/**
 * The same cases through `netiso diff` itself (manifests mode, pair detail), with np-guard's
 * convention that pods are never matched by ipBlocks: the pairs it lists must be np-guard's.
 */
describe('np-guard corpus: netiso diff', () => {
  const withoutAddresses = (m: ManifestModel): ManifestModel => ({ ...m, workloads: m.workloads.map(({ ip: _ip, ips: _ips, ...w }) => w) });
  for (const c of diffCases()) {
    test(`${c.file}`, () => {
      const [m1, m2] = [readCase(c.ref1), readCase(c.ref2)].map(withoutAddresses);
      const kinds = new Map([...m1.workloads, ...m2.workloads].map((w) => [`${w.namespace}/${w.name}`, w.kind]));
      const peers = (text: string): Peer[] => {
        if (text === '{ingress-controller}') return [{ kind: 'ingress-controller' }];
        const range = /^([0-9.]+)(?:-([0-9.]+))?$/.exec(text);
        if (range) return [{ kind: 'external', first: ipValue(range[1]), last: ipValue(range[2] ?? range[1]) }];
        if (text.includes(':')) return [];
        const slash = text.indexOf('/');
        return [{ kind: 'workload', namespace: text.slice(0, slash), name: text.slice(slash + 1), workloadKind: kinds.get(text) ?? 'Pod' }];
      };
      const actual: DiffEntry[] = [];
      for (const p of diffModels(m1, m2, { pairs: true }).pairs ?? []) {
        const ref1 = p.before === 'No Connections' ? {} : parseConns(p.before);
        const ref2 = p.after === 'No Connections' ? {} : parseConns(p.after);
        const ends = [...(p.added ?? []).map((w) => ['added', w]), ...(p.removed ?? []).map((w) => ['removed', w])];
        const info = ends.length ? `workload ${ends.map(([, w]) => peerText(peers(w)[0])).join(' and ')} ${ends[0][0]}` : undefined;
        for (const src of peers(p.from)) {
          for (const dst of peers(p.to)) {
            actual.push({ type: p.before === 'No Connections' ? 'added' : p.after === 'No Connections' ? 'removed' : 'changed', src, dst, ref1, ref2, ...(info ? { info } : {}) });
          }
        }
      }
      const expected = parseDiff(fs.readFileSync(path.join(CORPUS, 'diff', c.file), 'utf8'));
      expect(canonicalLines(actual, diffValue)).toEqual(canonicalLines(expected, diffValue));
    });
  }
});
