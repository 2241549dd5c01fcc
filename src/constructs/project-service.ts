import { k8s } from 'cdk8s-plus-27';
import { manifestOf } from '../render/manifest';
import { Manifest, MANAGED_BY } from '../render/model';
import { dns1035LabelProblems, Labels } from '../k8s/names';
import { IServicePeer, ServiceDescription, ServicePort, serviceSpecProblems } from '../values/service';
import { ProjectPart } from './part';
import { IsolatedProject } from './project';

/** Props of a {@link ProjectService}. */
export interface ProjectServiceProps {
  /** Labels of the pods behind the Service; must not be empty. */
  readonly selector: Labels;
  readonly ports: readonly ServicePort[];
}

/**
 * A ClusterIP Service in a project. Other projects can name it as an `InternalPeer.service`
 * peer, so their egress allow-list follows its selector and target ports.
 */
export class ProjectService extends ProjectPart implements IServicePeer {
  protected readonly props: ProjectServiceProps;

  constructor(project: IsolatedProject, name: string, props: ProjectServiceProps) {
    super(project, name, 'Service');
    this.props = props ?? ({} as ProjectServiceProps);
    this.node.addValidation({ validate: () => serviceSpecProblems(this.describeService()) });
  }

  public describeService(): ServiceDescription {
    return { namespace: this.project.name, name: this.name, selector: this.props.selector, ports: this.props.ports };
  }

  public objectNames(): string[] { return [`Service/${this.name}`]; }

  protected nameProblems(what: string): string[] {
    return dns1035LabelProblems(`${what} name`, this.name);
  }

  public manifests(): Manifest[] {
    return [manifestOf<k8s.KubeServiceProps>(k8s.KubeService.GVK, {
      metadata: { name: this.name, namespace: this.project.name, labels: { ...MANAGED_BY }, annotations: this.serviceAnnotations() },
      spec: this.serviceSpec(),
    }) as Manifest];
  }

  /** The Service's spec; exposures override it to change the type. */
  protected serviceSpec(): k8s.ServiceSpec {
    return { type: 'ClusterIP', selector: { ...this.props.selector }, ports: this.servicePorts() };
  }

  /** The Service's annotations (e.g. for a load balancer implementation); none by default. */
  protected serviceAnnotations(): Record<string, string> | undefined {
    return undefined;
  }

  /** The Service's ports as the Kubernetes API expects them. */
  protected servicePorts(): k8s.ServicePort[] {
    return this.props.ports.map((p) => ({
      name: p.name,
      port: p.port,
      protocol: p.protocol ?? 'TCP',
      targetPort: p.targetPort === undefined ? undefined
        : typeof p.targetPort === 'number' ? k8s.IntOrString.fromNumber(p.targetPort) : k8s.IntOrString.fromString(p.targetPort),
    }));
  }
}
