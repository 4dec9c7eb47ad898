/**
 * The resolve hot path's reads, for the doors that resolve references (/v1/resolve, /v1/r/…, OCI tags): one D1
 * round trip reads the reference's candidates and the caller's token together. Re-exported unchanged, so the door
 * does exactly the work it did reading the store itself.
 */
export { readResolution, resolveCacheKey, resolvedAt, resolvedFrom, type ResolutionRows, type Resolved, type ResolvedAt } from "../store/resolve";
export { principalOf, touchTokenIfStale } from "../store/tokens";
