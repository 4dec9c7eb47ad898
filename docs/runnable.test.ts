/**
 * The docs run: every runnable shell block of README.md and docs/*.md, in reading order, as one bash session (blocks
 * share variables and helpers, as a reader's terminal does) against a local registry on a fresh database, started the
 * way `npm start` starts it: the deploy bundle on Miniflare, the admin token written to `.dev.vars` by the same code.
 * The session's working directory is a scratch directory holding that `.dev.vars`, standing in for the repository root.
 *
 *   npx vitest run --project docs
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAdminToken, startLocalRegistry } from "../scripts/local.mjs";
import { collectBlocks, documentationFiles, extractBlocks, headingAnchor, headingAnchors, relativeLinks, sessionScript, splitOutput } from "./runnable";

const root = resolve(import.meta.dirname, "..");

describe("extracting runnable blocks", () => {
  it("takes only blocks marked runnable, with their line, indentation removed", () => {
    const text = ["# t", "```sh", "echo no", "```", "", "- item", "  ```sh runnable", "  echo a", "    echo b", "  ```", "```bash runnable", "echo c", "```"].join("\n");
    expect(extractBlocks("x.md", text)).toEqual([
      { file: "x.md", line: 7, code: "echo a\n  echo b" },
      { file: "x.md", line: 11, code: "echo c" },
    ]);
  });

  it("refuses a block that is never closed", () => {
    expect(() => extractBlocks("x.md", "```sh runnable\necho a\n")).toThrow("x.md:1");
  });

  it("reads README first, then the pages in reading order", () => {
    const files = documentationFiles(root);
    expect(files[0]).toBe("README.md");
    expect(files.indexOf("docs/api.md")).toBeLessThan(files.indexOf("docs/pipeline.md"));
  });

  it("cuts the session's output per block", () => {
    const output = "\n@@edgereg-docs-block 0 a.md:3\none\n\n@@edgereg-docs-block 1 b.md:9\ntwo\n";
    expect(splitOutput(output)).toEqual({
      blocks: [
        { index: 0, where: "a.md:3", output: "one" },
        { index: 1, where: "b.md:9", output: "two" },
      ],
      finished: false,
    });
  });
});

describe("links between the pages", () => {
  it("computes GitHub's heading anchors", () => {
    expect(headingAnchor("Resolve at serving scale: `RESOLVE_MAX_STALENESS_MS`")).toBe("resolve-at-serving-scale-resolve_max_staleness_ms");
    expect(headingAnchor("A/B view")).toBe("ab-view");
  });

  it("every relative link names a file that exists, and a heading that exists in it", () => {
    const broken: string[] = [];
    for (const file of documentationFiles(root)) {
      for (const link of relativeLinks(file, readFileSync(join(root, file), "utf8"))) {
        const [path, anchor] = link.target.split("#") as [string, string | undefined];
        const target = path ? join(dirname(join(root, file)), path) : join(root, file);
        if (!existsSync(target)) broken.push(`${file}:${link.line} → ${link.target} (no such file)`);
        else if (anchor && target.endsWith(".md") && !headingAnchors(readFileSync(target, "utf8")).has(anchor)) {
          broken.push(`${file}:${link.line} → ${link.target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("the documentation, run as written", () => {
  const blocks = collectBlocks(root);
  let registry: { url: string; dispose(): Promise<void> };
  let cwd: string;
  let home: string;
  let state: string;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), "edgereg-docs-"));
    home = join(cwd, ".home");
    mkdirSync(home);
    state = mkdtempSync(join(tmpdir(), "edgereg-docs-state-"));
    const { token } = ensureAdminToken(join(cwd, ".dev.vars"));
    registry = await startLocalRegistry({ port: 0, persistTo: state, vars: { ADMIN_TOKEN: token }, quiet: true });
  });

  afterAll(async () => {
    await registry?.dispose();
    for (const dir of [cwd, state]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("has runnable blocks in README.md", () => {
    expect(blocks.filter((block) => block.file === "README.md").length).toBeGreaterThan(0);
  });

  it("runs every runnable block in order without an error", async () => {
    const { code, output } = await bash(sessionScript(blocks), {
      cwd,
      env: { ...process.env, EDGEREG: registry.url, HOME: home, PATH: `${join(root, "node_modules/.bin")}:${process.env.PATH}` },
    });
    const { blocks: ran, finished } = splitOutput(output);
    if (code !== 0 || !finished) {
      const failed = ran.at(-1);
      const block = failed ? blocks[failed.index] : undefined;
      throw new Error(
        failed && block
          ? `runnable block ${block.file}:${block.line} failed (exit ${code}); ${failed.index} of ${blocks.length} blocks passed before it.\n` +
              `--- block ---\n${block.code}\n--- output ---\n${failed.output}`
          : `the docs session failed before its first block (exit ${code}):\n${output}`,
      );
    }
    expect(ran.map((block) => block.index)).toEqual(blocks.map((_, index) => index));
  }, 600_000);
});

/** Runs the script from a file with stdin closed, so no command in a block can read the rest of the script. */
function bash(script: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; output: string }> {
  const file = join(mkdtempSync(join(tmpdir(), "edgereg-docs-script-")), "session.sh");
  writeFileSync(file, script);
  return new Promise((resolvePromise, reject) => {
    const child = spawn("bash", [file], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      rmSync(dirname(file), { recursive: true, force: true });
      resolvePromise({ code, output });
    });
  });
}
