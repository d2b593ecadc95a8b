import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { createCommunity, createModel } from '../../api/endpoints';
import { keys } from '../../api/queries';
import type { RubricQuestion } from '../../api/types';
import { ErrorText } from '../../components/error-text';
import { useNotify } from '../../components/notices';
import { slugify } from './slugify';

interface QuestionDraft {
  id: string;
  text: string;
  min: number;
  max: number;
  labels: string;
}

const KINDS = ['language', 'domain', 'culture'] as const;

/** A new community: its name, kind, languages, guidelines, rubric, and (optionally) the built-in pool model. */
export function CommunityForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [kind, setKind] = useState<(typeof KINDS)[number]>('language');
  const [languages, setLanguages] = useState('');
  const [description, setDescription] = useState('');
  const [guidelines, setGuidelines] = useState('');
  const [rubric, setRubric] = useState<QuestionDraft[]>([]);
  const [poolModel, setPoolModel] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const questions: RubricQuestion[] = rubric
        .filter((q) => q.text.trim() !== '')
        .map((q) => {
          const labels = q.labels
            .split(',')
            .map((l) => l.trim())
            .filter((l) => l !== '');
          return { id: q.id || slugify(q.text).slice(0, 40), text: q.text.trim(), min: q.min, max: q.max, ...(labels.length > 0 ? { labels } : {}) };
        });
      const community = await createCommunity({
        slug,
        name: name.trim(),
        kind,
        languages: languages.split(/[\s,;]+/).filter((l) => l !== ''),
        description,
        guidelines,
        rubric: questions,
      });
      if (poolModel) {
        await createModel({ slug: `${community.slug}-pool`.slice(0, 64), name: t('admin.poolModelName', { community: community.name }), community_id: community.id, base_url: null, model_name: 'pool' });
      }
      await queryClient.invalidateQueries({ queryKey: keys.communities });
      await queryClient.invalidateQueries({ queryKey: keys.allModels });
      void queryClient.invalidateQueries({ queryKey: keys.poolStats });
      notify(t('admin.communityCreated', { name: community.name }));
      setName('');
      setSlug('');
      setSlugTouched(false);
      setLanguages('');
      setDescription('');
      setGuidelines('');
      setRubric([]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const setQuestion = (i: number, patch: Partial<QuestionDraft>) => setRubric((r) => r.map((q, j) => (j === i ? { ...q, ...patch } : q)));
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="community-form-heading" data-testid="community-form">
      <h3 id="community-form-heading">{t('admin.newCommunity')}</h3>
      <div className="form-row">
        <label className="field">
          <span>{t('admin.name')}</span>
          <input
            required
            maxLength={120}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!slugTouched) setSlug(slugify(e.target.value));
            }}
            data-testid="community-name"
          />
        </label>
        <label className="field">
          <span>{t('admin.slug')}</span>
          <input
            required
            pattern="[a-z0-9]+(-[a-z0-9]+)*"
            minLength={2}
            maxLength={64}
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugTouched(true);
            }}
            data-testid="community-slug"
          />
        </label>
      </div>
      <div className="form-row">
        <label className="field">
          <span>{t('admin.kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])} data-testid="community-kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`admin.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('admin.languages')}</span>
          <input value={languages} onChange={(e) => setLanguages(e.target.value)} placeholder="pt, pt-BR" data-testid="community-languages" />
        </label>
      </div>
      <label className="field">
        <span>{t('admin.description')}</span>
        <textarea rows={2} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="community-description" />
      </label>
      <label className="field">
        <span>{t('admin.guidelines')}</span>
        <textarea rows={3} maxLength={20000} value={guidelines} onChange={(e) => setGuidelines(e.target.value)} data-testid="community-guidelines" />
      </label>
      <fieldset className="rubric-editor">
        <legend>{t('admin.rubric')}</legend>
        <p className="hint">{t('admin.rubricHint')}</p>
        {rubric.map((q, i) => (
          <div className="rubric-row" key={i} data-testid="rubric-row">
            <label className="field grow">
              <span>{t('admin.question')}</span>
              <input required value={q.text} maxLength={500} onChange={(e) => setQuestion(i, { text: e.target.value, id: q.id || '' })} data-testid="rubric-text" />
            </label>
            <label className="field small">
              <span>{t('admin.questionId')}</span>
              <input value={q.id} placeholder={slugify(q.text).slice(0, 40)} pattern="[a-z0-9]+(-[a-z0-9]+)*" onChange={(e) => setQuestion(i, { id: e.target.value })} data-testid="rubric-id" />
            </label>
            <label className="field tiny">
              <span>{t('admin.min')}</span>
              <input type="number" min={-10} max={10} value={q.min} onChange={(e) => setQuestion(i, { min: Number(e.target.value) })} data-testid="rubric-min" />
            </label>
            <label className="field tiny">
              <span>{t('admin.max')}</span>
              <input type="number" min={q.min + 1} max={100} value={q.max} onChange={(e) => setQuestion(i, { max: Number(e.target.value) })} data-testid="rubric-max" />
            </label>
            <label className="field grow">
              <span>{t('admin.labels')}</span>
              <input value={q.labels} onChange={(e) => setQuestion(i, { labels: e.target.value })} placeholder={t('admin.labelsPlaceholder')} data-testid="rubric-labels" />
            </label>
            <button type="button" className="link-button" onClick={() => setRubric((r) => r.filter((_, j) => j !== i))}>
              {t('common.remove')}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setRubric((r) => [...r, { id: '', text: '', min: 1, max: 5, labels: '' }])} data-testid="rubric-add">
          {t('admin.addQuestion')}
        </button>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={poolModel} onChange={(e) => setPoolModel(e.target.checked)} data-testid="community-pool-model" />
        <span>{t('admin.addPoolModel')}</span>
      </label>
      <ErrorText error={error} testId="community-error" />
      <button type="submit" className="primary" disabled={busy} data-testid="community-submit">
        {t('admin.createCommunity')}
      </button>
    </form>
  );
}
