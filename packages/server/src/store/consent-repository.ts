import type { Attribution, Consent, ContributionLicence } from '@openfeedback/core';
import type { Db } from './store.js';
import type { ConsentTable } from './schema.js';

export function toConsent(row: ConsentTable): Consent {
  return {
    id: row.id,
    contributor_id: row.contributor_id,
    terms_version: row.terms_version,
    accepted_at: row.accepted_at,
    adult_confirmed: row.adult_confirmed === 1,
    licence: row.licence as ContributionLicence,
    attribution: row.attribution as Attribution,
    attribution_name: row.attribution_name,
    withdrawn_at: row.withdrawn_at,
  };
}

export async function insertConsent(db: Db, c: Consent): Promise<void> {
  await db
    .insertInto('consents')
    .values({ ...c, adult_confirmed: c.adult_confirmed ? 1 : 0 })
    .execute();
}

/** The contributor's latest consent, active or withdrawn; earlier ones stay as history. */
export async function findLatestConsent(db: Db, contributorId: string): Promise<ConsentTable | undefined> {
  return db
    .selectFrom('consents')
    .selectAll()
    .where('contributor_id', '=', contributorId)
    .orderBy('id', 'desc') // ids are UUIDv7, time-ordered: the largest is the latest
    .limit(1)
    .executeTakeFirst();
}

export async function withdrawConsents(db: Db, contributorId: string, at: string): Promise<number> {
  const result = await db
    .updateTable('consents')
    .set({ withdrawn_at: at })
    .where('contributor_id', '=', contributorId)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function countConsentedContributors(db: Db): Promise<number> {
  const row = await db
    .selectFrom('consents')
    .select((eb) => eb.fn.count<number | string>('contributor_id').distinct().as('n'))
    .where('withdrawn_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Marks what a person contributed as withdrawn: their feedback, their conversations and every
 * message in those conversations (the model's answers too: they exist only as part of them).
 */
export async function markContributionsWithdrawn(db: Db, contributorId: string): Promise<void> {
  await db.updateTable('feedback').set({ status: 'withdrawn' }).where('contributor_id', '=', contributorId).where('status', '=', 'active').execute();
  await db
    .updateTable('messages')
    .set({ status: 'withdrawn' })
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('contributor_id', '=', contributorId), eb('conversation_id', 'in', eb.selectFrom('conversations').select('id').where('contributor_id', '=', contributorId))]))
    .execute();
  await db.updateTable('conversations').set({ status: 'withdrawn' }).where('contributor_id', '=', contributorId).where('status', '=', 'active').execute();
}
