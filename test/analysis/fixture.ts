import { parseAllDocuments } from 'yaml';
import { ContainerPort, Engine, PROTOCOLS, Protocol, Workload } from '../../src/analysis';

/**
 * The upstream e2e netpol model (kubernetes/kubernetes test/e2e/network/netpol):
 * namespaces x, y, z, each with pods a, b, c. Pods carry `pod=<name>`,
 * namespaces `ns=<name>` (plus `kubernetes.io/metadata.name`). Every pod
 * serves 80 and 81 on TCP, UDP and SCTP, with ports named like `serve-80-tcp`.
 * Pod IPs are 10.0.<ns 1-3>.<pod 1-3>, all inside 10.0.0.0/16.
 */
export const NAMESPACES = ['x', 'y', 'z'] as const;
export const PODS = ['a', 'b', 'c'] as const;
export const ALL_PODS = NAMESPACES.flatMap((ns) => PODS.map((p) => `${ns}/${p}`));

export function podIp(ref: string): string {
  const [ns, pod] = ref.split('/');
  return `10.0.${NAMESPACES.indexOf(ns as 'x') + 1}.${PODS.indexOf(pod as 'a') + 1}`;
}

const SERVE_PORTS: ContainerPort[] = [80, 81].flatMap((port) =>
  PROTOCOLS.map((protocol) => ({ name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol })),
);

export function modelWorkloads(): Workload[] {
  return ALL_PODS.map((ref) => {
    const [namespace, name] = ref.split('/');
    return { namespace, name, labels: { pod: name }, ports: SERVE_PORTS, ip: podIp(ref), node: 'node-1' };
  });
}

export function modelNamespaces(extraLabels: Record<string, Record<string, string>> = {}): unknown[] {
  return NAMESPACES.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ns, ...(extraLabels[ns] ?? {}) } } }));
}

/** Parses one or more YAML documents (`---` separated) into objects. */
export function yamlDocs(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => d.toJSON() as unknown).filter((d) => d !== null);
}

/** An engine over the e2e model plus the given policies (YAML text). */
export function modelEngine(policiesYaml: string, options: { nsLabels?: Record<string, Record<string, string>>; extra?: unknown[]; workloads?: Workload[] } = {}): Engine {
  return Engine.fromManifests([...modelNamespaces(options.nsLabels), ...(options.extra ?? []), ...yamlDocs(policiesYaml)], {
    workloads: [...modelWorkloads(), ...(options.workloads ?? [])],
    nodes: [{ name: 'node-1', ip: '192.168.0.1' }],
  });
}

/**
 * Normalises a truth table. Rows are sources, columns destinations, in
 * {@link ALL_PODS} order; `.` means allowed and `X` denied. A header row of
 * pod names is optional but, when present, must list {@link ALL_PODS}.
 */
export function grid(text: string): string {
  const lines = text.split('\n').map((l) => l.trim().split(/\s+/)).filter((t) => t[0] !== '');
  if (lines[0].join(' ') === ALL_PODS.join(' ')) lines.shift();
  if (lines.length !== ALL_PODS.length) throw new Error(`truth table needs ${ALL_PODS.length} rows, got ${lines.length}`);
  return render((from, to) => {
    const row = lines[ALL_PODS.indexOf(from)];
    if (row[0] !== from || row.length !== ALL_PODS.length + 1) throw new Error(`bad truth table row ${row.join(' ')}`);
    const cell = row[ALL_PODS.indexOf(to) + 1];
    if (cell !== '.' && cell !== 'X') throw new Error(`bad truth table cell ${cell}`);
    return cell === '.';
  });
}

function render(allowed: (from: string, to: string) => boolean): string {
  const header = `     ${ALL_PODS.join(' ')}`;
  const rows = ALL_PODS.map((from) => `${from}  ${ALL_PODS.map((to) => (allowed(from, to) ? ' . ' : ' X ')).join(' ')}`);
  return [header, ...rows].join('\n');
}

/** The truth table the engine produces, by single queries or from the connection sets of each pair. */
export function observed(engine: Engine, port: number, protocol: Protocol, via: 'evaluate' | 'connections'): string {
  if (via === 'connections') return render((from, to) => engine.connections(from, to).has(protocol, port));
  return render((from, to) => engine.evaluate({ from, to, port, protocol }).allowed);
}

/** Asserts both evaluation paths produce the expected truth table. */
export function expectTable(engine: Engine, port: number, protocol: Protocol, expected: string): void {
  const want = grid(expected);
  expect(`${protocol}/${port} via evaluate\n${observed(engine, port, protocol, 'evaluate')}`).toBe(`${protocol}/${port} via evaluate\n${want}`);
  expect(`${protocol}/${port} via connections\n${observed(engine, port, protocol, 'connections')}`).toBe(`${protocol}/${port} via connections\n${want}`);
}

/** Everything allowed. */
export const ALL_ALLOWED = `
       x/a x/b x/c y/a y/b y/c z/a z/b z/c
  x/a   .   .   .   .   .   .   .   .   .
  x/b   .   .   .   .   .   .   .   .   .
  x/c   .   .   .   .   .   .   .   .   .
  y/a   .   .   .   .   .   .   .   .   .
  y/b   .   .   .   .   .   .   .   .   .
  y/c   .   .   .   .   .   .   .   .   .
  z/a   .   .   .   .   .   .   .   .   .
  z/b   .   .   .   .   .   .   .   .   .
  z/c   .   .   .   .   .   .   .   .   .
`;
