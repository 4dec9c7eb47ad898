import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { basicPassword, bearerCredentials, issueBearer, OCI_BEARER_TTL_SECONDS } from "./oci-bearer";

const SECRET = "signing-secret";
const NOW = Date.UTC(2026, 4, 1);

describe("OCI bearers", () => {
  it("stand for the token they were issued for until they expire", async () => {
    const issued = (await issueBearer({ kind: "token", secretHash: "f".repeat(64) }, SECRET, NOW))!;
    expect(issued.expiresIn).toBe(OCI_BEARER_TTL_SECONDS);
    expect(await bearerCredentials(issued.token, SECRET, NOW + 1000)).toEqual({ kind: "token", secretHash: "f".repeat(64) });
    expect((await bearerCredentials(issued.token, SECRET, NOW + OCI_BEARER_TTL_SECONDS * 1000)).kind).toBe("invalid");
    expect((await bearerCredentials(issued.token, "another secret", NOW)).kind).toBe("invalid");
    const admin = (await issueBearer({ kind: "bootstrap-admin" }, SECRET, NOW))!;
    expect(await bearerCredentials(admin.token, SECRET, NOW)).toEqual({ kind: "bootstrap-admin" });
    expect(await issueBearer({ kind: "none" }, SECRET, NOW)).toBeNull();
  });

  it("any change to a bearer makes it invalid", async () => {
    const { token } = (await issueBearer({ kind: "token", secretHash: "e".repeat(64) }, SECRET, NOW))!;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: token.length - 1 }), fc.constantFrom(..."AZaz09-_."), async (at, ch) => {
        fc.pre(token[at] !== ch);
        const changed = token.slice(0, at) + ch + token.slice(at + 1);
        expect((await bearerCredentials(changed, SECRET, NOW)).kind).toBe("invalid");
      }),
      { numRuns: 100 },
    );
  });

  it("reads the password of HTTP Basic credentials", () => {
    expect(basicPassword(`Basic ${btoa("user:er_secret")}`)).toBe("er_secret");
    expect(basicPassword(`Basic ${btoa("user:pa:ss")}`)).toBe("pa:ss");
    expect(basicPassword(`Basic ${btoa("nocolon")}`)).toBeNull();
    expect(basicPassword(`Basic ${btoa("user:")}`)).toBeNull();
    expect(basicPassword("Basic %%%")).toBeNull();
    expect(basicPassword("Bearer x")).toBeUndefined();
  });
});
