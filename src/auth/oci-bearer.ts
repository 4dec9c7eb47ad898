/**
 * Short-lived bearers for OCI clients (Docker's token flow): `GET /v2/token` exchanges HTTP Basic credentials (any
 * user, an edgereg token as the password) for a bearer that names the token by the SHA-256 D1 already stores and
 * expires in minutes. It is HMAC-signed with a key derived from a secret, so it never carries the token itself, and
 * every use still looks the token up: revoking it ends its bearers at once.
 */
import type { Credentials } from "../env";
import { credentialsOf } from "./middleware";

export const OCI_BEARER_PREFIX = "edgereg-oci.";
export const OCI_BEARER_TTL_SECONDS = 300;

interface BearerClaims {
  /** The token's secret hash, or "bootstrap" for ADMIN_TOKEN. */
  sub: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
}

const utf8 = new TextEncoder();

/** The signing key: HMAC-SHA-256 under a key derived from the secret for this purpose alone. */
async function signingKey(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.digest("SHA-256", utf8.encode(`edgereg OCI bearer v1\n${secret}`));
  return crypto.subtle.importKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** A bearer for the credentials, or null when they cannot be exchanged (none, or not a token). */
export async function issueBearer(credentials: Credentials, secret: string, nowMs: number): Promise<{ token: string; expiresIn: number } | null> {
  const sub = credentials.kind === "bootstrap-admin" ? "bootstrap" : credentials.kind === "token" ? credentials.secretHash : null;
  if (sub === null) return null;
  const claims: BearerClaims = { sub, exp: Math.floor(nowMs / 1000) + OCI_BEARER_TTL_SECONDS };
  const payload = base64url(utf8.encode(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign("HMAC", await signingKey(secret), utf8.encode(payload));
  return { token: `${OCI_BEARER_PREFIX}${payload}.${base64url(new Uint8Array(signature))}`, expiresIn: OCI_BEARER_TTL_SECONDS };
}

/** The credentials a bearer stands for; `invalid` when its signature is wrong or it has expired. */
export async function bearerCredentials(bearer: string, secret: string, nowMs: number): Promise<Credentials> {
  const [payload, signature, ...rest] = bearer.slice(OCI_BEARER_PREFIX.length).split(".");
  const invalid: Credentials = { kind: "invalid", reason: "the bearer is not one this registry issued; get a new one from /v2/token" };
  if (!bearer.startsWith(OCI_BEARER_PREFIX) || !payload || !signature || rest.length > 0) return invalid;
  const signatureBytes = fromBase64url(signature);
  if (!signatureBytes || !(await crypto.subtle.verify("HMAC", await signingKey(secret), signatureBytes, utf8.encode(payload)))) return invalid;
  const claims = JSON.parse(new TextDecoder().decode(fromBase64url(payload)!)) as BearerClaims;
  if (claims.exp * 1000 <= nowMs) return { kind: "invalid", reason: "the bearer has expired; get a new one from /v2/token" };
  return claims.sub === "bootstrap" ? { kind: "bootstrap-admin" } : { kind: "token", secretHash: claims.sub };
}

/**
 * What an OCI client's Authorization header stands for: an edgereg token as a bearer, a bearer from /v2/token, or
 * HTTP Basic with the token as the password (clients that send Basic without asking for a bearer).
 */
export async function ociCredentials(header: string | undefined, env: { ADMIN_TOKEN?: string }, secret: string | null, nowMs: number): Promise<Credentials> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (bearer?.startsWith(OCI_BEARER_PREFIX)) {
    if (secret === null) return { kind: "invalid", reason: "this registry issues no bearers (no signing secret is configured)" };
    return bearerCredentials(bearer, secret, nowMs);
  }
  const password = basicPassword(header);
  if (password !== undefined) return password === null ? { kind: "invalid", reason: "Basic credentials are not base64 of user:token" } : credentialsOf(`Bearer ${password}`, env.ADMIN_TOKEN);
  return credentialsOf(header, env.ADMIN_TOKEN);
}

/** The password of `Basic base64(user:password)`; undefined when the header is not Basic, null when it is malformed. */
export function basicPassword(header: string | undefined): string | null | undefined {
  const encoded = /^Basic\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (encoded === undefined) return undefined;
  const bytes = fromBase64(encoded);
  if (!bytes) return null;
  const text = new TextDecoder().decode(bytes);
  const colon = text.indexOf(":");
  return colon < 0 || colon === text.length - 1 ? null : text.slice(colon + 1);
}

/** The secret bearers are signed under: OCI_BEARER_SECRET, else ADMIN_TOKEN (rotating it ends every bearer). */
export const bearerSecret = (env: { OCI_BEARER_SECRET?: string; ADMIN_TOKEN?: string }) => env.OCI_BEARER_SECRET || env.ADMIN_TOKEN || null;

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Only the canonical encoding: a bearer has exactly one spelling. */
function fromBase64url(text: string): Uint8Array | null {
  const bytes = fromBase64(text.replace(/-/g, "+").replace(/_/g, "/"));
  return bytes && base64url(bytes) === text ? bytes : null;
}

function fromBase64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}
