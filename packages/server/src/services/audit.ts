import { insertAuditEntry, listAuditEntries } from '../store/audit-repository.js';
import type { AuditLogTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { AppError } from '../errors.js';
import { timestamp, type ServiceContext } from './context.js';
import { isAdmin, type Principal } from './principal.js';

/** Who did what, to what, when and why: every administrative, moderation and release action. */
export interface AuditAction {
  action: string;
  target_kind: string;
  target_id: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export async function audit(ctx: ServiceContext, db: Db, actor: Principal | null, a: AuditAction): Promise<void> {
  await insertAuditEntry(db, {
    id: ctx.newId(),
    at: timestamp(ctx),
    actor_id: actor?.contributorId ?? null,
    action: a.action,
    target_kind: a.target_kind,
    target_id: a.target_id,
    reason: a.reason ?? null,
    details: JSON.stringify(a.details ?? {}),
  });
}

export interface AuditEntry extends Omit<AuditLogTable, 'details'> {
  details: Record<string, unknown>;
}

export async function readAuditLog(
  ctx: ServiceContext,
  principal: Principal,
  filter: { action?: string | undefined; actor_id?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ items: AuditEntry[]; next_cursor: string | null }> {
  if (!isAdmin(principal)) throw new AppError('forbidden', 'the audit log is read by admins');
  const before = filter.cursor === undefined ? undefined : decode(filter.cursor);
  const rows = await listAuditEntries(ctx.store.db, filter, before, filter.limit + 1);
  const items = rows.slice(0, filter.limit).map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
  const last = items.at(-1);
  return { items, next_cursor: rows.length > filter.limit && last !== undefined ? Buffer.from(JSON.stringify([last.at, last.id])).toString('base64url') : null };
}

function decode(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (typeof at === 'string' && typeof id === 'string') return { at, id };
  } catch {
    /* fall through */
  }
  throw new AppError('invalid_cursor', 'not a cursor this listing gave out', 'cursor');
}
