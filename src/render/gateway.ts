import { MANAGED_BY, Manifest } from './model';
import { checked } from './schemas/validate';

/** The Gateway (and listener) a route attaches to. */
export interface RouteParentSpec {
  readonly name: string;
  readonly namespace: string;
  /** A listener of the Gateway; undefined: every listener that admits the route. */
  readonly sectionName?: string;
}

/** How an HTTPRoute path is matched (Gateway API v1 `HTTPPathMatch.type`, the two core types). */
export type HttpPathType = 'PathPrefix' | 'Exact';

/** One rule of an HTTPRoute: its paths all go to one port of the Service. */
export interface HttpRouteRuleSpec {
  readonly paths: ReadonlyArray<{ readonly type: HttpPathType; readonly value: string }>;
  /** The Service port by number (Gateway API backends take no port names). */
  readonly port: number;
}

/** One rule of a GRPCRoute: gRPC services / methods (none: every call), to one Service port. */
export interface GrpcRouteRuleSpec {
  readonly methods: ReadonlyArray<{ readonly service?: string; readonly method?: string }>;
  readonly port: number;
}

/** A route for one Service, resolved and validated. */
export interface RouteSpec<R> {
  readonly name: string;
  readonly namespace: string;
  readonly service: string;
  readonly parent: RouteParentSpec;
  /** Empty: every host name the listener accepts. */
  readonly hostnames: readonly string[];
  readonly rules: readonly R[];
}

const GATEWAY_API = 'gateway.networking.k8s.io/v1';

/** Renders a `gateway.networking.k8s.io/v1` HTTPRoute whose every rule routes to `spec.service`. */
export function renderHttpRoute(spec: RouteSpec<HttpRouteRuleSpec>): Manifest {
  return renderRoute('HTTPRoute', spec, spec.rules.map((r) => ({
    matches: r.paths.map((p) => ({ path: { type: p.type, value: p.value } })),
    backendRefs: [backend(spec.service, r.port)],
  })));
}

/** Renders a `gateway.networking.k8s.io/v1` GRPCRoute whose every rule routes to `spec.service`. */
export function renderGrpcRoute(spec: RouteSpec<GrpcRouteRuleSpec>): Manifest {
  return renderRoute('GRPCRoute', spec, spec.rules.map((r) => ({
    ...(r.methods.length ? { matches: r.methods.map((m) => ({ method: { type: 'Exact', ...m } })) } : {}),
    backendRefs: [backend(spec.service, r.port)],
  })));
}

function renderRoute(kind: 'HTTPRoute' | 'GRPCRoute', spec: RouteSpec<unknown>, rules: unknown[]): Manifest {
  const p = spec.parent;
  return checked({
    apiVersion: GATEWAY_API,
    kind,
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...MANAGED_BY } },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: p.namespace, name: p.name, ...(p.sectionName ? { sectionName: p.sectionName } : {}) }],
      ...(spec.hostnames.length ? { hostnames: [...spec.hostnames] } : {}),
      rules,
    },
  });
}

function backend(service: string, port: number): Record<string, unknown> {
  return { group: '', kind: 'Service', name: service, port };
}
