import { exampleClusters } from '../helpers';
import { GUARDRAIL_APIS } from '../../src';
import { Engine } from '../../src/analysis';
import { Evaluator, guardrailChanges, scenarioOf, tenantOpens, unadmittedSources } from './proof';
import { validRandomClusters } from './random';
import { endpoint, INPUTS, PROTOCOL, TIER_CASES } from './tier-cases';

/*
 * The guardrail proofs and tier cases against the reachability engine, which reads guardrail
 * objects from the manifests (through compileGuardrails) and folds the tiers. They fail until
 * the engine evaluates tiers; proof.test.ts and tiers.test.ts run the same claims with the
 * reference fold of reference.ts meanwhile.
 */
const engineEvaluator: Evaluator = (manifests, inputs) => {
  const engine = Engine.fromManifests(manifests, inputs);
  return (from, to, port, protocol) => engine.evaluate({
    from: from.kind === 'pod' ? from.name : { ip: from.ip },
    to: to.kind === 'pod' ? to.name : { ip: to.ip },
    port,
    protocol,
  }).allowed;
};

describe('tier semantics (upstream-style cases)', () => {
  test.each(TIER_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const allows = engineEvaluator(c.manifests, INPUTS);
    expect(allows(endpoint(c.from), endpoint(c.to), c.port ?? 80, PROTOCOL)).toBe(c.allowed);
  });
});

const examples = exampleClusters().clusters.filter((c) => c.clusterProps.guardrails);
const clusters = [...examples, ...GUARDRAIL_APIS.flatMap((api) => validRandomClusters([1, 2, 3, 4, 5, 6], api))];

describe.each(clusters.map((c) => [`${c.name} (${c.clusterProps.guardrails!.api})`, scenarioOf(c), c.clusterProps.guardrails!.api] as const))('%s', (_name, scenario, api) => {
  test('NetworkPolicy alone and with guardrails decide every declared or denied flow alike (deny lists aside)', () => {
    expect(guardrailChanges(scenario, engineEvaluator)).toEqual([]);
  });

  test('a tenant allow-everything policy opens isolated projects without guardrails, and nothing to pods with them', () => {
    let unguarded = 0;
    for (const project of scenario.isolated) {
      const opened = tenantOpens(scenario, project, engineEvaluator, api === 'cilium' ? unadmittedSources(scenario, project) : undefined);
      expect([project, opened.guarded]).toEqual([project, []]);
      unguarded += opened.unguarded.length;
    }
    if (scenario.isolated.length) expect(unguarded).toBeGreaterThan(0);
  });
});
