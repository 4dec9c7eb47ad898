/**
 * A webhook receiver for tests, running in Node: the Workers test runtime cannot open a port, so vitest.config.ts
 * makes this miniflare's outbound service. Requests to https://BOX.hooks.test/… are recorded per BOX (tests name
 * their own). The path's first segment picks how the box behaves, then 200 for the rest:
 *   /fail/N/…    503 to the first N deliveries;
 *   /share/P/…   503 to a fixed P percent of deliveries, spread evenly (the 1st, 2nd, … failure falls on request
 *                ⌈100·k/P⌉), so a test knows exactly how many attempts fail;
 *   /down/S/…    503 for S seconds from the box's first delivery (an outage), then 200;
 *   /first/N/…   503 to the first N attempts of each delivery (by X-Edgereg-Delivery), then 200.
 * PUT /__down and PUT /__up switch a box off (503 to everything) and on again, whatever its path says.
 * GET /__received lists what arrived, in arrival order. Every other host answers 502: tests have no internet.
 */
import { Response, type Request } from "miniflare";

const HOST_SUFFIX = ".hooks.test";

interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  answered: number;
  at: number;
}

const boxes = new Map<string, { log: Received[]; firstAt: number | null; down: boolean }>();

/**
 * Whether the box's `n`th request (0-based) is refused under its path's behaviour; `sameKey` is how many earlier
 * requests carried this one's delivery id.
 */
export function refuses(path: string, n: number, msSinceFirst: number, sameKey = 0): boolean {
  const [, mode, arg] = /^\/(fail|share|down|first)\/(\d+)(?:\/|$)/.exec(path) ?? [];
  const value = Number(arg ?? 0);
  if (mode === "fail") return n < value;
  if (mode === "first") return sameKey < value;
  if (mode === "share") return Math.floor(((n + 1) * value) / 100) > Math.floor((n * value) / 100);
  if (mode === "down") return msSinceFirst < value * 1000;
  return false;
}

export async function webhookReceiver(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (!url.hostname.endsWith(HOST_SUFFIX)) return new Response(`tests reach only *${HOST_SUFFIX}`, { status: 502 });
  const name = url.hostname.slice(0, -HOST_SUFFIX.length);
  const now = Date.now();
  const box = boxes.get(name) ?? { log: [], firstAt: null, down: false };
  boxes.set(name, box);
  if (request.method === "GET" && url.pathname === "/__received") return Response.json(box.log);
  if (request.method === "PUT" && (url.pathname === "/__down" || url.pathname === "/__up")) {
    box.down = url.pathname === "/__down";
    return new Response(null, { status: 204 });
  }
  box.firstAt ??= now;
  const key = request.headers.get("x-edgereg-delivery");
  const sameKey = box.log.filter((r) => r.headers["x-edgereg-delivery"] === key).length;
  const answered = box.down || refuses(url.pathname, box.log.length, now - box.firstAt, sameKey) ? 503 : 200;
  box.log.push({ method: request.method, path: url.pathname, headers: Object.fromEntries(request.headers), body: await request.text(), answered, at: now });
  return new Response(answered === 200 ? "ok" : "try again later", { status: answered });
}
