#!/usr/bin/env node
// `npm run build:cli` (also run by `prepare` on npm ci, and by npm test): bundles the command and the typed client
// into cli/dist as single ESM files for Node 20, their dependencies included, so the packed @edgereg/cli installs
// with nothing to fetch. `--types` (run by `npm pack`'s prepack) also writes the client's declarations.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const outdir = join(root, "cli/dist");
// commander and cli-progress are CommonJS: inside an ES module bundle their require() of Node's modules needs this.
const banner = { js: 'import { createRequire as __edgeregRequire } from "node:module";\nconst require = __edgeregRequire(import.meta.url);' };
const common = { bundle: true, platform: "node", target: "node20", format: "esm", sourcemap: true, logLevel: "warning", banner, outExtension: { ".js": ".mjs" } };

await build({ ...common, entryPoints: { edgereg: join(root, "cli/index.ts") }, outdir });
await build({ ...common, entryPoints: { client: join(root, "src/client/index.ts") }, outdir });
chmodSync(join(outdir, "edgereg.mjs"), 0o755);

if (process.argv.includes("--types")) writeClientTypes(join(outdir, "types"));

/**
 * dist/types/client/*.d.ts from src/client, with the two type-only packages they import copied beside them, so a
 * TypeScript user of `@edgereg/cli/client` needs nothing else installed.
 */
function writeClientTypes(dir) {
  rmSync(dir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const compilerOptions = {
    declaration: true,
    emitDeclarationOnly: true,
    // The repository typechecks src/client already; this only writes what it declares.
    noCheck: true,
    skipLibCheck: true,
    strict: true,
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    lib: ["ES2023", "DOM"],
    types: [],
    rootDir: join(root, "src/client"),
    outDir: join(dir, "client"),
  };
  mkdirSync(dir, { recursive: true });
  const project = join(dir, "tsconfig.json");
  writeFileSync(project, JSON.stringify({ compilerOptions, files: [join(root, "src/client/index.ts")] }));
  const emitted = spawnSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" });
  rmSync(project);
  if (emitted.status !== 0) throw new Error(`declarations of src/client failed:\n${emitted.stdout}${emitted.stderr}`);
  const vendor = join(dir, "vendor");
  mkdirSync(vendor, { recursive: true });
  const requireFromClient = createRequire(join(root, "src/client/index.ts"));
  for (const pkg of ["openapi-fetch", "openapi-typescript-helpers"]) {
    const entry = requireFromClient.resolve(pkg);
    copyFileSync(join(dirname(entry), "index.d.ts"), join(vendor, `${pkg}.d.ts`));
  }
  const rewrite = (file, from) => {
    const text = readFileSync(file, "utf8").replace(/(from\s+["'])(openapi-fetch|openapi-typescript-helpers)(["'])/g, `$1${from}$2$3`);
    writeFileSync(file, text);
  };
  for (const name of readdirSync(join(dir, "client"))) rewrite(join(dir, "client", name), "../vendor/");
  rewrite(join(vendor, "openapi-fetch.d.ts"), "./");
}
