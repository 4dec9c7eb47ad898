/**
 * Semver ranges as index bounds. Storage narrows candidates with (major, minor, patch) row-value comparisons
 * derived here, then `semver` picks exactly (bestInRange), so these bounds only need to be a superset.
 *
 * For release versions (no prerelease) the bounds are exact: a release X.Y.Z compares to a comparator by its
 * triple first, and when the triples tie it equals a release comparator and exceeds a prerelease one. Prerelease
 * versions only ever satisfy a range at a triple that some comparator names with a prerelease (semver's rule), so
 * storage fetches those few triples separately.
 */
import semver from "semver";

export type Triple = readonly [major: number, minor: number, patch: number];

export interface Bound {
  triple: Triple;
  inclusive: boolean;
}

/** One comparator set (the parts of a range between `||`), as bounds on the triple of release versions. */
export interface ReleaseWindow {
  lower: Bound | null;
  upper: Bound | null;
}

export interface RangePlan {
  /** A release satisfies the range iff its triple lies in one of these windows (OR); empty: no release does. */
  releases: ReleaseWindow[];
  /** Triples at which a prerelease version may satisfy the range; semver decides among those rows. */
  prereleaseTriples: Triple[];
}

/**
 * Each `||` alternative with a release window costs one indexed subquery, and each prerelease triple one term of an
 * OR (SQLite refuses expression trees deeper than 100): past this many in all, a range is refused rather than slow.
 */
export const MAX_RANGE_ALTERNATIVES = 16;

/** What a range costs the resolve query: its release windows plus its prerelease triples. */
export const rangeCost = (plan: RangePlan) => plan.releases.length + plan.prereleaseTriples.length;

export function compareTriples(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Index bounds for a range that `semver.validRange` accepts. */
export function rangePlan(range: string): RangePlan {
  const releases: ReleaseWindow[] = [];
  const prerelease = new Map<string, Triple>();
  for (const set of new semver.Range(range).set) {
    const window = releaseWindow(set);
    if (window) releases.push(window);
    for (const c of set) {
      if (matchesAny(c) || c.semver.prerelease.length === 0) continue;
      // `<X.Y.Z-0` (how semver writes `<X.Y.Z` in ^ and ~ ranges) admits no prerelease of X.Y.Z: -0 is the lowest.
      if (c.operator === "<" && c.semver.prerelease.join(".") === "0") continue;
      const t = tripleOf(c.semver);
      prerelease.set(t.join("."), t);
    }
  }
  return { releases, prereleaseTriples: [...prerelease.values()] };
}

/** The highest version in `versions` that satisfies `range`, or null. */
export function bestInRange(versions: readonly string[], range: string): string | null {
  return semver.maxSatisfying([...versions], range);
}

function releaseWindow(set: readonly semver.Comparator[]): ReleaseWindow | null {
  let lower: Bound | null = null;
  let upper: Bound | null = null;
  for (const c of set) {
    if (matchesAny(c)) continue;
    const triple = tripleOf(c.semver);
    const isPrerelease = c.semver.prerelease.length > 0;
    switch (c.operator) {
      case ">=":
        lower = tighterLower(lower, { triple, inclusive: true });
        break;
      case ">":
        // A release at the same triple is above a prerelease comparator, equal to a release one.
        lower = tighterLower(lower, { triple, inclusive: isPrerelease });
        break;
      case "<":
        upper = tighterUpper(upper, { triple, inclusive: false });
        break;
      case "<=":
        upper = tighterUpper(upper, { triple, inclusive: !isPrerelease });
        break;
      default:
        if (isPrerelease) return null; // `=X.Y.Z-rc.1` admits no release
        lower = tighterLower(lower, { triple, inclusive: true });
        upper = tighterUpper(upper, { triple, inclusive: true });
    }
  }
  if (lower && upper) {
    const order = compareTriples(lower.triple, upper.triple);
    if (order > 0 || (order === 0 && !(lower.inclusive && upper.inclusive))) return null;
  }
  return { lower, upper };
}

function tighterLower(current: Bound | null, next: Bound): Bound {
  if (!current) return next;
  const order = compareTriples(next.triple, current.triple);
  if (order !== 0) return order > 0 ? next : current;
  return current.inclusive ? next : current;
}

function tighterUpper(current: Bound | null, next: Bound): Bound {
  if (!current) return next;
  const order = compareTriples(next.triple, current.triple);
  if (order !== 0) return order < 0 ? next : current;
  return current.inclusive ? next : current;
}

/** `*` parses to a comparator against semver's ANY sentinel, which its type declarations omit. */
const matchesAny = (c: semver.Comparator) => (c.semver as unknown) === (semver.Comparator as unknown as { ANY: unknown }).ANY;

const tripleOf = (v: semver.SemVer): Triple => [v.major, v.minor, v.patch];
