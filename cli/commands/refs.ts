/** Commands that move what serves: refs, rollback and canary rollouts. */
import type { Command } from "commander";
import type { components, RefChange, Rollout, RolloutStart } from "../../src/client";
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
    .description("the ref's active rollout (else its latest) with every change and the A/B comparison of its arms")
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
            "",
            humanAB(r.ab),
          ].join("\n"),
        );
      }),
    );

  pageOptions(
    rollout
      .command("list")
      .description("a model's rollouts, newest first: how each ended")
      .argument("<name>")
      .option("--ref <ref>", "rollouts of one ref")
      .option("--status <status>", "active, promoted, aborted or rolled_back"),
  ).action(
    action(async (ctx, name: string, flags: PageFlags & { ref?: string; status?: string }) => {
      const client = ctx.client();
      const filter = { ref: flags.ref, status: flags.status as Rollout["status"] | undefined };
      const page = await pages(flags, (query) => client.GET("/v1/models/{name}/rollouts", { params: { path: { name }, query: { ...query, ...filter } } }));
      ctx.out.result(page, (p) =>
        p.items.length === 0
          ? "no rollouts"
          : table(p.items, [
              ["ID", (r) => r.id],
              ["REF", (r) => r.ref],
              ["STATUS", (r) => r.status],
              ["STABLE", (r) => r.stable_version],
              ["CANDIDATE", (r) => r.candidate_version],
              ["WEIGHT", (r) => `${r.weight}%`],
              ["STARTED", (r) => r.created_at],
              ["ENDED", (r) => r.ended_at],
            ]) + morePages(p.next_cursor),
      );
    }),
  );
}

/** The arms side by side on the watched metric, and Welch's test of candidate minus stable once both have data. */
export function humanAB(ab: components["schemas"]["ABComparison"]): string {
  if (!ab) return "A/B: no watched metric (give the rollout an auto-rollback rule, or the policy a compare metric)";
  const round = (n: number | null) => (n === null ? null : Number(n.toPrecision(4)));
  const arms = [
    { arm: "stable", ...ab.stable },
    { arm: "candidate", ...ab.candidate },
  ];
  const lines = [
    `A/B on ${ab.metric} (${ab.direction} is better) since ${ab.since}${ab.until ? ` until ${ab.until}` : ""}`,
    table(arms, [
      ["ARM", (a) => a.arm],
      ["VERSION", (a) => a.version],
      ["COUNT", (a) => a.count],
      ["MEAN", (a) => round(a.mean)],
      ["VARIANCE", (a) => round(a.variance)],
    ]),
  ];
  const w = ab.welch;
  lines.push(
    w
      ? `candidate − stable: ${round(w.difference)} (95% CI ${round(w.ci_low)} to ${round(w.ci_high)}), p = ${round(w.p_value)}`
      : "candidate − stable: not yet (each arm needs two observations)",
  );
  return lines.join("\n");
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
