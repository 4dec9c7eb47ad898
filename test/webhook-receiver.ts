/**
 * A webhook receiver for tests, running in Node: the Workers test runtime cannot open a port, so vitest.config.ts
 * makes this miniflare's outbound service. Requests to https://BOX.hooks.test/… are recorded per BOX (tests name
 * their own); `/fail/N/…` answers 503 to the first N deliveries, then 200; GET /__received lists what arrived.
 * Every other host answers 502: tests have no internet.
 */
import { Response, type Request } from "miniflare";

const HOST_SUFFIX = ".hooks.test";

interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  answered: number;
}

const boxes = new Map<string, Received[]>();

export async function webhookReceiver(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (!url.hostname.endsWith(HOST_SUFFIX)) return new Response(`tests reach only *${HOST_SUFFIX}`, { status: 502 });
  const box = url.hostname.slice(0, -HOST_SUFFIX.length);
  const log = boxes.get(box) ?? [];
  boxes.set(box, log);
  if (request.method === "GET" && url.pathname === "/__received") return Response.json(log);
  const failFirst = Number(/^\/fail\/(\d+)(\/|$)/.exec(url.pathname)?.[1] ?? 0);
  const answered = log.length < failFirst ? 503 : 200;
  log.push({ method: request.method, path: url.pathname, headers: Object.fromEntries(request.headers), body: await request.text(), answered });
  return new Response(answered === 200 ? "ok" : "try again later", { status: answered });
}
