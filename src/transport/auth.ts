import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { jwtVerify, SignJWT } from "jose";

export type Role = "ingest" | "agent" | "supervisor";

/** What a verified token grants (SPEC §10). */
export interface Claims {
  role: Role;
  tenant: string;
  agentId?: string;
  calls?: string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** The secret from options, else the data folder's `secret` file, created (0600) when missing. */
export function loadOrCreateSecret(dataDir: string, given?: string): { secret: string; created: boolean } {
  if (given) return { secret: given, created: false };
  const file = join(dataDir, "secret");
  if (existsSync(file)) return { secret: readFileSync(file, "utf8").trim(), created: false };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { secret, created: true };
}

export async function signToken(
  claims: Omit<Claims, "exp">,
  secret: string,
  ttlSeconds = 24 * 3600,
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

/**
 * Verifies an HS256 token (the algorithm is pinned: `alg:none` and others
 * fail) with a required `exp`, and checks the claims' shape. Returns
 * undefined for any invalid token.
 */
export async function verifyToken(token: string, key: Uint8Array): Promise<Claims | undefined> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], requiredClaims: ["exp"] });
    const { role, tenant, agentId, calls, exp } = payload as Record<string, unknown>;
    if (role !== "ingest" && role !== "agent" && role !== "supervisor") return undefined;
    if (typeof tenant !== "string" || tenant.length === 0 || typeof exp !== "number") return undefined;
    const claims: Claims = { role, tenant, exp };
    if (agentId !== undefined) {
      if (typeof agentId !== "string") return undefined;
      claims.agentId = agentId;
    }
    if (calls !== undefined) {
      if (!Array.isArray(calls) || !calls.every((c) => typeof c === "string")) return undefined;
      claims.calls = calls as string[];
    }
    if (role === "agent" && !claims.agentId && !claims.calls) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}
