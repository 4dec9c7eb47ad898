import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError, type ErrorCode } from "../domain/errors";
import { didYouMean } from "../domain/suggest";
import type { AppEnv } from "../env";
import { modelNameSuggestions } from "../registry/suggestions";

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
};

const HTTP_CODES: Partial<Record<number, ErrorCode>> = {
  400: "BAD_REQUEST",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

export const statusOf = (code: ErrorCode) => STATUS[code];

/** A missing model's error, with the closest names the caller may read; any failure to look leaves it as it was. */
async function withSuggestions(error: DomainError, c: Context<AppEnv>): Promise<{ message: string; details: unknown }> {
  const details = error.details as { model?: unknown; reason?: unknown } | undefined;
  const principal = c.get("principal");
  if (error.code !== "NOT_FOUND" || details?.reason !== "no_model" || typeof details.model !== "string" || !principal) {
    return { message: error.message, details: error.details };
  }
  const suggestions = await modelNameSuggestions(c.var.db, principal, details.model).catch(() => []);
  return { message: suggestions.length > 0 ? `${error.message}.${didYouMean(suggestions)}` : error.message, details: { ...details, suggestions } };
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** The one place an error becomes a response: known errors keep their status, the rest are logged 500s. */
export async function errorResponse(error: unknown, c: Context<AppEnv>): Promise<Response> {
  if (error instanceof DomainError) {
    const { message, details } = await withSuggestions(error, c);
    const response = c.json(errorBody(error.code, message, details), STATUS[error.code]);
    if (error.code === "UNAUTHENTICATED") response.headers.set("WWW-Authenticate", 'Bearer realm="edgereg"');
    return response;
  }
  if (error instanceof HTTPException) {
    const code = HTTP_CODES[error.status] ?? "BAD_REQUEST";
    if (error.status === 415) {
      // The JSON routes' media-type gate: say what to send instead of the bare status text.
      const received = c.req.header("Content-Type") ?? null;
      const message = `send the body as JSON with Content-Type: application/json (got ${received === null ? "no Content-Type" : received.slice(0, 100)})`;
      return c.json(errorBody(code, message, { field: "Content-Type", expected: "application/json", received: received?.slice(0, 100) ?? null }), 415);
    }
    return c.json(errorBody(code, error.message || code), error.status as ContentfulStatusCode);
  }
  console.error(JSON.stringify({ level: "error", request_id: c.get("requestId"), error: String(error), stack: (error as Error)?.stack }));
  return c.json(errorBody("INTERNAL", "internal error; the request id identifies it in the logs", { request_id: c.get("requestId") }), 500);
}
