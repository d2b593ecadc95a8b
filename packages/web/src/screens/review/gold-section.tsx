import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { createGoldItem, listGoldItems } from '../../api/endpoints';
import { keys } from '../../api/queries';
import type { GoldExpectation } from '../../api/types';
import { ErrorText } from '../../components/error-text';
import { useNotify } from '../../components/notices';
import { Loading } from '../../components/spinner';

/**
 * Gold items (moderators, admins): answers whose verdict is known, mixed into the rating queue to
 * measure raters. A list with how many people answered each, and a form to seed one.
 */
export function GoldSection() {
  const { t, i18n } = useTranslation();
  const gold = useQuery({ queryKey: keys.goldItems, queryFn: () => listGoldItems({ limit: 100 }) });
  const items = gold.data?.items ?? [];
  const date = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium' });
  const expected = (e: GoldExpectation) => (e.kind === 'thumbs' ? t(e.value === 'up' ? 'gold.thumbsUp' : 'gold.thumbsDown') : t('gold.ratingRange', { min: e.min, max: e.max }));
  return (
    <section aria-labelledby="gold-heading" className="admin-section" data-testid="gold-section">
      <h2 id="gold-heading">{t('gold.heading')}</h2>
      <p className="hint">{t('gold.intro')}</p>
      {gold.isPending && <Loading />}
      <ErrorText error={gold.error} />
      {gold.isSuccess && items.length === 0 && <p className="hint">{t('gold.none')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table" data-testid="gold-table">
            <thead>
              <tr>
                <th scope="col">{t('gold.answer')}</th>
                <th scope="col">{t('gold.expected')}</th>
                <th scope="col">{t('gold.note')}</th>
                <th scope="col" className="num">
                  {t('gold.answers')}
                </th>
                <th scope="col">{t('gold.created')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((g) => (
                <tr key={g.id} data-testid="gold-row" data-message-id={g.message_id}>
                  <td>
                    <code>{g.message_id}</code>
                  </td>
                  <td>{expected(g.expected)}</td>
                  <td className="break">{g.note ?? '—'}</td>
                  <td className="num">{g.answers}</td>
                  <td>
                    <time dateTime={g.created_at}>{date.format(new Date(g.created_at))}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <GoldForm />
    </section>
  );
}

function GoldForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const id = useId();
  const [messageId, setMessageId] = useState('');
  const [kind, setKind] = useState<'up' | 'down' | 'rating'>('up');
  const [min, setMin] = useState('4');
  const [max, setMax] = useState('5');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const expected: GoldExpectation = kind === 'rating' ? { kind: 'rating', min: Number(min), max: Number(max) } : { kind: 'thumbs', value: kind };
      await createGoldItem({ message_id: messageId.trim(), expected, ...(note.trim() !== '' ? { note: note.trim() } : {}) });
      notify(t('gold.saved'));
      setMessageId('');
      setNote('');
      await queryClient.invalidateQueries({ queryKey: keys.goldItems });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-heading`} data-testid="gold-form">
      <h3 id={`${id}-heading`}>{t('gold.new')}</h3>
      <div className="form-row gold-row">
        <label className="field grow">
          <span>{t('gold.messageId')}</span>
          <input required value={messageId} onChange={(e) => setMessageId(e.target.value)} aria-describedby={`${id}-hint`} data-testid="gold-message-id" />
          <small id={`${id}-hint`} className="hint">
            {t('gold.messageIdHint')}
          </small>
        </label>
        <label className="field">
          <span>{t('gold.expected')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as 'up' | 'down' | 'rating')} data-testid="gold-kind">
            <option value="up">{t('gold.thumbsUp')}</option>
            <option value="down">{t('gold.thumbsDown')}</option>
            <option value="rating">{t('gold.rating')}</option>
          </select>
        </label>
        {kind === 'rating' && (
          <>
            <label className="field">
              <span>{t('admin.min')}</span>
              <input type="number" required step="any" min={-10} max={100} value={min} onChange={(e) => setMin(e.target.value)} data-testid="gold-min" />
            </label>
            <label className="field">
              <span>{t('admin.max')}</span>
              <input type="number" required step="any" min={-10} max={100} value={max} onChange={(e) => setMax(e.target.value)} data-testid="gold-max" />
            </label>
          </>
        )}
      </div>
      <label className="field">
        <span>{t('gold.note')}</span>
        <input maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} data-testid="gold-note" />
      </label>
      <ErrorText error={error} testId="gold-error" />
      <button type="submit" className="primary" disabled={busy} data-testid="gold-submit">
        {t('gold.submit')}
      </button>
    </form>
  );
}
