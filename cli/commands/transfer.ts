/** push and pull: the commands that move artifact bytes. */
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { collect, parseCount, parseDataset, parseSize, parseTags, readJsonObject } from "../args";
import type { Context } from "../context";
import { collectFiles } from "../files";
import { parseSemver } from "../../src/domain/versions";
import { UsageError } from "../errors";
import { gitProvenance } from "../git";
import { fields, table, type Output } from "../output";
import type { Progress } from "../progress";
import { pull, type PullReport } from "../pull";
import { push, type PushReport, type VersionMeta } from "../push";
import { UploadState } from "../state";
import { formatBytes } from "../units";
import type { Action } from "./action";

const MiB = 1024 * 1024;
/** R2's part limits; the registry's default part size. */
const MIN_PART = 5 * MiB;
const MAX_PART = 5 * 1024 * MiB;
const DEFAULT_PART_BYTES = 64 * MiB;

interface PushFlags {
  version: string;
  description?: string;
  metrics?: string;
  params?: string;
  signature?: string;
  dataset?: string;
  datasetDigest?: string;
  runId?: string;
  gitCommit?: string | false;
  source?: string;
  tag?: string[];
  partSize: number;
  concurrency: number;
  stateDir?: string;
}

export function registerTransfer(program: Command, action: Action) {
  program
    .command("push")
    .description("hash files, declare them in a new version and upload them (resumable: run it again after an interruption)")
    .argument("<name>", "model name (registered on first push)")
    .argument("<paths...>", "files, or directories whose files are pushed under their relative paths")
    .requiredOption("--version <semver>", "the version's semver, e.g. 2.1.0")
    .option("--description <text>", "why this version exists (the changelog)")
    .option("--metrics <file.json>", 'metrics as a JSON object, e.g. {"mae": 7.9}')
    .option("--params <file.json>", "hyperparameters as a JSON object")
    .option("--signature <file.json>", 'input/output signature: {"inputs": [{name, type, optional?}], "outputs": [...]}')
    .option("--dataset <name[@version]>", "the training dataset")
    .option("--dataset-digest <digest>", "the dataset's digest, e.g. sha256:…")
    .option("--run-id <id>", "the training run's id")
    .option("--git-commit <sha>", "the commit the model was built from (default: HEAD of the git repository holding the pushed files)")
    .option("--no-git-commit", "record no commit")
    .option("--source <text>", "where the model came from (a URL, a pipeline name)")
    .option("--tag <key=value>", "a version tag; repeat for several", collect)
    .addOption(
      new Option("--part-size <size>", "bytes per part; larger files go in parts, smaller ones in one request (5MiB–5GiB)")
        .argParser(parseSize("--part-size", MIN_PART, MAX_PART))
        .default(DEFAULT_PART_BYTES, "64MiB"),
    )
    .option("--concurrency <n>", "requests in flight at once", parseCount("--concurrency", 1, 64), 4)
    .option("--state-dir <dir>", "where upload sessions are remembered for resuming (default: ./.edgereg)")
    .action(
      action(async (ctx, name: string, paths: string[], flags: PushFlags) => {
        // Everything that can be refused without the files' bytes is checked before hashing them.
        assertSemver(flags.version);
        const meta = versionMeta(flags);
        const client = ctx.client();
        const files = await collectFiles(paths);
        if (flags.gitCommit === undefined) recordGit(meta, paths.map((p) => resolve(ctx.io.cwd, p)), ctx.out);
        const state = new UploadState(resolve(ctx.io.cwd, flags.stateDir ?? ".edgereg"));
        const transfer = { partSize: flags.partSize, concurrency: flags.concurrency };
        let progress: Progress | undefined;
        // Registered before the progress bars are: their own Ctrl-C handler exits at once, and this one must run first.
        const forget = ctx.io.onInterrupt?.(() => {
          progress?.stop();
          // Not a note: even with --quiet, an interrupted CI log must say how to pick the push up again.
          ctx.io.stderr.write(`\nedgereg: push interrupted; what reached the registry stays there. Resume from ${ctx.io.cwd} with:\n  ${resumeCommand(ctx.command!)}\n`);
        });
        progress = ctx.progress();
        const report = await push({ client, progress, state }, name, files, meta, transfer).finally(() => {
          forget?.();
          progress.stop();
        });
        ctx.out.result(report, humanPush);
      }),
    );

  program
    .command("pull")
    .description("download a version's artifacts and verify every sha256 (resumes partial files)")
    .argument("<ref>", "models:/NAME/Production, NAME/Staging, NAME@alias, NAME/7, NAME/2.1.0, NAME/^2.1, NAME/latest; a trailing /path pulls one artifact")
    .option("-o, --output <dir>", "directory to write into", ".")
    .option("--key <routing-key>", "routing key that picks the arm when the ref is under a rollout")
    .option("--concurrency <n>", "downloads in flight at once", parseCount("--concurrency", 1, 64), 4)
    .action(
      action(async (ctx, ref: string, flags: { output: string; key?: string; concurrency: number }) => {
        const client = ctx.client();
        const progress = ctx.progress();
        const options = { dir: resolve(ctx.io.cwd, flags.output), concurrency: flags.concurrency, key: flags.key };
        const report = await pull({ client, progress }, ref, options).finally(() => progress.stop());
        ctx.out.result(report, humanPull);
      }),
    );
}

/** The registry's rule (canonical semver, no `v`, no build metadata), applied before any file is read. */
function assertSemver(version: string) {
  try {
    parseSemver(version);
  } catch {
    throw new UsageError(`--version '${version}' is not a semantic version such as 2.1.0 (no 'v' prefix, no build metadata)`);
  }
}

function versionMeta(flags: PushFlags): VersionMeta {
  const meta: VersionMeta = { semver: flags.version };
  if (flags.description !== undefined) meta.description = flags.description;
  if (flags.runId !== undefined) meta.run_id = flags.runId;
  if (typeof flags.gitCommit === "string") meta.git_commit = flags.gitCommit.toLowerCase();
  if (flags.source !== undefined) meta.source = flags.source;
  if (flags.dataset !== undefined) meta.dataset = parseDataset(flags.dataset, flags.datasetDigest);
  // The registry validates each object's contents and names the wrong field; here only the files' shape is checked.
  if (flags.metrics !== undefined) meta.metrics = readJsonObject(flags.metrics, "--metrics") as VersionMeta["metrics"];
  if (flags.params !== undefined) meta.params = readJsonObject(flags.params, "--params") as VersionMeta["params"];
  if (flags.signature !== undefined) meta.signature = readJsonObject(flags.signature, "--signature") as VersionMeta["signature"];
  if (flags.tag?.length) meta.tags = parseTags(flags.tag);
  return meta;
}

/** The commit of the repository holding the pushed files, and `git_dirty=true` when they differ from it. */
function recordGit(meta: VersionMeta, paths: string[], out: Output) {
  const git = gitProvenance(paths);
  if (git.commit === null) {
    out.note(`no git commit recorded: ${git.reason}`);
    return;
  }
  meta.git_commit = git.commit;
  if (git.dirty.length === 0) {
    out.note(`recording git commit ${git.commit.slice(0, 12)} of ${git.root}`);
    return;
  }
  meta.tags = { git_dirty: "true", ...meta.tags };
  const shown = git.dirty.slice(0, 3).join(", ") + (git.dirty.length > 3 ? ", …" : "");
  out.note(`recording git commit ${git.commit.slice(0, 12)} of ${git.root}, tagged git_dirty=true: ${git.dirty.length} pushed file(s) differ from it (${shown})`);
}

/** The command line that was run, as a shell would take it back; a --token value is not repeated into logs (push, import). */
export function resumeCommand(command: Command): string {
  // commander keeps the arguments it parsed on the program (untyped): with from "user", exactly argv.
  let program = command;
  while (program.parent) program = program.parent;
  const args = [...(program as unknown as { rawArgs: string[] }).rawArgs];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--token" && i + 1 < args.length) args[i + 1] = "$EDGEREG_TOKEN";
    else if (args[i]!.startsWith("--token=")) args[i] = "--token=$EDGEREG_TOKEN";
  }
  return ["edgereg", ...args].map((a) => (a.startsWith("$") || a.startsWith("--token=$") ? `"${a}"` : shellQuote(a))).join(" ");
}

const shellQuote = (arg: string) => (/^[A-Za-z0-9_@%+=:,./^~-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

function humanPush(report: PushReport): string {
  const { version } = report;
  const sent = report.uploads.reduce((sum, u) => sum + u.bytes_sent, 0);
  return [
    `${version.model} version ${version.number} (${version.semver}) is ${version.status}${report.created ? "" : " (existing version)"}; sent ${formatBytes(sent)}`,
    table(report.uploads, [
      ["PATH", (u) => u.path],
      ["SIZE", (u) => formatBytes(u.size)],
      ["TRANSFER", (u) => (u.transfer === "multipart" ? `multipart ${u.parts_sent}/${u.parts} parts sent` : u.transfer)],
      ["SHA256", (u) => u.sha256],
    ]),
  ].join("\n");
}

function humanPull(report: PullReport): string {
  return [
    fields([
      ["reference", report.reference],
      ["version", `${report.version} (${report.semver})`],
      ["arm", report.arm],
    ]),
    table(report.artifacts, [
      ["FILE", (a) => a.file],
      ["SIZE", (a) => formatBytes(a.size)],
      ["RESULT", (a) => a.outcome],
    ]),
  ].join("\n");
}
