/**
 * The API reference page: Swagger UI from the pinned swagger-ui-dist package, served by the Worker itself (bundled
 * as text, see wrangler.toml [[rules]]), so it works offline and loads nothing from a third-party origin. The page
 * shares its origin with the admin UI, so it runs under a CSP that allows only this origin's scripts and styles.
 */
import { Hono } from "hono";
import swaggerUiBundle from "swagger-ui-dist/swagger-ui-bundle.js";
import swaggerUiCss from "swagger-ui-dist/swagger-ui.css";
import swaggerUiPackage from "swagger-ui-dist/package.json";
import type { AppEnv } from "../env";

export const docs = new Hono<AppEnv>();

export const SWAGGER_UI_VERSION: string = swaggerUiPackage.version;
/** Versioned, so a browser may keep each file for good. */
const ASSETS = `/docs/assets/${SWAGGER_UI_VERSION}`;

/** Only this origin: the spec, the bundle and its stylesheet; images Swagger UI inlines as data: URLs. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>edgereg API</title>
<link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${ASSETS}/swagger-ui-bundle.js"></script>
<script src="${ASSETS}/init.js"></script>
</body>
</html>
`;

// An external file, not an inline script: the CSP allows no inline code.
const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n`;

const FILES: Record<string, { body: string; type: string }> = {
  "swagger-ui-bundle.js": { body: swaggerUiBundle, type: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { body: swaggerUiCss, type: "text/css; charset=utf-8" },
  "init.js": { body: INIT, type: "text/javascript; charset=utf-8" },
};

docs.get("/docs", (c) => {
  c.header("Content-Security-Policy", DOCS_CSP);
  c.header("X-Frame-Options", "DENY");
  c.header("Referrer-Policy", "same-origin");
  c.header("Cache-Control", "no-cache");
  return c.html(PAGE);
});

docs.get(`${ASSETS}/:file`, (c) => {
  const file = FILES[c.req.param("file")];
  if (!file) return c.json({ error: { code: "NOT_FOUND", message: "no such reference page asset", details: null } }, 404);
  c.header("Content-Security-Policy", DOCS_CSP);
  c.header("Cache-Control", "public, max-age=31536000, immutable");
  return c.body(file.body, 200, { "Content-Type": file.type });
});
