import { useTranslation } from 'react-i18next';
import type { Community, Model } from '../../api/types';

/** Community first, then one of its models (the built-in pool model is one of them). */
export function ModelPicker(props: {
  communities: readonly Community[];
  communityId: string | null;
  communityLocked: boolean;
  onCommunity: (id: string) => void;
  models: readonly Model[];
  modelId: string | null;
  onModel: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="model-picker">
      <label className="field inline">
        <span>{t('chat.community')}</span>
        <select value={props.communityId ?? ''} disabled={props.communityLocked} onChange={(e) => props.onCommunity(e.target.value)} data-testid="community-select">
          {props.communities.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field inline">
        <span>{t('chat.model')}</span>
        <select value={props.modelId ?? ''} onChange={(e) => props.onModel(e.target.value)} disabled={props.models.length === 0} data-testid="model-select">
          {props.models.length === 0 && <option value="">{t('chat.noModels')}</option>}
          {props.models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.base_url === null ? t('chat.poolModel', { name: m.name }) : m.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
