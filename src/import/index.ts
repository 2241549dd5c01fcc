import type { KubeObject } from '../k8s/read';
import { DefinitionFile, emitDefinitions, EmitOptions } from './emit';
import { InputCollector } from './inputs';
import { buildModel, ImportModel, ImportOptions, reporterInto } from './model';
import { ImportReportItem } from './report';
import { streamObjects } from './stream';

/** Result of an import: the definition files and what could not be carried over. */
export interface ImportResult {
  /** `projects/*.ts` definition files: the cluster's, then one per workspace. */
  readonly files: readonly DefinitionFile[];
  readonly model: ImportModel;
  /** Every input that was not carried over, carried over with a difference, or is worth a note; sorted. */
  readonly report: readonly ImportReportItem[];
}

/**
 * Turns KubeSphere objects (Namespaces, Workspaces, WorkspaceTemplates, NamespaceNetworkPolicies,
 * Services, Nodes, the `kubesphere-config` ConfigMap) into netiso definition files that, once
 * synthesized, allow the traffic KubeSphere's v3.x controller allowed for them, apart from
 * netiso's documented deviations.
 */
export function importKubeSphere(objects: Iterable<KubeObject>, options: ImportOptions & EmitOptions = {}): ImportResult {
  return importFrom((add) => { for (const o of objects) add(o); }, options);
}

/**
 * {@link importKubeSphere} on YAML/JSON files and directories (as `kubectl get -o yaml` writes
 * them), read one object at a time: only what the import uses is kept in memory.
 */
export function importKubeSphereFiles(paths: readonly string[], options: ImportOptions & EmitOptions = {}): ImportResult {
  return importFrom((add) => streamObjects(paths, add), options);
}

function importFrom(read: (add: (object: KubeObject) => void) => void, options: ImportOptions & EmitOptions): ImportResult {
  const report: ImportReportItem[] = [];
  const collector = new InputCollector(reporterInto(report));
  read((o) => collector.add(o));
  const model = buildModel(collector.finish(), options, report);
  return { files: emitDefinitions(model, options), model, report: model.report };
}

export type { EntryModel, ImportModel, ImportOptions, PeerModel, PortModel, ProjectModel, ServiceModel, ServicePortModel, WorkspaceModel } from './model';
export type { DefinitionFile, EmitOptions } from './emit';
export { parseObjects, readObjects } from '../k8s/read';
export type { KubeObject } from '../k8s/read';
export { formatReport, objectRef } from './report';
export type { ImportReportItem, ImportSeverity } from './report';
