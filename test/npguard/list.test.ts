import * as fs from 'fs';
import * as path from 'path';
import { ingressControllerConnections } from '../../src/k8s/ingress-controller';
import { formatProblem } from '../../src/k8s/manifests';
import { CORPUS, inputDirs, listCases, readCase, resolveFocus } from './cases';
import { ConnlistOptions, applyFocus } from './connectivity';
import { PairConns, canonicalLines, connsText, isEmpty } from './conns';
import { parseConnlist } from './expected';
import { PROVIDER } from './provider';

/** What the reader reports in the corpus's input folders, read unchanged: real defects of the inputs. */
const KNOWN_DEFECTS: Record<string, string[]> = {
  // np-guard's own output stored among the inputs (kubectl fails on it too).
  'acs-security-demos': ['connlist_output.json:1: expected a Kubernetes object'],
  onlineboutique: ['connlist_output.json:1: expected a Kubernetes object'],
  'acs-security-demos-added-workloads': ['payments/visa-processor/deployment.yaml:81: Service payments/visa-processor-service: metadata.name: is declared twice'],
  // `containerport:` (Go's JSON decoding ignores case; the API server does not).
  netpol_named_port_test: ['pods.yaml:31: Deployment helloworld/pod-a: spec.template.spec.containers[0].ports[1].containerPort: is missing'],
  netpol_named_port_test_2: ['pods.yaml:31: Deployment helloworld/pod-a: spec.template.spec.containers[0].ports[1].containerPort: is missing'],
};

describe('np-guard corpus: reading the inputs', () => {
  test.each(inputDirs())('%s', (dir) => {
    const root = `${path.join(CORPUS, 'tests', dir)}${path.sep}`;
    const found = readCase(dir).problems.map((p) => formatProblem(p).replace(root, ''));
    const known = KNOWN_DEFECTS[dir] ?? [];
    expect(found.map((text, i) => (known[i] !== undefined && text.startsWith(known[i]) ? known[i] : text))).toEqual(known);
  });
});

describe('np-guard corpus: list', () => {
  const cases = listCases();

  test('every expected output maps to an input folder', () => {
    expect(cases).toHaveLength(126);
  });

  for (const c of cases) {
    test(`${c.file}`, () => {
      const m = readCase(c.dir);
      const options: ConnlistOptions = {
        focusWorkloads: resolveFocus(c.focusTokens, m),
        focusWorkloadPeers: resolveFocus(c.peerTokens, m),
        ...(c.focusDirection ? { focusDirection: c.focusDirection } : {}),
      };
      const hasController = ingressControllerConnections(m, () => true).length > 0;
      const actual = applyFocus(PROVIDER.connlist(m, options), m, options, hasController);
      const expected = parseConnlist(fs.readFileSync(path.join(CORPUS, 'connlist', c.file), 'utf8'));
      const value = (p: PairConns) => (isEmpty(p.conns) ? undefined : connsText(p.conns));
      expect(canonicalLines(actual, value)).toEqual(canonicalLines(expected, value));
    });
  }
});
