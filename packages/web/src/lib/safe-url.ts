const ALLOWED = new Set(['http', 'https', 'mailto']);

/**
 * The URL policy of rendered messages: only absolute http(s) and mailto links survive; everything
 * else (javascript:, data:, vbscript:, relative paths, schemes hidden by control characters) becomes
 * '' and the link renders as plain text.
 * @example safeUrl('JavaScript:alert(1)') // ''
 */
export function safeUrl(url: string): string {
  const trimmed = url.trim();
  // Browsers drop tabs and newlines inside URLs ("java\nscript:"): refuse any control character.
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return '';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  return scheme !== undefined && ALLOWED.has(scheme) ? trimmed : '';
}
