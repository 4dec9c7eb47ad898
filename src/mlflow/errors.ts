/**
 * MLflow's error vocabulary (mlflow/protos/databricks.proto) and its HTTP statuses (mlflow/exceptions.py), and how
 * edgereg's domain errors read in it. Pure: the router turns the result into `{error_code, message}`.
 */
import { DomainError, type ErrorCode } from "../domain/errors";

export const MLFLOW_STATUS = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_CONFLICT: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
} as const;

export type MlflowErrorCode = keyof typeof MLFLOW_STATUS;

/** An error already phrased the way MLflow's server phrases it. */
export class MlflowError extends Error {
  constructor(
    readonly code: MlflowErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "MlflowError";
  }
}

export const invalidParameter = (message: string) => new MlflowError("INVALID_PARAMETER_VALUE", message);
export const doesNotExist = (message: string) => new MlflowError("RESOURCE_DOES_NOT_EXIST", message);

/**
 * Statuses follow MLflow's table, not edgereg's: a 409 in edgereg (state conflict) is RESOURCE_CONFLICT, and a refusal
 * by a rule (422) is INVALID_PARAMETER_VALUE, because MLflow has no 422 and its clients retry 5xx.
 */
const FROM_DOMAIN: Record<ErrorCode, MlflowErrorCode> = {
  BAD_REQUEST: "INVALID_PARAMETER_VALUE",
  VALIDATION_FAILED: "INVALID_PARAMETER_VALUE",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "PERMISSION_DENIED",
  NOT_FOUND: "RESOURCE_DOES_NOT_EXIST",
  CONFLICT: "RESOURCE_CONFLICT",
  PRECONDITION_FAILED: "RESOURCE_CONFLICT",
  PAYLOAD_TOO_LARGE: "INVALID_PARAMETER_VALUE",
  UNSUPPORTED_MEDIA_TYPE: "INVALID_PARAMETER_VALUE",
  RANGE_NOT_SATISFIABLE: "INVALID_PARAMETER_VALUE",
  UNPROCESSABLE: "INVALID_PARAMETER_VALUE",
  RATE_LIMITED: "REQUEST_LIMIT_EXCEEDED",
};

export interface MlflowErrorBody {
  error_code: MlflowErrorCode;
  message: string;
}

/** The MLflow reading of an error; null for an unexpected one (the caller logs it and answers INTERNAL_ERROR). */
export function mlflowErrorOf(error: unknown): { status: number; body: MlflowErrorBody } | null {
  const known =
    error instanceof MlflowError
      ? { code: error.code, message: error.message }
      : error instanceof DomainError
        ? { code: FROM_DOMAIN[error.code], message: error.message }
        : null;
  if (!known) return null;
  return { status: MLFLOW_STATUS[known.code], body: { error_code: known.code, message: known.message } };
}
