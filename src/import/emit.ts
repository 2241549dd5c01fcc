import { EntryModel, ImportModel, PeerModel, PortModel, portText, ProjectModel, ServiceModel } from './model';
import { objectRef } from './report';

/** Options of {@link emitDefinition}. */
export interface EmitOptions {
  /** Module the generated file imports netiso from; `projects/*.ts` use `'../src'`. @default '../src' */
  readonly importFrom?: string;
}

const WIDTH = 110;

/** Code that is printed as is: an identifier or a call. */
class Raw {
  constructor(readonly code: string) {}
}

/** A call whose arguments are laid out like any other value. */
class Call {
  constructor(readonly callee: string, readonly args: readonly Value[]) {}
}

type Value = string | number | boolean | undefined | Raw | Call | readonly Value[] | { readonly [key: string]: Value };

const RESERVED = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally for '
  + 'function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static '
  + 'implements interface package private protected public await arguments eval undefined cluster clusters').split(' '));

/**
 * The model as a netiso definition file: one section per workspace and project, each object
 * preceded by a comment naming the KubeSphere object it comes from. Deterministic: the same model
 * gives the same bytes.
 */
export function emitDefinition(model: ImportModel, options: EmitOptions = {}): string {
  const used = new Set<string>(['ClusterSet']);
  const names = new Set<string>();
  const identifier = (base: string, fallbackSuffix: string) => {
    let id = base;
    if (RESERVED.has(id) || names.has(id)) id = `${base}${fallbackSuffix}`;
    for (let i = 2; names.has(id); i++) id = `${base}${fallbackSuffix}${i}`;
    names.add(id);
    return id;
  };
  const use = (name: string) => { used.add(name); return name; };

  const body: string[] = [];
  const line = (text = '', indent = 1) => body.push(text ? `${'  '.repeat(indent)}${text}` : '');
  const comment = (text: string, indent = 1) => { for (const l of wrap(text, WIDTH - 2 * indent - 3)) line(`// ${l}`, indent); };

  line(`const cluster = clusters.cluster(${lit(model.cluster)}, {`);
  comment('KubeSphere selects namespaces by the label its namespace controller puts on every namespace.', 2);
  line(`namespaceLabel: 'kubesphere.io/namespace',`, 2);
  comment(model.configSource
    ? `${model.configSource}: network.nsnpOptions.allowedIngressNamespaces.`
    : 'kubesphere-config was not in the input: no namespace is allowed in by default.', 2);
  line(prop('allowedIngressNamespaces', [...model.allowedIngressNamespaces], 2), 2);
  const extra = (model.dns.ports ?? []).filter((p) => p.port !== 53).map(portText);
  comment(model.dns.service
    ? `KubeSphere allows DNS to nodelocaldns (hard-coded ${model.dns.nodeLocalDnsIp}) on TCP and UDP 53, and to the pods of Service ${model.dns.service} `
      + `on its ports. netiso allows one port list for both${extra.length ? `, so nodelocaldns is also allowed ${extra.join(', ')}` : ''}.`
    : `KubeSphere allows DNS to nodelocaldns (hard-coded ${model.dns.nodeLocalDnsIp}); netiso also allows its default DNS pods.`, 2);
  line(prop('dns', {
    nodeLocalDnsIp: model.dns.nodeLocalDnsIp,
    podLabels: model.dns.podLabels,
    ports: model.dns.ports?.map((p) => { use('Port'); return portValue(p); }),
  }, 2), 2);
  line('});');

  for (const ws of model.workspaces) {
    line();
    comment(`=== Workspace ${ws.name} (${ws.source}): ${ws.networkIsolation ? 'workspace network isolation on' : 'workspace network isolation off'} ===`);
    if (ws.projects.length === 0) comment('No namespace of this workspace is imported (the import report says why, if the input has any).');
    const wsVar = ws.projects.length ? identifier(camel(ws.name), 'Workspace') : undefined;
    const decl = `new ${use('Workspace')}(cluster, ${lit(ws.name)}${ws.networkIsolation ? ', { networkIsolation: true }' : ''});`;
    line(wsVar ? `const ${wsVar} = ${decl}` : decl);
    for (const project of ws.projects) emitProject(project, wsVar!);
  }

  function emitProject(project: ProjectModel, wsVar: string): void {
    line();
    const modeText = { project: 'project isolation', workspace: 'workspace isolation', none: 'not isolated' }[project.isolation];
    comment(`--- Project ${project.name} (Namespace ${project.name}): ${modeText}, because ${project.why}.`);
    const needsVar = project.entries.length > 0 || project.services.length > 0;
    const pVar = needsVar ? identifier(camel(project.name), 'Project') : undefined;
    const props: Record<string, Value> = { workspace: new Raw(wsVar), isolation: project.isolation };
    if (!model.options.manageNamespaces) props.manageNamespace = false;
    if (project.isolation === 'project' && !model.options.egressWithinProject) props.egressWithinProject = false;
    line(`${pVar ? `const ${pVar} = ` : ''}new ${use('IsolatedProject')}(cluster, ${lit(project.name)}, {`);
    for (const [key, value] of Object.entries(props)) {
      if (key === 'egressWithinProject') comment('As in KubeSphere: once egress is locked down, pods of the project cannot reach each other.', 2);
      line(prop(key, value, 2), 2);
    }
    line('});');
    for (const service of project.services) emitService(service, pVar!);
    for (const entry of project.entries) emitEntry(entry, pVar!);
  }

  function emitService(service: ServiceModel, pVar: string): void {
    line();
    comment(`Service ${service.namespace}/${service.name}, adopted: netiso now emits this Service.`);
    const head = `new ${use('ProjectService')}(${pVar}, ${lit(service.name)}, `;
    line(`${head}${layout({ selector: service.selector, ports: service.ports.map(servicePort) }, 1, head.length)});`);
  }

  function emitEntry(entry: EntryModel, pVar: string): void {
    line();
    comment(entry.source);
    for (const c of entry.comments) comment(c);
    const cls = use(entry.kind === 'internal' ? 'InternalWhitelist' : 'ExternalWhitelist');
    const props: Record<string, Value> = { direction: new Raw(`${use('Direction')}.${entry.direction === 'ingress' ? 'INGRESS' : 'EGRESS'}`) };
    if (entry.kind === 'internal') props.peers = entry.peers.map((p) => peerValue(p, use));
    else props.cidrs = entry.cidrs.map((c) => (c.except.length ? new Call(`${use('IpBlock')}.of`, [c.cidr, [...c.except]]) : c.cidr));
    if (entry.ports.length) props.ports = entry.ports.map((p) => { use('Port'); return portValue(p); });
    line(`new ${cls}(${pVar}, ${lit(entry.name)}, {`);
    for (const [key, value] of Object.entries(props)) line(prop(key, value, 2), 2);
    line('});');
  }

  const header: string[] = [
    '// Imported from KubeSphere (v3.x network isolation) by `netiso import-kubesphere`; see docs/import.md.',
    '// It reproduces what KubeSphere\'s controller enforced for the imported objects. Review it, then run `npm run synth`.',
  ];
  const notCarried = model.report.filter((i) => i.severity !== 'note');
  if (notCarried.length) {
    header.push('//', '// Not carried over as KubeSphere enforced it (the import report has the details):');
    for (const item of notCarried) {
      const [first, ...rest] = wrap(`${item.severity}: ${objectRef(item)}: ${item.message}`, WIDTH - 7);
      header.push(`//   - ${first}`, ...rest.map((r) => `//     ${r}`));
    }
  }
  const imports = [...used].sort();
  const importLine = `import { ${imports.join(', ')} } from ${lit(options.importFrom ?? '../src')};`;
  return [
    ...header,
    importLine.length <= WIDTH ? importLine : `import {\n  ${imports.join(', ')},\n} from ${lit(options.importFrom ?? '../src')};`,
    '',
    'export default function (clusters: ClusterSet): void {',
    ...body,
    '}',
    '',
  ].join('\n');
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

/** `key: value,` laid out to fit the line. */
function prop(key: string, value: Value, indent: number): string {
  const k = `${keyText(key)}: `;
  return `${k}${layout(value, indent, 2 * indent + k.length)},`;
}

/** A value on one line when it fits in {@link WIDTH} from column `column`, else one element per line. */
function layout(value: Value, indent: number, column: number): string {
  const flat = flatText(value);
  if (column + flat.length + 2 <= WIDTH || !isComposite(value)) return flat;
  const pad = '  '.repeat(indent + 1);
  const close = '  '.repeat(indent);
  if (value instanceof Call) {
    if (value.args.length === 1) return `${value.callee}(${layout(value.args[0], indent, column + value.callee.length + 1)})`;
    return `${value.callee}(\n${value.args.map((a) => `${pad}${layout(a, indent + 1, pad.length)},`).join('\n')}\n${close})`;
  }
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => `${pad}${layout(v, indent + 1, pad.length)},`).join('\n')}\n${close}]`;
  }
  const entries = Object.entries(value as Record<string, Value>).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${pad}${prop(k, v, indent + 1).trimStart()}`).join('\n')}\n${close}}`;
}

function isComposite(value: Value): boolean {
  return value instanceof Call || (typeof value === 'object' && value !== null && !(value instanceof Raw));
}

function flatText(value: Value): string {
  if (value instanceof Raw) return value.code;
  if (value instanceof Call) return `${value.callee}(${value.args.map(flatText).join(', ')})`;
  if (Array.isArray(value)) return `[${value.map(flatText).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length ? `{ ${entries.map(([k, v]) => `${keyText(k)}: ${flatText(v)}`).join(', ')} }` : '{}';
  }
  return lit(value as string | number | boolean);
}

function lit(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(value);
}

function keyText(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : lit(key);
}

/** `demo-project-2` → `demoProject2`; names starting with a digit get an `ns` prefix. */
function camel(name: string): string {
  const id = name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return /^[0-9]/.test(id) || id === '' ? `ns${id.charAt(0).toUpperCase()}${id.slice(1)}` : id;
}

/** Splits text into lines of at most `width` characters at spaces. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) out.push(current);
  return out;
}
