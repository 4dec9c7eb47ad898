import semver from "semver";
import { describe, expect, it } from "vitest";
import { bestInRange, compareTriples, rangePlan, type ReleaseWindow, type Triple } from "./ranges";

const RANGES = [
  "^2.1",
  "~2.1.3",
  ">=1.2 <2",
  "1.x",
  "*",
  "1.2",
  "^0.0.3",
  "^0.2",
  "1.2.3 - 2.3.1",
  "<1.0.0 || >=2.1 <3",
  "=1.0.0",
  "2.1.0-rc.1",
  ">=3.0.0-rc.1",
  ">1.0.0-beta <=2.0.0-rc.2",
  ">1.0.0 <=2.0.0",
  ">2 <2.0.1",
  ">=2.1.0 <2.1.0",
  "1.2.x || >=3",
];

// Every triple 0..3 × 0..3 × 0..3, each as a release and with two prereleases.
const TRIPLES: Triple[] = [];
for (let a = 0; a <= 3; a++) for (let b = 0; b <= 3; b++) for (let c = 0; c <= 3; c++) TRIPLES.push([a, b, c]);
const RELEASES = TRIPLES.map((t) => t.join("."));
const PRERELEASES = TRIPLES.flatMap((t) => [`${t.join(".")}-beta`, `${t.join(".")}-rc.1`, `${t.join(".")}-rc.2`]);

const inWindow = (t: Triple, w: ReleaseWindow) => {
  if (w.lower) {
    const o = compareTriples(t, w.lower.triple);
    if (o < 0 || (o === 0 && !w.lower.inclusive)) return false;
  }
  if (w.upper) {
    const o = compareTriples(t, w.upper.triple);
    if (o > 0 || (o === 0 && !w.upper.inclusive)) return false;
  }
  return true;
};
const triple = (v: string): Triple => {
  const p = semver.parse(v)!;
  return [p.major, p.minor, p.patch];
};

describe("rangePlan", () => {
  it.each(RANGES)("release windows of %j select exactly the releases semver accepts", (range) => {
    const plan = rangePlan(range);
    for (const v of RELEASES) {
      const selected = plan.releases.some((w) => inWindow(triple(v), w));
      expect(selected, `${v} in ${range}`).toBe(semver.satisfies(v, range));
    }
  });

  it.each(RANGES)("prerelease triples of %j cover every prerelease semver accepts", (range) => {
    const plan = rangePlan(range);
    const allowed = new Set(plan.prereleaseTriples.map((t) => t.join(".")));
    for (const v of PRERELEASES.filter((p) => semver.satisfies(p, range))) {
      expect(allowed.has(triple(v).join(".")), `${v} in ${range}`).toBe(true);
    }
  });

  it("names no prerelease triple for plain caret, tilde and x ranges", () => {
    for (const range of ["^2.1", "~2.1.3", "1.x", ">=1.2 <2", "*"]) expect(rangePlan(range).prereleaseTriples).toEqual([]);
  });

  it("yields one window per comparator set, dropping sets no release can satisfy", () => {
    expect(rangePlan("<1.0.0 || >=2.1 <3").releases).toEqual([
      { lower: null, upper: { triple: [1, 0, 0], inclusive: false } },
      { lower: { triple: [2, 1, 0], inclusive: true }, upper: { triple: [3, 0, 0], inclusive: false } },
    ]);
    expect(rangePlan("2.1.0-rc.1").releases).toEqual([]);
    expect(rangePlan(">=2.1.0 <2.1.0").releases).toEqual([]);
    expect(rangePlan("*").releases).toEqual([{ lower: null, upper: null }]);
  });
});

describe("bestInRange", () => {
  it("picks the highest satisfying version, prereleases only where the range names one", () => {
    const versions = ["1.0.0", "2.1.0", "2.4.1", "3.0.0-rc.1", "3.0.0"];
    expect(bestInRange(versions, "^2.1")).toBe("2.4.1");
    expect(bestInRange(versions, "*")).toBe("3.0.0");
    expect(bestInRange(["2.1.0", "3.0.0-rc.1"], ">=2")).toBe("2.1.0");
    expect(bestInRange(["2.1.0", "3.0.0-rc.1"], ">=3.0.0-rc.0")).toBe("3.0.0-rc.1");
    expect(bestInRange(versions, "^4")).toBeNull();
  });
});
