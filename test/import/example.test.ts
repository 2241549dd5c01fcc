import * as path from 'path';
import { importKubeSphereFiles } from '../../src/import';
import { allowedTraffic } from './allowed';
import { synthesizeFiles } from './synth';

// examples/kubesphere-export.yaml is the sample the README and docs/import.md point to.
const example = path.join(__dirname, '..', '..', 'examples', 'kubesphere-export.yaml');

test('the example export imports without surprises and synthesizes to what its comments describe', async () => {
  const result = importKubeSphereFiles([example]);
  expect(result.report.filter((i) => i.severity !== 'note')).toEqual([]);
  expect(result.files.map((f) => f.name)).toEqual(['kubesphere.ts', 'kubesphere-analytics.ts', 'kubesphere-shop.ts', 'kubesphere-system-workspace.ts']);
  const tree = await synthesizeFiles(result.files);
  const allowed = allowedTraffic(tree.files, 'kubesphere');
  expect(allowed['shop-db']).toEqual({ ingress: ['cidr:192.168.0.11/32 @ *', 'ns:kubesphere-monitoring-system @ *', 'ns:kubesphere-system @ *', 'ns:shop-db @ *', 'ns:shop-web @ TCP/6379'] });
  expect(allowed['shop-web'].egress).toEqual([
    'cidr:169.254.25.10/32 @ TCP/53', 'cidr:169.254.25.10/32 @ UDP/53', 'cidr:198.51.100.7/32 @ TCP/443',
    'ns:kube-system pods:k8s-app=kube-dns @ TCP/53', 'ns:kube-system pods:k8s-app=kube-dns @ TCP/9153', 'ns:kube-system pods:k8s-app=kube-dns @ UDP/53',
    'ns:shop-db pods:app=redis @ TCP/6379',
  ]);
  expect(allowed['analytics-ui']).toEqual({ ingress: ['cidr:192.168.0.11/32 @ *', 'ns:kubesphere-monitoring-system @ *', 'ns:kubesphere-system @ *', 'ws:analytics @ *'] });
  expect(allowed['shop-batch']).toEqual({});
  expect(Object.keys(allowed)).not.toContain('kube-system');
});
