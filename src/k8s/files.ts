import * as fs from 'fs';
import * as path from 'path';

/** All files (and symbolic links) below `dir`, relative, with `/` separators, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}

/** The files `paths` stand for: files as given, directories expanded recursively, sorted by relative path in code-point order. */
export function inputFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new Error(`${p} does not exist`);
    if (fs.statSync(p).isDirectory()) out.push(...listFiles(p).filter((rel) => /\.(ya?ml|json)$/.test(rel)).map((rel) => path.join(p, rel)));
    else out.push(p);
  }
  return out;
}
