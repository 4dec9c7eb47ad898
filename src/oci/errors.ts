/**
 * The OCI distribution spec's error vocabulary and how edgereg's domain errors read in it. Pure: the router turns
 * the result into `{"errors": [{code, message, detail}]}`.
 */
import { DomainError, type ErrorCode } from "../domain/errors";

export type OciErrorCode =
  | "BLOB_UNKNOWN"
  | "DIGEST_INVALID"
  | "MANIFEST_UNKNOWN"
  | "NAME_INVALID"
  | "NAME_UNKNOWN"
  | "PAGINATION_NUMBER_INVALID"
  | "RANGE_INVALID"
  | "TAG_INVALID"
  | "UNAUTHORIZED"
  | "DENIED"
  | "UNSUPPORTED"
  | "TOOMANYREQUESTS";

export class OciError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 416 | 429,
    readonly code: OciErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = "OciError";
  }
}

export interface OciErrorBody {
  errors: { code: OciErrorCode; message: string; detail?: unknown }[];
}

const BAD_INPUT: Record<string, OciErrorCode> = {
  tag_invalid: "TAG_INVALID",
  digest_invalid: "DIGEST_INVALID",
  digest_unsupported: "UNSUPPORTED",
  name_invalid: "NAME_INVALID",
  pagination_number_invalid: "PAGINATION_NUMBER_INVALID",
};

/**
 * The OCI reading of an error; `unknown` is what a missing thing is on this route (MANIFEST_UNKNOWN on manifests,
 * BLOB_UNKNOWN on blobs), except a missing model, which is NAME_UNKNOWN everywhere. Null for an unexpected error.
 */
export function ociErrorOf(error: unknown, unknown: OciErrorCode = "NAME_UNKNOWN"): OciError | null {
  if (error instanceof OciError) return error;
  if (!(error instanceof DomainError)) return null;
  const details = (error.details ?? {}) as { reason?: string; field?: string };
  const code: ErrorCode = error.code;
  switch (code) {
    case "UNAUTHENTICATED":
      return new OciError(401, "UNAUTHORIZED", error.message);
    case "FORBIDDEN":
      return new OciError(403, "DENIED", error.message, error.details);
    case "NOT_FOUND": {
      const nameUnknown = details.reason === "no_model" || details.reason === "ambiguous_name";
      return new OciError(404, nameUnknown ? "NAME_UNKNOWN" : unknown, error.message, error.details);
    }
    case "RATE_LIMITED":
      return new OciError(429, "TOOMANYREQUESTS", error.message, error.details);
    case "RANGE_NOT_SATISFIABLE":
      return new OciError(416, "RANGE_INVALID", error.message, error.details);
    case "BAD_REQUEST":
    case "VALIDATION_FAILED": {
      // A reference that does not parse came through the resolver, which names it `ref`.
      const mapped = BAD_INPUT[details.reason ?? ""] ?? (details.field === "ref" ? "TAG_INVALID" : "UNSUPPORTED");
      return new OciError(400, mapped, error.message, error.details);
    }
    default:
      return new OciError(400, "UNSUPPORTED", error.message, error.details);
  }
}

export const ociErrorBody = (error: OciError): OciErrorBody => ({
  errors: [{ code: error.code, message: error.message, ...(error.detail === undefined ? {} : { detail: error.detail }) }],
});
