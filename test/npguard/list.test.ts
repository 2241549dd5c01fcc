import * as fs from 'fs';
import * as path from 'path';
import { ManifestModel, readManifestFiles } from '../../src/k8s/manifests';
import { ingressControllerConnections } from '../../src/k8s/ingress-controller';
import { CORPUS, listCases, resolveFocus } from './cases';
import { ConnlistOptions, applyFocus } from './connectivity';
import { canonicalLines, connsText, isEmpty } from './conns';
import { parseConnlist } from './expected';
import { PROVIDER } from './provider';

const models = new Map<string, ManifestModel>();
function model(dir: string): ManifestModel {
  let m = models.get(dir);
  if (!m) models.set(dir, (m = readManifestFiles([path.join(CORPUS, 'tests', dir)])));
  return m;
}

describe('np-guard corpus: list', () => {
  const cases = listCases();

  test('every expected output maps to an input folder', () => {
    expect(cases).toHaveLength(126);
  });

  for (const c of cases) {
    test(`${c.file}`, () => {
      const m = model(c.dir);
      const options: ConnlistOptions = {
        focusWorkloads: resolveFocus(c.focusTokens, m),
        focusWorkloadPeers: resolveFocus(c.peerTokens, m),
        ...(c.focusDirection ? { focusDirection: c.focusDirection } : {}),
      };
      const hasController = ingressControllerConnections(m, () => true).length > 0;
      const actual = applyFocus(PROVIDER.connlist(m, options), m, options, hasController);
      const expected = parseConnlist(fs.readFileSync(path.join(CORPUS, 'connlist', c.file), 'utf8'));
      const value = (p: { conns: Parameters<typeof connsText>[0] }) => (isEmpty(p.conns) ? undefined : connsText(p.conns));
      expect(canonicalLines(actual, value)).toEqual(canonicalLines(expected, value));
    });
  }
});
