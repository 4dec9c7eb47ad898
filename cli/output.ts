/** What the command prints: results on stdout (JSON with --json, tables otherwise), everything else on stderr. */
import type { Writable } from "node:stream";

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  stdout?: Writable;
  stderr?: Writable;
}

export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly stdout: Writable;
  readonly stderr: Writable;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.quiet = options.quiet;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
  }

  /** The command's answer: `value` as JSON for scripts, `human(value)` for people. */
  result<T>(value: T, human: (value: T) => string): void {
    const text = this.json ? JSON.stringify(value, null, 2) : human(value);
    if (text) this.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** A note for people; never part of the result. */
  note(text: string): void {
    if (!this.quiet) this.stderr.write(`${text}\n`);
  }
}

export type Column<T> = [header: string, cell: (row: T) => unknown];

/** A plain text table: columns padded to their widest cell, no borders, so it pastes cleanly. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map(([, cell]) => show(cell(row))));
  const headers = columns.map(([header]) => header);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(headers), ...cells.map(line)].join("\n");
}

/** Key–value lines for one resource. */
export function fields(pairs: readonly [label: string, value: unknown][]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${show(value)}`).join("\n");
}

export function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "-";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== "object")) return value.length ? value.join(", ") : "-";
  if (typeof value === "object" && Object.values(value).every((v) => typeof v !== "object" || v === null)) {
    const entries = Object.entries(value);
    return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(", ") : "-";
  }
  return JSON.stringify(value);
}

/** A hint that a list has more pages, for people; scripts read next_cursor from --json. */
export function morePages(nextCursor: string | null | undefined): string {
  return nextCursor ? `\n(more: --cursor ${nextCursor}, or --all)` : "";
}
