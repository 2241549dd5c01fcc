import { Call, camel, layout, lit, prop, Raw, RESERVED, Value, WIDTH, wrap } from './code';
import { EntryModel, ImportModel, PeerModel, PortModel, ProjectModel, ServiceModel, WorkspaceModel } from './model';
import { portText } from './ports';
import { ImportReportItem, objectRef } from './report';

/** Options of {@link emitDefinitions}. */
export interface EmitOptions {
  /** Module the generated files import netiso from; `projects/*.ts` use `'../src'`. @default '../src' */
  readonly importFrom?: string;
  /** Name of the main file without `.ts`; workspace files are `<base>-<workspace>.ts`. @default 'kubesphere' */
  readonly baseName?: string;
}

/** One generated definition file. */
export interface DefinitionFile {
  /** File name, e.g. `kubesphere.ts` or `kubesphere-team-a.ts`, in the output directory. */
  readonly name: string;
  readonly source: string;
}

const HEADER = '// Imported from KubeSphere (v3.x network isolation) by `netiso import-kubesphere`; see docs/import.md.';

/**
 * The model as netiso definition files: `<base>.ts` declares the cluster (its settings come from
 * KubeSphere's configuration), and `<base>-<workspace>.ts` one workspace and its projects, each
 * object preceded by a comment naming the KubeSphere object it comes from. Files share the
 * cluster through `clusters.cluster(name)`. One file per workspace keeps each file small (a large
 * cluster's single file takes TypeScript a lot of memory to compile) and gives every team a file
 * of its own. Deterministic: the same model gives the same bytes.
 */
export function emitDefinitions(model: ImportModel, options: EmitOptions = {}): DefinitionFile[] {
  const base = options.baseName ?? 'kubesphere';
  const importFrom = options.importFrom ?? '../src';
  const fileOf = (ws: WorkspaceModel) => `${base}-${ws.name}.ts`;
  // Report items about an imported project go into its workspace's file, the others into the main file.
  const workspaceOfProject = new Map(model.workspaces.flatMap((ws) => ws.projects.map((p) => [p.name, ws.name] as const)));
  const itemWorkspace = (item: ImportReportItem) => workspaceOfProject.get(item.namespace ?? (item.kind === 'Namespace' ? item.name : ''));
  const notCarried = model.report.filter((i) => i.severity !== 'note');
  return [
    { name: `${base}.ts`, source: clusterFile(model, importFrom, notCarried.filter((i) => !itemWorkspace(i)), `${base}-<workspace>.ts`) },
    ...model.workspaces.map((ws) => ({
      name: fileOf(ws),
      source: workspaceFile(model, ws, importFrom, `${base}.ts`, notCarried.filter((i) => itemWorkspace(i) === ws.name)),
    })),
  ];
}

/** Lines of one file's body, with the names it imports from netiso. */
class Writer {
  public readonly body: string[] = [];
  private readonly used = new Set<string>(['ClusterSet']);
  private readonly names = new Set<string>();

  public line(text = '', indent = 1): void { this.body.push(text ? `${'  '.repeat(indent)}${text}` : ''); }

  public comment(text: string, indent = 1): void {
    for (const l of wrap(text, WIDTH - 2 * indent - 3)) this.line(`// ${l}`, indent);
  }

  /** Marks `name` as imported from netiso and returns it. */
  public use(name: string): string {
    this.used.add(name);
    return name;
  }

  /** A fresh identifier from `base`, suffixed when it is taken or reserved. */
  public identifier(base: string, fallbackSuffix: string): string {
    let id = base;
    if (RESERVED.has(id) || this.names.has(id)) id = `${base}${fallbackSuffix}`;
    for (let i = 2; this.names.has(id); i++) id = `${base}${fallbackSuffix}${i}`;
    this.names.add(id);
    return id;
  }

  /** The file: `header` comment lines, the import, and the body as the default-exported definition. */
  public file(header: readonly string[], importFrom: string): string {
    const imports = [...this.used].sort();
    const importLine = `import { ${imports.join(', ')} } from ${lit(importFrom)};`;
    return [
      ...header,
      importLine.length <= WIDTH ? importLine : `import {\n  ${imports.join(', ')},\n} from ${lit(importFrom)};`,
      '',
      'export default function (clusters: ClusterSet): void {',
      ...this.body,
      '}',
      '',
    ].join('\n');
  }
}

/** The header's list of report items that were not carried over as KubeSphere enforced them. */
function notCarriedHeader(items: readonly ImportReportItem[]): string[] {
  if (items.length === 0) return [];
  const out = ['//', '// Not carried over as KubeSphere enforced it (the import report has the details):'];
  for (const item of items) {
    const [first, ...rest] = wrap(`${item.severity}: ${objectRef(item)}: ${item.message}`, WIDTH - 7);
    out.push(`//   - ${first}`, ...rest.map((r) => `//     ${r}`));
  }
  return out;
}

function clusterFile(model: ImportModel, importFrom: string, notCarried: readonly ImportReportItem[], workspaceFiles: string): string {
  const w = new Writer();
  w.line(`clusters.cluster(${lit(model.cluster)}, {`);
  w.comment('KubeSphere selects namespaces by the label its namespace controller puts on every namespace.', 2);
  w.line(`namespaceLabel: 'kubesphere.io/namespace',`, 2);
  w.comment(model.configSource
    ? `${model.configSource}: network.nsnpOptions.allowedIngressNamespaces.`
    : 'kubesphere-config was not in the input: no namespace is allowed in by default.', 2);
  w.line(prop('allowedIngressNamespaces', [...model.allowedIngressNamespaces], 2), 2);
  const dns = model.dns;
  w.comment(dns.service
    ? `KubeSphere allows DNS to nodelocaldns (hard-coded ${dns.nodeLocalDnsIp}) on TCP and UDP 53, and to the pods of Service ${dns.service} on its ports${
      dns.ports?.length ? ` (${dns.ports.map(portText).join(', ')})` : ' (it has none: every port)'}.`
    : `KubeSphere allows DNS to nodelocaldns (hard-coded ${dns.nodeLocalDnsIp}) on TCP and UDP 53; netiso also allows its default DNS pods.`, 2);
  const port = (p: PortModel) => { w.use('Port'); return portValue(p); };
  w.line(prop('dns', {
    nodeLocalDnsIp: dns.nodeLocalDnsIp,
    nodeLocalDnsPorts: dns.nodeLocalDnsPorts.map(port),
    podLabels: dns.podLabels,
    ports: dns.ports?.map(port),
  }, 2), 2);
  if (model.snatNodeIps.length) {
    w.comment('Node annotations kubesphere.io/snat-node-ips: KubeSphere admits these addresses into every isolated project.', 2);
    w.line(prop('snatNodeIps', [...model.snatNodeIps], 2), 2);
  }
  w.line('});');
  const header = [
    HEADER,
    `// The cluster's settings, from KubeSphere's configuration; each workspace and its projects are in ${workspaceFiles}`,
    `// (${model.workspaces.length} file${model.workspaces.length === 1 ? '' : 's'}). Review them, then run \`npm run synth\`.`,
    ...notCarriedHeader(notCarried),
  ];
  return w.file(header, importFrom);
}

function workspaceFile(model: ImportModel, ws: WorkspaceModel, importFrom: string, clusterFileName: string, notCarried: readonly ImportReportItem[]): string {
  const w = new Writer();
  w.line(`const cluster = clusters.cluster(${lit(model.cluster)});`);
  w.line();
  w.comment(`=== Workspace ${ws.name} (${ws.source}): ${ws.networkIsolation ? 'workspace network isolation on' : 'workspace network isolation off'} ===`);
  if (ws.projects.length === 0) w.comment('No namespace of this workspace is imported (the import report says why, if the input has any).');
  const wsVar = ws.projects.length ? w.identifier(camel(ws.name), 'Workspace') : undefined;
  const decl = `new ${w.use('Workspace')}(cluster, ${lit(ws.name)}${ws.networkIsolation ? ', { networkIsolation: true }' : ''});`;
  w.line(wsVar ? `const ${wsVar} = ${decl}` : decl);
  for (const project of ws.projects) emitProject(w, model, project, wsVar!);
  const header = [
    HEADER,
    `// Workspace ${ws.name}; the cluster's settings are in ${clusterFileName}. Review it, then run \`npm run synth\`.`,
    ...notCarriedHeader(notCarried),
  ];
  return w.file(header, importFrom);
}

function emitProject(w: Writer, model: ImportModel, project: ProjectModel, wsVar: string): void {
  w.line();
  const modeText = { project: 'project isolation', workspace: 'workspace isolation', none: 'not isolated' }[project.isolation];
  w.comment(`--- Project ${project.name} (Namespace ${project.name}): ${modeText}, because ${project.why}.`);
  const needsVar = project.entries.length > 0 || project.services.length > 0;
  const pVar = needsVar ? w.identifier(camel(project.name), 'Project') : undefined;
  const props: Record<string, Value> = { workspace: new Raw(wsVar), isolation: project.isolation };
  if (!model.options.manageNamespaces) props.manageNamespace = false;
  if (project.isolation === 'project' && !model.options.egressWithinProject) props.egressWithinProject = false;
  w.line(`${pVar ? `const ${pVar} = ` : ''}new ${w.use('IsolatedProject')}(cluster, ${lit(project.name)}, {`);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'egressWithinProject') w.comment('As in KubeSphere: once egress is locked down, pods of the project cannot reach each other.', 2);
    w.line(prop(key, value, 2), 2);
  }
  w.line('});');
  for (const service of project.services) emitService(w, service, pVar!);
  for (const entry of project.entries) emitEntry(w, entry, pVar!);
}

function emitService(w: Writer, service: ServiceModel, pVar: string): void {
  w.line();
  w.comment(`Service ${service.namespace}/${service.name}, adopted: netiso now emits this Service.`);
  const head = `new ${w.use('ProjectService')}(${pVar}, ${lit(service.name)}, `;
  w.line(`${head}${layout({ selector: service.selector, ports: service.ports.map(servicePort) }, 1, head.length)});`);
}

function emitEntry(w: Writer, entry: EntryModel, pVar: string): void {
  w.line();
  w.comment(entry.source);
  for (const c of entry.comments) w.comment(c);
  const cls = w.use(entry.kind === 'internal' ? 'InternalWhitelist' : 'ExternalWhitelist');
  const props: Record<string, Value> = { direction: new Raw(`${w.use('Direction')}.${entry.direction === 'ingress' ? 'INGRESS' : 'EGRESS'}`) };
  if (entry.kind === 'internal') props.peers = entry.peers.map((p) => peerValue(p, (n) => w.use(n)));
  else props.cidrs = entry.cidrs.map((c) => (c.except.length ? new Call(`${w.use('IpBlock')}.of`, [c.cidr, [...c.except]]) : c.cidr));
  if (entry.ports.length) props.ports = entry.ports.map((p) => { w.use('Port'); return portValue(p); });
  w.line(`new ${cls}(${pVar}, ${lit(entry.name)}, {`);
  for (const [key, value] of Object.entries(props)) w.line(prop(key, value, 2), 2);
  w.line('});');
}

function peerValue(peer: PeerModel, use: (name: string) => string): Value {
  if (peer.kind === 'service') {
    const s = peer.service;
    const target: Value = s.adopted
      ? { project: s.namespace, name: s.name }
      : { namespace: s.namespace, name: s.name, selector: s.selector, ports: s.ports.map(servicePort) };
    return new Call(`${use('InternalPeer')}.service`, [target]);
  }
  const args: Value[] = [peer.name];
  if (peer.podSelector && Object.keys(peer.podSelector).length) args.push({ podSelector: peer.podSelector });
  return new Call(`${use('InternalPeer')}.${peer.kind}`, args);
}

function servicePort(p: ServiceModel['ports'][number]): Value {
  return { name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol === 'TCP' ? undefined : p.protocol };
}

/**
 * `Port.tcp(80)`, `Port.allUdp()`, `Port.tcpRange(8000, 8100)`; anything else (a named port with
 * an end port) through `Port.of`. The protocol is one of `PROTOCOLS`: the model skips NSNPs with others.
 */
function portValue(p: PortModel): Value {
  const proto = p.protocol.toLowerCase();
  const title = p.protocol.charAt(0) + proto.slice(1);
  if (p.port === undefined && p.endPort === undefined) return new Raw(`Port.all${title}()`);
  if (p.endPort === undefined) return new Call(`Port.${proto}`, [p.port]);
  if (typeof p.port === 'number') return new Call(`Port.${proto}Range`, [p.port, p.endPort]);
  return new Call('Port.of', [{ protocol: p.protocol, port: p.port, endPort: p.endPort }]);
}
