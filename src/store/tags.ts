/** Tags are key/value rows; a patch sets keys to strings and removes keys set to null. */
export type TagPatch = Record<string, string | null>;

export const tagRows = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

export const tagsOf = (rows: { key: string; value: string }[]) =>
  Object.fromEntries(rows.map((r) => [r.key, r.value])) as Record<string, string>;

/** Applies a patch to a tag set, the way the store's batched upserts and deletes will. */
export function patchedTags(tags: Record<string, string>, patch: TagPatch): Record<string, string> {
  const next = { ...tags };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}
