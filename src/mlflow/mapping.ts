/**
 * How MLflow's registry words map onto edgereg's (README, "MLflow clients"): stages, statuses, version numbers, the semver an
 * MLflow-created version gets, page tokens, and the `mlflow-artifacts:` namespace that serves edgereg's R2 artifacts.
 * Pure, so every rule is unit-tested without a runtime.
 */
import { ALIAS_PATTERN, canonicalStage, isReservedRefName, STAGES, type Stage } from "../domain/names";
import type { DerivedStage, VersionStatus } from "../domain/versions";
import { invalidParameter } from "./errors";

/** MLflow's stages, in the order its `get-latest-versions` lists them when no stage is asked for. */
export const MLFLOW_STAGES = ["None", "Staging", "Production", "Archived"] as const satisfies readonly DerivedStage[];
export type MlflowStage = (typeof MLFLOW_STAGES)[number];

/** MLflow accepts stage names in any case and answers with the canonical spelling. */
export function canonicalMlflowStage(raw: string): MlflowStage {
  const found = MLFLOW_STAGES.find((s) => s.toLowerCase() === raw.toLowerCase());
  if (!found) throw invalidParameter(`Invalid Model Version stage: ${raw}. Value must be one of ${MLFLOW_STAGES.join(", ")}.`);
  return found;
}

export const isServingStage = (stage: MlflowStage): stage is Stage => (STAGES as readonly string[]).includes(stage);

export type MlflowVersionStatus = "PENDING_REGISTRATION" | "READY" | "FAILED_REGISTRATION";

const STATUS: Record<VersionStatus, MlflowVersionStatus> = {
  PENDING: "PENDING_REGISTRATION",
  READY: "READY",
  FAILED: "FAILED_REGISTRATION",
};

export const mlflowStatus = (status: VersionStatus) => STATUS[status];

/** edgereg keeps ISO-8601 strings; MLflow speaks milliseconds since the epoch. */
export const epochMillis = (iso: string) => Date.parse(iso);

/** `version` is a string in MLflow's messages but must hold a positive integer (mlflow/utils/validation.py). */
export function versionNumberOf(raw: string): number {
  const trimmed = raw.trim();
  const number = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(number) || number < 1) throw invalidParameter(`Parameter 'version' must be an integer, got '${raw}'.`);
  return number;
}

/**
 * MLflow clients never choose a semver, so edgereg gives a version `0.0.0-mlflow.N`, N being its own number (the one
 * MLflow reports), assigned by the same INSERT: a prerelease, so semver ranges such as `^1.0` never select it and it
 * makes no compatibility claim. A client that wants a real semver passes it as the tag `edgereg.semver`.
 */
export const MLFLOW_PRERELEASE = "mlflow";
export const SEMVER_TAG = "edgereg.semver";

/**
 * MLflow's alias API names aliases only: a stage name would move a stage ref past its gates, and edgereg's reserved
 * words (`latest`, `v<N>`, `None`, `Archived`) name no stored ref. Aliases start with a letter (edgereg's rule, so they
 * never read as a version), which is stricter than MLflow's `[\w-]+`.
 */
export function aliasNameOf(raw: string): string {
  if (raw === "") throw invalidParameter("Registered model alias name cannot be empty.");
  const stage = canonicalStage(raw);
  if (stage) throw invalidParameter(`'${raw}' is the ${stage} stage in edgereg, not an alias; move it with transition-stage.`);
  if (raw.toLowerCase() === "latest") throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
  if (/^v\d+$/i.test(raw)) throw invalidParameter(`Version alias name '${raw}' is reserved.`);
  if (isReservedRefName(raw)) throw invalidParameter(`'${raw}' is reserved: it names a stage that versions have without a ref.`);
  if (!ALIAS_PATTERN.test(raw)) {
    throw invalidParameter(`Invalid alias name: '${raw}'. Aliases start with a letter and use letters, digits, '_' and '-' (at most 64 characters).`);
  }
  return raw;
}

/** MLflow's page tokens are base64 of `{"offset": N}`; edgereg issues the same, and they stay opaque to clients. */
export function encodePageToken(offset: number): string {
  return btoa(JSON.stringify({ offset }));
}

export function pageOffsetOf(token: string | undefined): number {
  if (!token) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(token));
  } catch {
    throw invalidParameter("Invalid page token, could not base64-decode");
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidParameter(`Invalid page token, parsed value=${JSON.stringify(parsed)}`);
  }
  return offset;
}

/**
 * A version whose artifacts live in edgereg is served under `models/NAME/versions/N/…` of the mlflow-artifacts
 * namespace; the host-less URI resolves against the client's tracking URI, so it works behind any hostname.
 */
export const versionArtifactRoot = (model: string, number: number) => `models/${model}/versions/${number}`;
export const versionArtifactUri = (model: string, number: number) => `mlflow-artifacts:/${versionArtifactRoot(model, number)}`;

/**
 * The same files as an absolute URL on edgereg's own origin, for get-download-uri. MLflow's client downloads an http(s)
 * URI with HttpArtifactRepository against that host, whereas `mlflow-artifacts:/…` (and even `mlflow-artifacts://host/…`,
 * which keeps the tracking URI's scheme and path) resolves against the tracking server, which in a split deployment
 * (MLflow tracking, edgereg registry) does not hold the files.
 */
export const versionArtifactUrl = (origin: string, model: string, number: number) =>
  `${origin}/api/2.0/mlflow-artifacts/artifacts/${versionArtifactRoot(model, number)}`;

export interface ArtifactLocation {
  model: string;
  number: number;
  /** The artifact path within the version ("" for the version's root). */
  path: string;
}

/** Reads `models/NAME/versions/N[/PATH]`; null when the path names no version (the namespace above versions). */
export function artifactLocationOf(raw: string): ArtifactLocation | null {
  const path = raw.replace(/^\/+/, "").replace(/\/+$/, "");
  const match = /^models\/([^/]+)\/versions\/([^/]+)(?:\/(.+))?$/.exec(path);
  if (!match) return null;
  const number = Number(match[2]);
  if (!/^\d+$/.test(match[2]!) || !Number.isSafeInteger(number) || number < 1) return null;
  return { model: match[1]!, number, path: match[3] ?? "" };
}

/** MLflow's FileInfo: `file_size` only for files. */
export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/**
 * The entries directly under `dir` among a version's artifact paths, as MLflow's listing answers them: base names,
 * sorted. A `dir` that is a file, or holds nothing, lists nothing, as MLflow's server does.
 */
export function listDirectory(artifacts: readonly { path: string; size: number }[], dir: string): FileInfo[] {
  const prefix = dir === "" ? "" : `${dir}/`;
  const entries = new Map<string, FileInfo>();
  for (const artifact of artifacts) {
    if (!artifact.path.startsWith(prefix)) continue;
    const rest = artifact.path.slice(prefix.length);
    const slash = rest.indexOf("/");
    const name = slash < 0 ? rest : rest.slice(0, slash);
    if (slash < 0) entries.set(name, { path: name, is_dir: false, file_size: artifact.size });
    else if (!entries.has(name)) entries.set(name, { path: name, is_dir: true });
  }
  return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
