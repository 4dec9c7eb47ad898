/**
 * The layering rule (docs/architecture.md): a door — src/http, src/ui, src/mlflow, src/oci — parses its wire format,
 * calls a registry command or read, and presents the answer. It imports nothing from src/store, nor the gates or the
 * event notifier, so no door can write, gate or announce a change on its own.
 */
import { describe, expect, it } from "vitest";

const sources = import.meta.glob<string>("../src/{http,ui,mlflow,oci}/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true });

/** Every module specifier a source imports or re-exports, type-only and dynamic imports included. */
export function importsOf(source: string): string[] {
  const code = source.replace(/^\s*\/\*[\s\S]*?\*\//gm, "").replace(/^\s*\/\/.*$/gm, "");
  const found = [
    ...code.matchAll(/\b(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/g),
    ...code.matchAll(/\bimport\s*["']([^"']+)["']/g),
    ...code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
  ];
  return [...new Set(found.map((m) => m[1]!))];
}

/** Why a door may not import `specifier`, or null when it may. */
export function forbidden(specifier: string): string | null {
  if (/^(\.\.\/)+store(\/|$)/.test(specifier)) return "the store is the registry's: call a command or a registry read";
  if (/(^|\/)registry\/gates$/.test(specifier)) return "gates run inside the registry's commands";
  if (/(^|\/)registry\/events$/.test(specifier)) return "commands emit their events themselves";
  return null;
}

const violationsOf = (source: string) => importsOf(source).flatMap((s) => (forbidden(s) ? [`imports '${s}': ${forbidden(s)}`] : []));

describe("the import rule's reader", () => {
  it("finds static, type-only, multi-line, re-exported and dynamic imports, and skips comments", () => {
    const source = [
      'import { a } from "../store/models";',
      'import type { B } from "../../store/audit";',
      "import {\n  c,\n  d,\n} from '../registry/gates';",
      'export { e } from "../registry/events";',
      'const f = await import("../store/blobs");',
      'import "./side-effect";',
      '// import { g } from "../store/refs";',
      '/* import { h } from "../store/refs"; */',
      'import { i } from "../registry/models";',
    ].join("\n");
    expect(importsOf(source).sort()).toEqual(
      ["../store/models", "../../store/audit", "../registry/gates", "../registry/events", "./side-effect", "../store/blobs", "../registry/models"].sort(),
    );
    expect(violationsOf(source)).toHaveLength(5);
  });

  it("allows the registry's modules, the domain and the door's own helpers", () => {
    for (const ok of ["../registry/models", "../registry/context", "../domain/versions", "./openapi", "../http/schemas", "../../registry/overview", "../auth/principal"]) {
      expect(forbidden(ok), ok).toBeNull();
    }
  });

  it("reads every door's sources", () => {
    const files = Object.keys(sources);
    expect(files).toContain("../src/http/versions.ts");
    expect(files).toContain("../src/ui/index.tsx");
    expect(files).toContain("../src/mlflow/registry.ts");
    expect(files.length).toBeGreaterThan(20);
  });
});

describe("no door imports a store module, a gate or the notifier", () => {
  it.each(Object.keys(sources).sort())("%s", (file) => {
    expect(violationsOf(sources[file]!), `${file.replace(/^\.\.\//, "")} must go through src/registry`).toEqual([]);
  });
});
