import type { Db } from './store.js';
import type { IdentityTable } from './schema.js';

/** Accounts signed in through an OpenID Connect provider: one per (issuer, subject). */
export async function findIdentity(db: Db, issuer: string, subject: string): Promise<IdentityTable | undefined> {
  return db.selectFrom('identities').selectAll().where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
}

export async function insertIdentity(db: Db, identity: IdentityTable): Promise<void> {
  await db.insertInto('identities').values(identity).execute();
}

export async function listIdentitiesOf(db: Db, contributorId: string): Promise<IdentityTable[]> {
  return db.selectFrom('identities').selectAll().where('contributor_id', '=', contributorId).orderBy('created_at').execute();
}
