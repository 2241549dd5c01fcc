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
  private readonly sameName: readonly ProjectPart[];

  constructor(project: IsolatedProject, name: string, what: string) {
    super(project, uniqueId(project, name));
    this.project = project;
    this.name = name;
    this.sameName = declareName(project, 'part', name, this);
    this.node.addValidation({
      validate: () => [
        ...this.nameProblems(what),
        ...(this.repeatsName ? [`${what} name "${name}" is used twice in project ${project.name}; give each ${what} its own name`] : []),
      ],
    });
  }

  /** @internal True when an earlier part of the project has the same name (and this one is reported). */
  public get repeatsName(): boolean { return this.sameName[0] !== this; }

  /** `Kind/name` of each object this part emits, for the project's name-clash check. */
  public abstract objectNames(): string[];

  /** NetworkPolicies this part contributes (valid tree assumed). */
  public policies(): PolicySpec[] { return []; }

  /** Other manifests this part contributes (valid tree assumed). */
  public manifests(): Manifest[] { return []; }

  /** Problems with the part's name; parts whose name becomes part of another name check that too. */
  protected nameProblems(what: string): string[] {
    return dnsLabelProblems(`${what} name`, this.name);
  }
}

// Next suffix to try, per scope and name: probing from 2 each time made k uses of a name cost O(k²).
const nextSuffix = new WeakMap<Construct, Map<string, number>>();

/** The construct id an empty or non-string name gets, so that it is reported rather than thrown on. */
const EMPTY_NAME_ID = '(empty name)';

/**
 * A construct id for `name` that never throws: a repeated name gets a `~2`-style suffix and an
 * empty one a placeholder, so that such names are reported with the rest instead of aborting the
 * definition. Whether a name is repeated is decided by {@link declareName}, not by the id, because
 * constructs rewrites some characters of ids (`a/b` becomes `a--b`).
 */
export function uniqueId(scope: Construct, name: string): string {
  const base = typeof name === 'string' && name !== '' ? name : typeof name === 'number' ? String(name) : EMPTY_NAME_ID;
  if (!scope.node.tryFindChild(base)) return base;
  let suffixes = nextSuffix.get(scope);
  if (!suffixes) nextSuffix.set(scope, suffixes = new Map());
  let i = suffixes.get(base) ?? 2;
  while (scope.node.tryFindChild(`${base}~${i}`)) i++;
  suffixes.set(base, i + 1);
  return `${base}~${i}`;
}

// Constructs declared under each scope, by kind and name, in declaration order.
const declared = new WeakMap<Construct, Map<string, Construct[]>>();

/**
 * Records that `construct` uses `name` among the `kind`s of `scope`, and returns every construct
 * of that kind and name so far (the list grows with later declarations); the first one is the
 * owner of the name, any other one a repeat.
 */
export function declareName<T extends Construct>(scope: Construct, kind: string, name: string, construct: T): readonly T[] {
  let byName = declared.get(scope);
  if (!byName) declared.set(scope, byName = new Map());
  const key = `${kind}\0${String(name)}`;
  const list = byName.get(key) ?? [];
  list.push(construct);
  byName.set(key, list);
  return list as T[];
}

/** @internal */
export function isProjectPart(c: unknown): c is ProjectPart {
  return (c as { readonly isProjectPart?: boolean }).isProjectPart === true;
}
