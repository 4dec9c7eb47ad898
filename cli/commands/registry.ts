/** Read commands: resolve, models, versions. */
import type { Command } from "commander";
import type { components, Model, Resolution, Version } from "../../src/client";
import { collect, parseTags, readJsonObject } from "../args";
import { UsageError } from "../errors";
import { parseMetricPairs } from "../samples";
import { fields, morePages, table } from "../output";
import { toReference } from "../pull";
import { formatBytes } from "../units";
import type { Action } from "./action";
import { pageOptions, pages, type PageFlags } from "./pages";

export function registerRegistry(program: Command, action: Action) {
  program
    .command("resolve")
    .description("the version a reference points to now (or at a past instant, with --at), with its artifacts")
    .argument("<ref>", "models:/NAME/Production, NAME/Staging, NAME@alias, NAME/7, NAME/2.1.0, NAME/^2.1, NAME/latest")
    .option("--key <routing-key>", "routing key that picks the arm when the ref is under a rollout")
    .option("--at <time>", "what the reference resolved to at this instant (ISO-8601, e.g. 2026-11-30T12:00:00Z), from the recorded history")
    .action(
      action(async (ctx, ref: string, flags: { key?: string; at?: string }) => {
        const query = { ref: toReference(ref), key: flags.key, at: flags.at };
        const resolved = await ctx.client().GET("/v1/resolve", { params: { query } });
        ctx.out.result(resolved, humanResolution);
      }),
    );

  const models = program.command("models").description("registered models");
  pageOptions(
    models
      .command("list")
      .description("list models by name")
      .option("--q <text>", "case-insensitive substring of the name")
      .option("--tag <key=value>", "only models with this tag; repeat to require several", collect)
      .option("--deleted", "only deleted models (admin)"),
  ).action(
    action(async (ctx, flags: PageFlags & { q?: string; tag?: string[]; deleted?: boolean }) => {
      const client = ctx.client();
      const deleted = flags.deleted ? ("true" as const) : undefined;
      const page = await pages(flags, (query) => client.GET("/v1/models", { params: { query: { ...query, q: flags.q, tag: flags.tag, deleted } } }));
      ctx.out.result(page, (p) =>
        p.items.length === 0
          ? "no models"
          : table(p.items, [
              ["NAME", (m) => m.name],
              ["LATEST", (m) => m.latest_version],
              ["REFS", (m) => m.refs],
              ["UPDATED", (m) => m.updated_at],
              ["DESCRIPTION", (m) => m.description],
            ]) + morePages(p.next_cursor),
      );
    }),
  );
  models
    .command("show")
    .description("a model with its refs and latest version")
    .argument("<name>")
    .action(
      action(async (ctx, name: string) => {
        const model = await ctx.client().GET("/v1/models/{name}", { params: { path: { name } } });
        ctx.out.result(model, humanModel);
      }),
    );

  models
    .command("rename")
    .description("rename a model (admin): versions, refs, history and audit follow; the old name keeps resolving for serving until you drop the redirect")
    .argument("<name>")
    .argument("<new-name>")
    .option("--reason <text>", "why (recorded in the audit log)")
    .action(
      action(async (ctx, name: string, newName: string, flags: { reason?: string }) => {
        const model = await ctx.client().PATCH("/v1/models/{name}", { params: { path: { name } }, body: { name: newName, reason: flags.reason } });
        ctx.out.result(model, humanModel);
      }),
    );
  models
    .command("drop-redirect")
    .description("end a former name's redirect (admin): references that still use it get 404, and the name is free again")
    .argument("<name>", "the model's current name")
    .argument("<former-name>")
    .option("--reason <text>", "why (recorded in the audit log)")
    .action(
      action(async (ctx, name: string, former: string, flags: { reason?: string }) => {
        await ctx.client().DELETE("/v1/models/{name}/former-names/{former}", { params: { path: { name, former }, query: { reason: flags.reason } } });
        ctx.out.result({ model: name, removed: former }, () => `'${former}' no longer redirects to ${name}`);
      }),
    );
  models
    .command("delete")
    .description("delete a model with all its versions: hidden from every read but an admin's, kept, restorable (refused while Production is set)")
    .argument("<name>")
    .option("--reason <text>", "why (recorded in the audit log)")
    .action(
      action(async (ctx, name: string, flags: { reason?: string }) => {
        const deleted = await ctx.client().DELETE("/v1/models/{name}", { params: { path: { name }, query: { reason: flags.reason } } });
        ctx.out.result(deleted, (d) => `deleted ${name} with ${d.versions.length} version(s); an admin restores it with: edgereg models restore ${name}`);
      }),
    );
  models
    .command("restore")
    .description("bring a deleted model back with the versions deleted along with it (admin; they stay archived)")
    .argument("<name>")
    .option("--reason <text>", "why (recorded in the audit log)")
    .action(
      action(async (ctx, name: string, flags: { reason?: string }) => {
        const model = await ctx.client().POST("/v1/models/{name}/restore", { params: { path: { name }, query: { reason: flags.reason } } });
        ctx.out.result(model, humanModel);
      }),
    );

  const versions = program.command("versions").description("a model's versions");
  pageOptions(
    versions
      .command("list")
      .description("list versions, newest first")
      .argument("<name>")
      .option("--stage <stage>", "Production, Staging, Archived or None")
      .option("--status <status>", "PENDING, READY or FAILED")
      .option("--archived <bool>", "true or false")
      .option("--deleted", "only deleted versions (admin)"),
  ).action(
    action(async (ctx, name: string, flags: PageFlags & { stage?: string; status?: string; archived?: string; deleted?: boolean }) => {
      const client = ctx.client();
      const filter = { stage: flags.stage, status: flags.status, archived: flags.archived, deleted: flags.deleted ? "true" : undefined } as {
        stage?: Version["stage"];
        status?: Version["status"];
        archived?: "true" | "false";
        deleted?: "true";
      };
      const page = await pages(flags, (query) =>
        client.GET("/v1/models/{name}/versions", { params: { path: { name }, query: { ...query, ...filter } } }),
      );
      ctx.out.result(page, (p) =>
        p.items.length === 0
          ? "no versions"
          : table(p.items, [
              ["VERSION", (v) => v.number],
              ["SEMVER", (v) => v.semver],
              ["STATUS", (v) => v.status],
              ["STAGE", (v) => v.stage],
              ["ALIASES", (v) => v.aliases],
              ["CREATED", (v) => v.created_at],
              ["METRICS", (v) => v.metrics],
            ]) + morePages(p.next_cursor),
      );
    }),
  );
  versions
    .command("show")
    .description("one version by number or semver")
    .argument("<name>")
    .argument("<version>", "a number (7) or a semver (2.1.0)")
    .action(
      action(async (ctx, name: string, v: string) => {
        const version = await ctx.client().GET("/v1/models/{name}/versions/{v}", { params: { path: { name, v } } });
        ctx.out.result(version, humanVersion);
      }),
    );
  versions
    .command("update")
    .description("change a version's description or tags, append evaluation metrics, archive or restore it")
    .argument("<name>")
    .argument("<version>", "a number (7) or a semver (2.1.0)")
    .option("--description <text>", "replace the description")
    .option("--tag <key=value>", "set a tag; repeat for several", collect)
    .option("--untag <key>", "remove a tag; repeat for several", collect)
    .option("--metric <name=value>", "append a metric (recorded values never change); repeat for several", collect)
    .option("--metrics <file.json>", "append the metrics in a JSON object")
    .option("--archive", "archive the version")
    .option("--unarchive", "restore an archived version")
    .action(
      action(async (ctx, name: string, v: string, flags: VersionUpdateFlags) => {
        const body = versionPatch(flags);
        const version = await ctx.client().PATCH("/v1/models/{name}/versions/{v}", { params: { path: { name, v } }, body });
        ctx.out.result(version, humanVersion);
      }),
    );
  versions
    .command("delete")
    .description("delete a version: it leaves its refs (recorded), is archived and hidden from every read but an admin's; restorable")
    .argument("<name>")
    .argument("<version>", "a number (7) or a semver (2.1.0)")
    .option("--reason <text>", "why (recorded in the audit log)")
    .action(
      action(async (ctx, name: string, v: string, flags: { reason?: string }) => {
        const deleted = await ctx.client().DELETE("/v1/models/{name}/versions/{v}", { params: { path: { name, v }, query: { reason: flags.reason } } });
        const refs = deleted.cleared_refs.length > 0 ? ` (it left ${deleted.cleared_refs.join(", ")})` : "";
        ctx.out.result(deleted, (d) => `deleted version ${d.version} of ${name}${refs}`);
      }),
    );
  versions
    .command("restore")
    .description("bring a deleted version back (admin); it stays archived")
    .argument("<name>")
    .argument("<version>", "a number (7) or a semver (2.1.0)")
    .option("--reason <text>", "why (recorded in the audit log)")
    .action(
      action(async (ctx, name: string, v: string, flags: { reason?: string }) => {
        const version = await ctx.client().POST("/v1/models/{name}/versions/{v}/restore", { params: { path: { name, v }, query: { reason: flags.reason } } });
        ctx.out.result(version, humanVersion);
      }),
    );
}

interface VersionUpdateFlags {
  description?: string;
  tag?: string[];
  untag?: string[];
  metric?: string[];
  metrics?: string;
  archive?: boolean;
  unarchive?: boolean;
}

/** The PATCH body: only what the flags name, so nothing else changes. */
function versionPatch(flags: VersionUpdateFlags): components["schemas"]["VersionPatch"] {
  const patch: components["schemas"]["VersionPatch"] = {};
  if (flags.description !== undefined) patch.description = flags.description;
  if (flags.tag?.length || flags.untag?.length) {
    const removed = Object.fromEntries((flags.untag ?? []).map((key) => [key, null]));
    patch.tags = { ...removed, ...parseTags(flags.tag) };
  }
  if (flags.metric?.length || flags.metrics !== undefined) {
    const fromFile = flags.metrics === undefined ? {} : (readJsonObject(flags.metrics, "--metrics") as Record<string, number>);
    patch.metrics = { ...fromFile, ...parseMetricPairs(flags.metric ?? [], "--metric") };
  }
  if (flags.archive && flags.unarchive) throw new UsageError("give --archive or --unarchive, not both");
  if (flags.archive || flags.unarchive) patch.archived = Boolean(flags.archive);
  if (Object.keys(patch).length === 0) throw new UsageError("nothing to update: give --description, --tag, --untag, --metric, --metrics, --archive or --unarchive");
  return patch;
}

function humanModel(m: Model): string {
  return fields([
    ["name", m.name],
    ["description", m.description],
    ["latest version", m.latest_version],
    ["refs", m.refs],
    ["tags", m.tags],
    ["created", `${m.created_at} by ${m.created_by}`],
    ["updated", m.updated_at],
    ["former names", m.former_names ?? null],
    ["deleted", m.deleted_at ?? null],
  ]);
}

function humanVersion(v: Version): string {
  const head = fields([
    ["model", v.model],
    ["version", `${v.number} (${v.semver})`],
    ["status", v.status],
    ["stage", v.stage],
    ["aliases", v.aliases],
    ["archived", v.archived],
    ["description", v.description],
    ["run id", v.run_id],
    ["git commit", v.git_commit],
    ["source", v.source],
    ["dataset", v.dataset ? [v.dataset.name, v.dataset.version, v.dataset.digest].filter(Boolean).join(" ") : null],
    ["metrics", v.metrics],
    ["params", v.params],
    ["signature", v.signature ? `${v.signature.inputs.length} inputs, ${v.signature.outputs.length} outputs` : null],
    ["tags", v.tags],
    ["created", `${v.created_at} by ${v.created_by}`],
  ]);
  if (v.artifacts.length === 0) return head;
  return `${head}\n\n${table(v.artifacts, [
    ["ARTIFACT", (a) => a.path],
    ["SIZE", (a) => formatBytes(a.size)],
    ["SHA256", (a) => a.sha256],
  ])}`;
}

function humanResolution(r: Resolution): string {
  const head = fields([
    ["reference", r.reference],
    ["version", `${r.number} (${r.semver})`],
    ["ref", r.ref],
    ["arm", r.arm],
    ["rollout", r.rollout ? `${r.rollout.id} (v${r.rollout.candidate_version} at ${r.rollout.weight}% over v${r.rollout.stable_version})` : r.rollout_id],
    ["status", r.status],
    ...(r.at ? ([["at", r.at], ["ref pointed to", r.ref_version == null ? null : `v${r.ref_version}`]] as [string, unknown][]) : []),
  ]);
  const artifacts = r.artifact ? [r.artifact] : r.artifacts;
  if (artifacts.length === 0) return head;
  return `${head}\n\n${table(artifacts, [
    ["ARTIFACT", (a) => a.path],
    ["SIZE", (a) => formatBytes(a.size)],
    ["SHA256", (a) => a.sha256],
  ])}`;
}
