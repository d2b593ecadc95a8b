import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { createModel, testModel, updateModel } from '../../api/endpoints';
import { keys, useCommunities, useMe, useModels } from '../../api/queries';
import type { Model, ModelTestResult } from '../../api/types';
import { ErrorText, useErrorText } from '../../components/error-text';
import { useNotify } from '../../components/notices';
import { slugify } from './slugify';

/** Registered models with a connection test each, and the form to register an OpenAI-compatible endpoint. */
export function ModelSection() {
  const { t } = useTranslation();
  const communities = useCommunities().data ?? [];
  const models = useModels().data ?? [];
  const me = useMe().data;
  const errorText = useErrorText();
  const [results, setResults] = useState<Record<string, ModelTestResult | { failed: string } | 'testing'>>({});

  const runTest = async (id: string) => {
    setResults((r) => ({ ...r, [id]: 'testing' }));
    try {
      const result = await testModel(id);
      setResults((r) => ({ ...r, [id]: result }));
    } catch (e) {
      setResults((r) => ({ ...r, [id]: { failed: errorText(e) } }));
    }
  };

  return (
    <section aria-labelledby="models-heading" className="admin-section">
      <h2 id="models-heading">{t('admin.models')}</h2>
      <div className="table-wrap">
        <table className="data-table" data-testid="model-table">
          <thead>
            <tr>
              <th scope="col">{t('admin.name')}</th>
              <th scope="col">{t('chat.community')}</th>
              <th scope="col">{t('admin.endpoint')}</th>
              <th scope="col">
                <abbr title={t('admin.arenaWeightHint')}>{t('admin.arenaWeight')}</abbr>
              </th>
              <th scope="col">{t('admin.connection')}</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => {
              const r = results[m.id];
              return (
                <tr key={m.id} data-testid="model-row" data-model-id={m.id}>
                  <th scope="row">
                    {m.name}
                    <br />
                    <small>{m.model_name}</small>
                  </th>
                  <td>{communities.find((c) => c.id === m.community_id)?.name ?? '—'}</td>
                  <td className="break">{m.base_url ?? t('admin.poolModel')}</td>
                  <td>
                    <ArenaWeightField model={m} canChange={me?.roles.includes('admin') === true || me?.id === m.owner_id} />
                  </td>
                  <td>
                    <button type="button" onClick={() => void runTest(m.id)} disabled={r === 'testing'} data-testid="model-test">
                      {t('admin.test')}
                    </button>
                    <span className="test-result" role="status" data-testid="model-test-result">
                      {r === 'testing' && t('admin.testing')}
                      {r !== undefined && r !== 'testing' && 'failed' in r && <span className="error-text">{r.failed}</span>}
                      {r !== undefined && r !== 'testing' && 'ok' in r && (
                        <span className={r.ok ? 'ok-text' : 'error-text'} data-ok={r.ok ? 'true' : 'false'}>
                          {r.ok ? t('admin.testOk', { ms: r.latency_ms }) : t('admin.testFailed', { error: r.error ?? '' })}
                          {r.ok && r.model_listed === false && ` ${t('admin.modelNotListed')}`}
                        </span>
                      )}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {models.length === 0 && <p className="hint">{t('admin.noModels')}</p>}
      <ModelForm />
    </section>
  );
}

/** A model's weight in its community's arena: how often it is drawn against the others (0: never). */
function ArenaWeightField({ model, canChange }: { model: Model; canChange: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [value, setValue] = useState(String(model.arena_weight));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const weight = Number(value);
  const valid = value.trim() !== '' && Number.isFinite(weight) && weight >= 0 && weight <= 1000;
  const changed = valid && weight !== model.arena_weight;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!changed) return;
    setBusy(true);
    setError(null);
    try {
      const updated = await updateModel(model.id, { arena_weight: weight });
      await queryClient.invalidateQueries({ queryKey: keys.allModels });
      notify(updated.arena_weight === 0 ? t('admin.arenaWeightOff', { name: updated.name }) : t('admin.arenaWeightSaved', { name: updated.name, weight: updated.arena_weight }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!canChange) return <span data-testid="model-arena-weight-value">{model.arena_weight === 0 ? t('admin.arenaNever') : model.arena_weight}</span>;
  return (
    <form className="weight-form" onSubmit={(e) => void save(e)} aria-label={t('admin.arenaWeightOf', { name: model.name })}>
      <input
        type="number"
        min={0}
        max={1000}
        step="any"
        inputMode="decimal"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        aria-label={t('admin.arenaWeightOf', { name: model.name })}
        aria-invalid={!valid}
        disabled={busy}
        data-testid="model-arena-weight"
      />
      <button type="submit" disabled={busy || !changed} data-testid="model-arena-weight-save">
        {t('common.save')}
      </button>
      {valid && weight === 0 && <small className="hint">{t('admin.arenaNever')}</small>}
      <ErrorText error={error} testId="model-arena-weight-error" />
    </form>
  );
}

function ModelForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const communities = useCommunities().data ?? [];
  const [communityId, setCommunityId] = useState('');
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [pool, setPool] = useState(false);
  const [baseUrl, setBaseUrl] = useState('');
  const [modelName, setModelName] = useState('');
  const [apiKeyEnv, setApiKeyEnv] = useState('');
  const [licences, setLicences] = useState('');
  const [terms, setTerms] = useState('');
  const [arenaWeight, setArenaWeight] = useState('1');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const community = communityId || communities[0]?.id || '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const model = await createModel({
        slug,
        name: name.trim(),
        community_id: community,
        base_url: pool ? null : baseUrl.trim(),
        model_name: pool ? 'pool' : modelName.trim(),
        api_key_env: pool || apiKeyEnv.trim() === '' ? null : apiKeyEnv.trim(),
        output_licences: licences.split(/[\s,;]+/).filter((l) => l !== ''),
        output_terms: terms,
        arena_weight: Number(arenaWeight),
      });
      await queryClient.invalidateQueries({ queryKey: keys.allModels });
      void queryClient.invalidateQueries({ queryKey: keys.poolStats });
      notify(t('admin.modelCreated', { name: model.name }));
      setName('');
      setSlug('');
      setSlugTouched(false);
      setBaseUrl('');
      setModelName('');
      setApiKeyEnv('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (communities.length === 0) return <p className="hint">{t('admin.needCommunity')}</p>;
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="model-form-heading" data-testid="model-form">
      <h3 id="model-form-heading">{t('admin.newModel')}</h3>
      <div className="form-row">
        <label className="field">
          <span>{t('chat.community')}</span>
          <select value={community} onChange={(e) => setCommunityId(e.target.value)} data-testid="model-community">
            {communities.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
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
            data-testid="model-name"
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
            data-testid="model-slug"
          />
        </label>
      </div>
      <label className="check">
        <input type="checkbox" checked={pool} onChange={(e) => setPool(e.target.checked)} data-testid="model-pool" />
        <span>{t('admin.isPoolModel')}</span>
      </label>
      {!pool && (
        <>
          <div className="form-row">
            <label className="field grow">
              <span>{t('admin.baseUrl')}</span>
              <input type="url" required placeholder="http://localhost:11434/v1" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} aria-describedby="base-url-hint" data-testid="model-base-url" />
              <small id="base-url-hint" className="hint">
                {t('admin.baseUrlHint')}
              </small>
            </label>
            <label className="field">
              <span>{t('admin.modelName')}</span>
              <input required maxLength={200} placeholder="llama3.1:8b" value={modelName} onChange={(e) => setModelName(e.target.value)} data-testid="model-model-name" />
            </label>
          </div>
          <label className="field">
            <span>{t('admin.apiKeyEnv')}</span>
            <input pattern="[A-Z_][A-Z0-9_]{0,63}" placeholder="OPENAI_API_KEY" value={apiKeyEnv} onChange={(e) => setApiKeyEnv(e.target.value.toUpperCase())} aria-describedby="api-key-hint" data-testid="model-api-key-env" />
            <small id="api-key-hint" className="hint">
              {t('admin.apiKeyEnvHint')}
            </small>
          </label>
        </>
      )}
      <div className="form-row">
        <label className="field">
          <span>{t('admin.outputLicences')}</span>
          <input value={licences} placeholder="Apache-2.0" onChange={(e) => setLicences(e.target.value)} data-testid="model-licences" />
        </label>
        <label className="field grow">
          <span>{t('admin.outputTerms')}</span>
          <input value={terms} maxLength={2000} onChange={(e) => setTerms(e.target.value)} data-testid="model-terms" />
        </label>
      </div>
      <label className="field">
        <span>{t('admin.arenaWeight')}</span>
        <input type="number" required min={0} max={1000} step="any" inputMode="decimal" value={arenaWeight} onChange={(e) => setArenaWeight(e.target.value)} aria-describedby="arena-weight-hint" data-testid="model-form-arena-weight" />
        <small id="arena-weight-hint" className="hint">
          {t('admin.arenaWeightHint')}
        </small>
      </label>
      <ErrorText error={error} testId="model-error" />
      <button type="submit" className="primary" disabled={busy} data-testid="model-submit">
        {t('admin.registerModel')}
      </button>
    </form>
  );
}
