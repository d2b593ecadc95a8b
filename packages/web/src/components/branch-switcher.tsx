import { useTranslation } from 'react-i18next';

/** ‹ 2/3 › between alternatives at one branching point (regenerations, edits). */
export function BranchSwitcher({ index, count, onPrev, onNext }: { index: number; count: number; onPrev: () => void; onNext: () => void }) {
  const { t } = useTranslation();
  if (count < 2) return null;
  return (
    <span className="branch-switcher" role="group" aria-label={t('chat.branches', { index: index + 1, count })} data-testid="branch-switcher">
      <button type="button" className="icon-button" onClick={onPrev} disabled={index === 0} aria-label={t('chat.branchPrev')} data-testid="branch-prev">
        ‹
      </button>
      <span data-testid="branch-position" aria-hidden="true">
        {index + 1}/{count}
      </span>
      <button type="button" className="icon-button" onClick={onNext} disabled={index === count - 1} aria-label={t('chat.branchNext')} data-testid="branch-next">
        ›
      </button>
    </span>
  );
}
