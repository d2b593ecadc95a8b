import { useQuery } from '@tanstack/react-query';
import { getAuthProviders, getConsent, getMe, getTerms, listCommunities, listModels } from './endpoints';
import type { Consent, Terms } from './types';

/** Query keys, in one place so that mutations invalidate the right caches. */
export const keys = {
  me: ['me'] as const,
  consent: ['consent'] as const,
  terms: ['terms'] as const,
  providers: ['auth-providers'] as const,
  communities: ['communities'] as const,
  models: (community?: string) => ['models', community ?? '*'] as const,
  allModels: ['models'] as const,
  conversations: ['conversations'] as const,
  conversation: (id: string) => ['conversation', id] as const,
  feedbackOn: (conversationId: string) => ['feedback-on', conversationId] as const,
  myFeedback: ['my-feedback'] as const,
  myStats: ['my-stats'] as const,
  poolStats: ['pool-stats'] as const,
  releases: ['releases'] as const,
  release: (version: string) => ['releases', version] as const,
  takedowns: ['takedowns'] as const,
  audit: ['audit'] as const,
  leaderboard: ['leaderboard'] as const,
  agreement: ['agreement'] as const,
  myQuality: ['my-quality'] as const,
  moderation: ['moderation'] as const,
  suspicious: ['suspicious'] as const,
  goldItems: ['gold-items'] as const,
};

export const useMe = () => useQuery({ queryKey: keys.me, queryFn: getMe, staleTime: 5 * 60_000 });
export const useTerms = () => useQuery({ queryKey: keys.terms, queryFn: getTerms, staleTime: 30 * 60_000 });
export const useConsent = (enabled = true) => useQuery({ queryKey: keys.consent, queryFn: getConsent, enabled, staleTime: 5 * 60_000 });
export const useAuthProviders = () => useQuery({ queryKey: keys.providers, queryFn: getAuthProviders, staleTime: 30 * 60_000 });
export const useCommunities = () => useQuery({ queryKey: keys.communities, queryFn: listCommunities, staleTime: 60_000 });
export const useModels = (community?: string) => useQuery({ queryKey: keys.models(community), queryFn: () => listModels(community), staleTime: 60_000 });

export type ConsentState = 'none' | 'withdrawn' | 'outdated' | 'active';

/** Where a person stands: no consent yet, withdrawn, given under older terms, or active. */
export function consentState(consent: Consent | null | undefined, terms: Terms | undefined): ConsentState {
  if (consent === null || consent === undefined) return 'none';
  if (consent.withdrawn_at !== null) return 'withdrawn';
  if (terms !== undefined && consent.terms_version !== terms.version) return 'outdated';
  return 'active';
}
