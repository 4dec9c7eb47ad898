import { describe, expect, it } from "vitest";
import { badRequest, DomainError, notFound } from "../domain/errors";
import { ociErrorBody, ociErrorOf } from "./errors";

describe("OCI errors", () => {
  it("reads edgereg's errors in the distribution spec's codes and statuses", () => {
    const read = (error: unknown, unknown?: Parameters<typeof ociErrorOf>[1]) => {
      const e = ociErrorOf(error, unknown)!;
      return [e.status, e.code];
    };
    expect(read(new DomainError("UNAUTHENTICATED", "no"))).toEqual([401, "UNAUTHORIZED"]);
    expect(read(new DomainError("FORBIDDEN", "no"))).toEqual([403, "DENIED"]);
    expect(read(notFound("x", { reason: "no_version" }), "MANIFEST_UNKNOWN")).toEqual([404, "MANIFEST_UNKNOWN"]);
    expect(read(notFound("x", { reason: "no_model" }), "MANIFEST_UNKNOWN")).toEqual([404, "NAME_UNKNOWN"]);
    expect(read(notFound("x"), "BLOB_UNKNOWN")).toEqual([404, "BLOB_UNKNOWN"]);
    expect(read(badRequest("x", { field: "ref", reason: "bad_selector" }))).toEqual([400, "TAG_INVALID"]);
    expect(read(badRequest("x", { reason: "digest_invalid" }))).toEqual([400, "DIGEST_INVALID"]);
    expect(read(badRequest("x", { reason: "pagination_number_invalid" }))).toEqual([400, "PAGINATION_NUMBER_INVALID"]);
    expect(read(new DomainError("RATE_LIMITED", "slow down"))).toEqual([429, "TOOMANYREQUESTS"]);
    expect(ociErrorOf(new Error("boom"))).toBeNull();
  });

  it("answers the spec's body", () => {
    expect(ociErrorBody(ociErrorOf(notFound("gone", { digest: "sha256:x" }), "BLOB_UNKNOWN")!)).toEqual({
      errors: [{ code: "BLOB_UNKNOWN", message: "gone", detail: { digest: "sha256:x" } }],
    });
  });
});
