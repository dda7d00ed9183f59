import type { Database } from 'better-sqlite3';

/** Stored settings as JSON values; callers supply defaults and validation. */
export function readSettings(db: Database): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[]) {
    out[r.key] = JSON.parse(r.value);
  }
  return out;
}

export function writeSettings(db: Database, values: Record<string, unknown>): void {
  const st = db.prepare(
    'INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  db.transaction(() => {
    for (const [k, v] of Object.entries(values)) st.run(k, JSON.stringify(v));
  }).immediate();
}
