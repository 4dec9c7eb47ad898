/**
 * Which URLs a webhook may deliver to. A delivery is a POST the registry makes on an admin's behalf, so a target on
 * loopback, a private network, link-local (cloud metadata at 169.254.169.254) or another non-public range would
 * let a webhook probe or poke services that trust the registry's network position. Hosts are judged after the
 * WHATWG URL parser has normalised them, so `2130706433`, `0x7f000001`, `0177.0.0.1` and `[::ffff:127.0.0.1]` all
 * read as 127.0.0.1. Names are judged by their spelling only (no DNS here): the platform's own egress rules are
 * the layer under this one.
 */

import { badRequest } from "./errors";

/** The variable that lets webhooks reach private targets, for a registry and its receiver on one machine. */
export const ALLOW_PRIVATE_TARGETS_VAR = "WEBHOOK_ALLOW_PRIVATE_TARGETS";

/** "true", "1", "yes" or "on" allow private targets; anything else (and no value) keeps them refused. */
export const privateTargetsAllowed = (raw: string | undefined) => /^(true|1|yes|on)$/i.test(raw?.trim() ?? "");

/** Why a webhook may not target `url`, or null when it may. `url` is expected to be an absolute http(s) URL. */
export function webhookTargetProblem(url: string, options: { allowPrivate: boolean }): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "url is not an absolute URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "url must be an http(s) URL";
  if (parsed.username || parsed.password) return "url may not carry credentials; deliveries are signed with the webhook's secret";
  if (options.allowPrivate) return null;
  const kind = nonPublicHostKind(parsed.hostname);
  if (!kind) return null;
  return `url targets ${kind} (${parsed.hostname}); webhooks deliver only to public addresses. To test with a local receiver, set ${ALLOW_PRIVATE_TARGETS_VAR}=true`;
}

/** 400 naming `url` unless a webhook may target it under these settings (the variable, read from the bindings). */
export function assertWebhookTarget(url: string, vars: { WEBHOOK_ALLOW_PRIVATE_TARGETS?: string }): void {
  const problem = webhookTargetProblem(url, { allowPrivate: privateTargetsAllowed(vars.WEBHOOK_ALLOW_PRIVATE_TARGETS) });
  if (problem) throw badRequest(problem, { field: "url" });
}

/** What kind of non-public host this is (as the URL parser spells it), or null for a public one. */
export function nonPublicHostKind(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) return ipv6Kind(host.slice(1, -1));
  const v4 = parseDottedIPv4(host);
  if (v4 !== null) return ipv4Kind(v4);
  if (host === "" || host === "localhost" || host.endsWith(".localhost")) return "a loopback name";
  // Names that only resolve inside a network (RFC 6762 mDNS, RFC 8375, cloud-internal DNS).
  if (!host.includes(".") || /\.(local|internal|lan|home\.arpa|intranet|corp)$/.test(host)) return "an internal host name";
  return null;
}

/** The URL parser leaves an IPv4 host as four decimal octets; anything else is a name. */
function parseDottedIPv4(host: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
}

/** [base, prefix length, what it is]: every IPv4 range that is not the public internet (RFC 6890). */
const IPV4_RANGES: readonly [string, number, string][] = [
  ["0.0.0.0", 8, "a 'this network' address"],
  ["10.0.0.0", 8, "a private address"],
  ["100.64.0.0", 10, "a carrier-grade NAT address"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local address (cloud metadata lives here)"],
  ["172.16.0.0", 12, "a private address"],
  ["192.0.0.0", 24, "an IETF protocol address"],
  ["192.0.2.0", 24, "a documentation address"],
  ["192.88.99.0", 24, "a 6to4 relay address"],
  ["192.168.0.0", 16, "a private address"],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["198.51.100.0", 24, "a documentation address"],
  ["203.0.113.0", 24, "a documentation address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];

const IPV4_TABLE = IPV4_RANGES.map(([base, bits, kind]) => ({ base: parseDottedIPv4(base)!, mask: bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0, kind }));

export function ipv4Kind(address: number): string | null {
  for (const { base, mask, kind } of IPV4_TABLE) if (((address & mask) >>> 0) === base) return kind;
  return null;
}

/** Eight 16-bit groups of an IPv6 address as the URL parser serialises it (compressed, lower-case hex). */
function parseIPv6(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  // A trailing dotted quad (the parser re-serialises it as hex, but accept it anyway).
  const last = (tail.length ? tail : head).at(-1);
  const quad = last === undefined ? null : parseDottedIPv4(last);
  if (quad !== null) {
    const list = tail.length ? tail : head;
    list.splice(-1, 1, ((quad >>> 16) & 0xffff).toString(16), (quad & 0xffff).toString(16));
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => parseInt(g, 16));
}

export function ipv6Kind(text: string): string | null {
  const g = parseIPv6(text.toLowerCase());
  if (!g) return "an address it cannot read";
  const embeddedV4 = ((g[6]! << 16) | g[7]!) >>> 0;
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(8)) return "the unspecified address";
  if (zeros(7) && g[7] === 1) return "a loopback address";
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses reach the IPv4 host they embed.
  if (zeros(5) && g[5] === 0xffff) return ipv4Kind(embeddedV4);
  if (zeros(6)) return ipv4Kind(embeddedV4) ?? "a deprecated IPv4-compatible address";
  // NAT64 (64:ff9b::/96) translates to the embedded IPv4 address.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4Kind(embeddedV4);
  // 6to4 (2002::/16) embeds an IPv4 address in groups 1–2.
  if (g[0] === 0x2002) return ipv4Kind(((g[1]! << 16) | g[2]!) >>> 0);
  if ((g[0]! & 0xfe00) === 0xfc00) return "a unique local address";
  if ((g[0]! & 0xffc0) === 0xfe80) return "a link-local address";
  if ((g[0]! & 0xffc0) === 0xfec0) return "a site-local address";
  if ((g[0]! & 0xff00) === 0xff00) return "a multicast address";
  if (g[0] === 0x2001 && g[1] === 0x0db8) return "a documentation address";
  if (g[0] === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return "a discard-only address";
  return null;
}
