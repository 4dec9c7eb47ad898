#!/usr/bin/env node
// `npm run gen:client` (also the first step of `npm test`): regenerates src/client/openapi.ts, the typed client's
// route types, from the spec the app serves at /openapi.json, so the CLI is typechecked against the routes as they
// are. The app is bundled for Node and asked in-process, so no registry needs to run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import openapiTS, { astToString } from "openapi-typescript";

const root = resolve(import.meta.dirname, "..");
const target = join(root, "src/client/openapi.ts");

const HEADER = `/**
 * Route types of the edgereg HTTP API, generated from /openapi.json by \`npm run gen:client\` (cli/gen-client.mjs).
 * Do not edit by hand: change the route's zod schema and regenerate.
 */
`;

/** The files wrangler.toml's [[rules]] bundle as text (the /docs page's assets) load as text here too. */
const textModules = {
  name: "text-modules",
  setup(build) {
    build.onLoad({ filter: /[\\/]swagger-ui-dist[\\/]swagger-ui(-bundle\.js|\.css)$/ }, (args) => ({ contents: readFileSync(args.path, "utf8"), loader: "text" }));
  },
};

export async function currentSpec() {
  const dir = mkdtempSync(join(tmpdir(), "edgereg-spec-"));
  try {
    const entry = join(dir, "spec.ts");
    writeFileSync(
      entry,
      `import { createApp } from ${JSON.stringify(join(root, "src/app.ts"))};
export async function spec() {
  // The spec route touches no storage; DB only needs to be an object for the per-request database cache.
  const response = await createApp().request("/openapi.json", {}, { DB: {} });
  if (!response.ok) throw new Error("GET /openapi.json answered " + response.status);
  return response.json();
}`,
    );
    const outfile = join(dir, "spec.mjs");
    await build({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", outfile, logLevel: "warning", plugins: [textModules] });
    const { spec } = await import(pathToFileURL(outfile).href);
    return spec();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * zod-to-openapi writes a described nullable component as `allOf: [{$ref}, {type: ["object", "null"]}]`, which
 * reads as "always the component" (openapi-typescript makes it `X & (Record<string, never> | null)`); the
 * intended meaning is `anyOf: [{$ref}, {type: "null"}]`.
 */
function nullableRefs(node) {
  if (Array.isArray(node)) return node.map(nullableRefs);
  if (!node || typeof node !== "object") return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, nullableRefs(v)]));
  const [ref, nullable, ...rest] = Array.isArray(out.allOf) ? out.allOf : [];
  const onlyNull = nullable && JSON.stringify(nullable.type) === '["object","null"]' && !nullable.properties;
  if (ref?.$ref && onlyNull && rest.length === 0) {
    const { allOf: _, ...others } = out;
    const { type: __, ...annotations } = nullable;
    return { ...others, ...annotations, anyOf: [ref, { type: "null" }] };
  }
  return out;
}

export async function clientTypes(spec) {
  const ast = await openapiTS(nullableRefs(spec), { alphabetize: true });
  return HEADER + astToString(ast);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const text = await clientTypes(await currentSpec());
  const before = (() => {
    try {
      return readFileSync(target, "utf8");
    } catch {
      return "";
    }
  })();
  if (before !== text) writeFileSync(target, text);
  console.log(`${before === text ? "unchanged" : "wrote"} ${target.slice(root.length + 1)}`);
}
