import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ipv4Kind, privateTargetsAllowed, webhookTargetProblem } from "./webhook-targets";

const refused = (url: string) => webhookTargetProblem(url, { allowPrivate: false });

describe("webhook targets", () => {
  it.each([
    "http://127.0.0.1/",
    "http://127.1.2.3:8080/hook",
    "http://localhost/",
    "http://LOCALHOST./x",
    "http://api.localhost/",
    "http://[::1]/",
    "http://[::]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://10.255.255.255/",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.1.1/",
    "http://0.0.0.0/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    // Other notations of 127.0.0.1 the URL parser accepts.
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://127.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:a9fe:a9fe]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::a00:1]/",
    "http://[2002:c0a8:101::1]/",
    "http://[fd00::1]/",
    "http://[fc12:3456::1]/",
    "http://[fe80::1]/",
    "http://[febf::1]/",
    "http://[ff02::1]/",
    "http://metadata.google.internal/",
    "http://printer.local/",
    "http://intranet/",
    "https://user:pass@hooks.example.com/",
  ])("refuses %s", (url) => {
    expect(refused(url)).toEqual(expect.any(String));
  });

  it.each([
    "https://hooks.example.com/edgereg",
    "http://8.8.8.8/",
    "http://172.32.0.1/",
    "http://172.15.255.255/",
    "http://192.169.0.1/",
    "http://11.0.0.1/",
    "http://[2606:4700:4700::1111]/",
    "http://[::ffff:8.8.8.8]/",
    "https://box.hooks.test/path",
  ])("allows %s", (url) => {
    expect(refused(url)).toBeNull();
  });

  it("says why and how to allow private targets locally", () => {
    const problem = refused("http://127.0.0.1:9000/hook")!;
    expect(problem).toContain("loopback");
    expect(problem).toContain("WEBHOOK_ALLOW_PRIVATE_TARGETS=true");
  });

  it("allows private targets only when the variable says so", () => {
    expect(webhookTargetProblem("http://127.0.0.1/", { allowPrivate: true })).toBeNull();
    expect(webhookTargetProblem("ftp://127.0.0.1/", { allowPrivate: true })).toEqual(expect.any(String));
    expect([undefined, "", "false", "0", "no", "off", "maybe"].map(privateTargetsAllowed)).toEqual(Array(7).fill(false));
    expect(["true", "TRUE", "1", "yes", " on "].map(privateTargetsAllowed)).toEqual(Array(5).fill(true));
  });

  const PRIVATE_V4: [number, number][] = [
    [0x0a000000, 8],
    [0x7f000000, 8],
    [0xa9fe0000, 16],
    [0xac100000, 12],
    [0xc0a80000, 16],
    [0x00000000, 8],
  ];
  const privateV4 = fc
    .tuple(fc.constantFrom(...PRIVATE_V4), fc.nat())
    .map(([[base, bits], r]) => (base | (r & ((1 << (32 - bits)) - 1))) >>> 0);
  const anyV4 = fc.nat({ max: 0xffffffff });

  /** Every spelling of one IPv4 address that the WHATWG URL parser reads as that address. */
  const notations = (a: number) => {
    const o = [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255];
    const h = (n: number) => n.toString(16);
    return [
      o.join("."),
      String(a),
      `0x${h(a)}`,
      `0${a.toString(8)}`,
      o.map((x) => `0x${h(x)}`).join("."),
      o.map((x) => `0${x.toString(8)}`).join("."),
      `${o[0]}.${(a & 0xffffff) >>> 0}`,
      `[::ffff:${o.join(".")}]`,
      `[::ffff:${h((a >>> 16) & 0xffff)}:${h(a & 0xffff)}]`,
    ];
  };

  it("refuses every private IPv4 address in every notation", () => {
    fc.assert(
      fc.property(privateV4, (a) => {
        for (const host of notations(a)) expect(refused(`http://${host}/hook`), host).not.toBeNull();
      }),
    );
  });

  it("judges an address the same in every notation", () => {
    fc.assert(
      fc.property(anyV4, (a) => {
        const verdict = ipv4Kind(a) === null;
        for (const host of notations(a)) expect(refused(`http://${host}/`) === null, host).toBe(verdict);
      }),
    );
  });
});
