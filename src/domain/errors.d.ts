/** Error codes the HTTP layer maps to statuses; the domain never speaks HTTP. */
export type ErrorCode = "BAD_REQUEST" | "VALIDATION_FAILED" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "PRECONDITION_FAILED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "RANGE_NOT_SATISFIABLE" | "UNPROCESSABLE" | "RATE_LIMITED";
export declare class DomainError extends Error {
    readonly code: ErrorCode;
    readonly details?: unknown | undefined;
    constructor(code: ErrorCode, message: string, details?: unknown | undefined);
}
/** A model that does not exist: the one error the HTTP door adds "did you mean" names to (from the caller's scope). */
export declare const modelNotFound: (name: string) => DomainError;
export declare const badRequest: (message: string, details?: unknown) => DomainError;
export declare const notFound: (message: string, details?: unknown) => DomainError;
export declare const conflict: (message: string, details?: unknown) => DomainError;
export declare const unprocessable: (message: string, details?: unknown) => DomainError;
export declare const preconditionFailed: (message: string, details?: unknown) => DomainError;
