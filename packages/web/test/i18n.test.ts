import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { pt } from '../src/i18n/pt';

type Tree = { [k: string]: string | Tree };
const flatten = (t: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(flatten(v, `${prefix}${k}.`)))));
const variables = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  const english = flatten(en);
  const portuguese = flatten(pt as unknown as Tree);

  it('Portuguese has every English key and no other', () => {
    expect(Object.keys(portuguese).sort()).toEqual(Object.keys(english).sort());
  });

  it('no string is empty and each uses the same {{variables}} as English', () => {
    for (const [key, text] of Object.entries(english)) {
      expect(text.trim(), key).not.toBe('');
      expect(portuguese[key]?.trim(), key).not.toBe('');
      expect(variables(portuguese[key] ?? ''), key).toEqual(variables(text));
    }
  });

  it('Portuguese is a translation, not a copy', () => {
    const words = (s: string) => s.replace(/\{\{\w+\}\}/g, '').replace(/[^\p{L}]/gu, '');
    // "Natural", "nominal" and "ordinal" are Portuguese too.
    const sameInBoth = new Set(['kinds.natural', 'agreement.levels.nominal', 'agreement.levels.ordinal']);
    const same = Object.keys(english).filter((k) => english[k] === portuguese[k] && words(english[k]!).length > 6 && !sameInBoth.has(k));
    expect(same).toEqual([]);
  });
});
