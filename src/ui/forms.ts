/** What the UI's forms and query strings may carry, validated with zod like every API body. */
import { z } from "zod";
import { percentToBasisPoints } from "../domain/canary";
import { DomainError } from "../domain/errors";
import { MODEL_NAME_PATTERN } from "../domain/names";
import { MAX_STEPS } from "../domain/rollout";
import { ROLES } from "../auth/principal";

const Reason = z.string().trim().max(2000, "reason is at most 2000 characters");

export const SignInForm = z.object({ token: z.string().trim().min(1, "paste a token").max(512) });

export const RollbackForm = z.object({ reason: Reason.min(1, "say why you roll back; the audit log keeps it") });

export const StartRolloutForm = z.object({
  ref: z.string().min(1).max(64),
  candidate: z.string().min(1).max(256),
  weights: z.string().trim().min(1, "give a starting weight, or the planned steps").max(200),
  reason: Reason,
  force: z.literal("on").optional(),
});

export const WeightForm = z
  .object({
    weight: z.coerce.number().min(0).max(100).optional(),
    step: z.literal("next").optional(),
    reason: Reason,
  })
  .refine((f) => (f.weight === undefined) !== (f.step === undefined), { message: "set a weight or take the next step", path: ["weight"] });

export const CloseForm = z.object({ reason: Reason });

const Cursor = z.string().max(2048).optional();
const Day = z.iso.date().optional();

export const ModelsQuery = z.object({ q: z.string().trim().max(128).optional(), cursor: Cursor, deleted: z.enum(["1"]).optional() });

export const ModelQuery = z.object({
  metric: z.string().max(128).optional(),
  history: z.string().max(64).optional(),
  cursor: Cursor,
  done: z.enum(["rollback", "start", "weight", "promote", "abort", "restore"]).optional(),
  ref: z.string().max(64).optional(),
});

export const AuditQuery = z.object({
  model: z.string().regex(MODEL_NAME_PATTERN, "not a model name").optional().or(z.literal("").transform(() => undefined)),
  actor: z.string().trim().max(128).optional(),
  action: z.string().trim().max(64).optional(),
  since: Day.or(z.literal("").transform(() => undefined)),
  until: Day.or(z.literal("").transform(() => undefined)),
  cursor: Cursor,
});

/** A token as the tokens page creates it: the same rules as POST /v1/tokens, the expiry as a UTC day. */
export const TokenForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, "name the token after who uses it")
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._@:-]*$/, "token names use letters, digits, spaces and . _ @ : -"),
  role: z.enum(ROLES),
  model_glob: z
    .string()
    .trim()
    .max(256)
    .regex(/^[A-Za-z0-9._*?-]*$/, "use model-name characters and the wildcards * and ?")
    .transform((g) => g || "*"),
  expires: Day.or(z.literal("").transform(() => undefined)),
});

export const TokensQuery = z.object({ revoked: z.literal("1").optional(), cursor: Cursor, done: z.literal("revoke").optional(), name: z.string().max(128).optional() });

/** Up to this many versions side by side. */
export const MAX_COMPARED = 6;
const VersionText = z.string().trim().max(64);

/** The compare page's `v` parameters: blanks dropped (the form has spare fields), at most MAX_COMPARED. */
export const CompareQuery = z
  .array(VersionText)
  .transform((vs) => vs.filter(Boolean))
  .pipe(z.array(z.string()).max(MAX_COMPARED, `compare at most ${MAX_COMPARED} versions`));

/** Parses input with a schema; a failure is a 400 naming the first wrong field, as the API answers. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new DomainError("VALIDATION_FAILED", `${issues[0]!.path || "form"}: ${issues[0]!.message}`, { issues });
}

/** "5" starts at 5%; "5, 25, 50, 100" plans those steps and starts at the first. Percents, as the commands take them. */
export function parseWeights(text: string): { weight: number } | { steps: number[] } {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length > MAX_STEPS) throw new DomainError("BAD_REQUEST", `at most ${MAX_STEPS} planned steps`, { field: "weights" });
  const percents = parts.map((p) => {
    const percent = Number(p.replace(/%$/, ""));
    if (!Number.isFinite(percent)) throw new DomainError("BAD_REQUEST", `'${p}' is not a percent`, { field: "weights" });
    percentToBasisPoints(percent); // 0..100 with two decimals at most, answered for the field the admin typed in
    return percent;
  });
  return percents.length === 1 ? { weight: percents[0]! } : { steps: percents };
}
