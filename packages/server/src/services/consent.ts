import { ContributionLicence, isConsentActive, type Consent, type ConsentInput } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findLatestConsent, insertConsent, markContributionsWithdrawn, toConsent, withdrawConsents } from '../store/consent-repository.js';
import type { ConsentTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { timestamp, type ServiceContext } from './context.js';
import { contributionIds } from '../store/erasure-repository.js';
import { forgetPoolIndexes } from './pool-model.js';
import { layTombstones } from './tombstones.js';
import { requireScope, type Principal } from './principal.js';

/** What a person is asked to agree to: shown by the consent screen and `GET /v1/consent/terms`. */
export function currentTerms(ctx: ServiceContext) {
  return {
    version: ctx.config.termsVersion,
    licences: [...ContributionLicence.options],
    summary: [
      'What you write and the feedback you give are published in the open feedback pool under the licence you choose.',
      'Personal data (e-mail addresses, phone numbers, card numbers, keys, …) is removed before anything is stored.',
      'You must be 18 or older.',
      'You can change the licence for future contributions, export or delete your data, and withdraw at any time;',
      'copies already published in a release cannot be recalled.',
    ].join(' '),
  };
}

/**
 * Records consent under the current terms. A new consent (e.g. another licence) applies to what is
 * contributed from now on; earlier records keep the licence they were given under.
 */
export async function acceptConsent(ctx: ServiceContext, principal: Principal, input: ConsentInput): Promise<Consent> {
  if (principal.via !== 'session') throw new AppError('forbidden', 'consent is given by the person, in a signed-in session');
  if (input.terms_version !== ctx.config.termsVersion) {
    throw new AppError('terms_outdated', `the current terms are version "${ctx.config.termsVersion}"`, 'terms_version');
  }
  const consent: Consent = {
    id: ctx.newId(),
    contributor_id: principal.contributorId,
    terms_version: input.terms_version,
    accepted_at: timestamp(ctx),
    adult_confirmed: true,
    licence: input.licence,
    attribution: input.attribution,
    attribution_name: input.attribution === 'name' ? (input.attribution_name ?? null) : null,
    withdrawn_at: null,
  };
  await insertConsent(ctx.store.db, consent);
  return consent;
}

export async function getConsent(ctx: ServiceContext, principal: Principal): Promise<Consent> {
  requireScope(principal, 'read');
  const row = await findLatestConsent(ctx.store.db, principal.contributorId);
  if (row === undefined) throw notFound('consent');
  return toConsent(row);
}

/**
 * Withdraws consent: capture stops at once, and everything the person contributed is marked
 * withdrawn so that no later release includes it. Copies in earlier releases cannot be recalled.
 */
export async function withdrawConsent(ctx: ServiceContext, principal: Principal): Promise<Consent> {
  if (principal.via !== 'session') throw new AppError('forbidden', 'consent is withdrawn by the person, in a signed-in session');
  const at = timestamp(ctx);
  await ctx.store.write(async (trx) => {
    await withdrawConsents(trx, principal.contributorId, at);
    await layTombstones(ctx, trx, await contributionIds(trx, principal.contributorId, true), 'withdrawn');
    await markContributionsWithdrawn(trx, principal.contributorId);
  });
  forgetPoolIndexes(ctx);
  return getConsent(ctx, principal);
}

/**
 * The consent gate: every write of contributed content calls this inside its transaction, so a
 * withdrawal that commits first is always seen. Throws `consent_required` (403) otherwise.
 */
export async function requireActiveConsent(db: Db, contributorId: string): Promise<ConsentTable> {
  const row = await findLatestConsent(db, contributorId);
  if (row === undefined || !isConsentActive(toConsent(row))) {
    throw new AppError('consent_required', 'accept the consent terms (POST /v1/consent) before contributing; nothing was stored');
  }
  return row;
}
