import { describe, expect, it } from "vitest";
import { PROMPT_TAG, promptScope, type FilterClause } from "./search";

const tag = (comparator: "=" | "!=" | "LIKE" | "ILIKE", value: string): FilterClause => ({ kind: "tag", key: PROMPT_TAG, comparator, value });
const team: FilterClause = { kind: "tag", key: "team", comparator: "=", value: "risk" };

// Cases from mlflow/store/model_registry/sqlalchemy_store.py (_is_querying_prompt) and mlflow/prompt/registry_utils.py
// (add_prompt_filter_string, which adds `!= 'true'` to every 3.x search).
describe("promptScope (MLflow's prompt/model split)", () => {
  const cases: [string, FilterClause[], { filter: FilterClause[]; excludePrompts: boolean }][] = [
    ["no prompt clause", [team], { filter: [team], excludePrompts: true }],
    ["!= 'true' (every 3.x model search)", [team, tag("!=", "true")], { filter: [team], excludePrompts: true }],
    ["= 'false'", [tag("=", "false")], { filter: [], excludePrompts: true }],
    ["LIKE 'true' is not a prompt query", [tag("LIKE", "true")], { filter: [], excludePrompts: true }],
    ["= 'true' (a prompt search)", [tag("=", "true"), team], { filter: [tag("=", "true"), team], excludePrompts: false }],
    ["= 'TRUE' (case-insensitive value)", [tag("=", "TRUE")], { filter: [tag("=", "TRUE")], excludePrompts: false }],
    ["!= 'false'", [tag("!=", "false")], { filter: [tag("!=", "false")], excludePrompts: false }],
    ["the first prompt clause decides", [tag("!=", "true"), tag("=", "true")], { filter: [], excludePrompts: true }],
  ];
  it.each(cases)("%s", (_, filter, expected) => {
    expect(promptScope(filter)).toEqual(expected);
  });
});
