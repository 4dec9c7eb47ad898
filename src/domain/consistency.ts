/**
 * Read consistency (DESIGN §6, docs/deploy-at-scale.md): every request reads D1 through one session whose start is
 * chosen here, and its answer names the mode it used.
 *   strict  — the session starts at D1's primary: sees every write committed before the request began;
 *   session — the session starts at the caller's bookmark: sees at least what the caller saw or wrote before;
 *   bounded — resolve answers from the isolate's memory, at most RESOLVE_MAX_STALENESS_MS old (misses read strict).
 */
import { badRequest } from "./errors";

export type Consistency = "strict" | "session" | "bounded";

/** Where a D1 session starts: a constraint, or a bookmark from an earlier answer. */
export type SessionStart = "first-primary" | { bookmark: string };

/** Request and response header carrying the bookmark (D1's documented transport); `?bookmark=` is the query form. */
export const BOOKMARK_HEADER = "x-d1-bookmark";
export const CONSISTENCY_HEADER = "X-D1-Consistency";

/**
 * D1 bookmarks are dash-separated hex words (`00000000-0000000b-00004e2e-<32 hex>`); the bound leaves room for a
 * longer format without letting a header carry arbitrary text into D1.
 */
export const MAX_BOOKMARK_LENGTH = 128;
const BOOKMARK = /^[0-9a-f]+(?:-[0-9a-f]+)*$/i;

/** The caller's bookmark (header first, then `?bookmark=`), or null; 400 naming the field when it is malformed. */
export function parseBookmark(header: string | undefined, query: string | undefined): string | null {
  const [value, field] = header !== undefined ? [header.trim(), BOOKMARK_HEADER] : [query, "bookmark"];
  if (value === undefined || value === "") return null;
  if (value.length > MAX_BOOKMARK_LENGTH || !BOOKMARK.test(value)) {
    throw badRequest(`${field} must be a bookmark from an earlier answer's ${BOOKMARK_HEADER} header (hex words and dashes, at most ${MAX_BOOKMARK_LENGTH} characters)`, {
      field,
      max_length: MAX_BOOKMARK_LENGTH,
    });
  }
  return value;
}

export interface SessionPlan {
  consistency: "strict" | "session";
  start: SessionStart;
  /** True when resolve may answer from the isolate's memory instead (bounded mode, when configured). */
  mayUseBoundedCache: boolean;
}

/**
 * A change reads what it validates against at the primary, whatever bookmark came with it: its checks (gates,
 * expected_version) must see the current state, and its answer's bookmark is then newer than the caller's anyway.
 * A read that asks for a strong read (`Cache-Control: no-cache`, `?consistency=strict`) goes to the primary too.
 */
export function planSession(request: { isRead: boolean; bookmark: string | null; strictRequested: boolean }): SessionPlan {
  const { isRead, bookmark, strictRequested } = request;
  if (!isRead || strictRequested) return { consistency: "strict", start: "first-primary", mayUseBoundedCache: false };
  if (bookmark !== null) return { consistency: "session", start: { bookmark }, mayUseBoundedCache: false };
  return { consistency: "strict", start: "first-primary", mayUseBoundedCache: true };
}

const D1_BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/i;

/**
 * The fresher of two bookmarks, for clients that keep one across calls. D1's bookmarks are fixed-width hex, so they
 * order as strings; in any other format the latest one received wins.
 */
export function fresherBookmark(kept: string | null | undefined, received: string): string {
  if (!kept || !D1_BOOKMARK.test(kept) || !D1_BOOKMARK.test(received)) return received;
  return received.toLowerCase() >= kept.toLowerCase() ? received : kept;
}
