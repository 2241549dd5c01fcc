import { Construct } from 'constructs';
import { Manifest, PolicySpec } from '../render/model';
import { dnsLabelProblems } from '../values/names';
import { IsolatedProject } from './project';

/**
 * Something a project owns that contributes objects to it: allow-list entries, Services,
 * exposures. Subclasses only resolve their declaration; rendering is done by pure functions.
 */
export abstract class ProjectPart extends Construct {
  /** The project this part belongs to. */
  public readonly project: IsolatedProject;
  /** The part's name, unique within the project. */
  public readonly name: string;
  /** @internal marker used instead of instanceof, which breaks across duplicated packages */
  public readonly isProjectPart = true;

  constructor(project: IsolatedProject, name: string, what: string) {
    super(project, uniqueId(project, name));
    this.project = project;
    this.name = name;
    this.node.addValidation({
      validate: () => [
        ...dnsLabelProblems(`${what} name`, name),
        ...(this.node.id !== name ? [`${what} name "${name}" is used twice in project ${project.name}; give each ${what} its own name`] : []),
      ],
    });
  }

  /** `Kind/name` of each object this part emits, for the project's name-clash check. */
  public abstract objectNames(): string[];

  /** NetworkPolicies this part contributes (valid tree assumed). */
  public policies(): PolicySpec[] { return []; }

  /** Other manifests this part contributes (valid tree assumed). */
  public manifests(): Manifest[] { return []; }
}

/** A construct id that never throws on a duplicate name, so the clash is reported with the rest. */
export function uniqueId(scope: Construct, name: string): string {
  let id = name;
  for (let i = 2; scope.node.tryFindChild(id); i++) id = `${name}~${i}`;
  return id;
}

/** @internal */
export function isProjectPart(c: unknown): c is ProjectPart {
  return (c as { readonly isProjectPart?: boolean }).isProjectPart === true;
}
