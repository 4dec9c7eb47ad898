/**
 * The CLI's HTTP transport: node:http(s) behind the fetch signature the typed client takes.
 *
 * Node's fetch (undici, in Node 20 and in undici 7 alike) keeps every chunk of a streamed request body until the
 * request ends: a 64 MiB part costs 64 MiB of memory, four parts in flight 256 MiB. node:http streams the same
 * body with backpressure, so a push holds a few chunks per request whatever the part size (bench/cli-push.mjs).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

/** The registry could not be reached, or the connection broke. */
export class NetworkError extends Error {
  override name = "NetworkError";
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const agents = {
  "http:": new HttpAgent({ keepAlive: true }),
  "https:": new HttpsAgent({ keepAlive: true }),
};

export async function nodeFetch(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new NetworkError(`unsupported protocol ${url.protocol}`, undefined);
  const headers = Object.fromEntries(request.headers);
  // Small bodies (JSON) go with a length; streamed ones (artifact bytes) come with the Content-Length they promise.
  let body: Buffer | ReadableStream<Uint8Array> | null = request.body;
  if (body && headers["content-length"] === undefined) {
    body = Buffer.from(await request.arrayBuffer());
    headers["content-length"] = String(body.length);
  }
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const attempt = () =>
    new Promise<Response>((resolve, reject) => {
      const outgoing = send(url, { method: request.method, headers, agent: agents[url.protocol as "http:" | "https:"], signal: request.signal }, (incoming) =>
        resolve(toResponse(request.method, incoming)),
      );
      const failed = (error: unknown) => reject(Object.assign(networkError(error), { staleSocket: outgoing.reusedSocket }));
      outgoing.on("error", failed);
      if (body === null) outgoing.end();
      else if (Buffer.isBuffer(body)) outgoing.end(body);
      else pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), outgoing).catch(failed);
    });
  try {
    return await attempt();
  } catch (error) {
    // A kept-alive socket the server closed while it sat idle fails at once; a body we hold can go again on a new one.
    const replayable = !(body instanceof ReadableStream);
    if (replayable && (error as { staleSocket?: boolean }).staleSocket && (error as NetworkError).code === "ECONNRESET") return attempt();
    throw error;
  }
}

function toResponse(method: string, incoming: IncomingMessage): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const status = incoming.statusCode ?? 502;
  const empty = method === "HEAD" || status === 204 || status === 304;
  if (empty) incoming.resume();
  const body = empty ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: incoming.statusMessage, headers });
}

function networkError(error: unknown): Error {
  if (error instanceof NetworkError || (error as Error)?.name === "AbortError") return error as Error;
  const code = (error as NodeJS.ErrnoException)?.code;
  return new NetworkError(`${code ?? "network error"}: ${(error as Error)?.message ?? String(error)}`, code);
}
