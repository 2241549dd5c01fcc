import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { k8s } from 'cdk8s-plus-27';
import * as manifestModule from '../src/render/manifest';
import { renderTree } from '../src/synth/files';
import { loadDefinitions } from '../src/synth/load';

test('manifestOf equals the cdk8s-plus L1 conversion for every object of the example projects', async () => {
  const original = manifestModule.manifestOf;
  const kinds = new Set<string>();
  const mismatches: unknown[] = [];
  const spy = jest.spyOn(manifestModule, 'manifestOf').mockImplementation((gvk, props) => {
    const l1 = Object.values(k8s).find((c: any) => c?.GVK?.kind === gvk.kind && c.GVK.apiVersion === gvk.apiVersion) as any;
    const ours = original(gvk, props);
    const theirs = JSON.parse(JSON.stringify(l1.manifest(props)));
    // Key order differs (files sort keys anyway); the content must not.
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(ours)), theirs)) mismatches.push({ ours, theirs });
    kinds.add(gvk.kind);
    return ours;
  });
  try {
    const { clusters, problems } = await loadDefinitions(path.join(__dirname, '..', 'projects'));
    expect(problems).toEqual([]);
    renderTree(clusters.clusters);
  } finally {
    spy.mockRestore();
  }
  expect(mismatches).toEqual([]);
  expect([...kinds].sort()).toEqual(['Ingress', 'Namespace', 'NetworkPolicy', 'Service']);
});
