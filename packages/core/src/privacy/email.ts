import isEmailModule from 'validator/lib/isEmail.js';
import type { PiiSpan } from './types.js';

const isEmail = isEmailModule.default;

/** Characters of a local part (RFC 5322 "atext" minus the rare ones) and of a domain; letters and digits of any script. */
function isLocalCode(c: number, text: string, i: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
    c === 46 /* . */ || c === 95 /* _ */ || c === 37 /* % */ || c === 43 /* + */ || c === 45 /* - */ ||
    (c > 127 && isLetterOrDigit(text, i))
  );
}

function isDomainCode(c: number, text: string, i: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45 || (c > 127 && isLetterOrDigit(text, i));
}

/** Non-ASCII letters and digits (é, ß, 中) are address characters; emoji, variation selectors, quotes and spaces are not. */
function isLetterOrDigit(text: string, i: number): boolean {
  return /[\p{L}\p{N}]/u.test(text[i]!);
}

/** Endings that are file types, not top-level domains: `icon@2x.png`, `logo@3x.webp`, `pkg@next.js`. */
const FILE_EXTENSION = /^(?:png|jpe?g|gif|svg|webp|avif|ico|bmp|tiff?|heic|js|mjs|cjs|jsx|tsx?|css|scss|sass|less|html?|json|ya?ml|toml|xml|csv|lock|map|vue|svelte|wasm|mp[34]|wav|ogg|mov|webm|txt|log|pdf|zip|gz|tgz|tar|exe|dll|dylib|so|py|rb|php|java|kt|swift|cpp|hpp|cc|cs)$/i;

/**
 * E-mail addresses: from each `@`, the longest local part before it and domain after it, checked by
 * validator's isEmail (which knows the RFC limits: lengths, dots, a TLD).
 */
export function findEmails(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  let at = text.indexOf('@');
  let floor = 0; // no address starts before the end of the previous one
  while (at !== -1) {
    let start = at;
    while (start > floor && isLocalCode(text.charCodeAt(start - 1), text, start - 1)) start--;
    while (start < at && text.charCodeAt(start) === 46) start++; // a leading dot is punctuation
    let end = at + 1;
    while (end < text.length && isDomainCode(text.charCodeAt(end), text, end)) end++;
    while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--; // "write to a@b.com."
    if (start < at && end > at + 3 && accept(text, start, at, end)) {
      spans.push({ kind: 'email', start, end });
      floor = end;
    }
    at = text.indexOf('@', Math.max(at + 1, floor));
  }
  return spans;
}

function accept(text: string, start: number, at: number, end: number): boolean {
  const domain = text.slice(at + 1, end);
  const dot = domain.lastIndexOf('.');
  if (dot <= 0) return false;
  const tld = domain.slice(dot + 1);
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})$/i.test(tld) && !/^\p{L}{2,63}$/u.test(tld)) return false;
  if (FILE_EXTENSION.test(tld)) return false;
  const before = start > 0 ? text.charCodeAt(start - 1) : 0;
  // `https://user:password@host` and `ssh://user@host` are URLs: their userinfo is not an address
  // (the secret detector takes the password).
  if (before === 58 /* : */ || before === 47 /* / */) {
    const token = tokenBefore(text, start);
    if (token.includes('//')) return false;
  }
  // `git@github.com:owner/repo.git` and `user@host:/path` are scp-style remote paths.
  const after = text.charCodeAt(end);
  if (after === 58 && end + 1 < text.length && /[\w~./]/.test(text[end + 1]!)) return false;
  return isEmail(text.slice(start, end), { allow_utf8_local_part: true, require_tld: true, allow_ip_domain: false });
}

/** The run of non-space characters that ends at `end`. */
function tokenBefore(text: string, end: number): string {
  let i = end;
  while (i > 0 && i > end - 200 && !/\s/.test(text[i - 1]!)) i--;
  return text.slice(i, end);
}
