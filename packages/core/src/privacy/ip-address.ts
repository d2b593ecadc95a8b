import isIPModule from 'validator/lib/isIP.js';
import { lineBefore } from './context.js';
import type { PiiSpan } from './types.js';

const isIP = isIPModule.default;

/**
 * IPv4 and IPv6 addresses. A dotted quad is an address when each part is 0–255 without leading
 * zeros and nothing dotted continues it, unless it is announced as a version or a section
 * ("v1.2.3.4", "version 1.2.3.4", "§ 1.2.3.4"). IPv6 candidates (hex groups and colons, `::`,
 * an embedded IPv4, a zone) are checked by validator's isIP. Loopback and unspecified addresses
 * (127.0.0.1, 0.0.0.0, ::1) are left: they name every machine's own, not a person's.
 */
export function findIpAddresses(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  if (text.includes('.')) {
    IPV4.lastIndex = 0;
    for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) {
      if (NOT_AN_ADDRESS.test(lineBefore(text, m.index, 32)) || isNetmask(m[0]) || isNobodysV4(m[0])) continue;
      spans.push({ kind: 'ip_address', start: m.index, end: m.index + m[0].length });
    }
  }
  if (IPV6_HINT.test(text)) {
    IPV6.lastIndex = 0;
    for (let m = IPV6.exec(text); m !== null; m = IPV6.exec(text)) {
      let s = m[0];
      // "…::1." at the end of a sentence; a zone index ("%eth0") is kept.
      while (s.endsWith('.') || (s.endsWith(':') && !s.endsWith('::'))) s = s.slice(0, -1);
      if (!plausibleIpv6(s) || isNobodysV6(s)) continue;
      spans.push({ kind: 'ip_address', start: m.index, end: m.index + s.length });
    }
  }
  return spans;
}

/** Loopback (127.0.0.0/8) and the unspecified address: every machine's own, nobody's in particular. */
function isNobodysV4(quad: string): boolean {
  return quad.startsWith('127.') || quad === '0.0.0.0';
}

function isNobodysV6(s: string): boolean {
  const bare = s.replace(/%.*$/, '').toLowerCase();
  return bare === '::1' || bare === '::' || /^(?:0{1,4}:){7}0{0,3}1$/.test(bare);
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** 255.255.255.0, 255.255.240.0, 255.255.255.255: subnet masks and the broadcast address say nothing about anyone. */
function isNetmask(quad: string): boolean {
  if (!quad.startsWith('255.')) return false;
  const bits = quad.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
  return /^1+0*$/.test(bits);
}

const IPV4 = new RegExp(`(?<![\\w.$\\-])${OCTET}(?:\\.${OCTET}){3}(?![\\w\\-]|\\.\\d)`, 'g');
/** Versions, sections and other dotted numbers that are written like addresses. */
const NOT_AN_ADDRESS =
  /(?:\b(?:v|ver|vers|version|versions|release|rel|build|rev|revision|firmware|fw|patch|update|upgrade|downgrade|pinned|section|sections|chapter|chapters|clause|article|art|para|paragraph|step|item|rule|oid|snmp|table|figure|fig|appendix|§+)\.?\s*[:=]?\s*|[~^<>]|[=!~<>]=)$/i;

/** Two colons with at most four hex digits between them: the regex below starts at every hex letter, this one only at colons. */
const IPV6_HINT = /:[0-9A-Fa-f]{0,4}:/;
const IPV6 = /(?<![\w:.%])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:%[0-9A-Za-z]+)?(?![\w:])/g;

function plausibleIpv6(s: string): boolean {
  const bare = s.replace(/%.*$/, '');
  const groups = bare.split(':').filter((g) => g !== '');
  // "a::b" and "12:30:45" are code and times; an address has digits and either all 8 groups or "::" with 2 or more.
  if (groups.length < 2 || !/\d/.test(bare)) return false;
  if (!bare.includes('::') && groups.length < 8 && !bare.includes('.')) return false;
  return isIP(bare, 6);
}
