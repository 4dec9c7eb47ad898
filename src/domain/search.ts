/**
 * Parsed search filters and orderings (MLflow's search grammar, parsed by its door): comparisons joined by AND and
 * `key ASC|DESC` clauses, as plain data the store turns into SQL.
 */
export type StringComparator = "=" | "!=" | "LIKE" | "ILIKE";
export type NumberComparator = "=" | "!=" | "<" | "<=" | ">" | ">=";

export type FilterClause =
  | { kind: "attribute"; key: string; comparator: StringComparator; value: string }
  | { kind: "attribute"; key: string; comparator: "IN"; value: string[] }
  | { kind: "attribute"; key: string; comparator: NumberComparator; value: number }
  | { kind: "tag"; key: string; comparator: StringComparator; value: string };

export interface OrderBy {
  key: string;
  ascending: boolean;
}

/**
 * MLflow's LIKE is case-sensitive; SQLite's is not, but its GLOB is. `%` and `_` become `*` and `?`, and GLOB's
 * own wildcards in the pattern are bracketed so they match themselves.
 */
export function likeToGlob(pattern: string): string {
  let glob = "";
  for (const ch of pattern) {
    if (ch === "%") glob += "*";
    else if (ch === "_") glob += "?";
    else if (ch === "*" || ch === "?" || ch === "[") glob += `[${ch}]`;
    else glob += ch;
  }
  return glob;
}
