import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Community } from '../api/types';

interface Props {
  communities: readonly Community[];
  /** The chosen community's slug, or '' for every community. */
  community: string;
  /** The chosen language, or '' for any. */
  language: string;
  /** A new community resets the language (its languages differ). */
  onCommunity: (slug: string) => void;
  onLanguage: (language: string) => void;
  /** Prefix of the selects' test ids: `<prefix>-community`, `<prefix>-language`. */
  testIdPrefix: string;
}

/**
 * The two selects that scope a report to a community and a language: the communities, then the
 * languages of the chosen community (or of them all), the chosen one kept even if none lists it.
 */
export function CommunityLanguageFields({ communities, community, language, onCommunity, onLanguage, testIdPrefix }: Props) {
  const { t } = useTranslation();
  const ids = { community: useId(), language: useId() };
  const chosen = communities.find((c) => c.slug === community || c.id === community);
  const languages = [...new Set([...(chosen ? chosen.languages : communities.flatMap((c) => c.languages)), ...(language !== '' ? [language] : [])])].sort();
  return (
    <>
      <label className="field" htmlFor={ids.community}>
        <span>{t('leaderboard.community')}</span>
        <select id={ids.community} value={chosen?.slug ?? community} onChange={(e) => onCommunity(e.target.value)} data-testid={`${testIdPrefix}-community`}>
          <option value="">{t('leaderboard.allCommunities')}</option>
          {communities.map((c) => (
            <option key={c.id} value={c.slug}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field" htmlFor={ids.language}>
        <span>{t('leaderboard.language')}</span>
        <select id={ids.language} value={language} onChange={(e) => onLanguage(e.target.value)} data-testid={`${testIdPrefix}-language`}>
          <option value="">{t('leaderboard.anyLanguage')}</option>
          {languages.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
