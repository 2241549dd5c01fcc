import { k8s } from 'cdk8s-plus-27';

import { isPortName, PROTOCOLS, Protocol } from '../k8s/protocol';
import { asList, listProblems, show } from './checks';

export type { Protocol };
export { isPortName, PROTOCOLS };

/** Options for {@link Port.of}. */
export interface PortOptions {
  /** @default 'TCP' */
  readonly protocol?: Protocol;
  /** A port number, a named container port, or undefined for every port of the protocol. */
  readonly port?: number | string;
  /** Last port of a range; needs a numeric `port`. */
  readonly endPort?: number;
}

/**
 * A protocol plus an optional port or port range, as one NetworkPolicy `ports` entry.
 *
 * Values are never rejected at construction so that a synthesis can report every bad value
 * at once, with the construct path that used it: call {@link Port.problems}.
 */
export class Port {
  /** A TCP port number or named container port. */
  public static tcp(port: number | string): Port { return new Port('TCP', port); }
  /** A UDP port number or named container port. */
  public static udp(port: number | string): Port { return new Port('UDP', port); }
  /** An SCTP port number or named container port. SCTP needs CNI support. */
  public static sctp(port: number | string): Port { return new Port('SCTP', port); }
  /** TCP ports `from` to `to` inclusive (emitted with `endPort`). */
  public static tcpRange(from: number, to: number): Port { return new Port('TCP', from, to); }
  /** UDP ports `from` to `to` inclusive (emitted with `endPort`). */
  public static udpRange(from: number, to: number): Port { return new Port('UDP', from, to); }
  /** SCTP ports `from` to `to` inclusive (emitted with `endPort`). */
  public static sctpRange(from: number, to: number): Port { return new Port('SCTP', from, to); }
  /** Every TCP port (a `ports` entry with a protocol and no port, never `port: 0`). */
  public static allTcp(): Port { return new Port('TCP'); }
  /** Every UDP port. */
  public static allUdp(): Port { return new Port('UDP'); }
  /** Every SCTP port. */
  public static allSctp(): Port { return new Port('SCTP'); }
  /** Any combination, for values read from configuration. */
  public static of(options: PortOptions): Port {
    return new Port(options.protocol ?? 'TCP', options.port, options.endPort);
  }

  /** The range's end, or undefined for a single port (a range of one port is a single port). */
  public readonly endPort?: number;

  private constructor(
    public readonly protocol: Protocol,
    public readonly port?: number | string,
    endPort?: number,
  ) {
    this.endPort = endPort === port ? undefined : endPort;
  }

  /** True when this entry stands for every port of its protocol. */
  public get isAllPorts(): boolean { return this.port === undefined && this.endPort === undefined; }

  /** What is wrong with this value, as complete sentences with a fix; empty when valid. */
  public get problems(): string[] {
    const out: string[] = [];
    if (!(PROTOCOLS as readonly string[]).includes(this.protocol)) {
      out.push(`unknown protocol ${JSON.stringify(this.protocol)}; use TCP, UDP or SCTP (NetworkPolicy cannot match other protocols)`);
    }
    const port = this.port;
    if (typeof port === 'number') {
      if (port === 0) {
        out.push(`port 0 is not a port; use Port.all${titleCase(this.protocol)}() to allow every ${this.protocol} port`);
      } else if (!Number.isInteger(port) || port < 1 || port > 65535) {
        out.push(`port ${port} is outside 1-65535; use a whole number between 1 and 65535`);
      }
    } else if (typeof port === 'string' && !isPortName(port)) {
      out.push(`named port ${JSON.stringify(port)} is not a valid port name; use at most 15 lowercase letters, digits and single '-', with at least one letter`);
    }
    if (this.endPort !== undefined) {
      if (port === undefined) {
        out.push(`endPort ${this.endPort} needs a first port; use Port.${this.protocol.toLowerCase()}Range(from, ${this.endPort})`);
      } else if (typeof port === 'string') {
        out.push(`a port range cannot start at the named port ${JSON.stringify(port)}; use port numbers with endPort`);
      } else if (!Number.isInteger(this.endPort) || this.endPort < 1 || this.endPort > 65535) {
        out.push(`endPort ${this.endPort} is outside 1-65535; use a whole number between 1 and 65535`);
      } else if (this.endPort < port) {
        out.push(`endPort ${this.endPort} is below port ${port}; did you mean ${this.protocol} ${this.endPort}-${port}?`);
      }
    }
    return out;
  }

  /** Identity for de-duplication. */
  public get key(): string {
    return `${this.protocol}/${this.port ?? '*'}/${this.endPort ?? ''}`;
  }

  /** True when every connection this port entry allows is also allowed by `other`. */
  public isCoveredBy(other: Port): boolean {
    if (other.protocol !== this.protocol) return false;
    if (other.isAllPorts) return true;
    if (this.isAllPorts) return false;
    if (typeof this.port === 'string' || typeof other.port === 'string') return this.key === other.key;
    const lo = this.port as number;
    const hi = this.endPort ?? lo;
    const olo = other.port as number;
    const ohi = other.endPort ?? olo;
    return olo <= lo && hi <= ohi;
  }

  /** Human-readable form, e.g. `TCP 80`, `UDP 53`, `TCP 8000-8100`, `TCP port "http"`, `all TCP ports`. */
  public toString(): string {
    if (this.isAllPorts) return `all ${this.protocol} ports`;
    if (this.port === undefined) return `${this.protocol} ?-${this.endPort}`;
    if (typeof this.port === 'string') return `${this.protocol} port "${this.port}"`;
    if (this.endPort !== undefined) return `${this.protocol} ${this.port}-${this.endPort}`;
    return `${this.protocol} ${this.port}`;
  }

  /** The NetworkPolicy `ports` entry. */
  public toPolicyPort(): k8s.NetworkPolicyPort {
    return {
      protocol: this.protocol,
      port: this.port === undefined ? undefined
        : typeof this.port === 'number' ? k8s.IntOrString.fromNumber(this.port) : k8s.IntOrString.fromString(this.port),
      endPort: this.endPort,
    };
  }
}

/** De-duplicates ports, dropping entries another entry of the list already covers; keeps first-seen order. */
export function mergePorts(ports: readonly Port[]): Port[] {
  const unique = new Map<string, Port>();
  for (const p of ports) if (!unique.has(p.key)) unique.set(p.key, p);
  const list = [...unique.values()];
  return list.filter((p, i) => !list.some((o, j) => j !== i && p.isCoveredBy(o) && !(o.isCoveredBy(p) && j > i)));
}

function titleCase(protocol: string): string {
  return protocol.charAt(0) + protocol.slice(1).toLowerCase();
}

/** True for a {@link Port}, also one of another copy of the package. */
export function isPort(value: unknown): value is Port {
  return value instanceof Port || typeof (value as Port | undefined)?.toPolicyPort === 'function';
}

/** The Ports of a `ports` prop; other elements are left out (see {@link portListProblems}). */
export function portsOf(value: readonly Port[] | undefined): Port[] {
  return asList(value).filter(isPort);
}

/** Problems with a `ports` prop: not a list, elements that are not Ports, then each Port's own. */
export function portListProblems(what: string, value: unknown): string[] {
  if (!Array.isArray(value)) return listProblems(what, value, '[Port.tcp(80)]');
  return value.flatMap((p, i) => (isPort(p) ? p.problems : [`${what}[${i}] is ${show(p)}, not a Port; write ${suggestPort(p)}`]));
}

/** A valid port name close to `value`, or undefined when there is none (e.g. no letter). */
export function suggestPortName(value: string): string | undefined {
  const s = value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 15).replace(/-+$/, '');
  return isPortName(s) ? s : undefined;
}

function suggestPort(value: unknown): string {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) return `Port.tcp(${Number(value)})`;
  if (typeof value === 'string') return `Port.tcp(${JSON.stringify(value)})`;
  return 'Port.tcp(80), Port.udp(53) or Port.of({ protocol, port, endPort })';
}
