/** Commands that move what serves: refs, rollback and canary rollouts. */
import type { Command } from "commander";
import type { RefChange, Rollout, RolloutStart } from "../../src/client";
import { parsePercent, parsePercents, readJsonObject, versionRef } from "../args";
import { UsageError } from "../errors";
import { fields, morePages, table } from "../output";
import type { Action } from "./action";
import { pageOptions, pages, type PageFlags } from "./pages";

export function registerRefs(program: Command, action: Action) {
  const refs = program.command("refs").description("stage refs (Production, Staging) and aliases");

  refs
    .command("list")
    .description("every ref of a model")
    .argument("<name>")
    .action(
      action(async (ctx, name: string) => {
        const answer = await ctx.client().GET("/v1/models/{name}/refs", { params: { path: { name } } });
        ctx.out.result(answer, (a) =>
          a.items.length === 0
            ? "no refs"
            : table(a.items, [
                ["REF", (r) => r.ref],
                ["VERSION", (r) => r.version],
                ["GENERATION", (r) => r.generation],
                ["UPDATED", (r) => `${r.updated_at} by ${r.updated_by}`],
              ]),
        );
      }),
    );

  refs
    .command("set")
    .description("move a ref to a version (the admin's manual lever)")
    .argument("<name>")
    .argument("<ref>", "Production, Staging or an alias")
    .argument("<version>", "a number or a semver")
    .option("--reason <text>", "why, recorded in the ref's history and the audit log")
    .option("--expected-version <version>", "compare-and-set: only if the ref still points here (412 otherwise)")
    .option("--force", "allow an archived target (needs --reason)")
    .action(
      action(async (ctx, name: string, ref: string, version: string, flags: { reason?: string; expectedVersion?: string; force?: boolean }) => {
        const change = await ctx.client().PUT("/v1/models/{name}/refs/{ref}", {
          params: { path: { name, ref } },
          body: {
            version: versionRef(version),
            reason: flags.reason,
            expected_version: flags.expectedVersion === undefined ? undefined : versionRef(flags.expectedVersion),
            force: flags.force,
          },
        });
        ctx.out.result(change, humanChange(name));
      }),
    );

  refs
    .command("rm")
    .description("remove an alias, or empty a stage (Production needs --force)")
    .argument("<name>")
    .argument("<ref>")
    .option("--reason <text>", "why")
    .option("--expected-version <version>", "compare-and-set: only if the ref still points here")
    .option("--force", "needed to empty Production")
    .action(
      action(async (ctx, name: string, ref: string, flags: { reason?: string; expectedVersion?: string; force?: boolean }) => {
        const change = await ctx.client().DELETE("/v1/models/{name}/refs/{ref}", {
          params: {
            path: { name, ref },
            query: { reason: flags.reason, force: flags.force ? "true" : undefined, expected_version: flags.expectedVersion },
          },
        });
        ctx.out.result(change, humanChange(name));
      }),
    );

  pageOptions(
    refs.command("history").description("every move of a ref, newest first").argument("<name>").argument("<ref>"),
  ).action(
    action(async (ctx, name: string, ref: string, flags: PageFlags) => {
      const client = ctx.client();
      const page = await pages(flags, (query) => client.GET("/v1/models/{name}/refs/{ref}/history", { params: { path: { name, ref }, query } }));
      ctx.out.result(page, (p) =>
        p.items.length === 0
          ? "no history"
          : table(p.items, [
              ["GEN", (h) => h.generation],
              ["AT", (h) => h.at],
              ["ACTION", (h) => h.action],
              ["FROM", (h) => h.from_version],
              ["TO", (h) => h.to_version],
              ["ACTOR", (h) => h.actor],
              ["REASON", (h) => h.reason],
            ]) + morePages(p.next_cursor),
      );
    }),
  );

  refs
    .command("rollback")
    .description("move the ref back to where it was before its last move (repeat to walk further back)")
    .argument("<name>")
    .argument("<ref>")
    .option("--reason <text>", "why")
    .option("--expected-version <version>", "compare-and-set: only if the ref still points here")
    .action(
      action(async (ctx, name: string, ref: string, flags: { reason?: string; expectedVersion?: string }) => {
        const change = await ctx.client().POST("/v1/models/{name}/refs/{ref}/rollback", {
          params: { path: { name, ref } },
          body: { reason: flags.reason, expected_version: flags.expectedVersion === undefined ? undefined : versionRef(flags.expectedVersion) },
        });
        ctx.out.result(change, humanChange(name));
      }),
    );

  const rollout = program.command("rollout").description("canary rollouts on a ref");

  rollout
    .command("start")
    .description("start sending a share of routing keys to a candidate version")
    .argument("<name>")
    .argument("<ref>", "Production, Staging or an alias")
    .requiredOption("--candidate <version>", "the candidate version (number or semver)")
    .option("--weight <percent>", "starting share of routing keys, 0–100", parsePercent("--weight"))
    .option("--steps <percents>", "planned weights, e.g. 5,50,100 (starts at the first)", parsePercents("--steps"))
    .option("--policy <file.json>", "auto-rollback rule {metric, direction, max_drop | floor, min_samples, window_s}")
    .option("--reason <text>", "why")
    .option("--force", "on Production: start despite a failing promotion gate (needs --reason; audited)")
    .action(
      action(async (ctx, name: string, ref: string, flags: { candidate: string; weight?: number; steps?: number[]; policy?: string; reason?: string; force?: boolean }) => {
        if ((flags.weight === undefined) === (flags.steps === undefined)) throw new UsageError("give --weight or --steps (not both)");
        const started = await ctx.client().PUT("/v1/models/{name}/rollouts/{ref}", {
          params: { path: { name, ref } },
          body: {
            candidate_version: versionRef(flags.candidate),
            weight: flags.weight,
            steps: flags.steps,
            reason: flags.reason,
            force: flags.force,
            policy: flags.policy === undefined ? undefined : (readJsonObject(flags.policy, "--policy") as RolloutStart["policy"]),
          },
        });
        ctx.out.result(started, humanRollout);
      }),
    );

  rollout
    .command("set")
    .description("change the candidate's weight, or advance to the next planned step")
    .argument("<name>")
    .argument("<ref>")
    .option("--weight <percent>", "new share of routing keys, 0–100", parsePercent("--weight"))
    .option("--next", "advance to the next planned step")
    .option("--reason <text>", "why")
    .action(
      action(async (ctx, name: string, ref: string, flags: { weight?: number; next?: boolean; reason?: string }) => {
        if ((flags.weight === undefined) === !flags.next) throw new UsageError("give --weight or --next (not both)");
        const changed = await ctx.client().PATCH("/v1/models/{name}/rollouts/{ref}", {
          params: { path: { name, ref } },
          body: flags.next ? { step: "next", reason: flags.reason } : { weight: flags.weight, reason: flags.reason },
        });
        ctx.out.result(changed, humanRollout);
      }),
    );

  for (const [verb, description] of [
    ["promote", "move the ref to the candidate and close the rollout"],
    ["abort", "close the rollout; the ref keeps its stable version"],
  ] as const) {
    rollout
      .command(verb)
      .description(description)
      .argument("<name>")
      .argument("<ref>")
      .option("--reason <text>", "why")
      .action(
        action(async (ctx, name: string, ref: string, flags: { reason?: string }) => {
          const closed = await ctx.client().POST(`/v1/models/{name}/rollouts/{ref}/${verb}`, {
            params: { path: { name, ref } },
            body: { reason: flags.reason },
          });
          ctx.out.result(closed, humanRollout);
        }),
      );
  }

  rollout
    .command("status")
    .description("the ref's active rollout (else its latest) with every change")
    .argument("<name>")
    .argument("<ref>")
    .action(
      action(async (ctx, name: string, ref: string) => {
        const current = await ctx.client().GET("/v1/models/{name}/rollouts/{ref}", { params: { path: { name, ref } } });
        ctx.out.result(current, (r) =>
          [
            humanRollout(r),
            "",
            table(r.history, [
              ["AT", (h) => h.at],
              ["ACTION", (h) => h.action],
              ["WEIGHT", (h) => (h.weight_after === null ? null : `${h.weight_before ?? "-"} → ${h.weight_after}%`)],
              ["ACTOR", (h) => h.actor],
              ["REASON", (h) => h.reason],
            ]),
          ].join("\n"),
        );
      }),
    );
}

const humanChange = (name: string) => (c: RefChange) =>
  c.version === null
    ? `${name} ${c.ref} removed (was ${c.previous_version ?? "unset"}); generation ${c.generation}`
    : `${name} ${c.ref} → version ${c.version} (was ${c.previous_version ?? "unset"}); generation ${c.generation}`;

function humanRollout(r: Rollout): string {
  return fields([
    ["rollout", r.id],
    ["ref", r.ref],
    ["status", r.status],
    ["stable", r.stable_version],
    ["candidate", r.candidate_version],
    ["weight", `${r.weight}%`],
    ["steps", r.steps.map((s) => `${s}%`)],
    ["salt", r.salt],
    ["updated", r.updated_at],
  ]);
}
