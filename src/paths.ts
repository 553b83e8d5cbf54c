import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root, whether running from `src/` (tests) or `dist/` (built). */
export const PACKAGE_ROOT = fileURLToPath(new URL("../", import.meta.url));
export const DEFAULT_LEXICON_DIR = join(PACKAGE_ROOT, "lexicons");
export const COMPILED_LEXICON_FILE = join(PACKAGE_ROOT, "dist", "lexicon.json");
