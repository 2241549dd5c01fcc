import { emitDefinition, EmitOptions } from './emit';
import { buildModel, ImportModel, ImportOptions } from './model';
import { KubeObject, readObjects } from '../k8s/read';
import { ImportReportItem } from './report';

/** Result of an import: the definition file's source and what could not be carried over. */
export interface ImportResult {
  /** TypeScript source of a `projects/*.ts` definition file. */
  readonly source: string;
  readonly model: ImportModel;
  /** Every input that was not carried over, carried over with a difference, or is worth a note; sorted. */
  readonly report: readonly ImportReportItem[];
}

/**
 * Turns KubeSphere objects (Namespaces, Workspaces, WorkspaceTemplates, NamespaceNetworkPolicies,
 * Services, the `kubesphere-config` ConfigMap) into a netiso definition file that, once
 * synthesized, allows the traffic KubeSphere's v3.x controller allowed for them, apart from
 * netiso's documented deviations.
 */
export function importKubeSphere(objects: readonly KubeObject[], options: ImportOptions & EmitOptions = {}): ImportResult {
  const model = buildModel(objects, options);
  return { source: emitDefinition(model, options), model, report: model.report };
}

/** {@link importKubeSphere} on YAML/JSON files and directories (as `kubectl get -o yaml` writes them). */
export function importKubeSphereFiles(paths: readonly string[], options: ImportOptions & EmitOptions = {}): ImportResult {
  return importKubeSphere(readObjects(paths), options);
}

export type { EntryModel, ImportModel, ImportOptions, PeerModel, PortModel, ProjectModel, ServiceModel, ServicePortModel, WorkspaceModel } from './model';
export type { EmitOptions } from './emit';
export { parseObjects, readObjects } from '../k8s/read';
export type { KubeObject } from '../k8s/read';
export { formatReport, objectRef } from './report';
export type { ImportReportItem, ImportSeverity } from './report';
