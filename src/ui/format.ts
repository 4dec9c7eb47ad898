/** How the admin pages write numbers, sizes and times; pure, so they are unit-tested without a runtime. */

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/** Metric values: at most four significant digits, no exponent for everyday magnitudes. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

/** A difference or interval bound: two significant digits say enough next to the means. */
export function formatDelta(value: number, signed = false): string {
  if (!Number.isFinite(value)) return String(value);
  const text = value === 0 ? "0" : Math.abs(value) < 1e-4 ? value.toExponential(1) : String(Number(value.toPrecision(2)));
  return signed && value > 0 ? `+${text}` : text;
}

/** A rollout weight in percent, two decimals at most (the API's own precision). */
export const formatPercent = (percent: number) => `${Number(percent.toFixed(2))}%`;

/** "2026-05-01 14:03 UTC": unambiguous for a team spread over time zones. */
export const formatTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** "just now", "5 min ago", "3 h ago", "2 days ago", else the date. */
export function relativeTime(iso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} day${days === 1 ? "" : "s"} ago`;
  return iso.slice(0, 10);
}

/** The first 12 hex digits identify a digest at a glance; the full one stays in the title. */
export const shortDigest = (sha256: string) => sha256.slice(0, 12);

/** A p-value as people read it: "< 0.001" rather than 3.2e-7. */
export function formatPValue(p: number): string {
  if (p < 0.001) return "< 0.001";
  return p.toFixed(3);
}

/** "p = 0.032" or "p < 0.001": a p-value in a sentence. */
export const pClause = (p: number) => {
  const text = formatPValue(p);
  return text.startsWith("<") ? `p ${text}` : `p = ${text}`;
};
