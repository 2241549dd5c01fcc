import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Engine } from '../../src/analysis';
import type { EndpointRef, NamespaceInfo } from '../../src/analysis';
import { readObjects } from '../../src/import';
import { Flow, FLOW_MODELS, FlowModel } from './flows';
import { kubesphereNetworkPolicies } from './kubesphere-reference';
import { fixtures, synth } from './synth';

/**
 * The engine over `policies` in the model's cluster. Namespaces come from the fixture as KubeSphere
 * labelled them (netiso emits Namespaces only with --manage-namespaces), plus the model's own, which
 * get the `kubesphere.io/namespace` label KubeSphere puts on every namespace.
 */
function engine(model: FlowModel, policies: readonly unknown[]): Engine {
  const declared = readObjects([path.join(fixtures, model.file)]).filter((o) => o.kind === 'Namespace');
  const namespaces: NamespaceInfo[] = Object.entries(model.namespaces ?? {}).map(([name, { workspace }]) => ({
    name,
    labels: { 'kubesphere.io/namespace': name, ...(workspace ? { 'kubesphere.io/workspace': workspace } : {}) },
  }));
  return Engine.fromManifests([...declared, ...policies], {
    namespaces,
    workloads: Object.entries(model.workloads).map(([ref, labels]) => {
      const [namespace, name] = ref.split('/');
      return { namespace, name, labels };
    }),
    externals: Object.entries(model.externals ?? {}).map(([name, ip]) => ({ name, ip })),
    nodes: Object.entries(model.nodes ?? {}).map(([name, ip]) => ({ name, ip })),
  });
}

function endpoint(model: FlowModel, name: string): EndpointRef {
  if (name.includes('/')) return name;
  if (model.externals?.[name]) return { external: name };
  if (model.nodes?.[name]) return { node: name };
  throw new Error(`${model.file}: flow endpoint ${name} is not in the model`);
}

/** Every flow whose verdict differs from `expected`, with the engine's explanation. */
function mismatches(model: FlowModel, e: Engine, expected: (flow: Flow) => 'allow' | 'deny'): string[] {
  return model.flows.flatMap((flow) => {
    const [from, to, protocol, port] = flow;
    const explanation = e.explain({ from: endpoint(model, from), to: endpoint(model, to), protocol, port });
    return (explanation.verdict.allowed ? 'allow' : 'deny') === expected(flow) ? [] : [`expected ${expected(flow)}, got:\n${explanation.text}`];
  });
}

function parseTree(files: ReadonlyMap<string, string>): unknown[] {
  return [...files].filter(([rel]) => rel.endsWith('.yaml')).flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS()));
}

describe.each(FLOW_MODELS)('flows of $file', (model) => {
  test('netiso\'s synthesized policies allow exactly the expected flows', async () => {
    const e = engine(model, parseTree((await synth(model.file)).tree.files));
    expect(mismatches(model, e, ([, , , , netiso]) => netiso)).toEqual([]);
  });

  test('KubeSphere\'s policies allow the same flows, apart from the documented deviations', () => {
    const e = engine(model, kubesphereNetworkPolicies(readObjects([path.join(fixtures, model.file)])));
    expect(mismatches(model, e, ([, , , , netiso, kubesphere]) => kubesphere ?? netiso)).toEqual([]);
  });
});
