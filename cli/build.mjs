#!/usr/bin/env node
// `npm run build:cli` (also run by `prepare` on npm ci, and by npm test): bundles the command and the typed client
// into cli/dist as plain ESM for Node 20. Dependencies stay in node_modules; only our TypeScript is compiled.
import { chmodSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const outdir = join(root, "cli/dist");
const common = { bundle: true, platform: "node", target: "node20", format: "esm", packages: "external", sourcemap: true, logLevel: "warning" };

await build({ ...common, entryPoints: { edgereg: join(root, "cli/index.ts") }, outdir, outExtension: { ".js": ".mjs" } });
await build({ ...common, entryPoints: { client: join(root, "src/client/index.ts") }, outdir, outExtension: { ".js": ".mjs" } });
chmodSync(join(outdir, "edgereg.mjs"), 0o755);
