/**
 * MLflow's search semantics, table-driven: each filter and its expected answer is taken from MLflow's own tests or
 * code, replayed against the facade (GET with a query string, as mlflow/store/model_registry/rest_store.py sends it).
 * Sources, at mlflow/mlflow:
 *   [T-RM]  tests/store/model_registry/test_sqlalchemy_store.py, test_search_registered_models_by_tag and
 *           test_search_registered_models
 *   [T-MV]  the same file, test_search_model_versions_by_tag
 *   [S]     mlflow/store/model_registry/sqlalchemy_store.py: a tag clause is an inner join on the tag's key (a model
 *           without the tag never matches, `!=` included); _is_querying_prompt / _update_query_to_exclude_prompts
 *           drop the prompt-tag clauses and anti-join prompts unless the filter asks for prompts
 *   [P]     mlflow/prompt/registry_utils.py, add_prompt_filter_string: every 3.x search appends
 *           tag.`mlflow.prompt.is_prompt` != 'true'
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call, uniqueName } from "./helpers";

const API = "/api/2.0/mlflow";
const PROMPT = "tags.`mlflow.prompt.is_prompt`";

async function get(endpoint: string, params: Record<string, string | string[]>) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) query.append(key, v);
  const res = await call("GET", `${API}/${endpoint}?${query}`);
  return { status: res.status, body: (await res.json()) as any };
}

async function post(endpoint: string, body: unknown) {
  const res = await call("POST", `${API}/${endpoint}`, { body });
  expect(res.status, `${endpoint} → ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as any;
}

const tags = (entries: Record<string, string>) => Object.entries(entries).map(([key, value]) => ({ key, value }));

// One prefix per run, so the table's names are the only ones a `name LIKE` scope finds.
const prefix = uniqueName("srch").replace(/-/g, "_");
const rm = (suffix: string) => `${prefix}_${suffix}`;

describe("search-registered-models: MLflow's filters and answers", () => {
  beforeAll(async () => {
    // [T-RM] test_search_registered_models_by_tag's two models, plus one without tags, a prompt and a model that
    // says outright it is no prompt.
    await post("registered-models/create", { name: rm("tag1"), tags: tags({ t1: "abc", t2: "xyz" }) });
    await post("registered-models/create", { name: rm("tag2"), tags: tags({ t1: "abcd", t2: "xyz123", t3: "XYZ" }) });
    await post("registered-models/create", { name: rm("plain") });
    await post("registered-models/create", { name: rm("prompt"), tags: tags({ "mlflow.prompt.is_prompt": "true" }) });
    await post("registered-models/create", { name: rm("notprompt"), tags: tags({ "mlflow.prompt.is_prompt": "false" }) });
  });

  const models = ["notprompt", "plain", "tag1", "tag2"];
  const cases: [string, string, string[]][] = [
    ["[T-RM] tag equality", "tag.t3 = 'XYZ'", ["tag2"]],
    ["[T-RM] name and tag", `name = '${rm("tag1")}' and tag.t1 = 'abc'`, ["tag1"]],
    ["[T-RM] tag LIKE", "tag.t1 LIKE 'ab%'", ["tag1", "tag2"]],
    ["[T-RM] tag ILIKE", "tag.t1 ILIKE 'aB%'", ["tag1", "tag2"]],
    ["[T-RM] two tag LIKEs", "tag.t1 LIKE 'ab%' AND tag.t2 LIKE 'xy%'", ["tag1", "tag2"]],
    ["[T-RM] tag values are case-sensitive", "tag.t3 = 'XYz'", []],
    ["[T-RM] tag keys are case-sensitive", "tag.T3 = 'XYZ'", []],
    ["[T-RM][S] tag != matches only models carrying the tag", "tag.t1 != 'abc'", ["tag2"]],
    ["[T-RM] duplicated keys", "tag.t1 != 'abcd' and tag.t1 LIKE 'ab%'", ["tag1"]],
    ["[S] != on a tag no model carries", "tag.missing != 'x'", []],
    ["[T-RM] LIKE on name is case-sensitive", `name LIKE '${prefix.toUpperCase()}%'`, []],
    ["[T-RM] ILIKE on name is not", `name ILIKE '${prefix.toUpperCase()}%'`, models],
    ["[S] name !=", `name != '${rm("plain")}'`, ["notprompt", "tag1", "tag2"]],
    ["[S] no filter leaves prompts out", "", models],
    ["[P][S] the 3.x client's default filter", `${PROMPT} != 'true'`, models],
    ["[P][S] a 3.x client's filter with its own clause", `tag.t1 LIKE 'ab%' AND ${PROMPT} != 'true'`, ["tag1", "tag2"]],
    ["[S] = 'false' is a model query, not a tag match", `${PROMPT} = 'false'`, models],
    ["[P][S] search_prompts' filter", `${PROMPT} = 'true'`, ["prompt"]],
    ["[S] != 'false' asks for prompts", `${PROMPT} != 'false'`, ["prompt"]],
  ];

  it.each(cases)("%s: %s", async (_, filter, expected) => {
    const scoped = [`name LIKE '${prefix}%'`, filter].filter(Boolean).join(" AND ");
    // The name-case rows scope themselves: a case-insensitive prefix would widen the scope.
    const res = await get("registered-models/search", { filter: /name I?LIKE/.test(filter) ? filter : scoped, max_results: "100" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const names = ((res.body.registered_models ?? []) as { name: string }[]).map((m) => m.name).filter((n) => n.startsWith(prefix));
    expect(names).toEqual(expected.map(rm));
  });

  it("refuses an unquoted value, as MLflow does [T-RM]", async () => {
    const res = await get("registered-models/search", { filter: "name!=something" });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe("INVALID_PARAMETER_VALUE");
  });
});

describe("search-model-versions: MLflow's filters and answers", () => {
  const name = rm("mv");
  const promptName = rm("mvprompt");

  beforeAll(async () => {
    // [T-MV] test_search_model_versions_by_tag's two versions, plus a third without tags and a prompt's version.
    await post("registered-models/create", { name });
    await post("model-versions/create", { name, source: "A/B", run_id: "a".repeat(32), tags: tags({ t1: "abc", t2: "xyz" }) });
    await post("model-versions/create", { name, source: "A/C", run_id: "b".repeat(32), tags: tags({ t1: "abc", t2: "x123" }) });
    await post("model-versions/create", { name, source: "A/D" });
    await post("registered-models/create", { name: promptName, tags: tags({ "mlflow.prompt.is_prompt": "true" }) });
    await post("model-versions/create", { name: promptName, source: "A/P", tags: tags({ "mlflow.prompt.is_prompt": "true", t2: "xyz" }) });
  });

  const cases: [string, string, number[]][] = [
    ["[T-MV] name and tag", "tag.t2 = 'xyz'", [1]],
    ["[T-MV] quoted tag key", "tag.`t2` = 'xyz'", [1]],
    ["[T-MV] a tag no version carries", "tag.t3 = 'xyz'", []],
    ["[T-MV][S] tag != matches only versions carrying the tag", "tag.t2 != 'xy'", [2, 1]],
    ["[T-MV] tag LIKE", "tag.t2 LIKE 'xy%'", [1]],
    ["[T-MV] LIKE is case-sensitive", "tag.t2 LIKE 'xY%'", []],
    ["[T-MV] ILIKE is not", "tag.t2 ILIKE 'xY%'", [1]],
    ["[T-MV] LIKE prefix", "tag.t2 LIKE 'x%'", [2, 1]],
    ["[T-MV] tag keys are case-sensitive", "tag.T2 = 'xyz'", []],
    ["[T-MV] two tags", "tag.t1 = 'abc' and tag.t2 = 'xyz'", [1]],
    ["[T-MV] tag and LIKE", "tag.t1 = 'abc' and tag.t2 LIKE 'x%'", [2, 1]],
    ["[T-MV] no match", "tag.t1 = 'abc' and tag.t2 LIKE 'y%'", []],
    ["[T-MV] duplicated keys", "tag.t2 like 'x%' and tag.t2 != 'xyz'", [2]],
    ["[S] version_number !=", "version_number != 2", [3, 1]],
    ["[P][S] the 3.x client's default filter", `tag.t2 != 'xy' AND ${PROMPT} != 'true'`, [2, 1]],
  ];

  it.each(cases)("%s: %s", async (_, filter, expected) => {
    const res = await get("model-versions/search", { filter: `name = '${name}' AND ${filter}`, order_by: "version_number DESC" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(((res.body.model_versions ?? []) as { version: string }[]).map((v) => Number(v.version))).toEqual(expected);
  });

  it("[S] leaves a prompt's versions out unless the filter asks for prompts", async () => {
    const byTag = await get("model-versions/search", { filter: `name LIKE '${prefix}_mv%' AND tag.t2 = 'xyz'` });
    expect((byTag.body.model_versions as { name: string }[]).map((v) => v.name)).toEqual([name]);
    const prompts = await get("model-versions/search", { filter: `name LIKE '${prefix}_mv%' AND ${PROMPT} = 'true'` });
    expect((prompts.body.model_versions as { name: string }[]).map((v) => v.name)).toEqual([promptName]);
  });
});

/**
 * Any AND of tag clauses, against a model of MLflow's server written from [S] (SqlAlchemyStore's tag join and prompt
 * handling) and [T-RM] (LIKE case-sensitive, ILIKE not): the facade must find exactly the models the model finds.
 */
describe("search-registered-models: any tag filter, as MLflow's server answers it", () => {
  const KEYS = ["t1", "t2", "mlflow.prompt.is_prompt"] as const;
  const VALUES: Record<(typeof KEYS)[number], (string | undefined)[]> = {
    t1: [undefined, "abc", "Abd"],
    t2: [undefined, "x_1"],
    "mlflow.prompt.is_prompt": [undefined, "true", "false"],
  };
  const population: { name: string; tags: Record<string, string> }[] = [];
  const pre = `${prefix}_z`; // no other model of this file starts so

  beforeAll(async () => {
    let i = 0;
    for (const t1 of VALUES.t1) for (const t2 of VALUES.t2) for (const prompt of VALUES["mlflow.prompt.is_prompt"]) {
      const entries = Object.entries({ t1, t2, "mlflow.prompt.is_prompt": prompt }).filter(([, v]) => v !== undefined) as [string, string][];
      const model = { name: `${pre}${String(i++).padStart(2, "0")}`, tags: Object.fromEntries(entries) };
      population.push(model);
      await post("registered-models/create", { name: model.name, tags: tags(model.tags) });
    }
  });

  type Clause = { key: (typeof KEYS)[number]; comparator: "=" | "!=" | "LIKE" | "ILIKE"; value: string };
  const likeMatches = (value: string, pattern: string, caseless: boolean) => {
    const source = [...pattern].map((ch) => (ch === "%" ? ".*" : ch === "_" ? "." : ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
    return new RegExp(`^${source}$`, caseless ? "is" : "s").test(value);
  };
  const holds = (value: string, c: Clause) =>
    c.comparator === "=" ? value === c.value : c.comparator === "!=" ? value !== c.value : likeMatches(value, c.value, c.comparator === "ILIKE");

  /** MLflow's server: the first prompt clause decides whether prompts are asked for; a tag clause needs the tag. */
  function mlflowFinds(model: { tags: Record<string, string> }, clauses: Clause[]): boolean {
    const first = clauses.find((c) => c.key === "mlflow.prompt.is_prompt");
    const v = first?.value.toLowerCase();
    const promptQuery = (first?.comparator === "=" && v === "true") || (first?.comparator === "!=" && v === "false");
    const applied = promptQuery ? clauses : clauses.filter((c) => c.key !== "mlflow.prompt.is_prompt");
    if (!promptQuery && model.tags["mlflow.prompt.is_prompt"] === "true") return false;
    return applied.every((c) => model.tags[c.key] !== undefined && holds(model.tags[c.key]!, c));
  }

  const clause = fc.record({
    key: fc.constantFrom(...KEYS),
    comparator: fc.constantFrom("=" as const, "!=" as const, "LIKE" as const, "ILIKE" as const),
    value: fc.constantFrom("abc", "ABC", "Abd", "a%", "A%", "%b%", "x_1", "x%", "_bc", "true", "TRUE", "false", "", "%"),
  });

  it("matches the model for every AND of up to three tag clauses", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(clause, { minLength: 1, maxLength: 3 }), async (clauses) => {
        const filter = [`name LIKE '${pre}%'`, ...clauses.map((c) => `tags.\`${c.key}\` ${c.comparator} '${c.value}'`)].join(" AND ");
        const res = await get("registered-models/search", { filter, max_results: "100" });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const found = ((res.body.registered_models ?? []) as { name: string }[]).map((m) => m.name);
        expect(found, filter).toEqual(population.filter((m) => mlflowFinds(m, clauses)).map((m) => m.name));
      }),
      { numRuns: 80, seed: 20261130, endOnFailure: true },
    );
  });
});
