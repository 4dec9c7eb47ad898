import { describe, expect, it } from "vitest";
import { MlflowError } from "./errors";
import { likeToGlob, MODEL_VERSION_SEARCH, parseFilter, parseOrderBy, REGISTERED_MODEL_SEARCH } from "./filter";

const refused = (fn: () => unknown, message: RegExp) => {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(MlflowError);
  expect((caught as MlflowError).code).toBe("INVALID_PARAMETER_VALUE");
  expect((caught as MlflowError).message).toMatch(message);
};

describe("search filters (MLflow's grammar)", () => {
  it("reads the registered-model filters of MLflow's docs", () => {
    expect(parseFilter("name = 'fraud-detector'", REGISTERED_MODEL_SEARCH)).toEqual([
      { kind: "attribute", key: "name", comparator: "=", value: "fraud-detector" },
    ]);
    expect(parseFilter("name LIKE 'fraud%'", REGISTERED_MODEL_SEARCH)).toEqual([
      { kind: "attribute", key: "name", comparator: "LIKE", value: "fraud%" },
    ]);
    expect(parseFilter(`name ilike "FRAUD%" and tags.team = 'risk'`, REGISTERED_MODEL_SEARCH)).toEqual([
      { kind: "attribute", key: "name", comparator: "ILIKE", value: "FRAUD%" },
      { kind: "tag", key: "team", comparator: "=", value: "risk" },
    ]);
    expect(parseFilter("attribute.name != 'x'", REGISTERED_MODEL_SEARCH)[0]).toMatchObject({ key: "name", comparator: "!=" });
  });

  it("reads quoted tag keys and SQL-escaped quotes", () => {
    expect(parseFilter("tags.`my key` = 'it''s'", REGISTERED_MODEL_SEARCH)).toEqual([{ kind: "tag", key: "my key", comparator: "=", value: "it's" }]);
    expect(parseFilter(`tag."mlflow.source" LIKE '%git%'`, REGISTERED_MODEL_SEARCH)[0]).toMatchObject({ kind: "tag", key: "mlflow.source" });
    expect(parseFilter("tags.mlflow.user='a'", REGISTERED_MODEL_SEARCH)[0]).toMatchObject({ kind: "tag", key: "mlflow.user", value: "a" });
  });

  it("reads the model-version filters: run_id IN, version_number comparisons, source_path", () => {
    expect(parseFilter("name='m' AND run_id IN ('a1', \"b2\")", MODEL_VERSION_SEARCH)).toEqual([
      { kind: "attribute", key: "name", comparator: "=", value: "m" },
      { kind: "attribute", key: "run_id", comparator: "IN", value: ["a1", "b2"] },
    ]);
    expect(parseFilter("version_number >= 3 AND source_path LIKE 's3://%'", MODEL_VERSION_SEARCH)).toEqual([
      { kind: "attribute", key: "version_number", comparator: ">=", value: 3 },
      { kind: "attribute", key: "source_path", comparator: "LIKE", value: "s3://%" },
    ]);
  });

  it("treats an empty filter as no filter", () => {
    expect(parseFilter(undefined, REGISTERED_MODEL_SEARCH)).toEqual([]);
    expect(parseFilter("  ", REGISTERED_MODEL_SEARCH)).toEqual([]);
  });

  it("refuses what MLflow refuses, as INVALID_PARAMETER_VALUE", () => {
    refused(() => parseFilter("name = 'a' OR name = 'b'", REGISTERED_MODEL_SEARCH), /Invalid clause\(s\) in filter string: OR/);
    refused(() => parseFilter("description = 'x'", REGISTERED_MODEL_SEARCH), /Invalid attribute key 'description'/);
    refused(() => parseFilter("run_id = 'x'", REGISTERED_MODEL_SEARCH), /Invalid attribute key 'run_id'/);
    refused(() => parseFilter("metrics.acc > '1'", REGISTERED_MODEL_SEARCH), /Invalid entity type 'metrics'/);
    refused(() => parseFilter("name = x", REGISTERED_MODEL_SEARCH), /Expected a quoted string value/);
    refused(() => parseFilter("name > 'x'", REGISTERED_MODEL_SEARCH), /Invalid comparator for attribute: >/);
    refused(() => parseFilter("tags.t IN ('x')", REGISTERED_MODEL_SEARCH), /Invalid comparator for tag: IN/);
    refused(() => parseFilter("name IN ('x')", MODEL_VERSION_SEARCH), /Only the 'run_id' attribute/);
    refused(() => parseFilter("version_number = 'x'", MODEL_VERSION_SEARCH), /Expected an integer value/);
    refused(() => parseFilter("version_number LIKE '1'", MODEL_VERSION_SEARCH), /Invalid comparator for attribute version_number/);
    refused(() => parseFilter("name = 'unterminated", REGISTERED_MODEL_SEARCH), /unterminated string/);
    refused(() => parseFilter("name = 'a' AND", REGISTERED_MODEL_SEARCH), /Could not be parsed/);
    refused(() => parseFilter("name ~ 'a'", REGISTERED_MODEL_SEARCH), /unexpected '~'/);
  });
});

describe("order_by", () => {
  it("reads keys with an optional direction, ascending by default", () => {
    expect(parseOrderBy(["name", "last_updated_timestamp DESC"], MODEL_VERSION_SEARCH)).toEqual([
      { key: "name", ascending: true },
      { key: "last_updated_timestamp", ascending: false },
    ]);
    expect(parseOrderBy(["`version_number` asc"], MODEL_VERSION_SEARCH)).toEqual([{ key: "version_number", ascending: true }]);
    expect(parseOrderBy(["timestamp desc"], REGISTERED_MODEL_SEARCH)).toEqual([{ key: "last_updated_timestamp", ascending: false }]);
    expect(parseOrderBy(undefined, REGISTERED_MODEL_SEARCH)).toEqual([]);
  });

  it("refuses unknown keys, bad directions and duplicates", () => {
    refused(() => parseOrderBy(["version_number"], REGISTERED_MODEL_SEARCH), /Invalid order by key 'version_number'/);
    refused(() => parseOrderBy(["name sideways"], REGISTERED_MODEL_SEARCH), /Invalid ordering key/);
    refused(() => parseOrderBy(["name asc extra"], REGISTERED_MODEL_SEARCH), /Could not be parsed/);
    refused(() => parseOrderBy(["name", "name DESC"], REGISTERED_MODEL_SEARCH), /duplicate fields/);
  });
});

describe("LIKE as GLOB", () => {
  it("maps SQL wildcards and escapes GLOB's own", () => {
    expect(likeToGlob("fraud-%")).toBe("fraud-*");
    expect(likeToGlob("v_1")).toBe("v?1");
    expect(likeToGlob("a*b?c[d]")).toBe("a[*]b[?]c[[]d]");
  });
});
