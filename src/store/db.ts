import { sql, type AnyColumn, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export function database(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Database = ReturnType<typeof database>;

/** True when D1 refused a write because a UNIQUE (or PRIMARY KEY) constraint on `table` was violated. */
export function isUniqueViolation(error: unknown, table?: string): boolean {
  const text = errorText(error);
  if (!/UNIQUE constraint failed|PRIMARY KEY/i.test(text)) return false;
  return table === undefined || text.includes(`${table}.`);
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
