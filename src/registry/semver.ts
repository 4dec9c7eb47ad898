/**
 * The semver rule at version creation (DESIGN §7): the new signature is compared with its predecessor's, the
 * highest existing semver below the new one, so a maintenance release on an older line is judged against that line.
 */
import { and, eq } from "drizzle-orm";
import semver from "semver";
import { unprocessable } from "../domain/errors";
import { checkVersionBump, planVersion, type Signature, type VersionPlan } from "../domain/signature";
import type { Database } from "../store/db";
import type { ModelRow } from "../store/models";
import { versions } from "../store/schema";

/** The plan for the next version after the model's highest semver (POST …/versions/plan). */
export async function planNextVersion(db: Database, model: ModelRow, signature: Signature | null): Promise<VersionPlan> {
  const previous = await predecessor(db, model, (v) => v);
  return planVersion(previous, signature);
}

/** Refuses (422, naming the changes) a new version whose number is too small a bump for its signature change. */
export async function assertSemverRule(db: Database, model: ModelRow, input: { semver: string; signature?: Signature | null }) {
  const previous = await predecessor(db, model, (all) => all.filter((v) => semver.lt(v, input.semver)));
  if (!previous) return;
  const plan = planVersion(previous, input.signature ?? null);
  const problem = checkVersionBump(previous.semver, input.semver, plan.required_bump);
  if (problem) throw unprocessable(problem, plan);
}

/** The highest of the semvers `among` picks, with its signature; null when there is none. */
async function predecessor(db: Database, model: ModelRow, among: (all: string[]) => string[]) {
  const all = await db.select({ semver: versions.semver }).from(versions).where(eq(versions.modelId, model.id));
  const highest = semver.rsort(among(all.map((v) => v.semver)))[0];
  if (highest === undefined) return null;
  const row = await db
    .select({ signature: versions.signature })
    .from(versions)
    .where(and(eq(versions.modelId, model.id), eq(versions.semver, highest)))
    .get();
  return { semver: highest, signature: (row?.signature as Signature | null) ?? null };
}
