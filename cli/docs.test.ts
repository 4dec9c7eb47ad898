/**
 * Files the CLI's docs show are included, not copied: a fenced block right after `<!-- file: PATH -->` must be
 * exactly that file of the repository, so the workflow a reader copies is the one the repository runs.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

function includedFiles(markdown: string): { path: string; block: string }[] {
  const found: { path: string; block: string }[] = [];
  const pattern = /<!-- file: (\S+) -->\n(`{3,})[^\n]*\n([\s\S]*?)\n\2\n/g;
  for (const match of markdown.matchAll(pattern)) found.push({ path: match[1]!, block: `${match[3]}\n` });
  return found;
}

it("docs/cli.md shows the example workflow and the action exactly as the repository has them", () => {
  const included = includedFiles(readFileSync(join(root, "docs/cli.md"), "utf8"));
  expect(included.map((f) => f.path)).toEqual(expect.arrayContaining([".github/workflows/example-push.yml", ".github/actions/edgereg-push/action.yml"]));
  for (const { path, block } of included) expect(block, path).toBe(readFileSync(join(root, path), "utf8"));
});
