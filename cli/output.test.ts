import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { fields, Output, show, table } from "./output";

const sink = () => {
  let text = "";
  const stream = new Writable({ write: (chunk, _e, done) => ((text += chunk), done()) });
  return { stream, text: () => text };
};

describe("output", () => {
  it("aligns table columns and prints missing values as a dash", () => {
    const rows = [
      { name: "flight_delay", latest: 3, refs: { Production: 3, champion: 2 } },
      { name: "fraud", latest: null, refs: {} },
    ];
    expect(table(rows, [["NAME", (r) => r.name], ["LATEST", (r) => r.latest], ["REFS", (r) => r.refs]])).toBe(
      ["NAME          LATEST  REFS", "flight_delay  3       Production=3, champion=2", "fraud         -       -"].join("\n"),
    );
    expect(fields([["version", "3 (2.1.0)"], ["arm", null]])).toBe("version: 3 (2.1.0)\narm:     -");
    expect(show(["a", "b"])).toBe("a, b");
    expect(show({ nested: { x: 1 } })).toBe('{"nested":{"x":1}}');
  });

  it("prints results as JSON for scripts and keeps notes off stdout", () => {
    const out = sink();
    const err = sink();
    const json = new Output({ json: true, quiet: false, stdout: out.stream, stderr: err.stream });
    json.result({ a: 1 }, () => "human");
    json.note("working");
    expect(JSON.parse(out.text())).toEqual({ a: 1 });
    expect(err.text()).toBe("working\n");

    const quiet = new Output({ json: false, quiet: true, stdout: out.stream, stderr: err.stream });
    quiet.note("hidden");
    quiet.result({ a: 1 }, () => "human");
    expect(err.text()).toBe("working\n");
    expect(out.text().endsWith("human\n")).toBe(true);
  });
});
