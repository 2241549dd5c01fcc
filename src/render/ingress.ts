import { k8s } from 'cdk8s-plus-27';
import { manifestOf } from './manifest';
import { Manifest, MANAGED_BY } from './model';

/** How an Ingress path is matched (networking.k8s.io/v1). */
export type IngressPathType = 'Prefix' | 'Exact' | 'ImplementationSpecific';

/** One resolved path of an Ingress rule: everything routes to the same Service. */
export interface IngressPathSpec {
  readonly path: string;
  readonly pathType: IngressPathType;
  /** The Service port, by number or by name. */
  readonly servicePort: number | string;
}

/** An Ingress for one Service, resolved and validated. */
export interface IngressSpec {
  readonly name: string;
  readonly namespace: string;
  readonly service: string;
  /** undefined: the cluster's default IngressClass. */
  readonly className?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Rules in declaration order; a rule without host matches every host. */
  readonly rules: ReadonlyArray<{ readonly host?: string; readonly paths: readonly IngressPathSpec[] }>;
}

/** Renders an Ingress (networking.k8s.io/v1) whose every path routes to `spec.service`. */
export function renderIngress(spec: IngressSpec): Manifest {
  return manifestOf<k8s.KubeIngressProps>(k8s.KubeIngress.GVK, {
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: { ...MANAGED_BY },
      annotations: spec.annotations && Object.keys(spec.annotations).length ? { ...spec.annotations } : undefined,
    },
    spec: {
      ingressClassName: spec.className,
      rules: spec.rules.map((rule) => ({
        host: rule.host,
        http: {
          paths: rule.paths.map((p) => ({
            path: p.path,
            pathType: p.pathType,
            backend: {
              service: {
                name: spec.service,
                port: typeof p.servicePort === 'number' ? { number: p.servicePort } : { name: p.servicePort },
              },
            },
          })),
        },
      })),
    },
  }) as Manifest;
}
