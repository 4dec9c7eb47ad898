/** What serving reports back: observations (which feed auto-rollback), reference data and drift checks. */
import type { Command } from "commander";
import type { components } from "../../src/client";
import { collect, parseCount, readText, versionRef } from "../args";
import type { Context } from "../context";
import { CheckFailed, EXIT, UsageError } from "../errors";
import { fields, morePages, table } from "../output";
import { parseFeatures, parseMetricPairs, parseObservations, type ObservationReport, type ReportTarget } from "../samples";
import type { Action } from "./action";
import { pageOptions, pages, type PageFlags } from "./pages";

type BatchAnswer = components["schemas"]["ObservationBatchResult"];
type DriftReport = components["schemas"]["DriftReport"];

/** The registry takes at most this many reports per request (POST …/observations). */
const REPORTS_PER_BATCH = 1000;
const ARMS = ["stable", "candidate"] as const;

interface TargetFlags {
  ref?: string;
  arm?: string;
  version?: string;
}

export function registerMonitoring(program: Command, action: Action) {
  program
    .command("observe")
    .description("report live metrics of a version, or of a ref and the arm of its rollout; auto-rollback rules are judged after each batch")
    .argument("<name>")
    .argument("[file]", "reports as JSON ({observations: [...]}, an array, one report) or JSON Lines; - reads standard input")
    .option("--ref <ref>", "the ref that answered (Production, Staging, an alias)")
    .option("--arm <arm>", "stable or candidate: the arm of the ref's rollout that answered (X-Rollout-Arm)")
    .option("--version <version>", "the version that answered (number or semver), instead of --ref")
    .option("--metric <name=value>", "a metric of one report; repeat for several", collect)
    .option("--count <n>", "how many identical observations the --metric values stand for", parseCount("--count", 1, 1_000_000))
    .action(
      action(async (ctx, name: string, file: string | undefined, flags: TargetFlags & { metric?: string[]; count?: number }) => {
        const target = reportTarget(flags);
        if ((file === undefined) === (flags.metric === undefined)) throw new UsageError("give --metric name=value or a file of reports (- for standard input), not both");
        const reports: ObservationReport[] =
          file === undefined
            ? [{ ...requireTarget(target), metrics: parseMetricPairs(flags.metric!, "--metric"), ...(flags.count ? { count: flags.count } : {}) }]
            : parseObservations(await readText(file, "reports", ctx.io.stdin), file === "-" ? "stdin" : file, target);
        const answer = await sendObservations(ctx, name, reports);
        ctx.out.result(answer, humanObservations(name));
      }),
    );

  const reference = program.command("reference-data").description("the sample of training data that drift checks compare against");
  reference
    .command("set")
    .description("store a version's reference sample (replaces an earlier one)")
    .argument("<name>")
    .argument("<version>", "a number or a semver")
    .argument("<file>", "CSV with a header of feature names, or JSON {features: {NAME: [values]}}; - reads standard input")
    .action(
      action(async (ctx, name: string, v: string, file: string) => {
        const features = parseFeatures(await readText(file, "reference data", ctx.io.stdin), file === "-" ? "stdin" : file);
        const stored = await ctx.client().PUT("/v1/models/{name}/versions/{v}/reference-data", { params: { path: { name, v } }, body: { features } });
        ctx.out.result(stored, (s) =>
          [
            `stored reference data of ${s.model} version ${s.version}`,
            table(Object.entries(s.features), [
              ["FEATURE", ([feature]) => feature],
              ["KIND", ([, f]) => f.kind],
              ["ROWS", ([, f]) => f.rows],
            ]),
          ].join("\n"),
        );
      }),
    );
  reference
    .command("get")
    .description("a version's reference sample (the values with --json)")
    .argument("<name>")
    .argument("<version>", "a number or a semver")
    .action(
      action(async (ctx, name: string, v: string) => {
        const sample = await ctx.client().GET("/v1/models/{name}/versions/{v}/reference-data", { params: { path: { name, v } } });
        ctx.out.result(sample, (s) =>
          [
            `updated ${s.updated_at} by ${s.updated_by}`,
            table(Object.entries(s.features), [
              ["FEATURE", ([feature]) => feature],
              ["KIND", ([, values]) => (values.every((x) => typeof x === "number") ? "numbers" : "strings")],
              ["ROWS", ([, values]) => values.length],
            ]),
          ].join("\n"),
        );
      }),
    );

  const drift = program.command("drift").description("drift checks of current data against a version's reference sample");
  drift
    .command("check")
    .description("compare a current sample with the reference of a version (or of the version a ref points to); the report is stored")
    .argument("<name>")
    .argument("<file>", "CSV with a header of feature names, or JSON {features: {NAME: [values]}}; - reads standard input")
    .option("--ref <ref>", "check against the version this ref points to now")
    .option("--version <version>", "check against this version (number or semver)")
    .option("--fail-on-drift", `exit ${EXIT.drift} when the data set drifted, for a CI gate`)
    .action(
      action(async (ctx, name: string, file: string, flags: { ref?: string; version?: string; failOnDrift?: boolean }) => {
        if ((flags.ref === undefined) === (flags.version === undefined)) throw new UsageError("give --ref or --version (not both)");
        const features = parseFeatures(await readText(file, "current data", ctx.io.stdin), file === "-" ? "stdin" : file);
        const target = flags.ref !== undefined ? { ref: flags.ref } : { version: versionRef(flags.version!) };
        const report = await ctx.client().POST("/v1/models/{name}/drift", { params: { path: { name } }, body: { ...target, features } });
        ctx.out.result(report, humanDrift);
        if (flags.failOnDrift && report.dataset_drift) {
          throw new CheckFailed("DRIFT_DETECTED", `the data set drifted: ${Math.round(report.drift_share * 100)}% of features (report ${report.id})`, EXIT.drift);
        }
      }),
    );
  pageOptions(
    drift
      .command("list")
      .description("stored drift reports, newest first")
      .argument("<name>")
      .option("--version <n>", "reports about one version number", parseCount("--version", 1, Number.MAX_SAFE_INTEGER))
      .option("--drifted", "only reports that found the data set drifted"),
  ).action(
    action(async (ctx, name: string, flags: PageFlags & { version?: number; drifted?: boolean }) => {
      const client = ctx.client();
      const filter = { version: flags.version, drifted: flags.drifted ? ("true" as const) : undefined };
      const page = await pages(flags, (query) => client.GET("/v1/models/{name}/drift", { params: { path: { name }, query: { ...query, ...filter } } }));
      ctx.out.result(page, (p) =>
        p.items.length === 0
          ? "no drift reports"
          : table(p.items, [
              ["ID", (r) => r.id],
              ["AT", (r) => r.at],
              ["VERSION", (r) => r.version],
              ["ROWS", (r) => r.current_rows],
              ["DRIFTED", (r) => `${Object.values(r.features).filter((f) => f.drift).length}/${Object.keys(r.features).length}`],
              ["DATASET DRIFT", (r) => r.dataset_drift],
            ]) + morePages(p.next_cursor),
      );
    }),
  );
  drift
    .command("show")
    .description("one stored drift report")
    .argument("<name>")
    .argument("<id>")
    .action(
      action(async (ctx, name: string, id: string) => {
        const report = await ctx.client().GET("/v1/models/{name}/drift/{id}", { params: { path: { name, id } } });
        ctx.out.result(report, humanDrift);
      }),
    );
}

function reportTarget(flags: TargetFlags): ReportTarget {
  if (flags.ref !== undefined && flags.version !== undefined) throw new UsageError("give --ref or --version, not both");
  if (flags.arm !== undefined && flags.ref === undefined) throw new UsageError("--arm needs --ref");
  const arm = flags.arm === undefined ? undefined : ARMS.find((a) => a === flags.arm?.toLowerCase());
  if (flags.arm !== undefined && !arm) throw new UsageError(`--arm must be ${ARMS.join(" or ")}`);
  return {
    ...(flags.ref !== undefined ? { ref: flags.ref } : {}),
    ...(arm ? { arm } : {}),
    ...(flags.version !== undefined ? { version: versionRef(flags.version) } : {}),
  };
}

function requireTarget(target: ReportTarget): ReportTarget {
  if (target.ref === undefined && target.version === undefined) throw new UsageError("give --ref (with --arm under a rollout) or --version");
  return target;
}

/** Sent in batches the registry accepts; the answer adds them up (auto-rollback outcomes of every batch, in order). */
async function sendObservations(ctx: Context, name: string, reports: ObservationReport[]): Promise<BatchAnswer & { batches: number }> {
  const client = ctx.client();
  const total: BatchAnswer & { batches: number } = { accepted: 0, window_start: "", versions: [], auto_rollback: [], batches: 0 };
  for (let i = 0; i < reports.length; i += REPORTS_PER_BATCH) {
    const batch = reports.slice(i, i + REPORTS_PER_BATCH);
    const answer = await client.POST("/v1/models/{name}/observations", { params: { path: { name } }, body: { observations: batch } });
    total.accepted += answer.accepted;
    total.window_start = answer.window_start;
    total.versions = [...new Set([...total.versions, ...answer.versions])].sort((a, b) => a - b);
    total.auto_rollback.push(...answer.auto_rollback);
    total.batches++;
  }
  return total;
}

const humanObservations = (name: string) => (a: BatchAnswer & { batches: number }) =>
  [
    `recorded ${a.accepted} observation${a.accepted === 1 ? "" : "s"} of ${name} (version ${a.versions.join(", ")}) in the window from ${a.window_start}`,
    ...a.auto_rollback.map(
      (o) => `auto-rollback ${o.ref}${o.rollout_id ? ` (rollout ${o.rollout_id})` : ""}: ${o.tripped ? `TRIPPED, moved back from version ${o.version}` : "holds"}: ${o.reason}`,
    ),
  ].join("\n");

function humanDrift(r: DriftReport): string {
  const round = (n: number | null) => (n === null ? null : Number(n.toPrecision(4)));
  return [
    fields([
      ["report", r.id],
      ["model", `${r.model} version ${r.version}`],
      ["current rows", r.current_rows],
      ["drift share", `${round(r.drift_share * 100)}% of features`],
      ["dataset drift", r.dataset_drift],
    ]),
    "",
    table(Object.entries(r.features), [
      ["FEATURE", ([name]) => name],
      ["KIND", ([, f]) => f.kind],
      ["TEST", ([, f]) => f.test],
      ["STATISTIC", ([, f]) => round(f.statistic)],
      ["P-VALUE", ([, f]) => round(f.p_value)],
      ["PSI", ([, f]) => round(f.psi)],
      ["DRIFT", ([, f]) => (f.drift ? "yes" : "no")],
    ]),
  ].join("\n");
}
