import { LRUCache } from 'lru-cache';
import type { Principal } from './principal.js';

/**
 * Remembers who a session token or API key belongs to for a few seconds: looking it up cost about
 * a third of a feedback POST (bench/http-feedback.ts). Revocation, sign-out and role changes made
 * through this process take effect at once (they evict here); made by another server process on the
 * same PostgreSQL database, they take effect within TTL_MS.
 */
export class PrincipalCache {
  static readonly TTL_MS = 5_000;
  readonly #entries = new LRUCache<string, Principal>({ max: 50_000, ttl: PrincipalCache.TTL_MS });

  /** `credentialDigest` is the sha256 of the secret: the cache never holds a secret itself. */
  get(credentialDigest: string): Principal | undefined {
    return this.#entries.get(credentialDigest);
  }

  set(credentialDigest: string, principal: Principal): void {
    this.#entries.set(credentialDigest, principal);
  }

  forgetCredential(credentialDigest: string): void {
    this.#entries.delete(credentialDigest);
  }

  forgetWhere(match: (p: Principal) => boolean): void {
    for (const [digest, principal] of this.#entries.entries()) if (match(principal)) this.#entries.delete(digest);
  }
}
