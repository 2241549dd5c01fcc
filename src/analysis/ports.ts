import { FieldContext, child, fail, isRecord } from '../k8s/errors';
import { isPortName } from '../values/port';
import { ContainerPort, PROTOCOLS, Protocol } from './model';

/**
 * One entry of a rule's `ports` list. Exactly one of these holds:
 * no `port` (every port of `protocol`), a numeric range `port..endPort`
 * (`endPort === port` for a single port), or a container port `name`.
 */
export interface PortSpec {
  readonly protocol: Protocol;
  readonly port?: number;
  readonly endPort?: number;
  readonly name?: string;
}

/** The compiled `ports` list of one rule. */
export interface PortMatcher {
  /** True when `ports` was missing or empty: every port and protocol. */
  readonly all: boolean;
  readonly specs: readonly PortSpec[];
  /** Named ports make the result depend on the destination pod's container ports. */
  readonly hasNamed: boolean;
  /**
   * Whether traffic to `port`/`protocol` is allowed. `destPorts` are the
   * destination pod's container ports; named entries match only a container
   * port with that name, the same protocol and the same number. For egress
   * rules too the name is resolved on the destination pod, so traffic to an IP
   * never matches a named port.
   */
  matches(port: number, protocol: Protocol, destPorts: readonly ContainerPort[] | undefined): boolean;
}

/** Compiles a rule's `ports`; `undefined`, `null` and `[]` all mean every port. */
export function compilePorts(raw: unknown, ctx: FieldContext): PortMatcher {
  if (raw === undefined || raw === null) return ALL_PORTS;
  if (!Array.isArray(raw)) fail(ctx, 'must be a list');
  if (raw.length === 0) return ALL_PORTS;
  const specs = raw.map((entry, i) => compilePortSpec(entry, child(ctx, `[${i}]`)));
  const hasNamed = specs.some((s) => s.name !== undefined);
  return {
    all: false,
    specs,
    hasNamed,
    matches: (port, protocol, destPorts) => specs.some((s) => specMatches(s, port, protocol, destPorts)),
  };
}

const ALL_PORTS: PortMatcher = { all: true, specs: [], hasNamed: false, matches: () => true };

function compilePortSpec(raw: unknown, ctx: FieldContext): PortSpec {
  if (!isRecord(raw)) fail(ctx, 'must be an object');
  const protocol = (raw.protocol ?? 'TCP') as Protocol;
  if (!PROTOCOLS.includes(protocol)) fail(child(ctx, 'protocol'), `must be one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(raw.protocol)}`);
  const { port, endPort } = raw;
  if (port === undefined || port === null) {
    if (endPort !== undefined && endPort !== null) fail(child(ctx, 'endPort'), 'requires a numeric port');
    return { protocol };
  }
  if (typeof port === 'string') {
    if (!isPortName(port)) fail(child(ctx, 'port'), `${JSON.stringify(port)} is neither a port number nor a valid port name`);
    if (endPort !== undefined && endPort !== null) fail(child(ctx, 'endPort'), 'may not be combined with a named port');
    return { protocol, name: port };
  }
  if (!isPortNumber(port)) fail(child(ctx, 'port'), `must be an integer between 1 and 65535, got ${JSON.stringify(port)}`);
  if (endPort === undefined || endPort === null) return { protocol, port, endPort: port };
  if (!isPortNumber(endPort)) fail(child(ctx, 'endPort'), `must be an integer between 1 and 65535, got ${JSON.stringify(endPort)}`);
  if (endPort < port) fail(child(ctx, 'endPort'), `must not be below port (${endPort} < ${port})`);
  return { protocol, port, endPort };
}

function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function specMatches(spec: PortSpec, port: number, protocol: Protocol, destPorts: readonly ContainerPort[] | undefined): boolean {
  if (spec.protocol !== protocol) return false;
  if (spec.name !== undefined) {
    return (destPorts ?? []).some((p) => p.name === spec.name && (p.protocol ?? 'TCP') === protocol && p.containerPort === port);
  }
  if (spec.port === undefined) return true;
  return port >= spec.port && port <= (spec.endPort ?? spec.port);
}

/** Plain words for one entry, e.g. `TCP/80`, `TCP/8000-8080`, `UDP port named dns`, `any TCP port`. */
export function describePortSpec(spec: PortSpec): string {
  if (spec.name !== undefined) return `${spec.protocol} port named ${spec.name}`;
  if (spec.port === undefined) return `any ${spec.protocol} port`;
  return spec.endPort !== undefined && spec.endPort !== spec.port ? `${spec.protocol}/${spec.port}-${spec.endPort}` : `${spec.protocol}/${spec.port}`;
}

/** Plain words for a whole `ports` list. */
export function describePorts(matcher: PortMatcher): string {
  return matcher.all ? 'all ports' : matcher.specs.map(describePortSpec).join(', ');
}
