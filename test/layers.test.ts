import * as fs from 'fs';
import * as path from 'path';
import { listFiles } from '../src/k8s/files';

/**
 * The foundation stays at the bottom: `k8s/` (Kubernetes primitives) imports nothing else of
 * netiso, and `values/` stands on `k8s/` only, so every layer above can use both.
 */
const ALLOWED: Record<string, readonly string[]> = {
  k8s: ['k8s'],
  values: ['k8s', 'values'],
};

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => path.relative(path.join(__dirname, '../src'), path.resolve(path.dirname(file), m[1])));
}

describe('layers', () => {
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`src/${layer} imports only ${allowed.join(', ')}`, () => {
      const dir = path.join(__dirname, '../src', layer);
      const offending = listFiles(dir)
        .filter((f) => f.endsWith('.ts'))
        .flatMap((f) => importsOf(path.join(dir, f)).filter((target) => !allowed.includes(target.split(path.sep)[0])).map((target) => `${layer}/${f} -> ${target}`));
      expect(offending).toEqual([]);
    });
  }
});
