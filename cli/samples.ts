/**
 * Data the monitoring commands read from files or stdin: feature samples (CSV with a header, or JSON) for reference
 * data and drift checks, and observation reports (JSON, or JSON Lines as a serving log would write them).
 */
import { UsageError } from "./errors";

export type FeatureSamples = Record<string, number[] | string[]>;

/** `{features: {...}}`, a bare `{name: [...]}` object, or CSV whose header names the features. */
export function parseFeatures(text: string, source: string): FeatureSamples {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) return featuresFromJson(parseJson(text, source), source);
  return featuresFromCsv(text, source);
}

function featuresFromJson(value: unknown, source: string): FeatureSamples {
  const object = isObject(value) && isObject(value.features) ? value.features : value;
  if (!isObject(object)) throw new UsageError(`${source}: expected {"features": {NAME: [values]}}`);
  const features: FeatureSamples = {};
  for (const [name, values] of Object.entries(object)) {
    const numbers = Array.isArray(values) && values.every((v) => typeof v === "number");
    const strings = Array.isArray(values) && values.every((v) => typeof v === "string");
    if (!numbers && !strings) throw new UsageError(`${source}: feature '${name}' must be an array of numbers or of strings`);
    features[name] = values as number[] | string[];
  }
  return features;
}

/** A column is numeric when every non-empty cell is a finite number; empty cells are missing values, left out. */
function featuresFromCsv(text: string, source: string): FeatureSamples {
  const rows = parseCsv(text).filter((row) => !(row.length === 1 && row[0] === ""));
  const [header, ...body] = rows;
  if (!header || header.length === 0 || header.every((h) => h === "")) throw new UsageError(`${source}: empty; expected CSV with a header row of feature names`);
  if (new Set(header).size !== header.length) throw new UsageError(`${source}: the header names a feature twice`);
  const features: FeatureSamples = {};
  header.forEach((name, column) => {
    const cells = body.map((row) => row[column] ?? "").filter((cell) => cell !== "");
    const numeric = cells.length > 0 && cells.every((cell) => cell.trim() !== "" && Number.isFinite(Number(cell)));
    features[name] = numeric ? cells.map(Number) : cells;
  });
  body.forEach((row, i) => {
    if (row.length !== header.length) throw new UsageError(`${source}: row ${i + 2} has ${row.length} fields, the header ${header.length}`);
  });
  return features;
}

/** RFC 4180: comma-separated, fields in double quotes may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface ObservationReport {
  version?: number | string;
  ref?: string;
  arm?: "stable" | "candidate";
  metrics: Record<string, number>;
  count?: number;
}

/** Where reports that name neither a version nor a ref were observed. */
export type ReportTarget = Pick<ObservationReport, "version" | "ref" | "arm">;

/**
 * `{"observations": [...]}`, an array of reports, one report, or JSON Lines (one report per line). A report that
 * names neither version nor ref is taken to be about `target`.
 */
export function parseObservations(text: string, source: string, target: ReportTarget): ObservationReport[] {
  const trimmed = text.trim();
  if (trimmed === "") throw new UsageError(`${source}: no observations`);
  let reports: unknown[];
  const whole = tryJson(trimmed);
  if (whole.ok) {
    const value = whole.value;
    reports = isObject(value) && Array.isArray(value.observations) ? value.observations : Array.isArray(value) ? value : [value];
  } else {
    reports = trimmed.split(/\r?\n/).flatMap((line, i) => {
      if (line.trim() === "") return [];
      const parsed = tryJson(line);
      if (!parsed.ok) throw new UsageError(`${source}: line ${i + 1} is not JSON (${parsed.error})`);
      return [parsed.value];
    });
  }
  return reports.map((report, i) => withTarget(report, `${source}: observation ${i + 1}`, target));
}

function withTarget(report: unknown, where: string, target: ReportTarget): ObservationReport {
  if (!isObject(report) || !isObject(report.metrics)) throw new UsageError(`${where} needs "metrics": {NAME: number}`);
  for (const [name, value] of Object.entries(report.metrics)) {
    if (typeof value !== "number" || !Number.isFinite(value)) throw new UsageError(`${where}: metric '${name}' must be a number`);
  }
  if (report.version !== undefined || report.ref !== undefined) return report as unknown as ObservationReport;
  if (target.version === undefined && target.ref === undefined) throw new UsageError(`${where} names no version or ref; give --ref or --version`);
  return { ...target, ...(report as unknown as ObservationReport) };
}

/** `name=value` pairs into metrics. */
export function parseMetricPairs(pairs: readonly string[], flag: string): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    const value = Number(pair.slice(at + 1));
    if (at < 1 || pair.slice(at + 1).trim() === "" || !Number.isFinite(value)) throw new UsageError(`${flag} '${pair}' must be name=number`);
    metrics[pair.slice(0, at)] = value;
  }
  return metrics;
}

function parseJson(text: string, source: string): unknown {
  const parsed = tryJson(text);
  if (!parsed.ok) throw new UsageError(`${source}: not valid JSON (${parsed.error})`);
  return parsed.value;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
