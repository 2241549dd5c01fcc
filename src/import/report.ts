import { compare } from '../k8s/compare';

/**
 * How an input fared in the import:
 * - `skipped`: not carried over; the output does not reproduce what KubeSphere did with it.
 * - `changed`: carried over with a difference in allowed traffic (a documented deviation).
 * - `note`: carried over as KubeSphere enforced it, or had no effect there; worth knowing.
 */
export type ImportSeverity = 'skipped' | 'changed' | 'note';

/** One line of the import report, naming the source object. */
export interface ImportReportItem {
  readonly severity: ImportSeverity;
  /** Kind of the source object, e.g. `NamespaceNetworkPolicy`. */
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** A complete sentence: what happened and why, and what to do when something is needed. */
  readonly message: string;
}

const ORDER: Record<ImportSeverity, number> = { skipped: 0, changed: 1, note: 2 };

/** `Kind namespace/name` or `Kind name`. */
export function objectRef(item: Pick<ImportReportItem, 'kind' | 'namespace' | 'name'>): string {
  return `${item.kind} ${item.namespace ? `${item.namespace}/` : ''}${item.name}`;
}

/** Report items in a stable, locale-independent order: by severity, then object, then message. */
export function sortReport(items: readonly ImportReportItem[]): ImportReportItem[] {
  return [...items].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]
    || compare(objectRef(a), objectRef(b)) || compare(a.message, b.message));
}

/**
 * The report as text, one item per line in the given order (an import's report is sorted
 * already), e.g. `skipped  NamespaceNetworkPolicy demo/x: …`.
 */
export function formatReport(items: readonly ImportReportItem[]): string {
  if (items.length === 0) return 'every input was carried over as KubeSphere enforced it\n';
  const counts = (['skipped', 'changed', 'note'] as const).map((s) => `${items.filter((i) => i.severity === s).length} ${s}`);
  const lines = items.map((i) => `${i.severity.padEnd(8)} ${objectRef(i)}: ${i.message}`);
  return `import report (${counts.join(', ')}):\n${lines.join('\n')}\n`;
}

/** The object a report item is about. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** Adds one item to an import's report. */
export type Reporter = (severity: ImportSeverity, object: ObjectRef, message: string) => void;
