/** End-to-end test support: a local registry, the built command as a subprocess, and a proxy that watches parts. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startLocalRegistry } from "../scripts/local.mjs";

export const root = resolve(import.meta.dirname, "..");
export const ADMIN_TOKEN = "e2e-admin-secret";
const CLI = join(root, "cli/dist/edgereg.mjs");

export interface Registry {
  url: string;
  persistTo: string;
  dispose(): Promise<void>;
}

/** Builds the command as `npm run build:cli` does, then starts the worker on Miniflare with fresh D1 and R2. */
export async function startRegistry(): Promise<Registry> {
  const built = spawnSync(process.execPath, [join(root, "cli/build.mjs")], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`cli/build.mjs failed:\n${built.stderr}`);
  const persistTo = mkdtempSync(join(tmpdir(), "edgereg-e2e-"));
  const registry = await startLocalRegistry({ port: 0, persistTo, vars: { ADMIN_TOKEN }, quiet: true });
  return { url: registry.url, persistTo, dispose: () => registry.dispose() };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
}

/** The built command in a child process; `spawned` hands the process out for tests that interrupt it. */
export function cli(args: string[], options: RunOptions = {}, spawned?: (child: ChildProcess) => void): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: { PATH: process.env.PATH, HOME: tempDir(), ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdin.end(options.input ?? "");
  spawned?.(child);
  return new Promise((resolvePromise) => child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr })));
}

export const tempDir = () => mkdtempSync(join(tmpdir(), "edgereg-cli-"));

/** Random bytes, so every test's artifacts are new to the registry's content-addressed store. */
export function writeRandom(path: string, size: number): Buffer {
  const bytes = randomBytes(size);
  writeFileSync(path, bytes);
  return bytes;
}

let counter = 0;
export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`;

/**
 * A pass-through proxy in front of the registry that records every part upload. With `holdPartsAfter = n`, part
 * requests that arrive once n parts have been stored are held unanswered, as if the network stalled there.
 */
export class PartProxy {
  readonly stored: number[] = [];
  readonly held: ServerResponse[] = [];
  inFlight = 0;
  holdPartsAfter = Infinity;
  private server!: Server;
  url = "";

  constructor(private readonly upstream: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((ok) => this.server.listen(0, "127.0.0.1", ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  reset() {
    this.stored.length = 0;
    this.holdPartsAfter = Infinity;
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const part = req.method === "PUT" ? /\/uploads\/[^/]+\/parts\/(\d+)$/.exec(req.url ?? "") : null;
    if (part && this.stored.length >= this.holdPartsAfter) {
      this.held.push(res);
      return;
    }
    const target = new URL(req.url ?? "/", this.upstream);
    this.inFlight++;
    const forward = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (upstream) => {
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(res);
      upstream.on("end", () => {
        if (part && upstream.statusCode === 200) this.stored.push(Number(part[1]));
        this.inFlight--;
      });
    });
    forward.on("error", () => {
      this.inFlight--;
      res.destroy();
    });
    req.pipe(forward);
  }

  async stop() {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise((ok) => this.server.close(ok));
  }
}

/** Flips one byte of the stored R2 object whose bytes are `content` (Miniflare keeps blobs as plain files). */
export function tamperStoredBlob(persistTo: string, content: Buffer): void {
  const dir = join(persistTo, "v3/r2/edgereg-artifacts/blobs");
  const blob = readdirSync(dir)
    .map((name) => join(dir, name))
    .find((file) => readFileSync(file).equals(content));
  if (!blob) throw new Error("no stored blob has these bytes");
  const bytes = readFileSync(blob);
  bytes[0] = bytes[0]! ^ 0xff;
  writeFileSync(blob, bytes);
}

export async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 20));
  }
}
