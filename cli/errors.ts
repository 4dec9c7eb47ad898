/** Exit codes of the edgereg command (README, "The edgereg command", lists them). */
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
} as const;

/** A mistake in how the command was called. */
export class UsageError extends Error {
  override name = "UsageError";
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
