export type Consistency = "strict" | "session" | "bounded";
/** Where a D1 session starts: a constraint, or a bookmark from an earlier answer. */
export type SessionStart = "first-primary" | {
    bookmark: string;
};
/** Request and response header carrying the bookmark (D1's documented transport); `?bookmark=` is the query form. */
export declare const BOOKMARK_HEADER = "x-d1-bookmark";
export declare const CONSISTENCY_HEADER = "X-D1-Consistency";
/**
 * D1 bookmarks are dash-separated hex words (`00000000-0000000b-00004e2e-<32 hex>`); the bound leaves room for a
 * longer format without letting a header carry arbitrary text into D1.
 */
export declare const MAX_BOOKMARK_LENGTH = 128;
/** The caller's bookmark (header first, then `?bookmark=`), or null; 400 naming the field when it is malformed. */
export declare function parseBookmark(header: string | undefined, query: string | undefined): string | null;
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
export declare function planSession(request: {
    isRead: boolean;
    bookmark: string | null;
    strictRequested: boolean;
}): SessionPlan;
/**
 * The fresher of two bookmarks, for clients that keep one across calls. D1's bookmarks are fixed-width hex, so they
 * order as strings; in any other format the latest one received wins.
 */
export declare function fresherBookmark(kept: string | null | undefined, received: string): string;
