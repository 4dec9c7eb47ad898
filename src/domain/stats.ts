/**
 * Statistics for comparing a rollout's arms and for drift checks: observation summaries, Welch's t-test, and the
 * special functions (log-gamma, regularized incomplete beta and gamma) behind their p-values. Pure and runtime-free.
 */
import { badRequest } from "./errors";

/** An aggregated sample: what the registry keeps of observations (DESIGN §2 keeps count, sum and sum of squares). */
export type Summary = { count: number; mean: number; variance: number };

export type WelchResult = {
  /** mean of a minus mean of b */
  difference: number;
  ci_low: number;
  ci_high: number;
  p_value: number;
  t: number;
  df: number;
};

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 1_000_000;

/**
 * Mean and sample variance (n - 1) from the stored aggregates. A single observation has no visible spread, so its
 * variance is 0; the cancellation in sumSquares - sum²/n can go slightly negative, so the variance is clamped at 0.
 */
export function summarise(count: number, sum: number, sumSquares: number): Summary {
  if (!Number.isInteger(count) || count < 1) throw badRequest("a summary needs at least one observation", { count });
  const mean = sum / count;
  const variance = count > 1 ? Math.max(0, (sumSquares - sum * mean) / (count - 1)) : 0;
  return { count, mean, variance };
}

/**
 * Welch's unequal-variance two-sample t-test, two-sided, with a confidence interval for mean(a) - mean(b).
 * When both variances are 0 the samples are constants: the difference is certain (p 0, or 1 when equal).
 */
export function welchTTest(a: Summary, b: Summary, confidence = 0.95): WelchResult {
  if (!(confidence > 0 && confidence < 1))
    throw badRequest("confidence must lie strictly between 0 and 1", { confidence });
  for (const s of [a, b]) {
    if (!(s.count >= 2)) throw badRequest("a t-test needs at least two observations per sample", { count: s.count });
    if (!(s.variance >= 0) || !Number.isFinite(s.mean)) throw badRequest("a sample summary is not finite", s);
  }
  const difference = a.mean - b.mean;
  const va = a.variance / a.count;
  const vb = b.variance / b.count;
  const se2 = va + vb;
  if (se2 === 0) {
    const t = difference === 0 ? 0 : Math.sign(difference) * Infinity;
    return {
      difference,
      ci_low: difference,
      ci_high: difference,
      p_value: difference === 0 ? 1 : 0,
      t,
      df: a.count + b.count - 2,
    };
  }
  const se = Math.sqrt(se2);
  const t = difference / se;
  // Welch–Satterthwaite degrees of freedom.
  const df = (se2 * se2) / ((va * va) / (a.count - 1) + (vb * vb) / (b.count - 1));
  const margin = studentTQuantile(1 - (1 - confidence) / 2, df) * se;
  return {
    difference,
    ci_low: difference - margin,
    ci_high: difference + margin,
    p_value: studentTTwoSidedP(t, df),
    t,
    df,
  };
}

/** Two-sided p-value of Student's t: I_{df/(df+t²)}(df/2, 1/2), with the complement computed without cancellation. */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  const t2 = t * t;
  return regularizedBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}

/** The p-quantile of Student's t (p in (0, 1)), by safeguarded Newton steps on the two-sided tail. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw badRequest("the t quantile needs p in (0, 1) and df > 0", { p, df });
  if (p === 0.5) return 0;
  const tail = 2 * Math.min(p, 1 - p);
  let lo = 0;
  let hi = 1;
  while (studentTTwoSidedP(hi, df) > tail) {
    lo = hi;
    hi *= 2;
  }
  let t = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const excess = studentTTwoSidedP(t, df) - tail;
    if (excess > 0) lo = t;
    else hi = t;
    const newton = t + excess / (2 * studentTDensity(t, df));
    const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, t)) {
      t = next;
      break;
    }
    t = next;
  }
  return p > 0.5 ? t : -t;
}

function studentTDensity(t: number, df: number): number {
  return Math.exp(
    logGamma((df + 1) / 2) -
      logGamma(df / 2) -
      0.5 * Math.log(df * Math.PI) -
      ((df + 1) / 2) * Math.log1p((t * t) / df),
  );
}

/** Upper tail of the chi-square distribution with df degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  if (x === Infinity) return 0;
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/** Two-sided tail of the standard normal, P(|Z| ≥ |z|) = erfc(|z|/√2) = Q(1/2, z²/2). */
export function normalTwoSidedP(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? NaN : 0;
  return regularizedGammaQ(0.5, (z * z) / 2);
}

// Lanczos approximation (Numerical Recipes 3rd ed., gammln): about 1e-15 relative error for x > 0.
const LANCZOS = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199, 0.339946499848118887e-4,
  0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3, -0.210264441724104883e-3,
  0.217439618115212643e-3, -0.16431810653676389e-3, 0.844182239838527433e-4, -0.261908384015814087e-4,
  0.368991826595316234e-5,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw badRequest("logGamma needs x > 0", { x });
  let y = x;
  const base = x + 5.2421875;
  const head = (x + 0.5) * Math.log(base) - base;
  let series = 0.999999999999997092;
  for (const c of LANCZOS) series += c / ++y;
  return head + Math.log((2.5066282746310005 * series) / x);
}

/**
 * Regularized incomplete beta I_x(a, b). Pass `complement` = 1 - x when it is known exactly (it avoids cancellation
 * near x = 1). Continued fraction by the modified Lentz method, on whichever side converges fast.
 */
export function regularizedBeta(x: number, a: number, b: number, complement = 1 - x): number {
  if (x <= 0) return 0;
  if (complement <= 0) return 1;
  // log1p of the smaller side keeps a·ln x exact when a is huge and x is near 1 (t with large df).
  const logX = complement < 0.5 ? Math.log1p(-complement) : Math.log(x);
  const logComplement = x < 0.5 ? Math.log1p(-x) : Math.log(complement);
  const front = Math.exp(a * logX + b * logComplement - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(complement, b, a)) / b;
}

/** ln B(a, b); for a large argument the Stirling form avoids subtracting two huge log-gammas. */
function logBeta(a: number, b: number): number {
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  if (big < 20) return logGamma(a) + logGamma(b) - logGamma(a + b);
  // ln Γ(big) - ln Γ(big + small), expanded so the leading terms cancel analytically.
  const ratio =
    -(big - 0.5) * Math.log1p(small / big) -
    small * Math.log(big + small) +
    small +
    stirlingTail(big) -
    stirlingTail(big + small);
  return logGamma(small) + ratio;
}

/** ln Γ(x) - [(x - ½) ln x - x + ½ ln 2π], the Stirling series, accurate to 1e-15 for x ≥ 20. */
function stirlingTail(x: number): number {
  const inv = 1 / x;
  const inv2 = inv * inv;
  return inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))));
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= EPS) break;
  }
  return h;
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a): series below a + 1, continued fraction above. */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const logFront = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) return 1 - gammaSeries(a, x, logFront);
  return gammaContinuedFraction(a, x, logFront);
}

function gammaSeries(a: number, x: number, logFront: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let n = 0; n < MAX_ITERATIONS; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logFront);
}

function gammaContinuedFraction(a: number, x: number, logFront: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= EPS) break;
  }
  return Math.exp(logFront) * h;
}
