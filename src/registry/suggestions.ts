/**
 * "Did you mean …" for a model name that does not exist: the closest names the caller may read. A scoped token is
 * offered only names inside its scope, so a typo never reveals a model it could not already see.
 */
import { canTouchModel, type Principal } from "../auth/principal";
import { closestNames } from "../domain/suggest";
import type { Database } from "../store/db";
import { modelNamesNear } from "../store/models";

/** Candidates read for one suggestion: the error path stays one small indexed read. */
const MAX_CANDIDATES = 2000;

export async function modelNameSuggestions(db: Database, principal: Principal, name: string): Promise<string[]> {
  const candidates = await modelNamesNear(db, name.length, 3, MAX_CANDIDATES);
  return closestNames(name, candidates.filter((candidate) => canTouchModel(principal, candidate)));
}
