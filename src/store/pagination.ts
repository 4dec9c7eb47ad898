import type { z } from "zod";
import { badRequest } from "../domain/errors";

export interface Page {
  limit: number;
  cursor?: string | null;
}

export interface Paged<T> {
  items: T[];
  next_cursor: string | null;
}

/** Cursors are opaque to clients: base64url JSON of the last sort key seen. */
export function encodeCursor(key: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor<T>(cursor: string | null | undefined, shape: z.ZodType<T>): T | null {
  if (!cursor) return null;
  let value: unknown;
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    value = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
  } catch {
    value = undefined;
  }
  const parsed = shape.safeParse(value);
  if (!parsed.success) throw badRequest("cursor is not one this server issued", { field: "cursor" });
  return parsed.data;
}

/** Fetch `limit + 1` rows, return `limit`, and derive the next cursor from the last item kept. */
export function pageOf<R, T>(rows: R[], page: Page, view: (row: R) => T, key: (row: R) => unknown): Paged<T> {
  const kept = rows.slice(0, page.limit);
  const last = kept[kept.length - 1];
  return {
    items: kept.map(view),
    next_cursor: rows.length > page.limit && last !== undefined ? encodeCursor(key(last)) : null,
  };
}
