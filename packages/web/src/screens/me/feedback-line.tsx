import { useTranslation } from 'react-i18next';
import type { Feedback } from '../../api/types';

/** One feedback event in a sentence: "👍", "4/5 on clarity", "critique: too long…". */
export function FeedbackLine({ f }: { f: Feedback }) {
  const { t } = useTranslation();
  const cut = (s: string) => (s.length > 120 ? `${s.slice(0, 120)}…` : s);
  switch (f.kind) {
    case 'thumbs':
      return <>{f.value === 'up' ? t('myData.fb.up') : t('myData.fb.down')}</>;
    case 'rating':
      return <>{t('myData.fb.rating', { score: f.score, max: f.scale_max, question: f.question_id ?? t('myData.fb.overall') })}</>;
    case 'critique':
      return <>{cut(f.text)}</>;
    case 'correction':
      return <>{cut(f.text)}</>;
    case 'flag':
      return <>{t(`feedback.flags.${f.reason}`)}</>;
    case 'ranking':
      return <>{t('myData.fb.ranking', { count: f.ranking.length })}</>;
    case 'pairwise':
      return <>{t('myData.fb.pairwise', { outcome: f.outcome })}</>;
    default:
      return null;
  }
}
