import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Adapts Node's built-in `node:sqlite` to the interface Kysely's SqliteDialect
 * expects (the better-sqlite3 shape). The built-in module needs no native
 * build, so a fresh clone runs on Node 24 with nothing compiled.
 * Prepared statements are cached by SQL text: Kysely emits a small set of
 * distinct statements, and re-preparing each time costs more than running them.
 */
export function openSqlite(path: string): SqliteDatabase & { raw: DatabaseSync } {
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: true });
  if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  // WAL without an fsync per commit (durable across process crashes, not power loss), memory-mapped
  // reads (fewer system calls on the hot paths), temporary tables in memory.
  db.exec(
    'PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA mmap_size = 268435456; PRAGMA temp_store = MEMORY;',
  );
  const cache = new Map<string, SqliteStatement>();

  const wrap = (stmt: StatementSync): SqliteStatement => {
    const reader = stmt.columns().length > 0;
    return {
      reader,
      all: (params) => stmt.all(...bind(params)),
      run: (params) => {
        const r = stmt.run(...bind(params));
        return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
      },
      iterate: (params) => stmt.iterate(...bind(params)),
    };
  };

  return {
    raw: db,
    close: () => {
      cache.clear();
      if (db.isOpen) db.close();
    },
    prepare: (sql: string) => {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = wrap(db.prepare(sql));
        if (cache.size > 500) cache.clear();
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

function bind(params: ReadonlyArray<unknown>): SQLInputValue[] {
  return params.map((p) => {
    if (p === undefined || p === null) return null;
    if (typeof p === 'boolean') return p ? 1 : 0;
    if (p instanceof Date) return p.getTime();
    return p as SQLInputValue;
  });
}
