/** CLI exit codes (docs/cli.md). */
export const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3, config: 4 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
  json: boolean;
  readStdin(): Promise<string>;
}

/** Prints rows as aligned columns, or as JSON with --json. */
export function printTable(io: Io, rows: Array<Record<string, unknown>>, columns: string[]): void {
  if (io.json) {
    io.out(JSON.stringify(rows, null, 2));
    return;
  }
  if (rows.length === 0) {
    io.out('(none)');
    return;
  }
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  io.out(columns.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  for (const r of rows) io.out(columns.map((c, i) => cell(r[c]).padEnd(widths[i]!)).join('  '));
}

export function printObject(io: Io, value: Record<string, unknown>): void {
  if (io.json) io.out(JSON.stringify(value, null, 2));
  else
    for (const [k, v] of Object.entries(value))
      io.out(`${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
}
