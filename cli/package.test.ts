/**
 * The packed @edgereg/cli, as a CI job without this repository gets it: `npm pack`, installed into an empty folder
 * with the network and npm's cache out of reach, then `--version`, push and pull against a local registry, and the
 * typed client imported and typechecked from the package.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ADMIN_TOKEN, root, startRegistry, tempDir, uniqueName, writeRandom, type Registry } from "./e2e-harness";

const MiB = 1024 * 1024;
let registry: Registry;

beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry?.dispose());

function run(command: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { PATH: process.env.PATH, HOME: cwd, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

it("packs into a tarball that installs offline into an empty folder and pushes and pulls", async () => {
  const packDir = tempDir();
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", packDir], join(root, "cli"), { HOME: process.env.HOME }))[0];
  const files: string[] = packed.files.map((f: { path: string }) => f.path).sort();
  expect(files).toEqual([
    "dist/client.mjs",
    "dist/edgereg.mjs",
    "dist/types/client/index.d.ts",
    "dist/types/client/openapi.d.ts",
    "dist/types/vendor/openapi-fetch.d.ts",
    "dist/types/vendor/openapi-typescript-helpers.d.ts",
    "package.json",
  ]);
  const manifest = JSON.parse(readFileSync(join(root, "cli/package.json"), "utf8"));
  expect(manifest.dependencies ?? {}).toEqual({});

  // An empty folder, a fresh cache and an unreachable registry: everything must come from the tarball.
  const app = tempDir();
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "ci-job", private: true, type: "module" }));
  const started = Date.now();
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--cache", join(app, ".npm-cache"), "--registry", "http://127.0.0.1:9/", join(packDir, packed.filename)], app);
  const installMs = Date.now() - started;
  console.log(`packed ${packed.filename}: ${packed.size} bytes (${packed.unpackedSize} unpacked); offline install took ${installMs} ms`);

  const edgereg = join(app, "node_modules/.bin/edgereg");
  expect(run(edgereg, ["--version"], app).trim()).toBe(manifest.version);

  const env = { EDGEREG_URL: registry.url, EDGEREG_TOKEN: ADMIN_TOKEN };
  const weights = writeRandom(join(app, "weights.bin"), 6 * MiB + 5);
  const name = uniqueName("packed");
  const pushed = JSON.parse(run(edgereg, ["push", name, "weights.bin", "--version", "1.0.0", "--part-size", "5MiB", "--json"], app, env));
  expect(pushed.version).toMatchObject({ status: "READY", semver: "1.0.0" });
  expect(pushed.uploads[0]).toMatchObject({ transfer: "multipart", parts: 2 });
  run(edgereg, ["pull", `models:/${name}/1.0.0`, "-o", "out", "-q"], app, env);
  expect(readFileSync(join(app, "out/weights.bin")).equals(weights)).toBe(true);

  // The typed client from the same package: importable in Node and typechecked without anything else installed.
  writeFileSync(
    join(app, "client.ts"),
    `import { createClient, EdgeregError, type Version } from "@edgereg/cli/client";
const edgereg = createClient({ url: process.env.EDGEREG_URL!, token: process.env.EDGEREG_TOKEN });
const version: Version = await edgereg.GET("/v1/models/{name}/versions/{v}", { params: { path: { name: "m", v: "1" } } });
const semver: string = version.semver;
// @ts-expect-error: the route types know every path
await edgereg.GET("/v1/no-such-route");
export const failure: EdgeregError = new EdgeregError(404, "NOT_FOUND", semver);
declare const process: { env: Record<string, string | undefined> };
`,
  );
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2023", "DOM"], types: [], noEmit: true } }),
  );
  run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", app], app);
  writeFileSync(
    join(app, "client.mjs"),
    `import { createClient, EdgeregError } from "@edgereg/cli/client";
const edgereg = createClient({ url: process.env.EDGEREG_URL, token: process.env.EDGEREG_TOKEN });
const version = await edgereg.GET("/v1/models/{name}/versions/{v}", { params: { path: { name: ${JSON.stringify(name)}, v: "1" } } });
const missing = await edgereg.GET("/v1/models/{name}", { params: { path: { name: "no-such-model" } } }).catch((e) => e);
console.log(JSON.stringify({ semver: version.semver, error: missing instanceof EdgeregError ? missing.code : String(missing) }));
`,
  );
  expect(JSON.parse(run(process.execPath, ["client.mjs"], app, env))).toEqual({ semver: "1.0.0", error: "NOT_FOUND" });
});
