/** The `edgereg` command: global flags, the command tree, and one place where failures become exit codes. */
import { Command, CommanderError } from "commander";
import { EdgeregError } from "../src/client";
import { actionFor } from "./commands/action";
import { registerAdmin } from "./commands/admin";
import { registerImport } from "./commands/import";
import { registerMonitoring } from "./commands/monitoring";
import { registerPipeline } from "./commands/pipeline";
import { registerRefs } from "./commands/refs";
import { registerRegistry } from "./commands/registry";
import { registerTransfer } from "./commands/transfer";
import { registerWebhooks } from "./commands/webhooks";
import type { Io } from "./context";
import { CheckFailed, EXIT, IntegrityError, UsageError } from "./errors";
import { version } from "./package.json";
import { NetworkError } from "./transport";
import { usageOf } from "./usage";

export const VERSION = version;

export function buildProgram(io: Io): Command {
  const program = new Command("edgereg")
    .description("The edgereg model registry from a terminal or a CI job.")
    .version(VERSION, "-V, --version")
    // Program flags go before the command (so `push --version` is push's); the shared ones are added to every command.
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();
  const action = actionFor(io);
  registerTransfer(program, action);
  registerImport(program, action);
  registerRegistry(program, action);
  registerPipeline(program, action);
  registerRefs(program, action);
  registerMonitoring(program, action);
  registerWebhooks(program, action);
  registerAdmin(program, action);
  for (const command of [program, ...leaves(program)]) {
    command
      .option("--url <url>", "registry URL (else EDGEREG_URL, else the login config)")
      .option("--token <token>", "API token (else EDGEREG_TOKEN, else the login config)")
      .option("--json", "print the result as JSON on stdout")
      .option("-q, --quiet", "no progress or notes on stderr")
      // A mistake gets one line and the command's usage, not the whole help.
      .showHelpAfterError(usageOf(command))
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  }
  return program;
}


function leaves(command: Command): Command[] {
  return command.commands.flatMap((c) => (c.commands.length > 0 ? [c, ...leaves(c)] : [c]));
}

/** Runs the command line and answers the exit code; never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (error) {
    return report(error, io, argv.includes("--json"));
  }
}

function report(error: unknown, io: Io, json: boolean): number {
  if (error instanceof CommanderError) {
    // commander printed its own message; help and --version end here too, successfully.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const { code, message, exit, details } = describe(error);
  if (json) io.stderr.write(`${JSON.stringify({ error: { code, message, ...(details === undefined ? {} : { details }) } })}\n`);
  else io.stderr.write(`edgereg: ${message}${code ? ` [${code}]` : ""}\n${detailLines(details)}`);
  return exit;
}

function describe(error: unknown): { code: string; message: string; exit: number; details?: unknown } {
  if (error instanceof EdgeregError) {
    const details = error.requestId ? { ...(isObject(error.details) ? error.details : { details: error.details }), request_id: error.requestId } : error.details;
    return { code: error.code, message: error.message, exit: EXIT.refused, details };
  }
  if (error instanceof UsageError) {
    const usage = error.showUsage && error.usage ? { usage: error.usage } : undefined;
    return { code: "USAGE", message: error.message, exit: EXIT.usage, details: usage };
  }
  if (error instanceof CheckFailed) return { code: error.code, message: error.message, exit: error.exit };
  if (error instanceof IntegrityError) return { code: "SHA256_MISMATCH", message: error.message, exit: EXIT.integrity, details: error.details };
  if (error instanceof NetworkError) return { code: "UNREACHABLE", message: `cannot reach the registry: ${error.message}`, exit: EXIT.unreachable };
  const message = error instanceof Error ? error.message : String(error);
  return { code: "INTERNAL", message: `unexpected failure: ${message}`, exit: EXIT.refused };
}

/** A refused promotion or a failed validation is only useful with the checks or fields that failed. */
function detailLines(details: unknown): string {
  if (!isObject(details)) return "";
  const lines: string[] = [];
  for (const issue of asArray(details.issues)) if (isObject(issue)) lines.push(`  ${issue.path || "body"}: ${issue.message}`);
  for (const check of asArray(details.checks)) if (isObject(check) && check.passed === false) lines.push(`  ✗ ${check.name}: ${check.detail}`);
  if (typeof details.request_id === "string") lines.push(`  request id: ${details.request_id}`);
  if (typeof details.usage === "string") lines.push(details.usage);
  return lines.map((l) => `${l}\n`).join("");
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
