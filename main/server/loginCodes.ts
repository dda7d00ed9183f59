import { createHash, randomBytes } from 'node:crypto';

/** How long a sign-in code stays valid: long enough for a browser to start cold. */
export const LOGIN_CODE_TTL_MS = 120_000;

/**
 * One-time sign-in codes for web mode. `docqa serve --open` hands the browser
 * an address with a code instead of the access token: the code is traded for
 * the token cookie once, and is worthless after that or after its lifetime,
 * so an address that leaks (history, a process list) opens nothing.
 */
export class LoginCodes {
  /** sha256(code) → expiry time. Looked up by hash, so lookup timing says nothing about the codes. */
  readonly #codes = new Map<string, number>();

  constructor(
    private readonly ttlMs = LOGIN_CODE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  issue(): string {
    this.#forgetExpired();
    const code = randomBytes(24).toString('base64url');
    this.#codes.set(digest(code), this.now() + this.ttlMs);
    return code;
  }

  /** True once for a code that was issued and has not expired; the code is spent either way. */
  redeem(code: string): boolean {
    this.#forgetExpired();
    const key = digest(code);
    const expires = this.#codes.get(key);
    this.#codes.delete(key);
    return expires !== undefined && expires >= this.now();
  }

  #forgetExpired(): void {
    const now = this.now();
    for (const [key, expires] of this.#codes) if (expires < now) this.#codes.delete(key);
  }
}

function digest(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}
