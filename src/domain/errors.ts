/** Error codes the HTTP layer maps to statuses; the domain never speaks HTTP. */
export type ErrorCode =
  | "BAD_REQUEST"
  | "VALIDATION_FAILED"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RANGE_NOT_SATISFIABLE"
  | "UNPROCESSABLE"
  | "RATE_LIMITED";

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** A model that does not exist: the one error the HTTP door adds "did you mean" names to (from the caller's scope). */
export const modelNotFound = (name: string) => new DomainError("NOT_FOUND", `model '${name}' does not exist`, { model: name, reason: "no_model" });

export const badRequest = (message: string, details?: unknown) => new DomainError("BAD_REQUEST", message, details);
export const notFound = (message: string, details?: unknown) => new DomainError("NOT_FOUND", message, details);
export const conflict = (message: string, details?: unknown) => new DomainError("CONFLICT", message, details);
export const unprocessable = (message: string, details?: unknown) => new DomainError("UNPROCESSABLE", message, details);
export const preconditionFailed = (message: string, details?: unknown) =>
  new DomainError("PRECONDITION_FAILED", message, details);
