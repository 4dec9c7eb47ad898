import { createTableRelationsHelpers, extractTablesRelationalConfig, sql, type AnyColumn, type ExtractTablesWithRelations, type SQL } from "drizzle-orm";
import { DrizzleD1Database, SQLiteD1Session } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { SessionStart } from "../domain/consistency";
import * as schema from "./schema";

/** What drizzle runs statements on: the binding itself, or one D1 session of it (read replication). */
export type D1Client = Pick<D1Database, "prepare" | "batch">;

export type Database = DrizzleD1Database<typeof schema> & { $client: D1Client };

// What `drizzle(d1, { schema })` derives from the schema on every call (~50 µs), derived once per isolate: each
// request builds its own database over its own D1 session.
const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
const relational = { fullSchema: schema, schema: tables.tables as ExtractTablesWithRelations<typeof schema>, tableNamesMap: tables.tableNamesMap };
const dialect = new SQLiteAsyncDialect();

export function database(client: D1Client): Database {
  const session = new SQLiteD1Session<typeof schema, ExtractTablesWithRelations<typeof schema>>(client as D1Database, dialect, relational, {});
  const db = new DrizzleD1Database<typeof schema>("async", dialect, session, relational) as Database;
  db.$client = client;
  return db;
}

/** One request's view of D1: every statement goes through one session, whose bookmark the answer carries. */
export interface DatabaseSession {
  db: Database;
  /** The bookmark after every read and write so far, or null before the first statement. */
  bookmark(): string | null;
}

/** The session opens at the first statement: routes that touch no storage (ping, the spec) never open one. */
export function openSession(d1: D1Database, start: SessionStart): DatabaseSession {
  let session: D1DatabaseSession | undefined;
  const opened = () => (session ??= d1.withSession(start === "first-primary" ? start : start.bookmark));
  const client: D1Client = { prepare: (query) => opened().prepare(query), batch: (statements) => opened().batch(statements) };
  return { db: database(client), bookmark: () => session?.getBookmark() ?? null };
}

/** True when D1 refused a write because a UNIQUE (or PRIMARY KEY) constraint on `table` (`column`) was violated. */
export function isUniqueViolation(error: unknown, table?: string, column?: string): boolean {
  const text = errorText(error);
  if (!/UNIQUE constraint failed|PRIMARY KEY/i.test(text)) return false;
  return table === undefined || text.includes(`${table}.${column ?? ""}`);
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return `${error.message} ${cause instanceof Error ? cause.message : ""}`;
}

/**
 * `column IN (…)` with the whole list bound as ONE JSON parameter: D1 allows at most 100 bound parameters per
 * statement, which a page of ids would otherwise exceed.
 */
export function inList(column: AnyColumn, values: readonly (string | number)[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
