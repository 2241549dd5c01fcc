import * as fs from 'fs';
import * as path from 'path';
import { compare } from './compare';
import { isRecord } from './errors';
import { listFiles } from './files';
import { ManifestProblem, ObjectCheck, SourceRef, formatProblem, show, subjectOf } from './manifests-check';
import {
  GuardrailRecord,
  IngressRecord,
  NamespaceRecord,
  PolicyRecord,
  RouteRecord,
  ServiceRecord,
  guardrailKind,
  readIngress,
  readNamespace,
  readPolicy,
  readRoute,
  readService,
  withNamespace,
} from './manifests-kinds';
import { lineOf, parseManifestText } from './manifests-yaml';
import { POD_TEMPLATE_PATHS, WorkloadObject, WorkloadRecord, collectWorkloads } from './workloads';

export type { ManifestProblem, SourceRef } from './manifests-check';
export { formatProblem } from './manifests-check';
export type { BackendRecord, GuardrailRecord, IngressRecord, NamespaceRecord, PolicyRecord, RouteRecord, ServicePortRecord, ServiceRecord } from './manifests-kinds';
export { GUARDRAIL_KINDS } from './manifests-kinds';
export type { ContainerPortRecord, WorkloadRecord } from './workloads';
export { POD_TEMPLATE_PATHS } from './workloads';
export { fieldLine, lineOf } from './manifests-yaml';

/**
 * What the reader found in a set of manifests: plain records, sorted, free of analysis. Objects
 * that could not be read are left out and listed in `problems`.
 */
export interface ManifestModel {
  /** Declared `Namespace` objects, by name. */
  readonly namespaces: readonly NamespaceRecord[];
  /** By namespace, name, kind. */
  readonly workloads: readonly WorkloadRecord[];
  /** By namespace and name. */
  readonly networkPolicies: readonly PolicyRecord[];
  readonly services: readonly ServiceRecord[];
  readonly ingresses: readonly IngressRecord[];
  readonly routes: readonly RouteRecord[];
  /** ClusterNetworkPolicy, AdminNetworkPolicy, Calico and Cilium policies, by kind, namespace and name. */
  readonly guardrails: readonly GuardrailRecord[];
  /** How many objects of each other kind were skipped, by kind. */
  readonly ignored: ReadonlyMap<string, number>;
  /** By file and line. */
  readonly problems: readonly ManifestProblem[];
  /**
   * Some problem may hide a policy, a guardrail or namespace labels: an analysis of this model
   * can be wrong in either direction, so it must not answer as if the input were complete.
   */
  readonly policiesIncomplete: boolean;
}

export interface ReadOptions {
  /**
   * Namespace of namespaced objects without `metadata.namespace` and without an enclosing
   * kustomization that sets one (the CLI's `--namespace`). Default `default`, as kubectl applies them.
   */
  readonly defaultNamespace?: string;
  /** Fail on the first read with every problem, instead of skipping what cannot be read. */
  readonly strict?: boolean;
}

/** Thrown in strict mode: lists every problem, one per line, as `file:line: message`. */
export class ManifestReadError extends Error {
  constructor(readonly problems: readonly ManifestProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ManifestReadError';
  }
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * Reads files, and the `.yaml`, `.yml` and `.json` files below directories (recursively, in
 * path order). A kustomization's `namespace:` applies to the objects below it that name no
 * namespace (the nearest such kustomization within the given directory wins).
 * @throws Error when a path does not exist; ManifestReadError in strict mode.
 */
export function readManifestFiles(paths: readonly string[], options: ReadOptions = {}): ManifestModel {
  const builder = new ModelBuilder(options);
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new Error(`${p} does not exist`);
    if (!fs.statSync(p).isDirectory()) {
      if (!isKustomization(p)) builder.addText(p, readText(p, builder), undefined);
      continue;
    }
    const rels = listFiles(p);
    const texts = new Map(rels.filter((rel) => isManifestFile(rel) || isKustomization(rel)).map((rel) => [rel, () => readText(path.join(p, rel), builder)] as const));
    const namespaceOf = kustomizationNamespaces(texts, (rel) => path.join(p, rel), builder);
    for (const [rel, text] of texts) if (!isKustomization(rel)) builder.addText(path.join(p, rel), text(), namespaceOf(rel));
  }
  return builder.build();
}

/**
 * Reads in-memory texts keyed by path (e.g. files of a git revision), as {@link readManifestFiles}
 * reads a directory: manifest files by extension, kustomizations for namespaces.
 */
export function readManifestTexts(texts: ReadonlyMap<string, string>, options: ReadOptions = {}): ManifestModel {
  const builder = new ModelBuilder(options);
  const sorted = new Map([...texts.entries()].filter(([p]) => isManifestFile(p) || isKustomization(p)).sort(([a], [b]) => compare(a, b)).map(([p, t]) => [p, () => t] as const));
  const namespaceOf = kustomizationNamespaces(sorted, (p) => p, builder);
  for (const [p, text] of sorted) if (!isKustomization(p)) builder.addText(p, text(), namespaceOf(p));
  return builder.build();
}

/** Reads already parsed objects (no positions; sources are `manifests[<index>]`). */
export function readManifestObjects(objects: readonly unknown[], options: ReadOptions = {}): ManifestModel {
  const builder = new ModelBuilder(options);
  objects.forEach((o, i) => builder.addValue(o, { file: `manifests[${i}]` }, undefined));
  return builder.build();
}

function isManifestFile(p: string): boolean {
  return MANIFEST_FILE.test(p) && !isKustomization(p);
}

function isKustomization(p: string): boolean {
  return KUSTOMIZATION_FILES.includes(path.posix.basename(p.replace(/\\/g, '/')));
}

function readText(file: string, builder: ModelBuilder): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    builder.problem({ file }, `cannot read the file: ${(e as Error).message}`, true);
    return undefined;
  }
}

/**
 * For each manifest path (relative, `/`-separated), the `namespace:` of the nearest ancestor
 * directory's kustomization that sets one.
 */
function kustomizationNamespaces(
  texts: ReadonlyMap<string, () => string | undefined>,
  display: (p: string) => string,
  builder: ModelBuilder,
): (p: string) => string | undefined {
  const byDir = new Map<string, string>();
  for (const [p, text] of texts) {
    if (!isKustomization(p)) continue;
    const namespace = kustomizationNamespace(display(p), text(), builder);
    if (namespace !== undefined) byDir.set(path.posix.dirname(p.replace(/\\/g, '/')), namespace);
  }
  return (p) => {
    for (let dir = path.posix.dirname(p.replace(/\\/g, '/')); ; dir = path.posix.dirname(dir)) {
      const ns = byDir.get(dir);
      if (ns !== undefined) return ns;
      if (dir === '.' || dir === '/' || dir === '') return undefined;
    }
  };
}

function kustomizationNamespace(file: string, text: string | undefined, builder: ModelBuilder): string | undefined {
  if (text === undefined) return undefined;
  const parsed = parseManifestText(text);
  for (const e of parsed.errors) builder.problem({ file, line: e.line }, `cannot read this kustomization, so its namespace is not applied: ${e.message}`, true);
  const value = parsed.documents[0]?.value;
  if (!isRecord(value) || value.namespace === undefined || value.namespace === null) return undefined;
  if (typeof value.namespace === 'string' && value.namespace !== '') return value.namespace;
  builder.problem({ file, line: lineOf(value, 'namespace') }, `kustomization: namespace: must be a namespace name, got ${show(value.namespace)}`, true);
  return undefined;
}

/** Kinds whose objects have no namespace. Everything else the reader keeps is namespaced. */
const CLUSTER_SCOPED = new Set(['Namespace']);

/**
 * The other kinds the reader keeps, with the API groups it understands (`''` is the core group,
 * `apiVersion: v1`). The same kind of another group (a Knative `Route`, an old `extensions/v1beta1`
 * Ingress with another schema) is counted as ignored. Objects without apiVersion are accepted.
 */
const KINDS: Readonly<Record<string, readonly string[]>> = {
  Namespace: [''],
  NetworkPolicy: ['networking.k8s.io', 'extensions'],
  Service: [''],
  Ingress: ['networking.k8s.io'],
  Route: ['route.openshift.io', ''],
  Pod: [''],
  ReplicationController: [''],
  Deployment: ['apps', 'extensions'],
  ReplicaSet: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  DaemonSet: ['apps', 'extensions'],
  Job: ['batch'],
  CronJob: ['batch'],
};

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

class ModelBuilder {
  private readonly namespaces = new Map<string, NamespaceRecord>();
  private readonly policies = new Map<string, PolicyRecord>();
  private readonly services = new Map<string, ServiceRecord>();
  private readonly ingresses = new Map<string, IngressRecord>();
  private readonly routes = new Map<string, RouteRecord>();
  private readonly guardrails = new Map<string, GuardrailRecord>();
  private readonly workloadObjects = new Map<string, WorkloadObject>();
  private readonly ignored = new Map<string, number>();
  private readonly problems: ManifestProblem[] = [];
  private readonly defaultNamespace: string;

  constructor(private readonly options: ReadOptions) {
    this.defaultNamespace = options.defaultNamespace ?? 'default';
  }

  problem(source: SourceRef, message: string, affectsPolicies: boolean): void {
    this.problems.push({ file: source.file, ...(source.line !== undefined ? { line: source.line } : {}), message, affectsPolicies });
  }

  addText(file: string, text: string | undefined, kustomizeNamespace: string | undefined): void {
    if (text === undefined) return;
    const parsed = parseManifestText(text);
    for (const e of parsed.errors) this.problem({ file, line: e.line }, `${e.partial ? '' : 'cannot read this document, so it is skipped: '}${e.message}`, true);
    for (const doc of parsed.documents) this.addValue(doc.value, { file, line: doc.line }, kustomizeNamespace);
  }

  /** One document or list item. */
  addValue(value: unknown, source: SourceRef, kustomizeNamespace: string | undefined, inherited?: { kind: string; apiVersion?: unknown }): void {
    if (value === null || value === undefined) return;
    if (!isRecord(value)) {
      this.problem(source, `expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got ${show(value)}`, true);
      return;
    }
    const obj = inherited && value.kind === undefined && value.apiVersion === undefined ? { ...value, kind: inherited.kind, apiVersion: inherited.apiVersion } : value;
    if (Object.prototype.hasOwnProperty.call(obj, 'items')) {
      this.addList(obj, source, kustomizeNamespace);
      return;
    }
    const kind = obj.kind;
    if (typeof kind !== 'string' || kind === '') {
      this.problem(source, `object without kind: kind: must be a string such as "Deployment", got ${show(kind)}`, true);
      return;
    }
    this.addObject(kind, obj, source, kustomizeNamespace);
  }

  /** kubectl flattens every object with `items`; items without kind and apiVersion take them from the list (`PodList` → `Pod`). */
  private addList(list: Record<string, unknown>, source: SourceRef, kustomizeNamespace: string | undefined): void {
    const kind = typeof list.kind === 'string' ? list.kind : 'List';
    if (list.items === null) return;
    if (!Array.isArray(list.items)) {
      this.problem({ file: source.file, line: lineOf(list, 'items') ?? source.line }, `${kind}: items: must be a list, got ${show(list.items)}`, true);
      return;
    }
    const itemKind = kind.endsWith('List') ? kind.slice(0, -'List'.length) : '';
    const items = list.items;
    items.forEach((item, i) => {
      const line = lineOf(items, i) ?? source.line;
      const itemSource = source.line === undefined && line === undefined ? { file: `${source.file}.items[${i}]` } : { file: source.file, ...(line !== undefined ? { line } : {}) };
      this.addValue(item, itemSource, kustomizeNamespace, itemKind ? { kind: itemKind, apiVersion: list.apiVersion } : undefined);
    });
  }

  private addObject(kind: string, obj: Record<string, unknown>, source: SourceRef, kustomizeNamespace: string | undefined): void {
    const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined;
    const guardrail = guardrailKind(apiVersion, kind);
    const core = !guardrail && KINDS[kind] && (apiVersion === undefined || KINDS[kind].includes(groupOf(apiVersion)));
    if (!guardrail && !core) {
      if (kind.endsWith('NetworkPolicy')) {
        const meta = isRecord(obj.metadata) ? obj.metadata : {};
        const subject = subjectOf(kind, typeof meta.namespace === 'string' ? meta.namespace : undefined, typeof meta.name === 'string' ? meta.name : undefined);
        this.problem(source, `${subject}: apiVersion: netiso does not evaluate ${show(apiVersion)} policies, so what this one allows or denies is missing from any analysis; express it as a networking.k8s.io/v1 NetworkPolicy or a guardrail API netiso reads`, true);
        return;
      }
      const label = KINDS[kind] ? `${kind} (${apiVersion})` : kind;
      this.ignored.set(label, (this.ignored.get(label) ?? 0) + 1);
      return;
    }
    const isPolicy = !guardrail && kind === 'NetworkPolicy';
    const isWorkload = kind === 'Pod' || kind in POD_TEMPLATE_PATHS;
    const affectsPolicies = !!guardrail || isPolicy || kind === 'Namespace';
    const namespaced = guardrail ? guardrail.namespaced : !CLUSTER_SCOPED.has(kind);
    const meta = isRecord(obj.metadata) ? obj.metadata : undefined;
    const name = meta && typeof meta.name === 'string' && meta.name !== '' ? meta.name : undefined;
    const declaredNs = meta?.namespace;
    const namespace = !namespaced ? undefined : typeof declaredNs === 'string' && declaredNs !== '' ? declaredNs : kustomizeNamespace ?? this.defaultNamespace;
    const check = new ObjectCheck(subjectOf(kind, namespace, name), obj, source, affectsPolicies);
    if (obj.metadata !== undefined && !meta) check.fail('metadata', `must be an object, got ${show(obj.metadata)}`);
    else if (!name) check.fail('metadata.name', `is required, got ${show(meta?.name)}`);
    if (namespaced && declaredNs !== undefined && declaredNs !== null && typeof declaredNs !== 'string') check.fail('metadata.namespace', `must be a string, got ${show(declaredNs)}`);
    if (!check.ok || !name) {
      this.problems.push(...check.problems);
      return;
    }
    const key = `${guardrail ? apiVersion : ''}|${kind}|${namespace ?? ''}|${name}`;
    if (isWorkload) this.keep(this.workloadObjects, key, { kind, namespace: namespace as string, name, object: obj, source }, check.subject, false);
    else if (guardrail) this.keep(this.guardrails, key, { kind, apiVersion: apiVersion as string, ...(namespace !== undefined ? { namespace } : {}), name, object: namespace !== undefined ? withNamespace(obj, namespace) : obj, source }, check.subject, true);
    else {
      const ns = namespace as string;
      if (kind === 'Namespace') this.keepRead(this.namespaces, key, readNamespace(name, obj, source, check), check, true);
      else if (kind === 'NetworkPolicy') this.keepRead(this.policies, key, readPolicy(ns, name, obj, source, check), check, true);
      else if (kind === 'Service') this.keepRead(this.services, key, readService(ns, name, obj, source, check), check, false);
      else if (kind === 'Ingress') this.keepRead(this.ingresses, key, readIngress(ns, name, obj, source, check), check, false);
      else this.keepRead(this.routes, key, readRoute(ns, name, obj, source, check), check, false);
    }
  }

  private keepRead<T extends { source: SourceRef }>(map: Map<string, T>, key: string, record: T | undefined, check: ObjectCheck, affectsPolicies: boolean): void {
    this.problems.push(...check.problems);
    if (record) this.keep(map, key, record, check.subject, affectsPolicies);
  }

  /** kubectl applies objects in order, so of two with the same identity the later one is what the cluster holds. */
  private keep<T extends { source: SourceRef }>(map: Map<string, T>, key: string, record: T, subject: string, affectsPolicies: boolean): void {
    const earlier = map.get(key);
    if (earlier) {
      const at = `${earlier.source.file}${earlier.source.line !== undefined ? `:${earlier.source.line}` : ''}`;
      this.problem(record.source, `${subject}: metadata.name: is declared twice (also at ${at}); this later one is used, remove or rename the other`, affectsPolicies);
    }
    map.set(key, record);
  }

  build(): ManifestModel {
    const { workloads, problems: workloadProblems } = collectWorkloads([...this.workloadObjects.values()]);
    const problems = [...this.problems, ...workloadProblems].sort(
      (a, b) => compare(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || compare(a.message, b.message),
    );
    if (this.options.strict && problems.length) throw new ManifestReadError(problems);
    const byNsName = <T extends { namespace: string; name: string }>(a: T, b: T) => compare(a.namespace, b.namespace) || compare(a.name, b.name);
    return {
      namespaces: [...this.namespaces.values()].sort((a, b) => compare(a.name, b.name)),
      workloads,
      networkPolicies: [...this.policies.values()].sort(byNsName),
      services: [...this.services.values()].sort(byNsName),
      ingresses: [...this.ingresses.values()].sort(byNsName),
      routes: [...this.routes.values()].sort(byNsName),
      guardrails: [...this.guardrails.values()].sort((a, b) => compare(a.kind, b.kind) || compare(a.namespace ?? '', b.namespace ?? '') || compare(a.name, b.name)),
      ignored: new Map([...this.ignored.entries()].sort(([a], [b]) => compare(a, b))),
      problems,
      policiesIncomplete: problems.some((p) => p.affectsPolicies),
    };
  }
}
