/** How refs move: which history entries an instant rollback undoes, and compare-and-set expectations. */
import { preconditionFailed } from "./errors";

export type RefAction =
  | "move"
  | "import"
  | "promote"
  | "delete"
  | "rollback"
  | "auto_rollback"
  | "rollout_start"
  | "rollout_abort"
  | "rollout_rollback"
  | "rollout_auto_rollback";

/**
 * Entries that record a rollout's life on its ref without moving it (from = to = the stable version). They claim a
 * generation like any change, so a concurrent manual move still fails, but a rollback neither undoes nor counts them.
 */
export const ROLLOUT_MARKS: readonly RefAction[] = ["rollout_start", "rollout_abort", "rollout_rollback", "rollout_auto_rollback"];

export interface RefHistoryStep {
  generation: number;
  action: RefAction;
  fromVersionId: string | null;
  toVersionId: string | null;
}

const UNDOABLE: ReadonlySet<RefAction> = new Set(["move", "import", "promote", "delete"]);
const UNDOING: ReadonlySet<RefAction> = new Set(["rollback", "auto_rollback"]);

/**
 * The step a rollback undoes: the newest move not already undone, so repeated rollbacks walk back through
 * history (v3 → v2 → v1) instead of flipping between the last two versions.
 */
export function stepToUndo(history: readonly RefHistoryStep[]): RefHistoryStep | null {
  const stack: RefHistoryStep[] = [];
  for (const step of [...history].sort((a, b) => a.generation - b.generation)) {
    if (UNDOABLE.has(step.action)) stack.push(step);
    else if (UNDOING.has(step.action)) stack.pop();
  }
  return stack[stack.length - 1] ?? null;
}

/** A ref's current target as compare-and-set sees it: a version number, or null when the ref is unset. */
export function assertExpected(refName: string, expected: number | null | undefined, actual: number | null): void {
  if (expected === undefined || expected === actual) return;
  throw preconditionFailed(
    `${refName} points to ${actual === null ? "nothing" : `version ${actual}`}, not ${expected === null ? "nothing" : `version ${expected}`} as expected`,
    { field: "expected_version", expected, actual },
  );
}

/** What a ref history entry meant for one version. */
export type VersionChange = "entered" | "left" | "rollout_started" | "rollout_ended";

/**
 * How an entry touched a version: it entered or left the ref (a move, rollback or promote), or a rollout in which it
 * is an arm started or ended without moving the ref (abort, rollback or automatic rollback of the canary).
 */
export function versionChangeOf(
  entry: { action: RefAction; fromVersionId: string | null; toVersionId: string | null },
  versionId: string,
): VersionChange | null {
  if (ROLLOUT_MARKS.includes(entry.action)) return entry.action === "rollout_start" ? "rollout_started" : "rollout_ended";
  if (entry.toVersionId === versionId && entry.fromVersionId !== versionId) return "entered";
  if (entry.fromVersionId === versionId && entry.toVersionId !== versionId) return "left";
  return null;
}
