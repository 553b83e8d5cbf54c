import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERRORS } from "../src/errors.js";

describe("error registry", () => {
  const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");
  const documented = [...doc.matchAll(/^\| `(CC_ERR_[A-Z_]+)`\s*\|/gm)].map((m) => m[1]);

  it("documents every code in the registry", () => {
    for (const code of Object.keys(ERRORS)) expect(documented).toContain(code);
  });

  it("has no documented code that the registry lacks", () => {
    for (const code of documented) expect(Object.keys(ERRORS)).toContain(code);
  });
});
