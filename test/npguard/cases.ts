import * as fs from 'fs';
import * as path from 'path';
import { ManifestModel, readManifestFiles } from '../../src/k8s/manifests';

/**
 * Which input folder(s) and options each expected output of the np-guard corpus belongs to.
 *
 * np-guard names a `list` output after its test arguments (`ConnlistTestNameByTestArgs` in
 * `pkg/internal/testutils/testutils.go`): `<dir>[_focus_workload_<w>[_<direction>][_with_<p>]]`
 * then `_connlist_output.txt`, or `_exposure_output.txt` with exposure analysis. `<w>` and `<p>`
 * are the focus workloads and their peers joined by `_`, with `/` in `ns/name` also written `_`;
 * which tokens form an `ns/name` is resolved against the case's workloads. A `diff` output is
 * `diff_between_<ref2>_and_<ref1>.txt` (`DiffTestNameByRefs`).
 */

/** np-guard's corpus, copied unchanged from np-guard/netpol-analyzer (see `corpus/SOURCE` and `corpus/LICENSE`). */
export const CORPUS = path.join(__dirname, 'corpus');

export interface ListCase {
  /** The expected output's file name in `connlist/`. */
  readonly file: string;
  /** The input folder in `tests/`. */
  readonly dir: string;
  /** Focus workloads as written in the file name, `_`-separated tokens still to resolve. */
  readonly focusTokens: readonly string[];
  readonly peerTokens: readonly string[];
  readonly focusDirection?: 'ingress' | 'egress';
  /** The output has an exposure section (not compared). */
  readonly exposure: boolean;
}

export interface DiffCase {
  readonly file: string;
  readonly ref1: string;
  readonly ref2: string;
}

export function inputDirs(): string[] {
  return fs.readdirSync(path.join(CORPUS, 'tests')).sort();
}

export function listCases(): ListCase[] {
  const dirs = new Set(inputDirs());
  return fs
    .readdirSync(path.join(CORPUS, 'connlist'))
    .sort()
    .map((file) => {
      const m = /^(.+)_(connlist|exposure)_output\.txt$/.exec(file);
      if (!m) throw new Error(`unexpected file connlist/${file}`);
      const [dir, focus] = m[1].split('_focus_workload_');
      if (!dirs.has(dir)) throw new Error(`connlist/${file}: no input folder tests/${dir}`);
      const exposure = m[2] === 'exposure';
      if (focus === undefined) return { file, dir, focusTokens: [], peerTokens: [], exposure };
      const [workloads, peers] = focus.split('_with_');
      const direction = /_(ingress|egress)$/.exec(workloads);
      return {
        file,
        dir,
        focusTokens: (direction ? workloads.slice(0, direction.index) : workloads).split('_'),
        peerTokens: peers ? peers.split('_') : [],
        ...(direction ? { focusDirection: direction[1] as 'ingress' | 'egress' } : {}),
        exposure,
      };
    });
}

export function diffCases(): DiffCase[] {
  const dirs = new Set(inputDirs());
  return fs
    .readdirSync(path.join(CORPUS, 'diff'))
    .sort()
    .map((file) => {
      const m = /^diff_between_(.+)\.txt$/.exec(file);
      const names = m?.[1] ?? '';
      for (let i = names.indexOf('_and_'); i >= 0; i = names.indexOf('_and_', i + 1)) {
        const ref2 = names.slice(0, i);
        const ref1 = names.slice(i + '_and_'.length);
        if (dirs.has(ref1) && dirs.has(ref2)) return { file, ref1, ref2 };
      }
      throw new Error(`diff/${file}: cannot tell its two input folders`);
    });
}

/**
 * Focus names from file-name tokens: two tokens that are the namespace and name of a workload
 * form `ns/name`; any other token is a workload name (or `ingress-controller`).
 */
export function resolveFocus(tokens: readonly string[], model: ManifestModel): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const pair = i + 1 < tokens.length && model.workloads.some((w) => w.namespace === tokens[i] && w.name === tokens[i + 1]);
    out.push(pair ? `${tokens[i]}/${tokens[++i]}` : tokens[i]);
  }
  return out;
}

const models = new Map<string, ManifestModel>();

/** The model of an input folder, read unchanged with the manifest reader (once per test file). */
export function readCase(dir: string): ManifestModel {
  let model = models.get(dir);
  if (!model) models.set(dir, (model = readManifestFiles([path.join(CORPUS, 'tests', dir)])));
  return model;
}
