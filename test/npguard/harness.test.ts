import { readManifestTexts } from '../../src/k8s/manifests';
import { diffCases, listCases, resolveFocus } from './cases';
import { applyFocus } from './connectivity';
import { PairConns, canonicalLines, connsText, parseConns, parsePeer, peerText } from './conns';
import { diffConnlists, diffValue } from './diff';
import { parseConnlist, parseDiff } from './expected';

const value = (p: PairConns) => connsText(p.conns);

describe('connection sets', () => {
  test.each(['All Connections', 'No Connections', 'TCP 8080', 'SCTP 7070,TCP 8080-8081,UDP 9090', 'TCP 10053-10054,UDP 10053', 'TCP 8080,9090,UDP 8080'])('%s round-trips', (text) => {
    expect(connsText(parseConns(text))).toBe(text);
  });

  test('ranges are merged, protocols ordered as np-guard prints them', () => {
    expect(connsText(parseConns('UDP 5,TCP 81,80,82-90'))).toBe('TCP 80-90,UDP 5');
    expect(connsText(parseConns('TCP 1-65535,SCTP 1-65535,UDP 1-65535'))).toBe('All Connections');
  });

  test('peers', () => {
    for (const text of ['ns/name[Deployment]', '{ingress-controller}', '0.0.0.0-9.255.255.255[External]']) expect(peerText(parsePeer(text))).toBe(text);
    expect(() => parsePeer('name')).toThrow('not an np-guard peer');
  });
});

describe('comparing results as functions', () => {
  const list = (text: string) => canonicalLines(parseConnlist(text), value);

  test('the same addresses cut at other points compare equal', () => {
    expect(list('0.0.0.0-9.255.255.255[External] => a/b[Pod] : TCP 80\n10.0.0.0-255.255.255.255[External] => a/b[Pod] : TCP 80\n')).toEqual(
      list('0.0.0.0-255.255.255.255[External] => a/b[Pod] : TCP 80\n'),
    );
  });

  test('a different value, a missing range, a missing pair or another direction compare unequal', () => {
    const base = list('0.0.0.0-255.255.255.255[External] => a/b[Pod] : TCP 80\na/b[Pod] => a/c[Pod] : All Connections\n');
    expect(list('0.0.0.0-255.255.255.255[External] => a/b[Pod] : TCP 81\na/b[Pod] => a/c[Pod] : All Connections\n')).not.toEqual(base);
    expect(list('0.0.0.0-255.255.255.254[External] => a/b[Pod] : TCP 80\na/b[Pod] => a/c[Pod] : All Connections\n')).not.toEqual(base);
    expect(list('0.0.0.0-255.255.255.255[External] => a/b[Pod] : TCP 80\n')).not.toEqual(base);
    expect(list('a/b[Pod] => 0.0.0.0-255.255.255.255[External] : TCP 80\na/b[Pod] => a/c[Pod] : All Connections\n')).not.toEqual(base);
  });

  test('overlapping ranges with different values are an error, not a silent pick', () => {
    expect(() => list('0.0.0.0-9.255.255.255[External] => a/b[Pod] : TCP 80\n5.0.0.0-255.255.255.255[External] => a/b[Pod] : TCP 81\n')).toThrow('has two values');
  });

  test('the exposure section is not part of the connectivity list', () => {
    expect(parseConnlist('a/b[Pod] => a/c[Pod] : TCP 80\n\nExposure Analysis Result:\nEgress Exposure:\na/b[Pod] \t=> \tentire-cluster : UDP 53\n')).toHaveLength(1);
  });
});

describe('the corpus files', () => {
  test('list outputs: folder, focus workloads, direction and peers from the file name', () => {
    const byFile = new Map(listCases().map((c) => [c.file, c]));
    expect(byFile.get('acs-security-demos_focus_workload_checkout_reports_egress_with_recommendation_catalog_connlist_output.txt')).toEqual({
      file: 'acs-security-demos_focus_workload_checkout_reports_egress_with_recommendation_catalog_connlist_output.txt',
      dir: 'acs-security-demos',
      focusTokens: ['checkout', 'reports'],
      peerTokens: ['recommendation', 'catalog'],
      focusDirection: 'egress',
      exposure: false,
    });
    expect(byFile.get('exposure_matched_and_unmatched_rules_test_exposure_output.txt')).toEqual(
      expect.objectContaining({ dir: 'exposure_matched_and_unmatched_rules_test', focusTokens: [], exposure: true }),
    );
  });

  test('diff outputs: diff_between_<ref2>_and_<ref1>', () => {
    expect(diffCases().find((c) => c.file === 'diff_between_ipblockstest_2_and_ipblockstest.txt')).toEqual({
      file: 'diff_between_ipblockstest_2_and_ipblockstest.txt',
      ref1: 'ipblockstest',
      ref2: 'ipblockstest_2',
    });
  });

  test('focus tokens: a namespace and a name of one workload form ns/name', () => {
    const model = readManifestTexts(
      new Map([['w.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: checkout, namespace: backend}\nspec: {containers: []}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: webapp, namespace: frontend}\nspec: {containers: []}\n']]),
    );
    expect(resolveFocus(['backend', 'checkout', 'frontend', 'webapp'], model)).toEqual(['backend/checkout', 'frontend/webapp']);
    expect(resolveFocus(['checkout', 'webapp'], model)).toEqual(['checkout', 'webapp']);
  });
});

describe('np-guard focus rules', () => {
  const model = readManifestTexts(
    new Map([['w.yaml', ['a', 'b', 'c'].map((n) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}, namespace: x}\nspec: {containers: []}\n`).join('---\n')]]),
  );
  const pairs = parseConnlist('x/a[Pod] => x/b[Pod] : All Connections\nx/b[Pod] => x/a[Pod] : All Connections\nx/b[Pod] => x/c[Pod] : All Connections\n{ingress-controller} => x/a[Pod] : TCP 80\n');
  const focus = (focusWorkloads: string[], focusWorkloadPeers: string[] = [], focusDirection?: 'ingress' | 'egress', controller = true) =>
    applyFocus(pairs, model, { focusWorkloads, focusWorkloadPeers, ...(focusDirection ? { focusDirection } : {}) }, controller).map((p) => `${peerText(p.src)} => ${peerText(p.dst)}`);

  test('pairs with a focus workload, by name or ns/name, in the focus direction, with the focus peers', () => {
    expect(focus([])).toHaveLength(4);
    expect(focus(['a'])).toEqual(['x/a[Pod] => x/b[Pod]', 'x/b[Pod] => x/a[Pod]', '{ingress-controller} => x/a[Pod]']);
    expect(focus(['x/a'], [], 'egress')).toEqual(['x/a[Pod] => x/b[Pod]']);
    expect(focus(['b'], ['c'])).toEqual(['x/b[Pod] => x/c[Pod]']);
    expect(focus(['ingress-controller'])).toEqual(['{ingress-controller} => x/a[Pod]']);
  });

  test('nothing when no focus workload (or no focus peer) exists', () => {
    expect(focus(['nope'])).toEqual([]);
    expect(focus(['a'], ['nope'])).toEqual([]);
    expect(focus(['ingress-controller'], [], undefined, false)).toEqual([]);
  });
});

describe('diff of two connectivity lists', () => {
  test('added, removed and changed pairs, external ranges address by address, workloads on one side named', () => {
    const ref1 = parseConnlist('0.0.0.0-255.255.255.255[External] => x/a[Pod] : TCP 53\nx/a[Pod] => x/b[Pod] : TCP 80\nx/a[Pod] => x/gone[Pod] : TCP 80\n');
    const ref2 = parseConnlist('0.0.0.0-9.255.255.255[External] => x/a[Pod] : UDP 53\n10.0.0.0-255.255.255.255[External] => x/a[Pod] : TCP 53\nx/a[Pod] => x/b[Pod] : TCP 80\nx/a[Pod] => x/new[Pod] : All Connections\n');
    const actual = diffConnlists(ref1, ref2, new Set(['x/a[Pod]', 'x/b[Pod]', 'x/gone[Pod]']), new Set(['x/a[Pod]', 'x/b[Pod]', 'x/new[Pod]']));
    const expected = parseDiff(`Connectivity diff:
diff-type: changed, source: 0.0.0.0-9.255.255.255[External], destination: x/a[Pod], ref1: TCP 53, ref2: UDP 53
diff-type: removed, source: x/a[Pod], destination: x/gone[Pod], ref1: TCP 80, ref2: No Connections, workloads-diff-info: workload x/gone[Pod] removed
diff-type: added, source: x/a[Pod], destination: x/new[Pod], ref1: No Connections, ref2: All Connections, workloads-diff-info: workload x/new[Pod] added
`);
    expect(canonicalLines(actual, diffValue)).toEqual(canonicalLines(expected, diffValue));
    expect(canonicalLines(actual, diffValue)).toHaveLength(3);
  });
});
