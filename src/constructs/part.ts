import { Construct } from 'constructs';
import { Manifest, PolicySpec } from '../render/model';
import { dnsLabelProblems } from '../k8s/names';
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

// Next suffix to try, per scope and name: probing from 2 each time made k uses of a name cost O(k²).
const nextSuffix = new WeakMap<Construct, Map<string, number>>();

/** A construct id that never throws on a duplicate name, so the clash is reported with the rest. */
export function uniqueId(scope: Construct, name: string): string {
  if (!scope.node.tryFindChild(name)) return name;
  let suffixes = nextSuffix.get(scope);
  if (!suffixes) nextSuffix.set(scope, suffixes = new Map());
  let i = suffixes.get(name) ?? 2;
  while (scope.node.tryFindChild(`${name}~${i}`)) i++;
  suffixes.set(name, i + 1);
  return `${name}~${i}`;
}

/** @internal */
export function isProjectPart(c: unknown): c is ProjectPart {
  return (c as { readonly isProjectPart?: boolean }).isProjectPart === true;
}
