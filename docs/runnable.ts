/**
 * Runnable documentation: fenced shell blocks marked `runnable` (```` ```sh runnable ````) are executed, in order, as
 * one bash session against a fresh local registry by docs/runnable.test.ts. Pure, so the extraction is unit-tested.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Pages in reading order after README.md; any other docs/*.md follows in name order. */
export const PAGE_ORDER = [
  "api.md",
  "roles-and-gates.md",
  "artifacts.md",
  "references-and-rollouts.md",
  "history.md",
  "pipeline.md",
  "rollouts.md",
  "webhooks.md",
  "drift.md",
  "cli.md",
  "ui.md",
  "ui-charts.md",
  "mlflow.md",
  "mlflow-import.md",
  "oci.md",
  "limits.md",
  "security.md",
  "deploy.md",
  "deploy-at-scale.md",
  "operations.md",
  "benchmarks.md",
  "architecture.md",
];

export interface Block {
  /** Path relative to the repository root, e.g. `docs/api.md`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
}

const OPEN = /^(\s*)(`{3,}|~{3,})\s*(?:sh|bash|shell)\s+(?:[^`]*\s)?runnable(?:\s.*)?$/;

/** The runnable blocks of one Markdown text, with their indentation removed. */
export function extractBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence] = open as unknown as [string, string, string];
    const close = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !close.test(lines[j]!); j++) {
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!.trimStart());
    }
    if (j === lines.length) throw new Error(`${file}:${i + 1}: runnable block is never closed`);
    blocks.push({ file, line: i + 1, code: body.join("\n") });
    i = j;
  }
  return blocks;
}

/** README.md first, then the pages of PAGE_ORDER that exist, then any other docs/*.md by name. */
export function documentationFiles(root: string): string[] {
  const pages = existsSync(join(root, "docs")) ? readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")) : [];
  const ordered = PAGE_ORDER.filter((name) => pages.includes(name));
  const others = pages.filter((name) => !PAGE_ORDER.includes(name)).sort();
  return ["README.md", ...[...ordered, ...others].map((name) => `docs/${name}`)];
}

export function collectBlocks(root: string): Block[] {
  return documentationFiles(root).flatMap((file) => extractBlocks(file, readFileSync(join(root, file), "utf8")));
}

export const MARKER = "@@edgereg-docs-block";

/**
 * One bash script for every block: strict mode, and before each block a marker line naming it, so the output can be
 * cut per block and a failure names the block that was running.
 */
export function sessionScript(blocks: Block[]): string {
  const parts = ["set -euo pipefail", "exec 2>&1"];
  blocks.forEach((block, index) => {
    parts.push(`printf '\\n%s %d %s:%d\\n' '${MARKER}' ${index} '${block.file}' ${block.line}`, block.code);
  });
  parts.push(`printf '\\n%s done\\n' '${MARKER}'`);
  return `${parts.join("\n")}\n`;
}

export interface BlockOutput {
  index: number;
  where: string;
  output: string;
}

/** Splits the session's output at the markers; `finished` tells whether the last block ran to its end. */
export function splitOutput(output: string): { blocks: BlockOutput[]; finished: boolean } {
  const blocks: BlockOutput[] = [];
  let finished = false;
  let current: BlockOutput | undefined;
  for (const line of output.split("\n")) {
    if (line.startsWith(`${MARKER} `)) {
      const rest = line.slice(MARKER.length + 1);
      if (rest === "done") {
        finished = true;
        continue;
      }
      const [index, where] = rest.split(" ") as [string, string];
      current = { index: Number(index), where, output: "" };
      blocks.push(current);
    } else if (current) {
      current.output += `${line}\n`;
    }
  }
  for (const block of blocks) block.output = block.output.replace(/\n+$/, "");
  return { blocks, finished };
}

export interface Link {
  file: string;
  line: number;
  target: string;
}

/** Relative links of a Markdown text (`[text](path#anchor)` and `<img src="path">`), outside fenced code. */
export function relativeLinks(file: string, markdown: string): Link[] {
  const links: Link[] = [];
  let fenced = false;
  markdown.split("\n").forEach((text, index) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    if (fenced) return;
    const prose = text.replace(/`[^`]*`/g, "");
    for (const match of prose.matchAll(/\]\(([^)\s]+)\)|<img [^>]*src="([^"]+)"/g)) {
      const target = match[1] ?? match[2]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ file, line: index + 1, target });
    }
  });
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const text of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(text);
    if (heading) anchors.add(headingAnchor(heading[1]!));
  }
  return anchors;
}
