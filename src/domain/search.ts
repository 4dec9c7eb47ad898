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

/** The tag MLflow 3 marks prompts with; prompts share the registered-model tables with models. */
export const PROMPT_TAG = "mlflow.prompt.is_prompt";

/**
 * MLflow's server (SqlAlchemyStore._is_querying_prompt and _update_query_to_exclude_prompts): the first clause on the
 * prompt tag decides. `= 'true'` or `!= 'false'` asks for prompts, and every clause applies as written. Anything else,
 * or no such clause, asks for models: the prompt-tag clauses are dropped and whatever carries the tag as 'true' is
 * left out. So the `!= 'true'` every 3.x search adds matches models that carry no prompt tag at all.
 */
export function promptScope(filter: readonly FilterClause[]): { filter: FilterClause[]; excludePrompts: boolean } {
  const first = filter.find((c) => c.kind === "tag" && c.key === PROMPT_TAG);
  const value = typeof first?.value === "string" ? first.value.toLowerCase() : undefined;
  const askingForPrompts = (first?.comparator === "=" && value === "true") || (first?.comparator === "!=" && value === "false");
  if (askingForPrompts) return { filter: [...filter], excludePrompts: false };
  return { filter: filter.filter((c) => !(c.kind === "tag" && c.key === PROMPT_TAG)), excludePrompts: true };
}
