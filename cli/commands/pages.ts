/** Lists answer a page at a time; these flags ask for one page or all of them. */
import type { Command } from "commander";
import { parseCount } from "../args";

export interface PageFlags {
  limit?: number;
  cursor?: string;
  all?: boolean;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** `--limit/--cursor` ask for one page; `--all` follows next_cursor to the end. */
export function pageOptions(command: Command): Command {
  return command
    .option("--limit <n>", "items per page (1–200)", parseCount("--limit", 1, 200))
    .option("--cursor <cursor>", "continue from a previous page's next_cursor")
    .option("--all", "fetch every page");
}

export async function pages<T>(flags: PageFlags, fetchPage: (query: { limit?: number; cursor?: string }) => Promise<Page<T>>): Promise<Page<T>> {
  let page = await fetchPage({ limit: flags.limit ?? (flags.all ? 200 : undefined), cursor: flags.cursor });
  const items = [...page.items];
  while (flags.all && page.next_cursor) {
    page = await fetchPage({ limit: flags.limit ?? 200, cursor: page.next_cursor });
    items.push(...page.items);
  }
  return { items, next_cursor: page.next_cursor };
}
