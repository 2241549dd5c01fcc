import { referenceEvaluator } from './proof';
import { endpoint, INPUTS, PROTOCOL, TIER_CASES } from './tier-cases';

// The upstream-style tier cases with the reference fold: what the compilers produce means what
// the APIs say (semantics.test.ts runs the same cases through the engine).
test.each(TIER_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const allows = referenceEvaluator(c.manifests, INPUTS);
  expect(allows(endpoint(c.from), endpoint(c.to), c.port ?? 80, PROTOCOL)).toBe(c.allowed);
});
