import * as fs from 'fs';
import * as path from 'path';
import { fileSystemError } from './fs-errors';
import { contains, swapPaths } from './outdir';
import { WriteReport } from './writer';

/**
 * How `cdk8s synth` runs netiso (cdk8s-cli, as documented and as its source does it): it first
 * deletes its output directory (`output:` of cdk8s.yaml, or `--output`) with everything in it,
 * then runs the `app:` command with `CDK8S_OUTDIR` set to that directory, and fails unless the
 * app created it. It lists the `*.yaml` files it finds there, prints them with `--stdout`, and
 * runs validation plugins on them.
 *
 * Were `output:` netiso's `dist/`, every `cdk8s synth` would delete the hand-placed files, and a
 * failing synthesis would leave no `dist/` at all. So netiso's cdk8s.yaml gives cdk8s a scratch
 * directory of its own, netiso writes `dist/` with its all-or-nothing writer, and then mirrors
 * the manifests into cdk8s's directory for cdk8s's own steps.
 */
export const CDK8S_OUTDIR_ENV = 'CDK8S_OUTDIR';

/**
 * After a successful synthesis into `outdir`, fills cdk8s's output directory `cdk8sOutdir` with
 * the generated manifests (hard links where possible), without the `kustomization.yaml` files,
 * which are no Kubernetes objects: the same kind of tree as a cdk8s app writes.
 * @returns the number of manifests mirrored.
 * @throws FileSystemError when a file cannot be written.
 */
export function mirrorForCdk8s(outdir: string, report: WriteReport, cdk8sOutdir: string): number {
  const source = swapPaths(outdir).target;
  const manifests = [...report.written, ...report.unchanged].filter((rel) => path.posix.basename(rel) !== 'kustomization.yaml');
  try {
    fs.mkdirSync(cdk8sOutdir, { recursive: true });
    for (const rel of manifests) {
      const to = path.join(cdk8sOutdir, rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.rmSync(to, { force: true });
      try {
        fs.linkSync(path.join(source, rel), to);
      } catch {
        fs.copyFileSync(path.join(source, rel), to);
      }
    }
  } catch (e) {
    throw fileSystemError(e, { fix: `cdk8s synth needs its output directory writable (output: in cdk8s.yaml); ${outdir} itself was written` });
  }
  return manifests.length;
}

/** True when cdk8s's output directory is netiso's output directory (or contains it): cdk8s deleted it before netiso ran. */
export function cdk8sDeletesOutput(outdir: string, cdk8sOutdir: string): boolean {
  return contains(path.resolve(cdk8sOutdir), path.resolve(outdir));
}
