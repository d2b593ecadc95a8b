import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useMe } from '../../api/queries';
import type { Role } from '../../api/types';
import { PageTitle } from '../../components/layout';
import { AgreementSection } from './agreement-section';
import { GoldSection } from './gold-section';
import { ModerationSection } from './moderation-section';
import { SuspiciousSection } from './suspicious-section';

/** Roles that review the pool: they see the agreement figures and the moderation queue. */
export const REVIEW_ROLES: readonly Role[] = ['reviewer', 'moderator', 'admin'];

export type ReviewTab = 'agreement' | 'moderation';

/**
 * Reviewing the pool (reviewers, moderators, admins), in two tabs: how much raters agree, and the
 * moderation queue; moderators and admins also see the board of suspicious accounts and seed gold
 * items. Plain contributors are told the page is not for them.
 */
export default function ReviewScreen({ tab }: { tab: ReviewTab }) {
  const { t } = useTranslation();
  const me = useMe().data!;
  const canReview = me.roles.some((r) => REVIEW_ROLES.includes(r));
  const canModerate = me.roles.includes('moderator') || me.roles.includes('admin');
  if (!canReview) {
    return (
      <div className="page narrow">
        <PageTitle>{t('review.title')}</PageTitle>
        <p data-testid="review-forbidden">{t('review.forbidden')}</p>
      </div>
    );
  }
  return (
    <div className="page admin-page review-page">
      <nav className="tabs" aria-label={t('review.title')}>
        <NavLink to="/review/agreement" data-testid="review-tab-agreement">
          {t('review.agreement')}
        </NavLink>
        <NavLink to="/review/moderation" data-testid="review-tab-moderation">
          {t('review.moderation')}
        </NavLink>
      </nav>
      <PageTitle>{tab === 'agreement' ? t('review.agreementTitle') : t('review.moderationTitle')}</PageTitle>
      {tab === 'agreement' ? (
        <AgreementSection />
      ) : (
        <>
          <ModerationSection canModerate={canModerate} />
          {canModerate && <SuspiciousSection />}
          {canModerate && <GoldSection />}
        </>
      )}
    </div>
  );
}
