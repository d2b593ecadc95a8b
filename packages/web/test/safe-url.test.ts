import { describe, expect, it } from 'vitest';
import { safeUrl } from '../src/lib/safe-url';

describe('safeUrl', () => {
  it('keeps http, https and mailto', () => {
    for (const u of ['https://example.org/a?b=c#d', 'http://localhost:8080', 'mailto:someone@example.org', 'HTTPS://EXAMPLE.ORG']) expect(safeUrl(u)).toBe(u);
  });

  it('drops every other scheme, however it is disguised, and relative addresses', () => {
    for (const u of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'java\nscript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html;base64,PHNjcmlwdD4=',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '/v1/me',
      '//evil.example/x',
      '#top',
      '',
    ]) expect(safeUrl(u), u).toBe('');
  });
});
