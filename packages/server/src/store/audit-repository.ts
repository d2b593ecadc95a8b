import type { Db } from './store.js';
import type { AuditLogTable } from './schema.js';

export async function insertAuditEntry(db: Db, entry: AuditLogTable): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}

/** Newest first, a page at a time after (at, id). */
export async function listAuditEntries(db: Db, filter: { action?: string | undefined; actor_id?: string | undefined }, before: { at: string; id: string } | undefined, limit: number): Promise<AuditLogTable[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (filter.action !== undefined) q = q.where('action', '=', filter.action);
  if (filter.actor_id !== undefined) q = q.where('actor_id', '=', filter.actor_id);
  if (before !== undefined) q = q.where((eb) => eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]));
  return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
