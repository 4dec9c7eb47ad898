/** import mlflow: copy another registry's models into edgereg (docs/mlflow-import.md). */
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Option, type Command } from "commander";
import { parseCount, parseSize } from "../args";
import { CheckFailed, EXIT, UsageError } from "../errors";
import { planImport, runImport, type ImportPlan, type ImportSummary } from "../import-mlflow";
import { MlflowClient, MlflowError, mlflowAuthorization, UNREACHABLE } from "../mlflow";
import { table } from "../output";
import type { Progress } from "../progress";
import { UploadState } from "../state";
import { formatBytes } from "../units";
import type { Action } from "./action";
import { resumeCommand } from "./transfer";

const MiB = 1024 * 1024;

interface ImportFlags {
  from: string;
  models?: string;
  dryRun?: boolean;
  partSize: number;
  concurrency: number;
  stateDir?: string;
}

export function registerImport(program: Command, action: Action) {
  const imports = program.command("import").description("copy models from another registry into edgereg");
  imports
    .command("mlflow")
    .description("copy registered models, their versions and files, stages and aliases from an MLflow server (run it again to resume)")
    .requiredOption("--from <url>", "the MLflow tracking server, e.g. http://mlflow.internal:5000 (credentials: MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)")
    .option("--models <glob>", "only the registered models whose names match (* and ?)")
    .option("--dry-run", "read MLflow and edgereg and print what would be copied; change nothing")
    .addOption(
      new Option("--part-size <size>", "files larger than this go up in parts of this size (5MiB–5GiB)")
        .argParser(parseSize("--part-size", 5 * MiB, 5 * 1024 * MiB))
        .default(64 * MiB, "64MiB"),
    )
    .option("--concurrency <n>", "versions copied at once, and requests in flight for each", parseCount("--concurrency", 1, 64), 4)
    .option("--state-dir <dir>", "where started uploads are remembered for resuming and downloads wait for their upload (default: ./.edgereg)")
    .action(
      action(async (ctx, flags: ImportFlags) => {
        const source = trackingUrl(flags.from);
        const client = ctx.client();
        const mlflow = new MlflowClient(source, mlflowAuthorization(ctx.io.env));
        const stateDir = resolve(ctx.io.cwd, flags.stateDir ?? ".edgereg");
        const state = new UploadState(stateDir);
        let tempDir: string | undefined;
        let progress: Progress | undefined;
        // Registered before the progress bars are: their own Ctrl-C handler exits at once, and this one must run first.
        const forget = ctx.io.onInterrupt?.(() => {
          progress?.stop();
          if (tempDir) rmSync(tempDir, { recursive: true, force: true });
          // Not a note: even with --quiet, an interrupted job's log must say how to pick the import up again.
          ctx.io.stderr.write(`\nedgereg: import interrupted; what reached the registry stays there. Resume from ${ctx.io.cwd} with:\n  ${resumeCommand(ctx.command!)}\n`);
        });
        progress = ctx.progress();
        const options = { source, glob: flags.models, transfer: { partSize: flags.partSize, concurrency: flags.concurrency } };
        const importCtx = { client, mlflow, progress, state, tempDir: "", logVersions: !(ctx.io.stderr.isTTY && !ctx.out.json) };
        try {
          const plan = await planImport(importCtx, options).catch((error: unknown) => {
            // Without the list of models there is nothing to import: MLflow's refusal is the command's.
            if (!(error instanceof MlflowError)) throw error;
            if (error.status === UNREACHABLE) throw new CheckFailed(error.code, error.message, EXIT.unreachable);
            throw new CheckFailed(error.code, `MLflow at ${source} answered: ${error.message}`, EXIT.refused);
          });
          if (flags.dryRun) {
            progress.stop();
            ctx.out.result(planReport(plan), humanPlan);
            return;
          }
          tempDir = importCtx.tempDir = await downloadDir(stateDir);
          const summary = await runImport(importCtx, options, plan);
          progress.stop();
          ctx.out.result(summary, humanSummary);
          if (summary.failed.length > 0) {
            throw new CheckFailed(
              "IMPORT_INCOMPLETE",
              `${summary.failed.length} item${summary.failed.length === 1 ? "" : "s"} not imported (listed above); run the same command again to retry`,
              EXIT.refused,
            );
          }
        } finally {
          forget?.();
          progress.stop();
          if (tempDir) rmSync(tempDir, { recursive: true, force: true });
        }
      }),
    );
}

/**
 * Downloads wait for their upload in the state directory (on disk, where a big file fits; /tmp may be memory), one
 * directory per process. A run killed outright leaves its directory behind: the next run, usually the one that
 * resumes, removes those whose process is gone.
 */
async function downloadDir(stateDir: string): Promise<string> {
  const root = join(stateDir, "downloads");
  await mkdir(root, { recursive: true });
  for (const name of await readdir(root)) {
    const pid = Number(name.split("-")[0]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) await rm(join(root, name), { recursive: true, force: true });
  }
  return mkdtemp(join(root, `${process.pid}-`));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function trackingUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--from '${text}' is not a URL such as http://mlflow.internal:5000`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--from must be an http(s) URL, not ${url.protocol}`);
  if (url.search || url.hash) throw new UsageError("--from takes the server's base URL, without a query or fragment");
  return url.href.replace(/\/+$/, "");
}

/** The plan as --json prints it: per model, what each version, ref and archive step would do. */
function planReport(plan: ImportPlan) {
  const versions = plan.models.flatMap((m) => m.versions);
  const count = (action: string) => versions.filter((v) => v.action === action).length;
  return {
    dry_run: true,
    source: plan.source,
    totals: {
      models: plan.models.length,
      models_to_create: plan.models.filter((m) => m.action === "create").length,
      versions: versions.length,
      versions_to_create: count("create"),
      versions_to_resume: count("resume"),
      versions_to_update: count("update"),
      versions_unchanged: count("unchanged"),
      files: versions.reduce((sum, v) => sum + (v.metadataOnly ? 0 : v.files.length), 0),
      bytes: versions.reduce((sum, v) => sum + (v.metadataOnly ? 0 : v.bytes), 0),
      refs_to_set: plan.models.reduce((sum, m) => sum + m.refs.filter((r) => r.action === "set").length, 0),
      versions_to_archive: plan.models.reduce((sum, m) => sum + m.archive.length, 0),
    },
    models: plan.models.map((m) => ({
      name: m.name,
      action: m.action,
      ...(m.problem ? { problem: m.problem } : {}),
      versions: m.versions.map((v) => ({
        version: v.number,
        action: v.action,
        stage: v.stage,
        files: v.metadataOnly ? 0 : v.files.length,
        bytes: v.metadataOnly ? 0 : v.bytes,
        ...(v.metadataOnly ? { metadata_only: v.metadataOnly } : {}),
        ...(v.problem ? { problem: v.problem } : {}),
      })),
      refs: m.refs,
      archive: m.archive,
    })),
    metadata_only: versions.filter((v) => v.metadataOnly).map((v) => ({ model: v.model, version: v.number, reason: v.metadataOnly })),
    warnings: plan.warnings,
  };
}

function humanPlan(report: ReturnType<typeof planReport>): string {
  const t = report.totals;
  const lines = [
    `dry run: nothing was changed. From ${report.source}, ${t.models} model${t.models === 1 ? "" : "s"} and ${t.versions} version${t.versions === 1 ? "" : "s"}:`,
    table(report.models, [
      ["MODEL", (m) => m.name],
      ["ACTION", (m) => (m.problem ? `${m.action}: ${m.problem}` : m.action)],
      ["VERSIONS", (m) => versionActions(m.versions)],
      ["BYTES", (m) => formatBytes(m.versions.reduce((sum, v) => sum + v.bytes, 0))],
      ["REFS", (m) => m.refs.map((r) => `${r.ref}→${r.version}${r.action === "unchanged" ? " (as is)" : ""}`).join(", ")],
      ["ARCHIVE", (m) => m.archive.join(", ")],
    ]),
    `would copy ${t.files} file${t.files === 1 ? "" : "s"} (${formatBytes(t.bytes)}): ${t.versions_to_create} versions to create, ${t.versions_to_resume} to resume, ` +
      `${t.versions_to_update} to update, ${t.versions_unchanged} unchanged; ${t.refs_to_set} refs to set, ${t.versions_to_archive} versions to archive`,
  ];
  const conflicts = report.models.flatMap((m) => m.versions.filter((v) => v.problem).map((v) => ({ model: m.name, version: v.version, reason: v.problem! })));
  if (report.metadata_only.length) lines.push("metadata only (files not copied):", reasons(report.metadata_only));
  if (conflicts.length) lines.push("would not import:", reasons(conflicts));
  return lines.join("\n");
}

function versionActions(versions: { action: string }[]): string {
  const counts = new Map<string, number>();
  for (const v of versions) counts.set(v.action, (counts.get(v.action) ?? 0) + 1);
  return [...counts].map(([action, n]) => `${n} ${action}`).join(", ");
}

const reasons = (rows: { model: string; version?: number; reason: string | null }[]) =>
  table(rows, [
    ["MODEL", (r) => r.model],
    ["VERSION", (r) => r.version],
    ["REASON", (r) => r.reason],
  ]);

function humanSummary(s: ImportSummary): string {
  const changed = s.models.created + s.models.updated + s.versions.created + s.versions.resumed + s.versions.updated + s.refs.set + s.archived;
  const lines = [
    changed === 0 && s.failed.length === 0
      ? `nothing changed: everything from ${s.source} was already imported`
      : `imported from ${s.source}: ${formatBytes(s.bytes)} in ${s.files} file${s.files === 1 ? "" : "s"} uploaded in ${s.seconds}s`,
    `models:   ${s.models.created} created, ${s.models.updated} updated, ${s.models.unchanged} unchanged${s.models.failed ? `, ${s.models.failed} failed` : ""}`,
    `versions: ${s.versions.created} created, ${s.versions.resumed} resumed, ${s.versions.updated} updated, ${s.versions.unchanged} unchanged${s.versions.failed ? `, ${s.versions.failed} failed` : ""}`,
    `refs:     ${s.refs.set} set, ${s.refs.unchanged} unchanged; ${s.archived} version${s.archived === 1 ? "" : "s"} archived`,
  ];
  if (s.metadata_only.length) lines.push("metadata only (files not copied):", reasons(s.metadata_only));
  if (s.failed.length) lines.push("not imported:", reasons(s.failed));
  return lines.join("\n");
}

