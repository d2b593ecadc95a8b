import type { PiiSpan } from './types.js';

/**
 * API keys, access tokens and passwords, by their documented formats.
 *  - Self-describing tokens (`sk-…`, `hf_…`, `ghp_…`, `github_pat_…`, `AKIA…`, `xoxb-…`, `AIza…`,
 *    `sk_live_…`, JWTs, …): one pass finds every long run of token characters, and each is
 *    checked against the formats that share its first characters.
 *  - Secrets a label introduces (`Bearer …`, `?access_token=…`, `aws_secret_access_key = …`,
 *    `https://user:password@host`, `api_key = "…"`): only the value is taken. Each of these
 *    passes runs only when its mark (`=`, `://`, `earer`, …) occurs.
 * Placeholders (`sk-xxxx…`, `YOUR_API_KEY`, `<token>`, `${TOKEN}`) are not secrets.
 */
export function findSecrets(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  tokens(text, spans);
  for (const p of LABELLED) {
    if (!p.when(text)) continue;
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m !== null; m = p.re.exec(text)) {
      const value = p.group === undefined ? m[0] : m[p.group];
      if (value === undefined || value === '') continue;
      const start = p.group === undefined ? m.index : m.index + m[0].lastIndexOf(value);
      if (p.check !== undefined && !p.check(value, text, m.index)) continue;
      spans.push({ kind: 'secret', start, end: start + value.length });
    }
  }
  return spans;
}

/** Random-looking: enough distinct characters, not a run of x's or a template. */
export function looksRandom(value: string, minDistinct = 8): boolean {
  if (/^(?:your|my|insert|replace|example|placeholder|redacted|dummy|fake|changeme|xxx)/i.test(value)) return false;
  if (/^(?:\$|<|\{|%7B|\*|\[|\.{3}|…)/i.test(value)) return false;
  if (/^[A-Z0-9_]+$/.test(value) && /_/.test(value) && !/\d/.test(value)) return false; // an environment variable's name
  return new Set(value).size >= Math.min(minDistinct, value.length);
}

/** A token: random-looking, mixing letters with digits, or both cases when long. */
function tokenLike(value: string): boolean {
  if (!looksRandom(value)) return false;
  const digit = /\d/.test(value);
  const lower = /[a-z]/.test(value);
  const upper = /[A-Z]/.test(value);
  return (digit && (lower || upper)) || (lower && upper && value.length >= 20);
}

/** A password: anything but a template or a mask. */
function passwordLike(value: string): boolean {
  return !/^(?:\$|<|\{|%7B|\*+$|\[|x+$|\.{3}|…)/i.test(value);
}

/**
 * Where a self-describing token may start: a separator right after a known prefix (`sk-`, `hf_`,
 * `ghp_`, …) or a prefix of its own (`AKIA`, `AIza`, `eyJ`, `SG.`, `ya29.`, Telegram's `:AA`). These
 * regexes scan at memchr-like speed, where one for "any long token" would start at every letter.
 */
const SEPARATOR_AFTER_PREFIX = /[_\-](?<=(?:sk|rk|hf|gh[pousr]|github_pat|whsec|npm|r8|gsk|glpat|xai|xox[abposre])[_\-])/g;
const CAPITAL_PREFIX = /A(?:KIA|SIA|BIA|CCA|Iza)|eyJ|SG\.|:AA|ya29\./g;

function isTokenCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

interface Format {
  prefix: string;
  re: RegExp;
  check?: (token: string) => boolean;
}

/** Documented token formats, each anchored on the whole token. */
const FORMATS: Format[] = [
  // OpenAI (sk-…, sk-proj-…, sk-svcacct-…, sk-admin-…), Anthropic (sk-ant-api03-…) and others in the sk- family.
  { prefix: 'sk-', re: /^sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d\d-)?[A-Za-z0-9_\-]{20,}$/, check: (t) => tokenLike(t.slice(3)) },
  // Stripe secret and restricted keys, webhook signing secrets.
  { prefix: 'sk_', re: /^sk_(?:live|test)_[A-Za-z0-9]{16,}$/, check: (t) => looksRandom(t.slice(8)) },
  { prefix: 'rk_', re: /^rk_(?:live|test)_[A-Za-z0-9]{16,}$/, check: (t) => looksRandom(t.slice(8)) },
  { prefix: 'whsec_', re: /^whsec_[A-Za-z0-9]{24,}$/, check: (t) => looksRandom(t.slice(6)) },
  // Hugging Face user access tokens.
  { prefix: 'hf_', re: /^hf_[A-Za-z0-9]{30,}$/, check: (t) => looksRandom(t.slice(3)) },
  // GitHub: personal, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained PATs.
  { prefix: 'gh', re: /^gh[pousr]_[A-Za-z0-9]{36,}$/, check: (t) => looksRandom(t.slice(4)) },
  { prefix: 'github_pat_', re: /^github_pat_[A-Za-z0-9_]{22,}$/, check: (t) => looksRandom(t.slice(11)) },
  // GitLab, npm, Replicate, Groq, xAI.
  { prefix: 'glpat-', re: /^glpat-[A-Za-z0-9_\-]{20,}$/, check: (t) => looksRandom(t.slice(6)) },
  { prefix: 'npm_', re: /^npm_[A-Za-z0-9]{36}$/, check: (t) => looksRandom(t.slice(4)) },
  { prefix: 'r8_', re: /^r8_[A-Za-z0-9]{37}$/, check: (t) => looksRandom(t.slice(3)) },
  { prefix: 'gsk_', re: /^gsk_[A-Za-z0-9]{48,}$/, check: (t) => looksRandom(t.slice(4)) },
  { prefix: 'xai-', re: /^xai-[A-Za-z0-9]{70,}$/, check: (t) => looksRandom(t.slice(4)) },
  // AWS access key ids (long-lived AKIA, temporary ASIA, and the other documented prefixes).
  { prefix: 'A', re: /^(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}$/ },
  // Slack bot, user, app-level, configuration and refresh tokens.
  { prefix: 'xox', re: /^xox[abposre]-[A-Za-z0-9\-]{10,}$/, check: (t) => /\d/.test(t) && looksRandom(t.slice(5)) },
  // Google API keys and OAuth access tokens.
  { prefix: 'AIza', re: /^AIza[0-9A-Za-z_\-]{35}$/ },
  { prefix: 'ya29.', re: /^ya29\.[0-9A-Za-z_\-]{20,}$/, check: (t) => looksRandom(t.slice(5)) },
  // JSON Web Tokens: header and payload are base64url JSON objects ("eyJ" is `{"`); the signature may be empty.
  { prefix: 'eyJ', re: /^eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*$/ },
  // SendGrid.
  { prefix: 'SG.', re: /^SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}$/ },
  // Telegram bot tokens: "<bot id>:AA…" (the id is checked before the token).
  { prefix: 'AA', re: /^AA[A-Za-z0-9_\-]{33}$/ },
];

function tokens(text: string, spans: PiiSpan[]): void {
  let done = -1; // the end of the last token looked at: a second trigger inside it changes nothing
  for (const trigger of [SEPARATOR_AFTER_PREFIX, CAPITAL_PREFIX]) {
    trigger.lastIndex = 0;
    done = -1;
    for (let m = trigger.exec(text); m !== null; m = trigger.exec(text)) {
      let start = m[0] === ':AA' ? m.index + 1 : m.index;
      if (start < done) continue;
      while (start > 0 && isTokenCode(text.charCodeAt(start - 1))) start--;
      let end = m.index + m[0].length;
      while (end < text.length) {
        const c = text.charCodeAt(end);
        if (isTokenCode(c) || (c === 46 && end + 1 < text.length && isTokenCode(text.charCodeAt(end + 1)))) end++;
        else break;
      }
      done = end;
      if (end - start < 15) continue;
      const token = text.slice(start, end);
      for (const f of FORMATS) {
        if (!token.startsWith(f.prefix) || !f.re.test(token)) continue;
        if (f.check !== undefined && !f.check(token)) continue;
        let from = start;
        if (f.prefix === 'AA') {
          const id = /\d{8,10}:$/.exec(text.slice(Math.max(0, start - 11), start));
          if (id === null) continue;
          from -= id[0].length;
        }
        spans.push({ kind: 'secret', start: from, end });
        break;
      }
    }
  }
}

interface Labelled {
  /** A cheap test that the pattern can match at all. */
  when: (text: string) => boolean;
  re: RegExp;
  /** The capture group holding the secret; the whole match when absent. */
  group?: number;
  check?: (value: string, text: string, index: number) => boolean;
}

/** Names of variables and fields that hold secrets, at the end of the text before a value. */
const SECRET_NAME = /(?:api_?key|apikey|api-key|secret_?key|secret|access_?token|auth_?token|refresh_?token|client_?secret|private_?key|password|passwd|token)["']?\s*:?$/i;
const AWS_SECRET_NAME = /(?:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key|SecretAccessKey)["']?\s*:?$/i;

const always = () => true;

const LABELLED: Labelled[] = [
  // `Bearer <token>`, `Authorization: Basic|Token <credentials>`.
  { when: always, re: /\b[Bb](?:earer|EARER)\s+([A-Za-z0-9\-._~+/]{16,}=*)(?![\w\-.~+/=])/g, group: 1, check: tokenLike },
  {
    when: (t) => t.includes(':') || t.includes('='),
    re: /[:=]\s*["']?(?:[Bb]asic|BASIC|[Tt]oken|TOKEN|[Aa]pi-?[Kk]ey)\s+([A-Za-z0-9\-._~+/]{12,}=*)/g,
    group: 1,
    check: (v, text, index) => /authorization["']?\s*$/i.test(text.slice(Math.max(0, index - 20), index)) && looksRandom(v, 6),
  },
  // Credentials in URL query strings and fragments: the value only.
  {
    when: (t) => t.includes('='),
    re: /[?&#;](?:access_token|refresh_token|id_token|auth_token|oauth_token|token|api_key|apikey|api-key|key|secret|client_secret|password|passwd|pwd|sig|signature|auth|session_?id|sessionid|sid|code|jwt|private_token)=([^&#\s"'<>[\]{}()\\|`]+)/gi,
    group: 1,
    check: (v) => v.length >= 6 && looksRandom(v, 6) && (/\d/.test(v) || (/[A-Z]/.test(v) && /[a-z]/.test(v)) || v.length >= 16),
  },
  // Quoted values of variables named like secrets: api_key = "…", "client_secret": "…", PASSWORD='…'.
  {
    when: (t) => t.includes('=') || t.includes(':'),
    re: /(?:=>|:=|[:=])\s*(["'])([^"'\s]{8,})\1/g,
    group: 2,
    check: (v, text, index) => SECRET_NAME.test(text.slice(Math.max(0, index - 40), index)) && looksRandom(v, 6) && (/\d/.test(v) || /[^A-Za-z0-9]/.test(v) || (/[a-z]/.test(v) && /[A-Z]/.test(v))),
  },
  // AWS secret access keys, which have no prefix of their own: only when labelled as one.
  {
    when: (t) => t.includes('=') || t.includes(':'),
    re: /(?:=>|[:=])\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/g,
    group: 1,
    check: (v, text, index) => AWS_SECRET_NAME.test(text.slice(Math.max(0, index - 40), index)) && looksRandom(v),
  },
  // Passwords in URLs (scheme://user:password@host), Slack and Discord webhook URLs.
  { when: (t) => t.includes('://'), re: /:\/\/[^\s/?#@:[\]]+:([^\s/?#@[\]]+)@[^\s@]/g, group: 1, check: passwordLike },
  { when: (t) => t.includes('://') && t.includes('hooks.slack.com'), re: /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/\-]{20,}/g },
  { when: (t) => t.includes('://') && t.includes('discord'), re: /https?:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_\-]{30,}/g },
  // Private keys (PEM blocks).
  { when: (t) => t.includes('-----BEGIN'), re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
];
