/** Version identity and derived state: pure rules shared by routes, resolution and the MLflow facade. */
import semver from "semver";
import { badRequest, conflict } from "./errors";
import { STAGES, type Stage } from "./names";

export type VersionStatus = "PENDING" | "READY" | "FAILED";
export type DerivedStage = Stage | "Archived" | "None";

/** `:v` in a URL or a body: a version number (`7`) or an exact semver (`2.1.0`). */
export type VersionKey = { number: number } | { semver: string };

export function parseVersionKey(v: string | number): VersionKey {
  if (typeof v === "number" || /^\d+$/.test(v)) {
    const number = Number(v);
    if (!Number.isSafeInteger(number) || number < 1) throw badRequest(`version number must be a positive integer, got '${v}'`, { field: "version" });
    return { number };
  }
  if (semver.valid(v) === v) return { semver: v };
  throw badRequest(`'${v}' is neither a version number nor an exact semantic version`, { field: "version" });
}

export const describeKey = (key: VersionKey) => ("number" in key ? `version ${key.number}` : `version ${key.semver}`);

export interface SemverParts {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
}

/** Accepts only canonical semver (no `v` prefix, no build metadata): the registry's identity for a version. */
export function parseSemver(text: string): SemverParts {
  const parsed = semver.parse(text);
  if (!parsed || parsed.version !== text) {
    throw badRequest(`semver '${text}' is not a valid semantic version such as 2.1.0`, { field: "semver" });
  }
  return { major: parsed.major, minor: parsed.minor, patch: parsed.patch, prerelease: parsed.prerelease.join(".") };
}

/** A version's stage follows from the refs pointing at it: one version per stage, always. */
export function stageOf(refNames: readonly string[], archived: boolean): DerivedStage {
  for (const stage of STAGES) if (refNames.includes(stage)) return stage;
  return archived ? "Archived" : "None";
}

export const aliasesOf = (refNames: readonly string[]) =>
  refNames.filter((name) => !(STAGES as readonly string[]).includes(name)).sort();

/** READY versions are immutable except for appended metrics: a recorded value never changes. */
export function appendMetrics(current: Record<string, number>, added: Record<string, number>): Record<string, number> {
  const changed = Object.keys(added).filter((k) => k in current && current[k] !== added[k]);
  if (changed.length > 0) {
    throw conflict(`metrics ${changed.join(", ")} are already recorded; metrics may be appended, not changed`, {
      field: "metrics",
      metrics: changed,
    });
  }
  return { ...current, ...added };
}

export function artifactUrl(base: string, model: string, number: number, path: string): string {
  const encodedPath = path.split("/").map(encodeURIComponent).join("/");
  return `${base}/v1/models/${encodeURIComponent(model)}/versions/${number}/artifacts/${encodedPath}`;
}
