/** Audit details as a reader wants them: each field's before and after, by dotted path, instead of two JSON blobs. */

export interface DiffRow {
  path: string;
  /** "changed": in both with different values; "before"/"after": recorded on one side only. */
  kind: "changed" | "before" | "after";
  before?: string;
  after?: string;
}

/** How deep objects are opened before a value is shown as JSON. */
const MAX_DEPTH = 4;
const MAX_VALUE_CHARS = 160;

/** Leaf values of an object by dotted path; arrays and deep objects stay whole. A non-object is the path "". */
export function flatten(value: unknown, prefix = "", depth = 0): Map<string, string> {
  const out = new Map<string, string>();
  if (value !== null && typeof value === "object" && !Array.isArray(value) && depth < MAX_DEPTH && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      for (const [p, s] of flatten(v, prefix ? `${prefix}.${k}` : k, depth + 1)) out.set(p, s);
    }
    return out;
  }
  if (value === undefined) return out;
  out.set(prefix, show(value));
  return out;
}

function show(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** Fields that differ (or appear on one side only), in the order they first appear; equal ones are left out. */
export function diffRows(before: unknown, after: unknown): DiffRow[] {
  const a = before === null ? new Map<string, string>() : flatten(before);
  const b = after === null ? new Map<string, string>() : flatten(after);
  const rows: DiffRow[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const was = a.get(path);
    const now = b.get(path);
    if (was !== undefined && now !== undefined) {
      if (was !== now) rows.push({ path, kind: "changed", before: was, after: now });
    } else if (was !== undefined) rows.push({ path, kind: "before", before: was });
    else rows.push({ path, kind: "after", after: now });
  }
  return rows;
}
