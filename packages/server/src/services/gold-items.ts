import { GoldExpectation, GoldItem, GoldItemInput } from '@openfeedback/core';
import { AppError } from '../errors.js';
import { findMessages } from '../store/conversation-repository.js';
import { findGoldItemByMessage, goldAnswerCounts, insertGoldItem, listGoldItems as listGoldRows } from '../store/gold-repository.js';
import { parseJson } from '../store/json-column.js';
import type { GoldItemTable } from '../store/schema.js';
import { audit } from './audit.js';
import { timestamp, type ServiceContext } from './context.js';
import { decodeCursor, toPage } from './listing.js';
import { requireModerator, type Principal } from './principal.js';


const toGoldItem = (r: GoldItemTable, answers: number): GoldItem => ({
  id: r.id,
  conversation_id: r.conversation_id,
  message_id: r.message_id,
  expected: parseJson<GoldExpectation>(r.expected),
  note: r.note,
  created_by: r.created_by,
  created_at: r.created_at,
  answers,
});

/**
 * A moderator marks an answer as gold: its verdict is known, so the answers raters give it measure
 * them. The queue mixes gold items in (`queueGoldRate`) and serves them like any other item.
 */
export async function createGoldItem(ctx: ServiceContext, principal: Principal, input: GoldItemInput): Promise<GoldItem> {
  requireModerator(principal, 'seeding gold items');
  const row = await ctx.store.write(async (trx) => {
    const [message] = await findMessages(trx, [input.message_id]);
    if (message === undefined) throw new AppError('invalid_reference', 'no such message', 'message_id');
    if (message.role !== 'assistant') throw new AppError('invalid_reference', 'must be an assistant message (an answer to judge)', 'message_id');
    if (message.status !== 'active') throw new AppError('invalid_reference', `the message is ${message.status}`, 'message_id');
    if ((await findGoldItemByMessage(trx, input.message_id)) !== undefined) throw new AppError('conflict', 'this answer is a gold item already', 'message_id');
    const r: GoldItemTable = {
      id: ctx.newId(),
      conversation_id: message.conversation_id,
      message_id: message.id,
      expected: JSON.stringify(input.expected),
      note: input.note ?? null,
      created_by: principal.contributorId,
      created_at: timestamp(ctx),
    };
    await insertGoldItem(trx, r);
    await audit(ctx, trx, principal, { action: 'gold.create', target_kind: 'message', target_id: message.id, details: { gold_item_id: r.id, expected: input.expected } });
    return r;
  });
  return toGoldItem(row, 0);
}

/** Gold items, newest first, with how many people answered each (moderators and admins). */
export async function listGoldItems(ctx: ServiceContext, principal: Principal, limit: number, cursor?: string): Promise<{ items: GoldItem[]; next_cursor: string | null }> {
  requireModerator(principal, 'the gold items');
  const rows = await listGoldRows(ctx.store.db, decodeCursor(cursor), limit + 1);
  const answers = await goldAnswerCounts(ctx.store.db, rows.slice(0, limit).map((r) => r.message_id));
  return toPage(rows, limit, (r) => toGoldItem(r, answers.get(r.message_id) ?? 0));
}
