/**
 * A pack's released metrics (free-form JSON, e.g. `{ heldout: { questions,
 * model: { "recall@1": … }, bm25: {…} } }`) as one table: a row per object
 * that holds numbers, labelled with its path ("heldout · model"), a column per
 * metric name. Nothing is shown as raw JSON.
 */
export interface MetricsTable {
  columns: string[];
  rows: { label: string; cells: (string | null)[] }[];
}

export function metricsTable(metrics: Record<string, unknown>): MetricsTable {
  const columns: string[] = [];
  const rows: { label: string; values: Map<string, string> }[] = [];
  const walk = (value: Record<string, unknown>, labels: string[]): void => {
    const values = new Map<string, string>();
    const nested: [string, Record<string, unknown>][] = [];
    for (const [key, v] of Object.entries(value)) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v))
        nested.push([key, v as Record<string, unknown>]);
      else values.set(key, formatValue(v));
    }
    if (values.size > 0) {
      for (const key of values.keys()) if (!columns.includes(key)) columns.push(key);
      rows.push({ label: labels.join(' · '), values });
    }
    for (const [key, v] of nested) walk(v, [...labels, key]);
  };
  walk(metrics, []);
  return {
    columns,
    rows: rows.map(({ label, values }) => ({ label, cells: columns.map((c) => values.get(c) ?? null) })),
  };
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  if (Array.isArray(v)) return v.map(formatValue).join(', ');
  if (v === null || v === undefined) return '–';
  return String(v);
}
