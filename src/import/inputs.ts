import { compare } from '../k8s/compare';
import { stableJson } from '../k8s/read';
import type { KubeObject } from '../k8s/read';
import { KS, path } from './kubesphere';
import { Reporter } from './report';

/** What KubeSphere's controller reads, by name, each object reduced to the fields it reads. */
export interface Inputs {
  readonly namespaces: ReadonlyMap<string, KubeObject>;
  readonly workspaces: ReadonlyMap<string, KubeObject>;
  readonly workspaceTemplates: ReadonlyMap<string, KubeObject>;
  /** By `namespace/name`. */
  readonly nsnps: ReadonlyMap<string, KubeObject>;
  /** By `namespace/name`. */
  readonly services: ReadonlyMap<string, KubeObject>;
  readonly configMap?: KubeObject;
  /** Nodes with a `kubesphere.io/snat-node-ips` annotation. */
  readonly snatNodes: ReadonlyMap<string, KubeObject>;
}

type Slot = 'namespaces' | 'workspaces' | 'workspaceTemplates' | 'nsnps' | 'services' | 'configMaps' | 'snatNodes';

/**
 * Collects an export's objects one at a time (see `streamObjects`), keeping only what the
 * controller reads: each object is reduced to those fields as it arrives (no `managedFields`,
 * `status` or `last-applied-configuration`), and other kinds are only counted. Memory then
 * grows with the number of projects, not with the size of the export.
 */
export class InputCollector {
  // Every copy is kept until all are read, so that which one is used does not depend on the order.
  private readonly copies = new Map<Slot, Map<string, KubeObject[]>>();
  private readonly unused = new Map<string, number>();

  constructor(private readonly report: Reporter) {}

  public add(obj: KubeObject): void {
    const kind = obj.kind ?? '(no kind)';
    const group = (obj.apiVersion ?? '').split('/')[0];
    const name = obj.metadata?.name;
    const namespace = obj.metadata?.namespace;
    if (typeof name !== 'string' || !name) {
      this.count(kind);
    } else if (kind === 'Namespace' && obj.apiVersion === 'v1') {
      this.put('namespaces', name, slim(obj, { annotations: [KS.isolateAnnotation] }));
    } else if (kind === 'Workspace' && group === 'tenant.kubesphere.io') {
      this.put('workspaces', name, slim(obj, { annotations: [KS.isolateAnnotation], spec: { networkIsolation: path(obj, 'spec', 'networkIsolation') } }));
    } else if (kind === 'WorkspaceTemplate' && group === 'tenant.kubesphere.io') {
      this.put('workspaceTemplates', name, slim(obj, {
        annotations: [KS.isolateAnnotation],
        spec: { template: { spec: { networkIsolation: path(obj, 'spec', 'template', 'spec', 'networkIsolation') } } },
      }));
    } else if (kind === 'NamespaceNetworkPolicy' && group === 'network.kubesphere.io' && namespace) {
      this.put('nsnps', `${namespace}/${name}`, slim(obj, { spec: obj.spec }));
    } else if (kind === 'Service' && obj.apiVersion === 'v1' && namespace) {
      this.put('services', `${namespace}/${name}`, slim(obj, { spec: { type: path(obj, 'spec', 'type'), selector: path(obj, 'spec', 'selector'), ports: path(obj, 'spec', 'ports') } }));
    } else if (kind === 'ConfigMap' && name === KS.configMap && (namespace ?? KS.configNamespace) === KS.configNamespace) {
      this.put('configMaps', name, slim(obj, { data: { 'kubesphere.yaml': path(obj, 'data', 'kubesphere.yaml') } }));
    } else if (kind === 'Node' && obj.metadata?.annotations?.[KS.snatAnnotation]) {
      this.put('snatNodes', name, slim(obj, { annotations: [KS.snatAnnotation] }));
    } else {
      this.count(kind);
    }
  }

  /** The objects, one copy each, by sorted key; notes about repeated and unread objects are reported. */
  public finish(): Inputs {
    const pick = (slot: Slot) => new Map([...this.copies.get(slot) ?? []]
      .sort(([a], [b]) => compare(a, b))
      .map(([key, list]) => [key, pickCopy(list, this.report)]));
    if (this.unused.size) {
      const summary = [...this.unused].sort(([a], [b]) => compare(a, b)).map(([k, n]) => `${k} ×${n}`).join(', ');
      this.report('note', { kind: 'Input', name: 'other objects' }, `${summary}: not read (KubeSphere's network isolation does not depend on them)`);
    }
    return {
      namespaces: pick('namespaces'),
      workspaces: pick('workspaces'),
      workspaceTemplates: pick('workspaceTemplates'),
      nsnps: pick('nsnps'),
      services: pick('services'),
      configMap: pick('configMaps').get(KS.configMap),
      snatNodes: pick('snatNodes'),
    };
  }

  private put(slot: Slot, key: string, obj: KubeObject): void {
    let byKey = this.copies.get(slot);
    if (!byKey) this.copies.set(slot, byKey = new Map());
    const list = byKey.get(key);
    if (list) list.push(obj); else byKey.set(key, [obj]);
  }

  private count(kind: string): void {
    this.unused.set(kind, (this.unused.get(kind) ?? 0) + 1);
  }
}

/**
 * `obj` with identity, labels, `resourceVersion` (to choose among copies), the named annotations
 * and the given fields only. Undefined fields are left out, so that copies compare equal when
 * what the controller reads is equal.
 */
function slim(obj: KubeObject, keep: { annotations?: readonly string[]; spec?: unknown; data?: unknown }): KubeObject {
  const m = obj.metadata ?? {};
  const annotations = Object.fromEntries((keep.annotations ?? []).filter((a) => m.annotations?.[a] !== undefined).map((a) => [a, m.annotations![a]]));
  return JSON.parse(JSON.stringify({
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: {
      name: m.name,
      namespace: m.namespace,
      labels: m.labels,
      annotations: Object.keys(annotations).length ? annotations : undefined,
      resourceVersion: (m as Record<string, unknown>).resourceVersion,
    },
    spec: keep.spec,
    data: keep.data,
  })) as KubeObject;
}

/**
 * The copy of an object that appears more than once in the input, chosen whatever their order:
 * identical copies are one object; of differing copies the one with the highest
 * `metadata.resourceVersion` (the newest the API server wrote), then the first in canonical JSON
 * order. Differing copies are reported as `skipped`: which one the cluster has is unknown.
 */
function pickCopy(copies: readonly KubeObject[], report: Reporter): KubeObject {
  if (copies.length === 1) return copies[0];
  const first = copies[0];
  const ref = { kind: first.kind!, namespace: first.metadata?.namespace, name: first.metadata!.name! };
  const distinct = [...new Map(copies.map((c) => [stableJson(c), c])).entries()].sort(([a], [b]) => compare(a, b)).map(([, c]) => c);
  if (distinct.length === 1) {
    report('note', ref, `appears ${copies.length} times in the input, as identical copies; one is used`);
    return first;
  }
  const version = (o: KubeObject): bigint | undefined => {
    const v = (o.metadata as Record<string, unknown> | undefined)?.resourceVersion;
    return typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : undefined;
  };
  const versions = distinct.map(version);
  const byVersion = versions.every((v) => v !== undefined) && new Set(versions.map(String)).size === versions.length;
  const chosen = byVersion ? distinct[versions.indexOf(versions.reduce((a, b) => (b! > a! ? b : a)))] : distinct[0];
  const sortedVersions = byVersion ? ` (resourceVersion ${[...versions].sort((a, b) => (a! < b! ? -1 : 1)).join(', ')})` : '';
  report('skipped', ref, `appears ${copies.length} times in the input with different contents${sortedVersions}; the import uses `
    + `${byVersion ? `the newest (resourceVersion ${version(chosen)})` : 'the first in canonical JSON order'} and leaves the others out, `
    + 'though the cluster may have one of those; keep only the current copy in the input');
  return chosen;
}
