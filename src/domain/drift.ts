/**
 * Data drift between a version's reference sample and a current one, following Evidently's default rules
 * (DESIGN §7). Each numeric side is sorted once; the tests and distances below walk the sorted arrays.
 */
import { badRequest } from "./errors";
import { chiSquareSurvival, normalTwoSidedP } from "./stats";

export type FeatureSample = number[] | string[];

export type FeatureDrift = {
  kind: "numerical" | "categorical";
  /** the test that decided `drift`; `statistic` and `p_value` are its own (p_value null for Wasserstein) */
  test: "ks" | "wasserstein" | "chisquare" | "z";
  /** KS D, normalised Wasserstein, chi-square, or z (the first category's share, current minus reference) */
  statistic: number;
  p_value: number | null;
  /** reported for every numeric feature whichever test decided, null for strings */
  ks_statistic: number | null;
  ks_p_value: number | null;
  wasserstein: number | null;
  wasserstein_norm: number | null;
  psi: number | null;
  drift: boolean;
};

/** The drift answer (DESIGN §4). */
export type DriftReport = { features: Record<string, FeatureDrift>; drift_share: number; dataset_drift: boolean };

export type DriftOptions = {
  /** the share of drifted features at which the data set drifts (default 0.5) */
  drift_share?: number;
  /** replaces every test's own threshold (p-value 0.05, Wasserstein 0.1), as Evidently's stattest_threshold does */
  stattest_threshold?: number;
};

/** Numeric features with more distinct values than this are numerical; fewer are treated as categories. */
export const MAX_CATEGORICAL_DISTINCT = 5;
/** References up to this size are judged by KS, larger ones by normalised Wasserstein. */
export const KS_MAX_REFERENCE_ROWS = 1000;
export const DEFAULT_DRIFT_SHARE = 0.5;
export const P_VALUE_THRESHOLD = 0.05;
export const WASSERSTEIN_THRESHOLD = 0.1;
/** Evidently's floor for the reference's standard deviation, so constant references do not divide by zero. */
const MIN_NORMALISING_STD = 0.001;
const PSI_BINS = 10;
const PSI_EMPTY_SHARE = 0.0001;
/** Exact KS p-values like scipy's "auto" (both samples up to 10000) while the lattice walk stays cheap. */
const KS_EXACT_MAX_SAMPLE = 10_000;
const KS_EXACT_MAX_CELLS = 20_000_000;

/**
 * The drift answer for every feature of the reference, which the current sample must match feature for feature.
 * The data set drifts when the share of drifted features reaches `drift_share`.
 */
export function detectDrift(
  reference: Record<string, FeatureSample>,
  current: Record<string, FeatureSample>,
  options: DriftOptions = {},
): DriftReport {
  const share = options.drift_share ?? DEFAULT_DRIFT_SHARE;
  if (!(share > 0 && share <= 1)) throw badRequest("drift_share must lie in (0, 1]", { drift_share: share });
  const threshold = options.stattest_threshold;
  if (threshold !== undefined && !(threshold > 0)) {
    throw badRequest("stattest_threshold must be positive", { stattest_threshold: threshold });
  }
  const names = Object.keys(reference);
  const onlyInReference = names.filter((n) => !Object.hasOwn(current, n));
  const onlyInCurrent = Object.keys(current).filter((n) => !Object.hasOwn(reference, n));
  if (onlyInReference.length > 0 || onlyInCurrent.length > 0) {
    const missing = [
      ...onlyInReference.map((n) => `${n} (missing from current)`),
      ...onlyInCurrent.map((n) => `${n} (not in the reference)`),
    ];
    throw badRequest(`features differ between reference and current: ${missing.join(", ")}`, {
      missing_from_current: onlyInReference,
      missing_from_reference: onlyInCurrent,
    });
  }
  if (names.length === 0) throw badRequest("no features to compare");
  const features: Record<string, FeatureDrift> = {};
  let drifted = 0;
  for (const name of names) {
    const result = featureDrift(name, reference[name]!, current[name]!, threshold);
    features[name] = result;
    if (result.drift) drifted++;
  }
  const drift_share = drifted / names.length;
  return { features, drift_share, dataset_drift: drift_share >= share };
}

/** One feature's verdict: numbers with many distinct values are numerical, everything else categorical. */
function featureDrift(
  name: string,
  reference: FeatureSample,
  current: FeatureSample,
  threshold?: number,
): FeatureDrift {
  const refKind = sampleKind(name, "reference", reference);
  const curKind = sampleKind(name, "current", current);
  if (refKind !== curKind)
    throw badRequest(`feature ${name} holds numbers on one side and strings on the other`, { feature: name });
  if (refKind === "string") {
    return {
      ...categoricalTest(countCategories(reference as string[], current as string[]), threshold),
      ...NO_NUMERIC_MEASURES,
    };
  }
  const ref = Float64Array.from(reference as number[]).sort();
  const cur = Float64Array.from(current as number[]).sort();
  const ks = ksTest(ref, cur);
  const wasserstein = wassersteinDistance(ref, cur);
  const wasserstein_norm = wasserstein / Math.max(populationStd(ref), MIN_NORMALISING_STD);
  const measures = {
    ks_statistic: ks.statistic,
    ks_p_value: ks.p_value,
    wasserstein,
    wasserstein_norm,
    psi: populationStabilityIndex(ref, cur),
  };
  if (distinctCount(ref, cur) <= MAX_CATEGORICAL_DISTINCT) {
    return { ...categoricalTest(countCategories(reference as number[], current as number[]), threshold), ...measures };
  }
  if (ref.length <= KS_MAX_REFERENCE_ROWS) {
    const drift = ks.p_value <= (threshold ?? P_VALUE_THRESHOLD);
    return { kind: "numerical", test: "ks", statistic: ks.statistic, p_value: ks.p_value, drift, ...measures };
  }
  const drift = wasserstein_norm >= (threshold ?? WASSERSTEIN_THRESHOLD);
  return { kind: "numerical", test: "wasserstein", statistic: wasserstein_norm, p_value: null, drift, ...measures };
}

const NO_NUMERIC_MEASURES = {
  ks_statistic: null,
  ks_p_value: null,
  wasserstein: null,
  wasserstein_norm: null,
  psi: null,
};

function sampleKind(name: string, side: string, values: FeatureSample): "number" | "string" {
  if (!Array.isArray(values) || values.length === 0)
    throw badRequest(`feature ${name} has no ${side} values`, { feature: name });
  const kind = typeof values[0];
  if (kind === "number" && (values as unknown[]).every((v) => typeof v === "number" && Number.isFinite(v)))
    return "number";
  if (kind === "string" && (values as unknown[]).every((v) => typeof v === "string")) return "string";
  throw badRequest(`feature ${name} must hold only finite numbers or only strings (${side})`, { feature: name });
}

type CategoryCounts = { reference: number[]; current: number[]; referenceTotal: number; currentTotal: number };

/** Counts per category over the union of both sides, categories in sorted order so results are reproducible. */
function countCategories<T extends string | number>(reference: T[], current: T[]): CategoryCounts {
  const counts = new Map<T, [number, number]>();
  for (const v of reference) {
    const c = counts.get(v);
    if (c) c[0]++;
    else counts.set(v, [1, 0]);
  }
  for (const v of current) {
    const c = counts.get(v);
    if (c) c[1]++;
    else counts.set(v, [0, 1]);
  }
  const keys = [...counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    reference: keys.map((k) => counts.get(k)![0]),
    current: keys.map((k) => counts.get(k)![1]),
    referenceTotal: reference.length,
    currentTotal: current.length,
  };
}

type CategoricalVerdict = Pick<FeatureDrift, "kind" | "test" | "statistic" | "p_value" | "drift">;

/** Chi-square with more than two categories, the two-proportion z-test otherwise; drift when p < threshold. */
function categoricalTest(counts: CategoryCounts, threshold = P_VALUE_THRESHOLD): CategoricalVerdict {
  const { statistic, p_value, test } = counts.reference.length > 2 ? chiSquareTest(counts) : proportionsZTest(counts);
  return { kind: "categorical", test, statistic, p_value, drift: p_value < threshold };
}

/**
 * Goodness of fit of the current counts to the reference's proportions (scipy.stats.chisquare, as Evidently
 * calls it). A category the reference never saw makes the statistic infinite (serialised as null in JSON), p 0.
 */
function chiSquareTest(counts: CategoryCounts) {
  const scale = counts.currentTotal / counts.referenceTotal;
  let statistic = 0;
  for (let i = 0; i < counts.reference.length; i++) {
    const expected = counts.reference[i]! * scale;
    const observed = counts.current[i]!;
    statistic += expected === 0 ? Infinity : ((observed - expected) * (observed - expected)) / expected;
  }
  return { test: "chisquare" as const, statistic, p_value: chiSquareSurvival(statistic, counts.reference.length - 1) };
}

/** Difference of the first category's share between the samples, pooled standard error (Evidently's z-test). */
function proportionsZTest(counts: CategoryCounts) {
  if (counts.reference.length < 2) return { test: "z" as const, statistic: 0, p_value: 1 };
  const n1 = counts.referenceTotal;
  const n2 = counts.currentTotal;
  const p1 = counts.reference[0]! / n1;
  const p2 = counts.current[0]! / n2;
  const pooled = (counts.reference[0]! + counts.current[0]!) / (n1 + n2);
  const statistic = (p2 - p1) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { test: "z" as const, statistic, p_value: normalTwoSidedP(statistic) };
}

/**
 * Two-sample Kolmogorov–Smirnov test on ascending arrays: D = sup |F_a - F_b| and its two-sided p-value, exact
 * (scipy's method="exact") for samples up to 10000 and asymptotic (Kolmogorov's limit, as R's ks.test) beyond.
 */
export function ksTest(a: Float64Array, b: Float64Array): { statistic: number; p_value: number } {
  const n = a.length;
  const m = b.length;
  // D = h / (n·m) with h an integer, so the lattice comparisons below are exact.
  let h = 0;
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const v = Math.min(a[i]!, b[j]!);
    while (i < n && a[i] === v) i++;
    while (j < m && b[j] === v) j++;
    h = Math.max(h, Math.abs(i * m - j * n));
  }
  return { statistic: h / (n * m), p_value: ksPValue(n, m, h) };
}

function ksPValue(n: number, m: number, h: number): number {
  if (h === 0) return 1;
  // The exact walk touches about 2h + n + m cells; past the budget D ≥ 0.1 with ~10000 a side, so p < 1e-40.
  const exact = Math.max(n, m) <= KS_EXACT_MAX_SAMPLE && 2 * h + n + m <= KS_EXACT_MAX_CELLS;
  if (exact) return Math.min(1, ksProbabilityOutside(n, m, h));
  return kolmogorovSurvival(Math.sqrt((n * m) / (n + m)) * (h / (n * m)));
}

/**
 * P(D ≥ h/(n·m)) under the null: the chance that a uniformly random merge order of the two samples leaves the band
 * |i·m - j·n| < h at some lattice point (i values of a and j of b taken). The walk carries each cell's probability
 * with the merge's transition probabilities (never path counts, which overflow) and adds up the mass that steps
 * out of the band, so small p-values keep their precision instead of being 1 minus something close to 1.
 */
function ksProbabilityOutside(n: number, m: number, h: number): number {
  const band = (i: number) => ({
    lo: Math.max(0, Math.floor((i * m - h) / n) + 1),
    hi: Math.min(m, Math.ceil((i * m + h) / n) - 1),
  });
  // u[j]: probability of reaching (i, j) without leaving the band, for the current row i.
  const u = new Float64Array(m + 1);
  // Multiplying by precomputed reciprocals makes the inner loop a third faster than dividing.
  const inverse = new Float64Array(n + m + 1);
  for (let k = 1; k <= n + m; k++) inverse[k] = 1 / k;
  let { lo, hi } = band(0);
  u[0] = 1;
  for (let j = 1; j <= hi; j++) u[j] = (u[j - 1]! * (m - j + 1)) / (n + m - j + 1);
  let outside = 0;
  for (let i = 0; ; i++) {
    const restA = n - i;
    if (hi < m && hi >= lo) outside += (u[hi]! * (m - hi)) / (restA + m - hi);
    if (i === n) return outside;
    const next = band(i + 1);
    for (let j = lo; j <= Math.min(hi, next.lo - 1); j++) {
      outside += (u[j]! * restA) / (restA + m - j);
      u[j] = 0;
    }
    // (i+1, j) is reached from (i, j) or (i+1, j-1); both steps share the denominator (values left to merge).
    if (next.lo <= next.hi) u[next.lo] = u[next.lo]! * restA * inverse[restA + m - next.lo]!;
    for (let j = next.lo + 1; j <= next.hi; j++)
      u[j] = (u[j]! * restA + u[j - 1]! * (m - j + 1)) * inverse[restA + m - j]!;
    ({ lo, hi } = next);
  }
}

/** Survival function of Kolmogorov's limiting distribution, P(K > x) (scipy.stats.kstwobign.sf). */
export function kolmogorovSurvival(x: number): number {
  if (x <= 0) return 1;
  if (x < 1) {
    // Jacobi's theta form converges fast for small x: P(K ≤ x) = √(2π)/x · Σ exp(-(2k-1)²π²/(8x²)).
    const q = -(Math.PI * Math.PI) / (8 * x * x);
    let cdf = 0;
    for (let k = 1; k < 100; k++) {
      const term = Math.exp((2 * k - 1) * (2 * k - 1) * q);
      cdf += term;
      if (term < 1e-17 * cdf) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / x) * cdf;
  }
  let sf = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    sf += k % 2 === 1 ? term : -term;
    if (term < 1e-17 * sf) break;
  }
  return Math.min(1, 2 * sf);
}

/** Wasserstein-1 (earth mover's) distance between two empirical distributions given as ascending arrays. */
export function wassersteinDistance(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const m = b.length;
  // ∫ |F_a - F_b| dx over the merged steps, with |F_a - F_b| = |i·m - j·n| / (n·m) kept in integers.
  let area = 0;
  let i = 0;
  let j = 0;
  let previous = Math.min(a[0]!, b[0]!);
  while (i < n || j < m) {
    const v = Math.min(i < n ? a[i]! : Infinity, j < m ? b[j]! : Infinity);
    area += Math.abs(i * m - j * n) * (v - previous);
    while (i < n && a[i] === v) i++;
    while (j < m && b[j] === v) j++;
    previous = v;
  }
  return area / (n * m);
}

/**
 * Population stability index over ten bins cut at the reference's deciles (ascending arrays): Σ (c - r)·ln(c/r),
 * with an empty bin's share taken as 0.0001 so the logarithm stays finite. Tied deciles merge their bins.
 */
export function populationStabilityIndex(reference: Float64Array, current: Float64Array): number {
  const edges: number[] = [];
  for (let k = 1; k < PSI_BINS; k++) {
    const edge = quantile(reference, k / PSI_BINS);
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  const refShares = binShares(reference, edges);
  const curShares = binShares(current, edges);
  let psi = 0;
  for (let k = 0; k < refShares.length; k++) {
    const r = refShares[k]! || PSI_EMPTY_SHARE;
    const c = curShares[k]! || PSI_EMPTY_SHARE;
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/** Shares of an ascending sample in the bins (-∞, e₁], (e₁, e₂], …, (e_k, ∞). */
function binShares(sorted: Float64Array, edges: number[]): number[] {
  const shares: number[] = [];
  let below = 0;
  for (const edge of edges) {
    const upTo = upperBound(sorted, edge);
    shares.push((upTo - below) / sorted.length);
    below = upTo;
  }
  shares.push((sorted.length - below) / sorted.length);
  return shares;
}

/** Number of elements ≤ x in an ascending array. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Linear-interpolation quantile of an ascending array (numpy's default, R's type 7). */
function quantile(sorted: Float64Array, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

/** Standard deviation with divisor n (numpy's np.std, which Evidently normalises by). */
function populationStd(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return Math.sqrt(squares / values.length);
}

/** Distinct values across both ascending arrays together. */
function distinctCount(a: Float64Array, b: Float64Array): number {
  let count = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const v = Math.min(i < a.length ? a[i]! : Infinity, j < b.length ? b[j]! : Infinity);
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    count++;
  }
  return count;
}
