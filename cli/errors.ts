/** Exit codes of the edgereg command (docs/cli.md, "Exit codes", lists them). */
export const EXIT = {
  ok: 0,
  /** The registry refused the request: its code and message are printed. */
  refused: 1,
  /** Bad arguments, flags, files or configuration; nothing was sent. */
  usage: 2,
  /** The registry could not be reached. */
  unreachable: 3,
  /** Downloaded or local bytes do not match their sha256. */
  integrity: 4,
  /** `drift check --fail-on-drift` found the data set drifted (the report is stored and printed). */
  drift: 5,
  /** Ctrl-C (SIGINT) or SIGTERM; a push says how to resume. 128 + the signal's number, as shells report it. */
  interrupted: 130,
  terminated: 143,
} as const;

/** A mistake in how the command was called; `usage` is the command's usage line, added where the command is known. */
export class UsageError extends Error {
  override name = "UsageError";
  usage?: string;
  /** False for mistakes in the settings (URL, token) rather than in the command line: its usage would not help. */
  readonly showUsage: boolean;
  constructor(message: string, options: { showUsage?: boolean } = {}) {
    super(message);
    this.showUsage = options.showUsage ?? true;
  }
}

/** Bytes that do not match the digest they should have. */
export class IntegrityError extends Error {
  override name = "IntegrityError";
  constructor(
    message: string,
    readonly details: { path: string; expected_sha256: string; actual_sha256: string },
  ) {
    super(message);
  }
}

/** The command worked and its result is printed, but it answers a question the caller asked to fail on. */
export class CheckFailed extends Error {
  override name = "CheckFailed";
  constructor(
    readonly code: string,
    message: string,
    readonly exit: number,
  ) {
    super(message);
  }
}
