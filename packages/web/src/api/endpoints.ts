import { api, isApiError, send } from './http';
import type {
  AgreementReport,
  ArenaBattle,
  ArenaSide,
  AuditEntry,
  AuthProvider,
  Community,
  CommunityInput,
  Consent,
  ConsentInput,
  Contributor,
  Conversation,
  ConversationWithMessages,
  ErasureReport,
  Feedback,
  FeedbackBody,
  GoldExpectation,
  GoldItem,
  LeaderboardQuery,
  LeaderboardReport,
  Me,
  Model,
  ModelInput,
  ModelTestResult,
  ModelUpdate,
  ModerationDecisionKind,
  ModerationItem,
  ModerationStatus,
  MyQuality,
  MyStats,
  Page,
  PoolStats,
  ProfileUpdate,
  PublishResult,
  QualityPassReport,
  Release,
  SuspiciousAccount,
  TakedownReason,
  TakedownReport,
  Terms,
} from './types';

/** Every route the app calls, one small function each, named after what it does. */

const json = (body: unknown) => ({ method: 'POST' as const, body });
const query = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
};

// Accounts and sessions
export const signUp = (handle: string, password: string) => api<Contributor>('/v1/accounts', json({ handle, password }));
export const signIn = (handle: string, password: string) => api<Contributor>('/v1/sessions', json({ handle, password }));
export const signOut = () => api<void>('/v1/sessions/current', { method: 'DELETE' });
/** The signed-in account, or null when nobody is signed in. */
export async function getMe(): Promise<Me | null> {
  try {
    return await api<Me>('/v1/me');
  } catch (e) {
    if (isApiError(e) && e.status === 401) return null;
    throw e;
  }
}
export const updateProfile = (patch: ProfileUpdate) => api<Contributor>('/v1/me', { method: 'PATCH', body: patch });
/** Deletes the signed-in account and everything of it (the session ends with it). */
export const deleteMe = () => api<ErasureReport>('/v1/me', { method: 'DELETE' });

/**
 * Sign-in methods besides the password. Read tolerantly: `{ providers: [{ id, name, start_url }] }`,
 * `{ items: [...] }` or `{ oidc: { enabled, name } }`; a server without the route offers none.
 */
export async function getAuthProviders(): Promise<AuthProvider[]> {
  let raw: unknown;
  try {
    raw = await api<unknown>('/v1/auth/providers');
  } catch (e) {
    if (isApiError(e) && (e.status === 404 || e.status === 0)) return [];
    throw e;
  }
  return normaliseProviders(raw);
}

export function normaliseProviders(raw: unknown): AuthProvider[] {
  const start = '/v1/auth/oidc/start';
  const r = (raw ?? {}) as Record<string, unknown>;
  const list = Array.isArray(raw) ? raw : Array.isArray(r.providers) ? r.providers : Array.isArray(r.items) ? r.items : null;
  if (list !== null) {
    return list
      .map((p) => p as Record<string, unknown>)
      .filter((p) => p.type === undefined || p.type === 'oidc')
      .filter((p) => p.enabled !== false && p.id !== 'password')
      .map((p) => ({
        id: String(p.id ?? 'oidc'),
        name: String(p.name ?? p.display_name ?? 'OpenID Connect'),
        startUrl: String(p.start_url ?? p.url ?? start),
      }));
  }
  const oidc = r.oidc;
  if (oidc === true) return [{ id: 'oidc', name: String(r.oidc_name ?? 'OpenID Connect'), startUrl: start }];
  if (typeof oidc === 'object' && oidc !== null) {
    const o = oidc as Record<string, unknown>;
    if (o.enabled === false) return [];
    return [{ id: 'oidc', name: String(o.name ?? 'OpenID Connect'), startUrl: String(o.start_url ?? start) }];
  }
  return [];
}

// Consent
export const getTerms = () => api<Terms>('/v1/consent/terms');
/** My latest consent (possibly withdrawn), or null when I never gave one. */
export async function getConsent(): Promise<Consent | null> {
  try {
    return await api<Consent>('/v1/consent');
  } catch (e) {
    if (isApiError(e) && e.status === 404) return null;
    throw e;
  }
}
export const giveConsent = (input: ConsentInput) => api<Consent>('/v1/consent', json(input));
export const withdrawConsent = () => api<Consent>('/v1/consent', { method: 'DELETE' });

// Communities and models
export const listCommunities = () => api<{ items: Community[] }>('/v1/communities').then((r) => r.items);
export const listModels = (community?: string) => api<{ items: Model[] }>(`/v1/models${query({ community })}`).then((r) => r.items);
export const createCommunity = (input: Partial<CommunityInput> & Pick<CommunityInput, 'slug' | 'name' | 'kind'>) => api<Community>('/v1/communities', json(input));
export const createModel = (input: Partial<ModelInput> & Pick<ModelInput, 'slug' | 'name' | 'community_id' | 'base_url' | 'model_name'>) =>
  api<Model>('/v1/models', json(input));
export const updateModel = (id: string, patch: ModelUpdate) => api<Model>(`/v1/models/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch });
export const testModel = (id: string) => api<ModelTestResult>(`/v1/models/${encodeURIComponent(id)}/test`, { method: 'POST', body: {} });

// Conversations and feedback
export const getConversation = (id: string) => api<ConversationWithMessages>(`/v1/conversations/${encodeURIComponent(id)}`);
export const listConversations = (params: { contributor_id?: string; cursor?: string; limit?: number }) =>
  api<Page<Conversation>>(`/v1/conversations${query(params)}`);
export const deleteConversation = (id: string) => api<void>(`/v1/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const listFeedback = (params: { contributor_id?: string; conversation_id?: string; cursor?: string; limit?: number }) =>
  api<Page<Feedback>>(`/v1/feedback${query(params)}`);
export const deleteFeedback = (id: string) => api<void>(`/v1/feedback/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const postFeedback = (body: FeedbackBody, idempotencyKey: string, signal?: AbortSignal) =>
  api<Feedback>('/v1/feedback', { method: 'POST', body, headers: { 'idempotency-key': idempotencyKey }, ...(signal ? { signal } : {}) });

/** Rate the pool: the next conversation to judge as a third party, or null when none is left (204). */
export async function nextFromQueue(communityId?: string): Promise<ConversationWithMessages | null> {
  const response = await send('/v1/queue/next', json(communityId === undefined ? {} : { community_id: communityId }));
  if (response.status === 204) return null;
  const body = (await response.json()) as { conversation: ConversationWithMessages };
  return body.conversation;
}

// The blind arena (answers stream through api/arena-stream.ts)
export const arenaStartPath = '/v1/arena/battles';
export const arenaTurnPath = (battleId: string) => `/v1/arena/battles/${encodeURIComponent(battleId)}/turns`;
export const getBattle = (battleId: string) => api<ArenaBattle>(`/v1/arena/battles/${encodeURIComponent(battleId)}`);
export const voteInBattle = (battleId: string, winner: ArenaSide | 'tie' | 'both_bad') => api<ArenaBattle>(`/v1/arena/battles/${encodeURIComponent(battleId)}/vote`, json({ winner }));

// My data, stats
export const getMyStats = () => api<MyStats>('/v1/me/stats');
export const getPoolStats = () => api<PoolStats>('/v1/stats');
export const myExportUrl = (format: 'json' | 'csv', table?: 'conversations' | 'messages' | 'feedback') => `/v1/me/export${query({ format, table })}`;

// Releases
const releasePath = (version: string) => `/v1/releases/${encodeURIComponent(version)}`;
export const listReleases = () => api<{ items: Release[] }>('/v1/releases').then((r) => r.items);
export const getRelease = (version: string) => api<Release>(releasePath(version));
/** Starts building a release (202): poll getRelease until it is built or failed. */
export const createRelease = (version?: string) => api<Release>('/v1/releases', json(version === undefined ? {} : { version }));
export const publishRelease = (version: string) => api<PublishResult>(`${releasePath(version)}/publish`, json({ kind: 'hub' }));
export const releaseFileUrl = (version: string, path: string) => `${releasePath(version)}/files/${path.split('/').map(encodeURIComponent).join('/')}`;

// Takedowns and the audit log
export const fileTakedown = (input: { record_id: string; reason: TakedownReason; details: string }) => api<TakedownReport>('/v1/takedowns', json(input));
export const listTakedowns = (status: TakedownReport['status'] = 'open') => api<{ items: TakedownReport[] }>(`/v1/takedowns${query({ status })}`).then((r) => r.items);
export const decideTakedown = (id: string, decision: 'uphold' | 'reject', reason: string) =>
  api<TakedownReport>(`/v1/takedowns/${encodeURIComponent(id)}/decision`, json({ decision, reason }));
export const readAuditLog = (params: { limit?: number; cursor?: string; action?: string }) => api<{ items: AuditEntry[]; next_cursor: string | null }>(`/v1/audit${query(params)}`);

// Leaderboards and agreement
/** The leaderboard of a community (or of all), a language and a prompt category: Bradley-Terry ratings, matrices, rubric means. */
export const getLeaderboard = (q: Partial<LeaderboardQuery> = {}) => api<LeaderboardReport>(`/v1/leaderboard${query({ ...q })}`);
/** How much raters agree, per judgement kind and rubric question (reviewers, moderators, admins). */
export const getAgreement = (q: { community?: string; language?: string } = {}) => api<AgreementReport>(`/v1/agreement${query(q)}`);

// Quality control and moderation
export const getMyQuality = () => api<MyQuality>('/v1/me/quality');
export const listModerationQueue = (params: { status?: ModerationStatus; cursor?: string; limit?: number } = {}) =>
  api<{ items: ModerationItem[]; next_cursor: string | null }>(`/v1/moderation/queue${query(params)}`);
export const decideModerationItem = (id: string, decision: ModerationDecisionKind, reason: string) =>
  api<ModerationItem>(`/v1/moderation/queue/${encodeURIComponent(id)}/decision`, json({ decision, reason }));
export const listSuspiciousAccounts = (params: { limit?: number; min_score?: number } = {}) =>
  api<{ items: SuspiciousAccount[] }>(`/v1/moderation/suspicious${query(params)}`).then((r) => r.items);
export const listGoldItems = (params: { cursor?: string; limit?: number } = {}) => api<{ items: GoldItem[]; next_cursor: string | null }>(`/v1/gold-items${query(params)}`);
export const createGoldItem = (input: { message_id: string; expected: GoldExpectation; note?: string }) => api<GoldItem>('/v1/gold-items', json(input));
export const runQualityPass = () => api<QualityPassReport>('/v1/quality/pass', json({}));
