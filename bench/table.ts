/**
 * One line of a benchmark table: column → value. Columns print in the order of the first row's
 * keys; a row may leave a column out (printed empty).
 */
export type Row = Readonly<Record<string, string | number>>;

/**
 * One part of `npm run bench`, printed as its own table. Add a benchmark by adding a section to
 * the list in `bench/run.ts`.
 */
export interface Section {
  readonly title: string;
  /** Its own ladder, instead of `--sizes` (for what is too slow for the big sizes, or needs others). */
  readonly sizes?: readonly number[];
  /** Measures every size of the ladder; may run child processes. */
  run(sizes: readonly number[]): Promise<Row[]>;
  /** Sentences printed under the table (e.g. what was skipped, how a column is computed). */
  notes?(rows: readonly Row[]): string[];
}

/** The rows as a Markdown table, so a run can be pasted into the docs as it is. */
export function formatTable(rows: readonly Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = [columns, ...rows.map((r) => columns.map((c) => String(r[c] ?? '')))];
  const widths = columns.map((_, i) => Math.max(3, ...cells.map((line) => line[i].length)));
  // Numbers align right, as in a spreadsheet; text (column headers included) aligns left.
  const numeric = columns.map((c) => rows.every((r) => r[c] === undefined || typeof r[c] === 'number' || /^[\d.,×-]+$/.test(String(r[c]))));
  const line = (values: string[]) => `| ${values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(columns), rule, ...cells.slice(1).map(line)].join('\n');
}
