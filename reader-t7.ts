import { readManifestFiles } from './src/k8s/manifests';
import * as fs from 'fs';
// synthesize a big file: 20000 objects
const docs: string[] = [];
for (let i = 0; i < 5000; i++) {
  docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p${i}\n  namespace: ns${i % 100}\nspec:\n  podSelector: {matchLabels: {app: a${i}}}\n  policyTypes: [Ingress, Egress]\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: x}}\n    ports: [{port: 80, protocol: TCP}]\n  egress:\n  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]\n`);
  docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d${i}\n  namespace: ns${i % 100}\nspec:\n  template:\n    metadata:\n      labels: {app: a${i}}\n    spec:\n      containers:\n      - name: c\n        image: x\n        ports:\n        - {name: http, containerPort: 8080}\n`);
}
fs.mkdirSync('/tmp/reader-big', { recursive: true });
fs.writeFileSync('/tmp/reader-big/all.yaml', docs.join('---\n'));
const t = Date.now();
const m = readManifestFiles(['/tmp/reader-big']);
console.log('objects', m.networkPolicies.length + m.workloads.length, 'ms', Date.now() - t, 'problems', m.problems.length, 'rss MB', Math.round(process.memoryUsage().rss / 1e6));
const t2 = Date.now();
readManifestFiles(['dist']);
console.log('dist ms', Date.now() - t2);
