import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { APP_CSS, APP_JS, PAGE_HTML } from "../page/app.js";
import { ELEMENT_JS } from "../page/element.js";
import { PACKAGE_ROOT } from "../paths.js";
import { TECHNIQUE_IDS, TechniqueCatalog } from "../policy/techniques.js";
import type { Language } from "../types.js";

/**
 * The agent desktop served over HTTP (SPEC §7 `GET /`): the page, its script
 * and style, the `<callcue-hints>` element, the browser build of the
 * subscriber client and the technique catalogue. Everything is plain
 * JS/CSS/HTML/JSON built once at start-up; nothing is generated per request.
 *
 * | path | what |
 * |---|---|
 * | `/` | the desktop page (sign in, my calls / a call / the supervisor board) |
 * | `/app.js`, `/app.css` | the page's script and style (the page has no inline script: CSP `script-src 'self'`) |
 * | `/callcue-hints.js` | the `<callcue-hints>` custom element (an ES module; embeddable, CORS `*`) |
 * | `/client.js` | `dist/client/subscriber.js`, the subscriber client the element imports |
 * | `/techniques.json` | every technique in every language, for switching the lines' language |
 */
export interface PageAsset {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The page's Content-Security-Policy: no inline script or style, sockets to this server (and ws:/wss:). */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; " +
  "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

const LANGUAGES: readonly Language[] = ["zh-Hans", "zh-Hant", "ko", "en"];

/** The catalogue the element switches languages with: `techniques[language][id] = {name, say, avoid}`. */
export function techniqueCatalogJson(catalog = new TechniqueCatalog()): string {
  const techniques = Object.fromEntries(
    LANGUAGES.map((l) => [l, Object.fromEntries(TECHNIQUE_IDS.map((id) => [id, catalog.lines(id, l)]))]),
  );
  return JSON.stringify({
    languages: LANGUAGES,
    techniques,
    urgent: catalog.policy.urgent,
    labels: catalog.policy.labels,
  });
}

/**
 * The browser build of the subscriber client: `dist/client/subscriber.js`
 * (next to this module when running from `dist/`, else under the package
 * root when running from `src/` in tests). Without a build, a module that
 * says so.
 */
export function subscriberClientJs(): string {
  const candidates = [
    fileURLToPath(new URL("../client/subscriber.js", import.meta.url)),
    join(PACKAGE_ROOT, "dist", "client", "subscriber.js"),
  ];
  const file = candidates.find((f) => existsSync(f));
  if (!file)
    return 'throw new Error("callcue: dist/client/subscriber.js is missing: run `npm run build` on the server");\n';
  return readFileSync(file, "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, "");
}

/** Every static path of the desktop, built once (the server looks paths up in this map). */
export function pageAssets(): Map<string, PageAsset> {
  const common = { "x-content-type-options": "nosniff", "cache-control": "no-cache" };
  // Scripts and the catalogue may be loaded by a CRM page on another origin (module
  // scripts are fetched with CORS); they hold no secret.
  const embeddable = {
    ...common,
    "access-control-allow-origin": "*",
    "cross-origin-resource-policy": "cross-origin",
  };
  const js = "text/javascript; charset=utf-8";
  return new Map<string, PageAsset>([
    [
      "/",
      {
        headers: {
          ...common,
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": PAGE_CSP,
          "referrer-policy": "no-referrer",
        },
        body: PAGE_HTML,
      },
    ],
    ["/app.js", { headers: { ...common, "content-type": js }, body: APP_JS }],
    ["/app.css", { headers: { ...common, "content-type": "text/css; charset=utf-8" }, body: APP_CSS }],
    ["/callcue-hints.js", { headers: { ...embeddable, "content-type": js }, body: ELEMENT_JS }],
    ["/client.js", { headers: { ...embeddable, "content-type": js }, body: subscriberClientJs() }],
    [
      "/techniques.json",
      {
        headers: { ...embeddable, "content-type": "application/json; charset=utf-8" },
        body: techniqueCatalogJson(),
      },
    ],
  ]);
}
