import * as fs from 'fs';
import * as path from 'path';
import { ManifestModel } from '../../src/k8s/manifests';
import { CORPUS, diffCases, readCase } from './cases';
import { canonicalLines, peerText } from './conns';
import { diffConnlists, diffValue } from './diff';
import { parseDiff } from './expected';
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
