import { exampleClusters } from '../helpers';
import { GUARDRAIL_APIS } from '../../src';
import { validRandomClusters } from './random';
import { schemaProblems } from './schemas';

// Every guardrail object netiso emits, for the examples and random definitions, against the
// transcribed CRD schemas (unknown fields included) and their CEL rules.
const examples = exampleClusters().clusters.filter((c) => c.clusterProps.guardrails);
const SEEDS = Array.from({ length: 20 }, (_, i) => 100 + i);
const clusters = [...examples, ...GUARDRAIL_APIS.flatMap((api) => validRandomClusters(SEEDS, api))];

test.each(clusters.map((c) => [`${c.name} (${c.clusterProps.guardrails!.api})`, c] as const))('%s: every emitted object is schema-valid', (_name, cluster) => {
  const manifests = cluster.clusterManifests();
  expect(manifests.length).toBeGreaterThan(0);
  expect(manifests.flatMap(schemaProblems)).toEqual([]);
});

test('the schemas catch an unknown field, a missing required field and a bad range', () => {
  const [cnp] = examples.find((c) => c.clusterProps.guardrails!.api === 'ClusterNetworkPolicy')!.clusterManifests();
  const spec = cnp.spec as Record<string, unknown>;
  expect(schemaProblems({ ...cnp, spec: { ...spec, ports: [] } }).join('\n')).toMatch(/additional properties/);
  expect(schemaProblems({ ...cnp, spec: { ...spec, priority: undefined } }).join('\n')).toMatch(/priority/);
  expect(schemaProblems({ ...cnp, spec: { ...spec, ingress: [{ action: 'Pass', from: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { range: { start: 9, end: 9 } } } }] }] } }).join('\n')).toMatch(/less than end/);
  expect(schemaProblems({ ...cnp, kind: 'Unknown' })).toEqual([expect.stringMatching(/no schema/)]);
});
