import { useTranslation } from 'react-i18next';
import { useCommunities, useMe } from '../../api/queries';
import { PageTitle } from '../../components/layout';
import { AuditSection } from './audit-section';
import { CommunityForm } from './community-form';
import { ModelSection } from './model-section';
import { ReleaseSection } from './release-section';
import { StatsSection } from './stats-section';
import { TakedownSection } from './takedown-section';

/**
 * Running the instance: communities and their rubrics, model endpoints, releases, the takedown
 * queue, the audit log, the numbers. Each person sees the parts their roles allow: admins all of
 * it, trainers the models, moderators the takedown queue.
 */
export default function AdminScreen() {
  const { t } = useTranslation();
  const me = useMe().data!;
  const communities = useCommunities().data ?? [];
  const isAdmin = me.roles.includes('admin');
  const canModels = isAdmin || me.roles.includes('trainer');
  const canModerate = isAdmin || me.roles.includes('moderator');
  if (!canModels && !canModerate) {
    return (
      <div className="page narrow">
        <PageTitle>{t('admin.title')}</PageTitle>
        <p data-testid="admin-forbidden">{t('admin.forbidden')}</p>
      </div>
    );
  }
  return (
    <div className="page admin-page">
      <PageTitle>{t('admin.title')}</PageTitle>
      {isAdmin && (
        <section aria-labelledby="communities-heading" className="admin-section">
          <h2 id="communities-heading">{t('admin.communities')}</h2>
          <ul className="item-list" data-testid="community-list">
            {communities.map((c) => (
              <li key={c.id} data-testid="community-row" data-community-id={c.id}>
                <span className="item-main">
                  <strong>{c.name}</strong> <code>{c.slug}</code> <span className="badge">{t(`admin.kinds.${c.kind}`)}</span>
                  {c.languages.length > 0 && <span className="hint">{c.languages.join(', ')}</span>}
                  <span className="hint">{t('admin.rubricCount', { count: c.rubric.length })}</span>
                </span>
              </li>
            ))}
          </ul>
          {communities.length === 0 && <p className="hint">{t('admin.noCommunities')}</p>}
          <CommunityForm />
        </section>
      )}
      {canModels && <ModelSection />}
      {isAdmin && <ReleaseSection />}
      {canModerate && <TakedownSection />}
      {isAdmin && <AuditSection />}
      {isAdmin && <StatsSection />}
    </div>
  );
}
