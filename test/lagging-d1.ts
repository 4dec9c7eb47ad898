/**
 * TEST DOUBLE — D1 with one read replica that lags. Local D1 has a single copy of the database, so replication lag
 * cannot be observed with it; this double adds one, and is the only simulated part of the read-replica tests.
 *
 * The replica is a second local database (the LAGGING_REPLICA binding) holding a copy of the primary taken at the
 * last `catchUp()`, at primary bookmark `replicaAt`. A session reads from the copy when D1 may route it to a replica:
 * it did not start `first-primary`, the copy is at least as fresh as its bookmark, and it has not written yet.
 * Otherwise it goes to the primary (as D1 does while no replica has reached a bookmark) and stays there, so one
 * session never reads backwards. The double answers the copy's bookmark for reads served by the copy.
 */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

export interface LaggingD1 {
  /** Pass as the DB binding. */
  d1: D1Database;
  /** Copies the primary's current state to the replica (replication catching up). */
  catchUp(): Promise<void>;
  /** The primary bookmark the replica's copy was taken at; null before the first catchUp. */
  readonly replicaAt: string | null;
  /** How many statements (a batch counts once) each copy answered. */
  readonly reads: { replica: number; primary: number };
}

/** Writes go to the primary; everything else may be served by a replica. */
const isWrite = (sql: string) => !/^\s*(SELECT|PRAGMA\s+table_info)\b/i.test(sql) || /\b(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(stripStrings(sql));
const stripStrings = (sql: string) => sql.replace(/'(?:[^']|'')*'/g, "''");

/** Local bookmarks are fixed-width hex, so they order as strings. */
const atLeast = (bookmark: string, than: string) => bookmark >= than;

export function laggingD1(primary: D1Database = env.DB, replica: D1Database = env.LAGGING_REPLICA): LaggingD1 {
  let replicaAt: string | null = null;
  let migrated = false;
  const reads = { replica: 0, primary: 0 };

  class Session {
    private onPrimary: D1DatabaseSession | null = null;

    constructor(start: string) {
      const replicaMayAnswer = replicaAt !== null && start !== "first-primary" && (start === "first-unconstrained" || atLeast(replicaAt, start));
      if (!replicaMayAnswer) this.onPrimary = primary.withSession(start === "first-unconstrained" ? "first-primary" : start);
    }

    /** The copy, or the primary session from the copy's bookmark on, once the session wrote or started fresher. */
    target(writes: boolean): Pick<D1Database, "prepare" | "batch"> {
      if (this.onPrimary === null && writes) this.onPrimary = primary.withSession(replicaAt!);
      if (this.onPrimary) return reads.primary++, this.onPrimary;
      return reads.replica++, replica;
    }

    prepare(sql: string): D1PreparedStatement {
      return lazyStatement(this, sql, []);
    }

    async batch<T>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
      const lazy = statements as unknown as LazyStatement[];
      const target = this.target(lazy.some((s) => isWrite(s.sql)));
      return target.batch<T>(lazy.map((s) => target.prepare(s.sql).bind(...s.params)));
    }

    getBookmark(): string | null {
      return this.onPrimary ? this.onPrimary.getBookmark() : replicaAt;
    }
  }

  interface LazyStatement {
    sql: string;
    params: unknown[];
  }

  /** Routed when it runs, not when prepared: the session may have moved to the primary in between. */
  function lazyStatement(session: Session, sql: string, params: unknown[]): D1PreparedStatement {
    const on = () => session.target(isWrite(sql)).prepare(sql).bind(...params);
    return {
      sql,
      params,
      bind: (...values: unknown[]) => lazyStatement(session, sql, values),
      first: (column?: string) => (column === undefined ? on().first() : on().first(column)),
      all: () => on().all(),
      run: () => on().run(),
      raw: (options?: { columnNames?: boolean }) => on().raw(options as { columnNames: true }),
    } as unknown as D1PreparedStatement;
  }

  async function catchUp(): Promise<void> {
    if (!migrated) {
      await applyD1Migrations(replica, env.TEST_MIGRATIONS);
      migrated = true;
    }
    const session = primary.withSession("first-primary");
    const tables = await session
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'")
      .all<{ name: string }>();
    const copy: D1PreparedStatement[] = [replica.prepare("PRAGMA defer_foreign_keys = ON")];
    for (const { name } of tables.results) {
      copy.push(replica.prepare(`DELETE FROM "${name}"`));
      const rows = await session.prepare(`SELECT * FROM "${name}"`).all<Record<string, unknown>>();
      for (const row of rows.results) {
        const columns = Object.keys(row);
        const sql = `INSERT INTO "${name}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
        copy.push(replica.prepare(sql).bind(...columns.map((c) => row[c])));
      }
    }
    await replica.batch(copy);
    // Taken after the copy's reads: every bookmark a client holds from before this point is at most this fresh.
    replicaAt = session.getBookmark();
  }

  const d1 = new Proxy(primary, {
    get(target, property) {
      if (property === "withSession") return (start = "first-unconstrained") => new Session(start);
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });

  return {
    d1,
    catchUp,
    get replicaAt() {
      return replicaAt;
    },
    reads,
  };
}
