/** The page shell: head, top bar (sections, who is signed in, sign-out) and the main column. */
import type { Child } from "hono/jsx";
import type { Principal } from "../auth/principal";
import { hasRole } from "../auth/principal";
import { CSRF_FIELD } from "./session";
import { STYLESHEET } from "./styles";

/** What every page knows about the request it answers. */
export interface PageContext {
  principal: Principal | null;
  /** The session's CSRF token, put in every form. */
  csrf: string;
  /** The CSP nonce for the one inline script a page may carry. */
  nonce: string;
  nowMs: number;
}

/** Versioned by content, so the stylesheet can be cached for good. */
export const STYLESHEET_PATH = `/ui/assets/app-${fnv1a(STYLESHEET)}.css`;

export function Layout(props: { title: string; ctx: PageContext; section?: "models" | "audit" | "tokens"; children: Child }) {
  const { principal, csrf } = props.ctx;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} · edgereg`}</title>
        <link rel="stylesheet" href={STYLESHEET_PATH} />
      </head>
      <body>
        <header class="topbar">
          <div class="inner">
            <a class="brand" href="/ui">
              <Logo />
              edgereg
            </a>
            {principal && (
              <nav class="nav" aria-label="Sections">
                <a href="/ui" aria-current={props.section === "models" ? "page" : undefined}>
                  Models
                </a>
                {hasRole(principal, "admin") && (
                  <a href="/ui/audit" aria-current={props.section === "audit" ? "page" : undefined}>
                    Audit log
                  </a>
                )}
                {hasRole(principal, "admin") && principal.modelGlob === "*" && (
                  <a href="/ui/tokens" aria-current={props.section === "tokens" ? "page" : undefined}>
                    Tokens
                  </a>
                )}
              </nav>
            )}
            {principal && (
              <div class="who">
                <span>
                  {principal.name} <span class="badge role">{principal.role}</span>
                </span>
                <form method="post" action="/ui/logout">
                  <CsrfField token={csrf} />
                  <button type="submit">Sign out</button>
                </form>
              </div>
            )}
          </div>
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

export const CsrfField = (props: { token: string }) => <input type="hidden" name={CSRF_FIELD} value={props.token} />;

function Logo() {
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">
      <rect x="1" y="1" width="18" height="18" rx="5" fill="#2463eb" />
      <path d="M6 6h8M6 10h6M6 14h8" stroke="#fff" stroke-width="2" stroke-linecap="round" />
    </svg>
  );
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
