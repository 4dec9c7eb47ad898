/** Names users give to models and refs, and the words the registry reserves. */

export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Aliases start with a letter so they never read as a version number or semver. */
export const ALIAS_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export const STAGES = ["Production", "Staging"] as const;
export type Stage = (typeof STAGES)[number];

/** Stage names are case-insensitive in references; stored refs use the canonical spelling. */
export function canonicalStage(name: string): Stage | null {
  const lower = name.toLowerCase();
  return STAGES.find((s) => s.toLowerCase() === lower) ?? null;
}

/** `latest` and `v<N>` are computed selectors, `None`/`Archived` are derived stages: none may name a stored ref. */
export function isReservedRefName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === "latest" || lower === "none" || lower === "archived" || /^v\d+$/i.test(name);
}

export type RefName = { kind: "stage"; name: Stage } | { kind: "alias"; name: string };

/** Classifies a ref name from a URL or body; null when it can name no stored ref. */
export function classifyRefName(name: string): RefName | null {
  const stage = canonicalStage(name);
  if (stage) return { kind: "stage", name: stage };
  if (isReservedRefName(name) || !ALIAS_PATTERN.test(name)) return null;
  return { kind: "alias", name };
}
