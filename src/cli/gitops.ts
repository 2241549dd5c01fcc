import { Command } from 'commander';
import { renderGitOps } from '../gitops';
import { distClusters, writeGitOps } from '../gitops/write';
import { FileSystemError } from '../synth/fs-errors';

interface GitOpsCliOptions {
  repoUrl: string;
  revision: string;
  dist: string;
  outdir: string;
  argoNamespace: string;
  argoProject: string;
  fluxNamespace: string;
  check?: boolean;
  quiet?: boolean;
}

/** How long `netiso gitops` waits for a synth that is writing the dist tree. */
const LOCK_WAIT_MS = 120_000;

/**
 * `netiso gitops`: writes Argo CD ApplicationSets and Flux Kustomizations for the clusters of a
 * dist tree. A command of its own rather than a `synth` flag: it needs repository settings
 * `synth` has no use for. Exit codes: 0 done (or up to date), 1 invalid options or stale wiring
 * (`--check`), 2 a file-system problem.
 */
export function gitopsCommand(): Command {
  return new Command('gitops')
    .description('write Argo CD ApplicationSets and Flux Kustomizations for every cluster of dist/')
    .requiredOption('--repo-url <url>', 'git URL the GitOps controllers clone')
    .option('--revision <rev>', 'branch, tag or commit to follow', 'main')
    .option('--dist <dir>', 'synthesized tree; also its path inside the repository', 'dist')
    .option('-o, --outdir <dir>', 'where to write the wiring (never inside dist)', 'gitops')
    .option('--argo-namespace <ns>', 'namespace Argo CD runs in', 'argocd')
    .option('--argo-project <name>', 'Argo CD AppProject of the Applications', 'default')
    .option('--flux-namespace <ns>', 'namespace Flux runs in', 'flux-system')
    .option('--check', 'write nothing; exit 1 when the wiring is out of date with dist')
    .option('-q, --quiet', 'print nothing but errors')
    .action((opts: GitOpsCliOptions) => {
      try {
        const files = renderGitOps(distClusters(opts.dist, { waitMs: LOCK_WAIT_MS }), {
          repoUrl: opts.repoUrl,
          revision: opts.revision,
          distPath: opts.dist,
          argoNamespace: opts.argoNamespace,
          argoProject: opts.argoProject,
          fluxNamespace: opts.fluxNamespace,
        });
        const { written, removed, stale } = writeGitOps(opts.outdir, opts.dist, files, opts.check);
        if (opts.check) {
          const changes = [...stale.map((f) => `${f} (missing or differs)`), ...removed.map((f) => `${f} (stale)`)];
          if (changes.length) {
            console.error(`netiso gitops: ${opts.outdir} is out of date with ${opts.dist}; run netiso gitops without --check and commit the result:\n${changes.map((c) => `  - ${c}`).join('\n')}`);
            process.exitCode = 1;
          } else if (!opts.quiet) {
            console.log(`${opts.outdir} is up to date`);
          }
          return;
        }
        if (!opts.quiet) console.log(`wrote ${written.length} file(s) to ${opts.outdir}${removed.length ? `, removed ${removed.join(', ')}` : ''}`);
      } catch (e) {
        console.error(`netiso gitops: ${(e as Error).message}`);
        process.exitCode = e instanceof FileSystemError ? 2 : 1;
      }
    });
}
