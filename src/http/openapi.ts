/** Shared pieces of the HTTP contract: error and list shapes, common parameters, and the router factory. */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DomainError } from "../domain/errors";
import { MODEL_NAME_PATTERN } from "../domain/names";
import { closestNames, didYouMean } from "../domain/suggest";
import type { AppEnv } from "../env";
import type { CommandContext } from "../registry/context";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "NOT_FOUND" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

const errorResponse = (description: string) => ({ content: { "application/json": { schema: ErrorSchema } }, description });

/** The error statuses a route may answer with, declared once so every route documents them the same way. */
export const errors = {
  400: errorResponse("Invalid input: the details name the field"),
  401: errorResponse("Missing, unknown or revoked token"),
  403: errorResponse("The token lacks the role or model scope"),
  404: errorResponse("No such resource"),
  409: errorResponse("Conflicts with the current state"),
  412: errorResponse("expected_version is stale"),
  413: errorResponse("Body too large"),
  422: errorResponse("Well-formed but refused by a rule"),
} as const;

type ErrorStatus = keyof typeof errors;

/** The error statuses a route documents, e.g. `...errorsFor(400, 401, 403, 404)`. */
export function errorsFor<S extends ErrorStatus>(...statuses: S[]): Pick<typeof errors, S> {
  return Object.fromEntries(statuses.map((s) => [s, errors[s]])) as Pick<typeof errors, S>;
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

export const ModelNameParam = z
  .string()
  .max(128)
  .regex(MODEL_NAME_PATTERN, "model names start with a letter or digit and use letters, digits, '.', '_' and '-' (at most 128)")
  .openapi({ param: { name: "name", in: "path" }, example: "flight_delay" });

export const VersionParam = z
  .string()
  .min(1)
  .max(256)
  .openapi({ param: { name: "v", in: "path" }, description: "A version number (7) or an exact semver (2.1.0)", example: "3" });

export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Page size, 1–200" }),
  cursor: z.string().max(2048).optional().openapi({ description: "next_cursor from the previous page" }),
};

/** `?reason=` on the bodiless mutations (DELETE, restore): why, recorded in the audit log. */
export const ReasonQuery = z.object({ reason: z.string().max(2000).optional().openapi({ description: "Why (recorded in the audit log)" }) });

export const paged = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

export const Reason = z.string().max(2000, "reason is at most 2000 characters");

/** For a value outside an enum (a stage spelled `Prodution`), the allowed value it was meant to be. */
function suggestionFor(issue: { code: string; path: PropertyKey[]; values?: unknown[] }, input: unknown): string {
  if (issue.code !== "invalid_value" || !issue.values?.every((v) => typeof v === "string")) return "";
  const given = issue.path.reduce<unknown>((at, key) => (at !== null && typeof at === "object" ? (at as Record<PropertyKey, unknown>)[key] : undefined), input);
  return typeof given === "string" ? didYouMean(closestNames(given, issue.values as string[], 1)) : "";
}

/** Every router shares the validation hook, so a bad field always answers 400 in the project's error shape. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const input = (result as { data?: unknown }).data;
        const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message + suggestionFor(i, input), code: i.code }));
        const first = issues[0];
        throw new DomainError(
          "VALIDATION_FAILED",
          first ? `${first.path || "body"}: ${first.message}` : "invalid input",
          { target: result.target, issues },
        );
      }
    },
  });
}

/** Absolute URLs in answers point back at the host the client used. */
export const baseUrl = (c: Context) => new URL(c.req.url).origin;
