/** The promotion pipeline: gated stage transitions, the model's policy, and the semver plan for a signature. */
import type { Command } from "commander";
import type { components, Policy } from "../../src/client";
import { readJson, readJsonObject } from "../args";
import { UsageError } from "../errors";
import { fields, table } from "../output";
import type { Action } from "./action";

type Stage = components["schemas"]["StageTransition"]["stage"];
const STAGES: readonly Stage[] = ["Staging", "Production", "Archived", "None"];

export function registerPipeline(program: Command, action: Action) {
  program
    .command("promote")
    .description("move a version to a stage through the gate (Staging before Production, metric floors, no worse than Production)")
    .argument("<name>")
    .argument("<version>", "a number or a semver")
    .requiredOption("--to <stage>", "Staging or Production (Archived or None take a version out of Staging)")
    .option("--reason <text>", "why, recorded in the audit log")
    .option("--force", "override failed checks (admin, needs --reason); the audit keeps them")
    .action(
      action(async (ctx, name: string, v: string, flags: { to: string; reason?: string; force?: boolean }) => {
        const stage = STAGES.find((s) => s.toLowerCase() === flags.to.toLowerCase());
        if (!stage) throw new UsageError(`--to must be one of ${STAGES.join(", ")}`);
        const moved = await ctx.client().POST("/v1/models/{name}/versions/{v}/stage", {
          params: { path: { name, v } },
          body: { stage, reason: flags.reason, force: flags.force },
        });
        ctx.out.result(moved, (t) =>
          [
            `${name} version ${t.version}: ${t.previous_stage} → ${t.stage}${t.forced ? ` (forced past ${t.failed_checks.join(", ")})` : ""}`,
            t.checks.length === 0
              ? ""
              : table(t.checks, [
                  ["CHECK", (c) => c.name],
                  ["", (c) => (c.passed ? "✓" : "✗")],
                  ["DETAIL", (c) => c.detail],
                ]),
          ]
            .filter(Boolean)
            .join("\n"),
        );
      }),
    );

  const policy = program.command("policy").description("a model's promotion and monitoring policy");
  policy
    .command("get")
    .description("the policy (the default when never set)")
    .argument("<name>")
    .action(
      action(async (ctx, name: string) => {
        const current = await ctx.client().GET("/v1/models/{name}/policy", { params: { path: { name } } });
        // A policy is nested configuration: people read it as the JSON they would edit.
        ctx.out.result(current, (p) => JSON.stringify(p, null, 2));
      }),
    );
  policy
    .command("set")
    .description("replace the policy with the JSON object in a file")
    .argument("<name>")
    .argument("<file.json>", "e.g. {\"floors\": {\"accuracy\": 0.8}, \"compare\": {\"metric\": \"accuracy\", \"direction\": \"higher\"}}")
    .action(
      action(async (ctx, name: string, file: string) => {
        const body = readJsonObject(file, "policy file") as Policy;
        const stored = await ctx.client().PUT("/v1/models/{name}/policy", { params: { path: { name } }, body });
        ctx.out.result(stored, (p) => JSON.stringify(p, null, 2));
      }),
    );

  program
    .command("plan")
    .description("the semver bump a signature needs after the model's highest version")
    .argument("<name>")
    .requiredOption("--signature <file.json>", '{"inputs": [{name, type, optional?}], "outputs": [...]}, or null')
    .action(
      action(async (ctx, name: string, flags: { signature: string }) => {
        const signature = readJson(flags.signature, "--signature") as components["schemas"]["Signature"] | null;
        const plan = await ctx.client().POST("/v1/models/{name}/versions/plan", { params: { path: { name } }, body: { signature } });
        ctx.out.result(plan, (p) =>
          [
            fields([
              ["previous version", p.previous_version],
              ["required bump", p.required_bump],
              ["suggested version", p.suggested_version],
            ]),
            p.changes.length === 0
              ? ""
              : table(p.changes, [
                  ["CHANGE", (c) => c.kind],
                  ["BUMP", (c) => c.severity],
                  ["DETAIL", (c) => c.detail],
                ]),
          ]
            .filter(Boolean)
            .join("\n\n"),
        );
      }),
    );
}
