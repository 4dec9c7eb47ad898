import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkError, nodeFetch } from "./transport";

const seen: { method?: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    seen.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(201, { "Content-Type": "application/json", "X-Request-Id": "r-1" });
    res.end(req.method === "HEAD" ? undefined : JSON.stringify({ received: Buffer.concat(chunks).length }));
  });
});
let url = "";
beforeAll(async () => {
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((ok) => server.close(ok)));

describe("node transport", () => {
  it("streams a body with the length it declares, and gives the length of a small body", async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024).fill(7);
    const streamed = await nodeFetch(
      new Request(`${url}/part`, { method: "PUT", body: new Blob([bytes]).stream(), headers: { "Content-Length": String(bytes.length) }, duplex: "half" } as RequestInit),
    );
    expect(streamed.status).toBe(201);
    expect(streamed.headers.get("x-request-id")).toBe("r-1");
    expect(await streamed.json()).toEqual({ received: bytes.length });
    expect(seen.at(-1)?.headers["content-length"]).toBe(String(bytes.length));
    expect(seen.at(-1)?.headers["transfer-encoding"]).toBeUndefined();

    const small = await nodeFetch(new Request(`${url}/json`, { method: "POST", body: '{"a":1}', headers: { "Content-Type": "application/json" } }));
    expect(await small.json()).toEqual({ received: 7 });
    expect(seen.at(-1)?.headers["content-length"]).toBe("7");

    const head = await nodeFetch(new Request(`${url}/a`, { method: "HEAD" }));
    expect(head.status).toBe(201);
    expect(head.body).toBeNull();
  });

  it("sends a held body again when a kept-alive socket turns out closed", async () => {
    // A server that drops every connection on its second request, as an idle keep-alive timeout does.
    const served = new WeakSet<object>();
    let requests = 0;
    const flaky = createServer((req, res) => {
      requests++;
      if (served.has(req.socket)) return req.socket.destroy();
      served.add(req.socket);
      req.resume().on("end", () => res.end("ok"));
    });
    await new Promise<void>((ok) => flaky.listen(0, "127.0.0.1", ok));
    const at = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    try {
      expect(await (await nodeFetch(new Request(`${at}/1`, { method: "POST", body: "{}" }))).text()).toBe("ok");
      expect(await (await nodeFetch(new Request(`${at}/2`, { method: "POST", body: "{}" }))).text()).toBe("ok");
      expect(requests).toBe(3);
    } finally {
      flaky.closeAllConnections();
      await new Promise((ok) => flaky.close(ok));
    }
  });

  it("turns a refused connection into a NetworkError", async () => {
    const refused = await nodeFetch(new Request("http://127.0.0.1:9/")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NetworkError);
    expect((refused as NetworkError).code).toBe("ECONNREFUSED");
  });
});
