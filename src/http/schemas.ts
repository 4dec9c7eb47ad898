/** Resource shapes of the HTTP contract (DESIGN §4): they validate requests and generate the OpenAPI spec. */
import { z } from "@hono/zod-openapi";
import semver from "semver";
import { MAX_ARTIFACT_PATH_BYTES, validateArtifactPath } from "../domain/reference";
import { ROLES } from "../auth/principal";
import { LAYER_MEDIA_TYPE_VALUES } from "../domain/modelpack";
import { MODEL_NAME_PATTERN } from "../domain/names";
import { MAX_OBSERVED_MAGNITUDE } from "../domain/observations";

const KEY_PATTERN = /^[A-Za-z0-9_.\-/: ]{1,250}$/;
const keyMessage = "names use letters, digits, spaces and _ . - / : (1–250 characters)";

export const TagKey = z.string().regex(KEY_PATTERN, keyMessage).refine((k) => !k.includes("="), "tag keys may not contain '='");
export const MAX_TAGS = 100;
export const Tags = z
  .record(TagKey, z.string().max(5000))
  .refine((t) => Object.keys(t).length <= MAX_TAGS, `at most ${MAX_TAGS} tags`)
  .openapi({ maxProperties: MAX_TAGS });
export const TagPatch = z
  .record(TagKey, z.string().max(5000).nullable())
  .refine((t) => Object.keys(t).length <= 2 * MAX_TAGS, `at most ${2 * MAX_TAGS} tag changes`)
  .openapi({ maxProperties: 2 * MAX_TAGS, description: "Keys set to a string are added or replaced; keys set to null are removed" });

export const Metrics = z
  .record(z.string().regex(KEY_PATTERN, keyMessage), z.number().finite())
  .refine((m) => Object.keys(m).length <= 1000, "at most 1000 metrics")
  .openapi({ maxProperties: 1000, example: { accuracy: 0.93, auc: 0.971 } });

/** Live observations: values bounded so a window's sum of squares can never overflow (domain/observations.ts). */
export const ObservedMetrics = z
  .record(z.string().regex(KEY_PATTERN, keyMessage), z.number().min(-MAX_OBSERVED_MAGNITUDE).max(MAX_OBSERVED_MAGNITUDE))
  .openapi({ example: { correct: 1, latency_ms: 41.5 } });

export const Params = z
  .record(z.string().regex(KEY_PATTERN, keyMessage), z.union([z.string().max(5000), z.number().finite(), z.boolean()]))
  .refine((p) => Object.keys(p).length <= 1000, "at most 1000 params")
  .openapi({ maxProperties: 1000, example: { learning_rate: 0.05, max_depth: 8, early_stopping: true } });

export const SignatureField = z.strictObject({
  name: z.string().min(1).max(250),
  type: z.string().min(1).max(100),
  optional: z.boolean().optional(),
});

export const Signature = z
  .strictObject({ inputs: z.array(SignatureField).max(2000), outputs: z.array(SignatureField).max(2000) })
  .superRefine((s, ctx) => {
    for (const side of ["inputs", "outputs"] as const) {
      const seen = new Set<string>();
      for (const f of s[side]) {
        if (seen.has(f.name)) ctx.addIssue({ code: "custom", path: [side], message: `${side} names '${f.name}' twice` });
        seen.add(f.name);
      }
    }
  })
  .openapi("Signature", {
    example: { inputs: [{ name: "distance_km", type: "double" }, { name: "carrier", type: "string" }], outputs: [{ name: "delay_min", type: "double" }] },
  });

export const Dataset = z
  .strictObject({ name: z.string().min(1).max(500), version: z.string().max(500).nullish(), digest: z.string().max(500).nullish() })
  .openapi("Dataset");

export const Semver = z
  .string()
  .max(256)
  .refine((v) => semver.valid(v) === v && !v.includes("+"), "semver must be a valid semantic version such as 2.1.0 (no 'v' prefix, no build metadata)")
  .openapi({ example: "2.1.0" });

export const Sha256 = z.string().max(64).regex(/^[0-9a-f]{64}$/, "sha256 is 64 lowercase hex characters");

export const ArtifactPath = z.string().max(MAX_ARTIFACT_PATH_BYTES).superRefine((p, ctx) => {
  const problem = validateArtifactPath(p);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** 5 TiB: R2's largest object. */
export const MAX_ARTIFACT_BYTES = 5 * 1024 ** 4;

export const DeclaredArtifact = z.strictObject({
  path: ArtifactPath,
  size: z.number().int().min(0).max(MAX_ARTIFACT_BYTES),
  sha256: Sha256,
  content_type: z.string().min(1).max(255).regex(/^[\x21-\x7e][\x20-\x7e]*$/, "content_type must be printable ASCII").optional(),
  media_type: z
    .enum(LAYER_MEDIA_TYPE_VALUES)
    .optional()
    .openapi({ description: "The CNCF ModelPack layer type this file is pulled as through /v2/ (default: inferred from the path; docs/oci.md)" }),
});

export const ModelName = z
  .string()
  .max(128)
  .regex(MODEL_NAME_PATTERN, "model names start with a letter or digit and use letters, digits, '.', '_' and '-' (at most 128)");

export const ModelCreate = z
  .strictObject({ name: ModelName, description: z.string().max(10_000).optional(), tags: Tags.optional() })
  .openapi("ModelCreate", { example: { name: "flight_delay", description: "Predicts departure delay in minutes", tags: { team: "ops" } } });

export const ModelPatch = z
  .strictObject({
    description: z.string().max(10_000).optional(),
    tags: TagPatch.optional(),
    name: ModelName.optional().openapi({
      description: "Admin: renames the model with its versions, refs, history and audit; the old name keeps resolving for serving until the redirect is removed",
    }),
    reason: z.string().max(2000).optional().openapi({ description: "Why (recorded with a rename)" }),
  })
  .openapi("ModelPatch");

export const ReasonBody = z.strictObject({ reason: z.string().max(2000).optional() }).openapi("Reason");

export const Model = z
  .object({
    name: z.string(),
    description: z.string(),
    tags: z.record(z.string(), z.string()),
    created_at: z.string(),
    created_by: z.string(),
    updated_at: z.string(),
    refs: z.record(z.string(), z.number()),
    latest_version: z.number().nullable(),
    former_names: z.array(z.string()).optional().openapi({ description: "Names before renames that still redirect serving here" }),
    deleted_at: z.string().optional().openapi({ description: "Only on a deleted model (admins see those)" }),
  })
  .openapi("Model");

export const VersionCreate = z
  .strictObject({
    semver: Semver,
    number: z
      .number()
      .int()
      .positive()
      .max(2_147_483_647)
      .optional()
      .openapi({ description: "Admin: the version number to take (imports keep the source registry's numbers); default: the next one" }),
    description: z.string().max(10_000).optional().openapi({ description: "Why this version exists (the changelog)" }),
    run_id: z.string().min(1).max(256).nullish(),
    git_commit: z.string().max(64).regex(/^[0-9a-f]{7,64}$/, "git_commit is 7–64 lowercase hex characters").nullish(),
    source: z.string().max(2000).nullish(),
    dataset: Dataset.nullish(),
    metrics: Metrics.optional(),
    params: Params.optional(),
    signature: Signature.nullish(),
    tags: Tags.optional(),
    artifacts: z
      .array(DeclaredArtifact)
      .max(1000)
      .optional()
      .openapi({ description: "Declared artifacts; the version is PENDING until each is uploaded and verified" }),
  })
  .superRefine((v, ctx) => {
    const paths = new Set<string>();
    for (const [i, a] of (v.artifacts ?? []).entries()) {
      if (paths.has(a.path)) ctx.addIssue({ code: "custom", path: ["artifacts", i, "path"], message: `path '${a.path}' is declared twice` });
      paths.add(a.path);
    }
  })
  .openapi("VersionCreate");

export const VersionPatch = z
  .strictObject({
    description: z.string().max(10_000).optional(),
    tags: TagPatch.optional(),
    archived: z.boolean().optional(),
    metrics: Metrics.optional().openapi({ description: "New metrics to append; recorded values never change" }),
  })
  .openapi("VersionPatch");

export const VersionStatus = z.enum(["PENDING", "READY", "FAILED"]);
export const VersionStage = z.enum(["Production", "Staging", "Archived", "None"]);

export const Artifact = z
  .object({ path: z.string(), size: z.number(), sha256: z.string(), content_type: z.string(), media_type: z.string().optional(), url: z.string() })
  .openapi("Artifact");

export const Version = z
  .object({
    model: z.string(),
    number: z.number(),
    semver: z.string(),
    status: VersionStatus,
    stage: VersionStage,
    aliases: z.array(z.string()),
    archived: z.boolean(),
    description: z.string(),
    run_id: z.string().nullable(),
    git_commit: z.string().nullable(),
    source: z.string().nullable(),
    dataset: z.object({ name: z.string(), version: z.string().nullish(), digest: z.string().nullish() }).nullable(),
    metrics: z.record(z.string(), z.number()),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    signature: z
      .object({
        inputs: z.array(z.object({ name: z.string(), type: z.string(), optional: z.boolean().optional() })),
        outputs: z.array(z.object({ name: z.string(), type: z.string(), optional: z.boolean().optional() })),
      })
      .nullable(),
    tags: z.record(z.string(), z.string()),
    artifacts: z.array(Artifact),
    rollouts: z
      .array(
        z.object({
          rollout_id: z.string(),
          ref: z.string(),
          arm: z.enum(["stable", "candidate"]),
          weight: z.number().openapi({ description: "The candidate's share in percent; the stable arm answers the rest" }),
        }),
      )
      .openapi({ description: "The version's part in the rollouts running on the model: candidate at 12.5% of Production, or the stable arm" }),
    created_at: z.string(),
    created_by: z.string(),
    deleted_at: z.string().optional().openapi({ description: "Only on a deleted version (admins see those)" }),
  })
  .openapi("Version");

export const VersionRef = z.union([z.number().int().positive(), Semver]).openapi({ description: "A version number or an exact semver", example: 3 });

export const RefMoveBody = z
  .strictObject({
    version: VersionRef,
    reason: z.string().max(2000).optional(),
    expected_version: VersionRef.nullable()
      .optional()
      .openapi({ description: "Compare-and-set: where you believe the ref points now (null: unset); 412 when stale" }),
    force: z
      .boolean()
      .optional()
      .openapi({ description: "Overrides a stage ref's failed gate checks or allows an archived target; needs a reason (refused under forbid_force)" }),
    imported_from: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .openapi({ description: "Admin: copies an assignment from another registry (edgereg import): no gate, recorded as action `import`" }),
  })
  .openapi("RefMove");

export const RefChange = z
  .object({ ref: z.string(), version: z.number().nullable(), previous_version: z.number().nullable(), generation: z.number(), rollout_id: z.string().optional() })
  .openapi("RefChange");

export const RefState = z
  .object({ ref: z.string(), version: z.number(), generation: z.number(), updated_at: z.string(), updated_by: z.string() })
  .openapi("Ref");

export const RefHistoryEntry = z
  .object({
    generation: z.number(),
    action: z.string(),
    from_version: z.number().nullable(),
    to_version: z.number().nullable(),
    actor: z.string(),
    reason: z.string(),
    at: z.string(),
    rollout: z
      .object({ id: z.string(), stable_version: z.number(), candidate_version: z.number() })
      .nullable()
      .openapi({ description: "The rollout the entry belongs to (start, promote, abort, rollback), naming both arms; null for plain moves" }),
  })
  .openapi("RefHistoryEntry");

export const RollbackBody = z
  .strictObject({ reason: z.string().max(2000).optional(), expected_version: VersionRef.nullable().optional() })
  .openapi("Rollback");

export const Role = z.enum(ROLES);

export const TokenCreate = z
  .strictObject({
    name: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9 ._@:-]*$/, "token names use letters, digits, spaces and . _ @ : -"),
    role: Role,
    // Lists filter with SQL GLOB, whose pattern D1 limits to 50 bytes (the characters allowed are ASCII).
    model_glob: z.string().min(1).max(50).regex(/^[A-Za-z0-9._*?-]+$/, "model_glob uses model-name characters and the wildcards * and ?").optional(),
    expires_at: z.iso.datetime().nullish(),
  })
  .openapi("TokenCreate", { example: { name: "ci-github", role: "publisher", model_glob: "fraud-*" } });

export const Token = z
  .object({
    id: z.string(),
    name: z.string(),
    role: Role,
    model_glob: z.string(),
    created_at: z.string(),
    created_by: z.string(),
    last_used_at: z.string().nullable(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi("Token");

export const TokenWithSecret = Token.extend({ secret: z.string().openapi({ description: "Shown once; store it now" }) }).openapi("TokenWithSecret");

export const AuditEvent = z
  .object({
    id: z.number(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    model: z.string().nullable(),
    version: z.number().nullable(),
    ref: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    reason: z.string(),
    request_id: z.string(),
  })
  .openapi("AuditEvent");
