/**
 * Reading MLflow request messages the way its server does (mlflow/server/handlers.py `_get_request_message`): GET
 * takes the query string, where a repeated field is a repeated key (`stages=Staging&stages=Production`); every
 * other method takes a JSON body, DELETE included. Unknown fields are ignored, as protobuf's parser does.
 */
import type { Context } from "hono";
import { z } from "zod";
import { authorize, principalOfRequest } from "../auth/middleware";
import type { Principal, Role } from "../auth/principal";
import type { AppEnv } from "../env";
import { invalidParameter } from "./errors";

/** The caller, who must hold `role`; routes check the model scope once the request message names the model. */
export async function caller(c: Context<AppEnv>, role: Role): Promise<Principal> {
  const principal = await principalOfRequest(c);
  authorize(principal, role);
  return principal;
}

const API_DOCS = "See the API docs for more information about request parameters.";

/** A required string: absent and "" are both missing, as for proto2 fields. */
export const required = z.string().min(1);
export const optional = z.string().optional();
/** int64 arrives as a JSON number, or as a string in a query or from JSON encoders that quote 64-bit integers. */
export const int64 = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]).optional();
export const bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).optional();
export const stringList = z.array(z.string()).optional();
/** Tag values are optional in MLflow's handlers; an absent one is stored as "". */
export const tagValue = z.string().default("");
export const tags = z.array(z.object({ key: required, value: tagValue })).optional();

export async function readMessage<T extends z.ZodRawShape>(
  c: Context<AppEnv>,
  shape: T,
  repeated: readonly (keyof T & string)[] = [],
): Promise<z.infer<z.ZodObject<T>>> {
  const raw = c.req.method === "GET" ? queryMessage(c, repeated) : await bodyMessage(c);
  const parsed = z.object(shape).safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = String(issue.path[0] ?? "");
  const value = raw[param];
  if (value === undefined || value === null || value === "") throw invalidParameter(`Missing value for required parameter '${param}'. ${API_DOCS}`);
  throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${param}' supplied. ${API_DOCS}`);
}

function queryMessage(c: Context<AppEnv>, repeated: readonly string[]): Record<string, unknown> {
  const all = c.req.queries();
  return Object.fromEntries(Object.entries(all).map(([key, values]) => [key, repeated.includes(key) ? values : values[0]]));
}

async function bodyMessage(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
    // Older MLflow clients post their JSON encoded twice, as a JSON string.
    if (typeof value === "string") value = JSON.parse(value);
  } catch {
    throw invalidParameter("The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidParameter("The request body must be a JSON object.");
  return value as Record<string, unknown>;
}

/** An edgereg schema's refusal, worded as MLflow's INVALID_PARAMETER_VALUE. */
export function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join(".");
  throw invalidParameter(path ? `${path}: ${issue.message}` : issue.message);
}
