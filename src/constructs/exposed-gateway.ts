import { dnsSubdomainProblems } from '../k8s/names';
import { GrpcRouteRuleSpec, HttpPathType, HttpRouteRuleSpec } from '../render/gateway';
import { ServicePort } from '../values/service';

/** One HTTP path of an {@link ExposedGatewayProps}. */
export interface ExposedHttpPath {
  /** @default '/' */
  readonly path?: string;
  /** @default 'PathPrefix' */
  readonly pathType?: HttpPathType;
  /** The Service port the path routes to, by number or name. @default the Service's only port */
  readonly port?: number | string;
}

/** gRPC calls of an {@link ExposedGatewayProps}: a service, a method, or both (neither: every call). */
export interface ExposedGrpcMethod {
  /** Fully qualified gRPC service, e.g. `helloworld.Greeter`. @default every service */
  readonly service?: string;
  /** Method name, e.g. `SayHello`. @default every method */
  readonly method?: string;
  /** The Service port the calls route to, by number or name. @default the Service's only port */
  readonly port?: number | string;
}

/**
 * The routes an `ExposedService` in `Gateway` mode attaches to the cluster's Gateway: an
 * `HTTPRoute` named like the Service for `http`, a `GRPCRoute` for `grpc`.
 */
export interface ExposedGatewayProps {
  /** Host names; may start with `*.`. @default every host name the listener accepts */
  readonly hostnames?: readonly string[];
  /** HTTP paths. @default [{ path: '/' }] when `grpc` is not given, else none */
  readonly http?: readonly ExposedHttpPath[];
  /** gRPC calls; emits a GRPCRoute. @default none */
  readonly grpc?: readonly ExposedGrpcMethod[];
  /** Listener of the Gateway. @default the cluster gateway's `sectionName` */
  readonly sectionName?: string;
}

// The CEL rules of GRPCMethodMatch (Gateway API v1, type Exact).
const GRPC_SERVICE = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;
const GRPC_METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;
const PATH_TYPES: readonly string[] = ['PathPrefix', 'Exact'];

/** The HTTP paths of the props, with the default. */
export function httpPaths(gateway: ExposedGatewayProps | undefined): readonly ExposedHttpPath[] {
  if (!gateway) return [];
  return gateway.http ?? (gateway.grpc ? [] : [{}]);
}

/** The Service port a route entry goes to, or a problem sentence. */
export function routedPort(ports: readonly ServicePort[], service: string, port: number | string | undefined, what: string): ServicePort | string {
  const list = ports.map((p) => (p.name ? `${p.port} ("${p.name}")` : `${p.port}`)).join(', ');
  if (port === undefined) {
    return ports.length === 1 ? ports[0] : `${what} without port cannot choose among the Service's ports ${list}; give it a port`;
  }
  const found = ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
  return found ?? `${what} routes to port ${JSON.stringify(port)}, which Service ${service} does not have; use one of ${list}`;
}

/** Everything wrong with the routes of a Gateway-mode exposure. */
export function gatewayRouteProblems(gateway: ExposedGatewayProps | undefined, ports: readonly ServicePort[], service: string): string[] {
  if (!gateway || typeof gateway !== 'object') {
    return ['mode \'Gateway\' needs gateway: { hostnames?, http?, grpc? }, e.g. { hostnames: [\'demo.example.com\'] } to route every path'];
  }
  const out: string[] = [];
  for (const host of gateway.hostnames ?? []) {
    // A wildcard host is a subdomain behind '*.'; Gateway API also refuses IP addresses.
    out.push(...dnsSubdomainProblems('gateway hostname', typeof host === 'string' ? host.replace(/^\*\./, '') : host));
    if (typeof host === 'string' && /^[0-9.]+$|:/.test(host)) out.push(`gateway hostname ${JSON.stringify(host)} is an IP address, which Gateway API refuses; use a host name`);
  }
  if ((gateway.hostnames?.length ?? 0) > 16) out.push(`gateway lists ${gateway.hostnames!.length} hostnames; Gateway API allows at most 16 per route`);
  if (gateway.sectionName !== undefined) out.push(...dnsSubdomainProblems('gateway sectionName', gateway.sectionName));
  if (gateway.http !== undefined && gateway.http.length === 0 && !gateway.grpc?.length) {
    out.push('gateway http is empty and there is no grpc, so nothing would be routed; leave http out to route \'/\' or list at least one path');
  }
  if (!ports.length) return out;
  const check = (port: ServicePort | string, what: string) => {
    if (typeof port === 'string') out.push(port);
    else if ((port.protocol ?? 'TCP') !== 'TCP') out.push(`${what} routes to ${port.protocol} port ${port.port}, but HTTP and gRPC run over TCP only; route it to a TCP port`);
  };
  for (const p of httpPaths(gateway)) {
    const path = p.path ?? '/';
    if (typeof path !== 'string' || !path.startsWith('/')) out.push(`gateway path ${JSON.stringify(path)} is not absolute; start it with '/'`);
    else if (path.length > 1024) out.push(`gateway path ${path.slice(0, 40)}… is longer than the 1024 characters Gateway API allows`);
    if (p.pathType !== undefined && !PATH_TYPES.includes(p.pathType)) out.push(`gateway pathType ${JSON.stringify(p.pathType)} of path ${path} is not a path type; use 'PathPrefix' or 'Exact'`);
    check(routedPort(ports, service, p.port, `gateway path ${path}`), `gateway path ${path}`);
  }
  for (const m of gateway.grpc ?? []) {
    const what = `gRPC ${m.service ?? '*'}/${m.method ?? '*'}`;
    if (m.service !== undefined && (typeof m.service !== 'string' || !GRPC_SERVICE.test(m.service))) out.push(`gRPC service ${JSON.stringify(m.service)} is not a fully qualified service name, e.g. 'helloworld.Greeter'`);
    if (m.method !== undefined && (typeof m.method !== 'string' || !GRPC_METHOD.test(m.method))) out.push(`gRPC method ${JSON.stringify(m.method)} is not a method name, e.g. 'SayHello'`);
    check(routedPort(ports, service, m.port, what), what);
  }
  return [...new Set(out)];
}

/** HTTPRoute rules: one per Service port, its paths in declaration order. Valid props assumed. */
export function httpRouteRules(gateway: ExposedGatewayProps, ports: readonly ServicePort[], service: string): HttpRouteRuleSpec[] {
  const byPort = new Map<number, Array<{ type: HttpPathType; value: string }>>();
  for (const p of httpPaths(gateway)) {
    const port = (routedPort(ports, service, p.port, '') as ServicePort).port;
    const list = byPort.get(port) ?? [];
    list.push({ type: p.pathType ?? 'PathPrefix', value: p.path ?? '/' });
    byPort.set(port, list);
  }
  return [...byPort].map(([port, paths]) => ({ port, paths }));
}

/** GRPCRoute rules: one per Service port; a port with an every-call entry matches every call. */
export function grpcRouteRules(gateway: ExposedGatewayProps, ports: readonly ServicePort[], service: string): GrpcRouteRuleSpec[] {
  const byPort = new Map<number, Array<{ service?: string; method?: string }> | 'all'>();
  for (const m of gateway.grpc ?? []) {
    const port = (routedPort(ports, service, m.port, '') as ServicePort).port;
    const seen = byPort.get(port) ?? [];
    if (m.service === undefined && m.method === undefined) byPort.set(port, 'all');
    else if (seen !== 'all') byPort.set(port, [...seen, { ...(m.service ? { service: m.service } : {}), ...(m.method ? { method: m.method } : {}) }]);
  }
  return [...byPort].map(([port, methods]) => ({ port, methods: methods === 'all' ? [] : methods }));
}

/** The Service ports the routes reach. Valid props assumed. */
export function routedServicePorts(gateway: ExposedGatewayProps, ports: readonly ServicePort[], service: string): ServicePort[] {
  const routed = new Set([...httpPaths(gateway), ...(gateway.grpc ?? [])].map((e) => routedPort(ports, service, e.port, '') as ServicePort));
  return ports.filter((p) => routed.has(p));
}
