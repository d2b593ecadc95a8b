import { describe, expect, it } from 'vitest';
import { ConsentInput, ContributionLicence, Handle, isConsentActive, LanguageTag } from '../src/index.js';

const consent = { terms_version: '2026-11', adult_confirmed: true, licence: 'CC-BY-4.0', attribution: 'pseudonym' };

function issueOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } | undefined }) {
  if (result.success) throw new Error('expected a rejection');
  const issue = result.error!.issues[0]!;
  return { path: issue.path.join('.'), message: issue.message };
}

describe('ConsentInput', () => {
  it('accepts a complete consent', () => {
    expect(ConsentInput.parse(consent)).toEqual(consent);
  });

  it('requires the person to confirm they are 18 or older, saying so', () => {
    for (const adult_confirmed of [false, 'true', 1, undefined]) {
      const issue = issueOf(ConsentInput.safeParse({ ...consent, adult_confirmed }));
      expect(issue.path).toBe('adult_confirmed');
      expect(issue.message).toBe('you must confirm that you are 18 or older');
    }
  });

  it('accepts every open licence on the allow-list and nothing else', () => {
    for (const licence of ContributionLicence.options) expect(ConsentInput.safeParse({ ...consent, licence }).success, licence).toBe(true);
    expect(ContributionLicence.options).toEqual(expect.arrayContaining(['CC0-1.0', 'CC-BY-4.0']));
    for (const licence of ['CC-BY-NC-4.0', 'CC-BY-ND-4.0', 'MIT', 'proprietary', 'cc-by-4.0', '', undefined]) {
      expect(issueOf(ConsentInput.safeParse({ ...consent, licence })).path, String(licence)).toBe('licence');
    }
  });

  it('needs an attribution_name when the person asks to be credited by name', () => {
    const issue = issueOf(ConsentInput.safeParse({ ...consent, attribution: 'name' }));
    expect(issue).toEqual({ path: 'attribution_name', message: 'attribution "name" needs an attribution_name' });
    expect(issueOf(ConsentInput.safeParse({ ...consent, attribution: 'name', attribution_name: '' })).path).toBe('attribution_name');
    expect(ConsentInput.parse({ ...consent, attribution: 'name', attribution_name: 'Ada Lovelace' })).toMatchObject({ attribution_name: 'Ada Lovelace' });
    expect(ConsentInput.safeParse({ ...consent, attribution: 'none' }).success).toBe(true);
    expect(issueOf(ConsentInput.safeParse({ ...consent, attribution: 'real_name' })).path).toBe('attribution');
  });

  it('rejects unknown keys and a missing terms version', () => {
    expect(ConsentInput.safeParse({ ...consent, email: 'a@b.c' }).success).toBe(false);
    expect(issueOf(ConsentInput.safeParse({ ...consent, terms_version: '' })).path).toBe('terms_version');
  });
});

describe('isConsentActive', () => {
  it('is true only for a confirmed, unwithdrawn consent', () => {
    expect(isConsentActive({ adult_confirmed: true, withdrawn_at: null })).toBe(true);
    expect(isConsentActive({ adult_confirmed: true, withdrawn_at: '2026-11-28T10:00:00.000Z' })).toBe(false);
    expect(isConsentActive({ adult_confirmed: false, withdrawn_at: null })).toBe(false);
    expect(isConsentActive(undefined)).toBe(false);
  });
});

describe('LanguageTag', () => {
  it.each(['en', 'pt-BR', 'zh-Hant-TW', 'es-419', 'yue', 'sr-Latn', 'EN'])('accepts %s', (tag) => {
    expect(LanguageTag.parse(tag)).toBe(tag);
  });

  it.each(['', 'e', 'english', 'en_US', 'en-', '-en', 'pt-BR-', 'en US', 'fr-toolongsubtag', 'de-ö'])('rejects %j with a helpful message', (tag) => {
    const result = LanguageTag.safeParse(tag);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toContain('BCP-47');
  });
});

describe('Handle', () => {
  it.each(['ada', 'ada_lovelace', 'ada-1815', '7seas', 'a'.repeat(32)])('accepts %s', (handle) => {
    expect(Handle.parse(handle)).toBe(handle);
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(33)],
    ['upper case', 'Ada'],
    ['an e-mail address', 'ada@example.org'],
    ['a phone number with +', '+351912345678'],
    ['a phone number of digits only', '0612345678'],
    ['digits and dashes only', '555-0100'],
    ['a leading dash', '-ada'],
    ['a leading underscore', '_ada'],
    ['a space', 'ada lovelace'],
    ['a dot', 'ada.lovelace'],
    ['non-ASCII letters', 'adà'],
  ])('rejects %s (%j)', (_why, handle) => {
    expect(Handle.safeParse(handle).success).toBe(false);
  });
});
