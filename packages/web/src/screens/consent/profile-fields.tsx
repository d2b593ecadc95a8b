import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contributor, Demographics, Expertise, ProfileUpdate } from '../../api/types';
import { countryOptions } from '../../lib/countries';

/** The optional, self-reported profile as the form holds it: '' means "not answered". */
export interface ProfileDraft {
  age_range: string;
  gender: string;
  gender_self: string;
  country: string;
  languages: string;
  education: string;
  expertise: { domain: string; level: Expertise['level'] }[];
}

const PREFER_NOT = 'prefer_not_to_say';
const AGES = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
const GENDERS = ['woman', 'man', 'non_binary'] as const;
const EDUCATION = ['primary', 'secondary', 'tertiary', 'postgraduate'] as const;
const LEVELS = ['some', 'professional', 'expert'] as const;
const TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

export function draftFrom(c: Pick<Contributor, 'demographics' | 'expertise'> | null | undefined): ProfileDraft {
  const d = c?.demographics ?? {};
  const knownGender = d.gender === undefined || d.gender === PREFER_NOT || (GENDERS as readonly string[]).includes(d.gender);
  return {
    age_range: d.age_range ?? '',
    gender: d.gender === undefined ? '' : knownGender ? d.gender : 'self',
    gender_self: knownGender ? '' : (d.gender ?? ''),
    country: d.country ?? '',
    languages: (d.languages ?? []).join(', '),
    education: d.education ?? '',
    expertise: (c?.expertise ?? []).map((e) => ({ domain: e.domain, level: e.level })),
  };
}

/** Language tags typed by the person that are not BCP-47 ("portuguese"), to point out before sending. */
export function invalidLanguages(draft: ProfileDraft): string[] {
  return splitTags(draft.languages).filter((t) => !TAG.test(t));
}

const splitTags = (s: string) => s.split(/[\s,;]+/).filter((x) => x !== '');

export function profileUpdateFrom(draft: ProfileDraft): ProfileUpdate {
  const demographics: Demographics = {};
  if (draft.age_range !== '') demographics.age_range = draft.age_range as NonNullable<Demographics['age_range']>;
  const gender = draft.gender === 'self' ? draft.gender_self.trim() : draft.gender;
  if (gender !== '') demographics.gender = gender;
  if (draft.country !== '') demographics.country = draft.country;
  const languages = splitTags(draft.languages).filter((t) => TAG.test(t));
  if (languages.length > 0) demographics.languages = languages;
  if (draft.education !== '') demographics.education = draft.education as NonNullable<Demographics['education']>;
  const expertise = draft.expertise.filter((e) => e.domain.trim() !== '').map((e) => ({ domain: e.domain.trim(), level: e.level }));
  return { demographics, expertise };
}

/** Demographics and expertise, every question optional and each with "prefer not to say". */
export function ProfileFields({ value, onChange }: { value: ProfileDraft; onChange: (d: ProfileDraft) => void }) {
  const { t, i18n } = useTranslation();
  const countries = useMemo(() => countryOptions(i18n.resolvedLanguage ?? 'en'), [i18n.resolvedLanguage]);
  const set = <K extends keyof ProfileDraft>(k: K, v: ProfileDraft[K]) => onChange({ ...value, [k]: v });
  const badTags = invalidLanguages(value);
  const notAnswered = <option value="">{t('profile.notAnswered')}</option>;
  const preferNot = <option value={PREFER_NOT}>{t('profile.preferNot')}</option>;
  return (
    <div className="profile-fields" data-testid="profile-fields">
      <label className="field">
        <span>{t('profile.age')}</span>
        <select value={value.age_range} onChange={(e) => set('age_range', e.target.value)} data-testid="profile-age">
          {notAnswered}
          {AGES.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
          {preferNot}
        </select>
      </label>
      <label className="field">
        <span>{t('profile.gender')}</span>
        <select value={value.gender} onChange={(e) => set('gender', e.target.value)} data-testid="profile-gender">
          {notAnswered}
          {GENDERS.map((g) => (
            <option key={g} value={g}>
              {t(`profile.genders.${g}`)}
            </option>
          ))}
          <option value="self">{t('profile.genders.self')}</option>
          {preferNot}
        </select>
      </label>
      {value.gender === 'self' && (
        <label className="field">
          <span>{t('profile.genderSelf')}</span>
          <input value={value.gender_self} maxLength={64} onChange={(e) => set('gender_self', e.target.value)} />
        </label>
      )}
      <label className="field">
        <span>{t('profile.country')}</span>
        <select value={value.country} onChange={(e) => set('country', e.target.value)} data-testid="profile-country">
          {notAnswered}
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
          {preferNot}
        </select>
      </label>
      <label className="field">
        <span>{t('profile.languages')}</span>
        <input value={value.languages} onChange={(e) => set('languages', e.target.value)} placeholder="pt, en" aria-describedby="languages-hint" aria-invalid={badTags.length > 0} data-testid="profile-languages" />
        <small id="languages-hint" className={badTags.length > 0 ? 'hint error-text' : 'hint'}>
          {badTags.length > 0 ? t('profile.languagesInvalid', { tags: badTags.join(', ') }) : t('profile.languagesHint')}
        </small>
      </label>
      <label className="field">
        <span>{t('profile.education')}</span>
        <select value={value.education} onChange={(e) => set('education', e.target.value)} data-testid="profile-education">
          {notAnswered}
          {EDUCATION.map((x) => (
            <option key={x} value={x}>
              {t(`profile.educations.${x}`)}
            </option>
          ))}
          {preferNot}
        </select>
      </label>
      <fieldset className="expertise">
        <legend>{t('profile.expertise')}</legend>
        <p className="hint">{t('profile.expertiseHint')}</p>
        {value.expertise.map((row, i) => (
          <div className="expertise-row" key={i}>
            <label className="field">
              <span>{t('profile.domain')}</span>
              <input
                value={row.domain}
                maxLength={64}
                onChange={(e) => set('expertise', value.expertise.map((r, j) => (j === i ? { ...r, domain: e.target.value } : r)))}
                data-testid="expertise-domain"
              />
            </label>
            <label className="field">
              <span>{t('profile.level')}</span>
              <select value={row.level} onChange={(e) => set('expertise', value.expertise.map((r, j) => (j === i ? { ...r, level: e.target.value as Expertise['level'] } : r)))}>
                {LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {t(`profile.levels.${l}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="link-button" onClick={() => set('expertise', value.expertise.filter((_, j) => j !== i))}>
              {t('common.remove')}
            </button>
          </div>
        ))}
        {value.expertise.length < 20 && (
          <button type="button" onClick={() => set('expertise', [...value.expertise, { domain: '', level: 'some' }])} data-testid="expertise-add">
            {t('profile.addExpertise')}
          </button>
        )}
      </fieldset>
    </div>
  );
}
