import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSince } from "./args";
import { UsageError } from "./errors";
import { parseCsv, parseFeatures, parseMetricPairs, parseObservations } from "./samples";

/** How a spreadsheet would write a field: quoted when it holds a comma, a quote or a line break. */
const csvField = (field: string) => (/[",\r\n]/.test(field) || field === "" ? `"${field.replace(/"/g, '""')}"` : field);

describe("parseCsv", () => {
  it("reads back any table a CSV writer produces", () => {
    const table = fc.array(fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(table, fc.constantFrom("\n", "\r\n"), (rows, eol) => {
        const text = rows.map((row) => row.map(csvField).join(",")).join(eol) + eol;
        expect(parseCsv(text)).toEqual(rows);
      }),
    );
  });
});

describe("parseFeatures", () => {
  it("types CSV columns: numbers when every present cell is a number, missing cells left out", () => {
    const csv = "distance_km,carrier,delay\n812,AA,3\n1204.5,DL,\n95,\"A,B\",-2e1\n";
    expect(parseFeatures(csv, "x.csv")).toEqual({ distance_km: [812, 1204.5, 95], carrier: ["AA", "DL", "A,B"], delay: [3, -20] });
  });

  it("takes JSON with or without the features wrapper", () => {
    expect(parseFeatures('{"features": {"a": [1, 2]}}', "x")).toEqual({ a: [1, 2] });
    expect(parseFeatures('{"b": ["x", "y"]}', "x")).toEqual({ b: ["x", "y"] });
  });

  it("names the file and the problem", () => {
    expect(() => parseFeatures('{"a": [1, "x"]}', "ref.json")).toThrow(/ref\.json: feature 'a' must be an array of numbers or of strings/);
    expect(() => parseFeatures("a,b\n1,2,3\n", "cur.csv")).toThrow(/cur\.csv: row 2 has 3 fields, the header 2/);
    expect(() => parseFeatures("", "empty.csv")).toThrow(UsageError);
    expect(() => parseFeatures("a,a\n1,2\n", "dup.csv")).toThrow(/twice/);
  });
});

describe("parseObservations", () => {
  const target = { ref: "Production", arm: "candidate" as const };

  it("reads a batch object, an array, one report, or JSON Lines, and fills in the target", () => {
    const report = { metrics: { correct: 1 }, count: 3 };
    const expected = [{ ...target, ...report }];
    expect(parseObservations(JSON.stringify({ observations: [report] }), "f", target)).toEqual(expected);
    expect(parseObservations(JSON.stringify([report]), "f", target)).toEqual(expected);
    expect(parseObservations(JSON.stringify(report), "f", target)).toEqual(expected);
    const lines = `${JSON.stringify(report)}\n\n${JSON.stringify({ version: 2, metrics: { latency_ms: 40 } })}\n`;
    expect(parseObservations(lines, "f", target)).toEqual([...expected, { version: 2, metrics: { latency_ms: 40 } }]);
  });

  it("refuses reports without metrics or a target, naming the line", () => {
    expect(() => parseObservations('{"metrics": {"a": 1}}\nnot json\n', "log", target)).toThrow(/log: line 2 is not JSON/);
    expect(() => parseObservations('{"metrics": {"a": "x"}}', "log", target)).toThrow(/observation 1: metric 'a' must be a number/);
    expect(() => parseObservations('{"metrics": {"a": 1}}', "log", {})).toThrow(/names no version or ref/);
    expect(() => parseObservations("  ", "log", target)).toThrow(/no observations/);
  });
});

describe("flag values", () => {
  it("parses metric pairs and refuses anything but name=number", () => {
    expect(parseMetricPairs(["a=1", "b=-2.5e-3"], "--metric")).toEqual({ a: 1, b: -0.0025 });
    for (const bad of ["a", "=1", "a=", "a=x", "a=Infinity"]) expect(() => parseMetricPairs([bad], "--metric")).toThrow(UsageError);
  });

  it("takes ISO times or spans back from now", () => {
    const now = () => Date.parse("2026-05-02T00:00:00Z");
    expect(parseSince("--since", now)("24h")).toBe("2026-05-01T00:00:00.000Z");
    expect(parseSince("--since", now)("90m")).toBe("2026-05-01T22:30:00.000Z");
    expect(parseSince("--since", now)("2026-04-01T10:00:00+02:00")).toBe("2026-04-01T08:00:00.000Z");
    expect(() => parseSince("--since", now)("yesterday")).toThrow(/--since 'yesterday'/);
  });
});
