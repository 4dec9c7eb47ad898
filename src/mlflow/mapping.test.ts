import { describe, expect, it } from "vitest";
import { DomainError } from "../domain/errors";
import { MlflowError, mlflowErrorOf } from "./errors";
import {
  aliasNameOf,
  artifactLocationOf,
  canonicalMlflowStage,
  encodePageToken,
  listDirectory,
  mlflowStatus,
  pageOffsetOf,
  versionArtifactUri,
  versionNumberOf,
} from "./mapping";

const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MlflowError);
    return `${(error as MlflowError).code}: ${(error as MlflowError).message}`;
  }
  throw new Error("expected a refusal");
};

describe("stages and statuses", () => {
  it("accepts MLflow's stage names in any case and answers the canonical spelling", () => {
    expect(canonicalMlflowStage("production")).toBe("Production");
    expect(canonicalMlflowStage("STAGING")).toBe("Staging");
    expect(canonicalMlflowStage("none")).toBe("None");
    expect(canonicalMlflowStage("archived")).toBe("Archived");
    expect(message(() => canonicalMlflowStage("Prod"))).toBe(
      "INVALID_PARAMETER_VALUE: Invalid Model Version stage: Prod. Value must be one of None, Staging, Production, Archived.",
    );
  });

  it("maps edgereg's statuses onto ModelVersionStatus", () => {
    expect(mlflowStatus("PENDING")).toBe("PENDING_REGISTRATION");
    expect(mlflowStatus("READY")).toBe("READY");
    expect(mlflowStatus("FAILED")).toBe("FAILED_REGISTRATION");
  });
});

describe("versions", () => {
  it("reads version numbers as MLflow validates them", () => {
    expect(versionNumberOf("7")).toBe(7);
    expect(message(() => versionNumberOf("1.0.0"))).toBe("INVALID_PARAMETER_VALUE: Parameter 'version' must be an integer, got '1.0.0'.");
    expect(() => versionNumberOf("0")).toThrow(MlflowError);
    expect(() => versionNumberOf("-1")).toThrow(MlflowError);
  });
});

describe("aliases", () => {
  it("accepts edgereg aliases and refuses stage names and reserved words", () => {
    expect(aliasNameOf("champion")).toBe("champion");
    expect(aliasNameOf("blue-green_2")).toBe("blue-green_2");
    expect(message(() => aliasNameOf("production"))).toMatch(/is the Production stage in edgereg, not an alias/);
    expect(message(() => aliasNameOf("Latest"))).toBe("INVALID_PARAMETER_VALUE: 'latest' alias name (case insensitive) is reserved.");
    expect(message(() => aliasNameOf("v3"))).toBe("INVALID_PARAMETER_VALUE: Version alias name 'v3' is reserved.");
    expect(message(() => aliasNameOf("archived"))).toMatch(/reserved/);
    expect(message(() => aliasNameOf("1st"))).toMatch(/Invalid alias name: '1st'/);
    expect(message(() => aliasNameOf("a.b"))).toMatch(/Invalid alias name/);
    expect(message(() => aliasNameOf(""))).toBe("INVALID_PARAMETER_VALUE: Registered model alias name cannot be empty.");
  });
});

describe("page tokens", () => {
  it("round-trips MLflow's {offset} token and refuses others", () => {
    expect(pageOffsetOf(encodePageToken(200))).toBe(200);
    expect(pageOffsetOf(undefined)).toBe(0);
    expect(pageOffsetOf(btoa('{"offset": 5}'))).toBe(5);
    expect(message(() => pageOffsetOf("%%%"))).toBe("INVALID_PARAMETER_VALUE: Invalid page token, could not base64-decode");
    expect(message(() => pageOffsetOf(btoa('{"offset": -1}')))).toMatch(/Invalid page token, parsed value=/);
  });
});

describe("the mlflow-artifacts namespace", () => {
  it("names a version's artifacts models/NAME/versions/N", () => {
    expect(versionArtifactUri("fraud", 3)).toBe("mlflow-artifacts:/models/fraud/versions/3");
    expect(artifactLocationOf("models/fraud/versions/3")).toEqual({ model: "fraud", number: 3, path: "" });
    expect(artifactLocationOf("/models/fraud/versions/3/model/MLmodel")).toEqual({ model: "fraud", number: 3, path: "model/MLmodel" });
    expect(artifactLocationOf("models/fraud/versions/3/")).toEqual({ model: "fraud", number: 3, path: "" });
    expect(artifactLocationOf("models/fraud")).toBeNull();
    expect(artifactLocationOf("models/fraud/versions/x")).toBeNull();
    expect(artifactLocationOf("")).toBeNull();
  });

  it("lists one directory level like MLflow's server: base names, sizes for files", () => {
    const artifacts = [
      { path: "MLmodel", size: 10 },
      { path: "model/weights.bin", size: 100 },
      { path: "model/sub/extra.txt", size: 5 },
      { path: "requirements.txt", size: 3 },
    ];
    expect(listDirectory(artifacts, "")).toEqual([
      { path: "MLmodel", is_dir: false, file_size: 10 },
      { path: "model", is_dir: true },
      { path: "requirements.txt", is_dir: false, file_size: 3 },
    ]);
    expect(listDirectory(artifacts, "model")).toEqual([
      { path: "sub", is_dir: true },
      { path: "weights.bin", is_dir: false, file_size: 100 },
    ]);
    expect(listDirectory(artifacts, "MLmodel")).toEqual([]);
    expect(listDirectory(artifacts, "absent")).toEqual([]);
  });
});

describe("errors", () => {
  it("maps edgereg's errors onto MLflow's codes and statuses", () => {
    const of = (error: unknown) => {
      const mapped = mlflowErrorOf(error)!;
      return [mapped.status, mapped.body.error_code];
    };
    expect(of(new DomainError("NOT_FOUND", "x"))).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
    expect(of(new DomainError("VALIDATION_FAILED", "x"))).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect(of(new DomainError("UNAUTHENTICATED", "x"))).toEqual([401, "UNAUTHENTICATED"]);
    expect(of(new DomainError("FORBIDDEN", "x"))).toEqual([403, "PERMISSION_DENIED"]);
    expect(of(new DomainError("CONFLICT", "x"))).toEqual([409, "RESOURCE_CONFLICT"]);
    expect(of(new DomainError("UNPROCESSABLE", "x"))).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect(of(new MlflowError("RESOURCE_ALREADY_EXISTS", "x"))).toEqual([400, "RESOURCE_ALREADY_EXISTS"]);
    expect(of(new MlflowError("NOT_IMPLEMENTED", "x"))).toEqual([501, "NOT_IMPLEMENTED"]);
    expect(mlflowErrorOf(new Error("boom"))).toBeNull();
  });
});
