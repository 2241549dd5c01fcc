import { exampleClusters } from '../helpers';
import { GUARDRAIL_APIS } from '../../src';
import { guardrailChanges, referenceEvaluator, scenarioOf, tenantOpens, unadmittedSources } from './proof';
import { validRandomClusters } from './random';

// The item-3 proofs, evaluated with the reference fold of reference.ts (semantics.test.ts states
// the same against the engine). Examples: projects/guardrails.ts; plus random definitions.
const examples = exampleClusters().clusters.filter((c) => c.clusterProps.guardrails);
const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);
const clusters = [...examples, ...GUARDRAIL_APIS.flatMap((api) => validRandomClusters(SEEDS, api))];
const cases = clusters.map((c) => [`${c.name} (${c.clusterProps.guardrails!.api})`, scenarioOf(c), c.clusterProps.guardrails!.api] as const);

test('enough valid random definitions and every example are covered', () => {
  expect(examples.map((c) => c.clusterProps.guardrails!.api).sort()).toEqual([...GUARDRAIL_APIS].sort());
  for (const api of GUARDRAIL_APIS) expect(cases.filter(([, , a]) => a === api).length).toBeGreaterThanOrEqual(6);
});

describe.each(cases)('%s', (_name, scenario, api) => {
  test('NetworkPolicy alone and with guardrails decide every declared or denied flow alike (deny lists aside)', () => {
    expect(guardrailChanges(scenario, referenceEvaluator)).toEqual([]);
  });

  test('a tenant allow-everything policy opens isolated projects without guardrails, and nothing to pods with them', () => {
    let unguarded = 0;
    for (const project of scenario.isolated) {
      // Cilium has no Pass: its guardrails pass whole namespaces (see docs/guardrails.md).
      const sources = api === 'cilium' ? unadmittedSources(scenario, project) : undefined;
      const opened = tenantOpens(scenario, project, referenceEvaluator, sources);
      expect([project, opened.guarded]).toEqual([project, []]);
      unguarded += opened.unguarded.length;
    }
    if (scenario.isolated.length) expect(unguarded).toBeGreaterThan(0);
  });
});
