import { orderTree, type Message, type MessageInput } from '@openfeedback/core';
import { AppError } from '../errors.js';
import { existingMessageIds } from '../store/conversation-repository.js';
import { findModelVersionsByIds, findModelsByIds } from '../store/model-repository.js';
import type { MessageTable } from '../store/schema.js';
import type { Db } from '../store/store.js';

export interface PlanTarget {
  conversationId: string;
  language: string | null;
  /** The tree so far (empty for a new conversation). */
  existing: readonly MessageTable[];
  authorId: string;
  createdAt: string;
  /** `messages` for a new conversation, `` for one appended message: prefixes field names in errors. */
  fieldPrefix: string;
}

/**
 * Turns message inputs into rows that fit the conversation tree: ids assigned, parents defaulted
 * (each message continues from the one before it; the first continues the latest message already
 * there), ids unique in the pool, turn-taking respected, models and versions real.
 * Throws `invalid_tree` or `invalid_reference` naming the offending field.
 */
export async function planMessages(db: Db, newId: () => string, target: PlanTarget, inputs: readonly MessageInput[]): Promise<Message[]> {
  const field = (i: number, name: string) => (target.fieldPrefix === '' ? name : `${target.fieldPrefix}[${i}].${name}`);
  const latest = target.existing.reduce<MessageTable | undefined>((a, m) => (a === undefined || m.created_at >= a.created_at ? m : a), undefined);
  let previous: string | null = latest?.id ?? null;
  const messages: Message[] = inputs.map((m) => {
    const id = m.id ?? newId();
    const parent_id = m.parent_id === undefined ? previous : m.parent_id;
    previous = id;
    return {
      id,
      conversation_id: target.conversationId,
      parent_id,
      role: m.role,
      content: m.content,
      model_id: m.model_id ?? null,
      model_version_id: m.model_version_id ?? null,
      model_name: null,
      contributor_id: m.role === 'user' ? target.authorId : null,
      language: m.language ?? target.language,
      status: 'active',
      created_at: target.createdAt,
    };
  });

  const clientIds = inputs.flatMap((m, i) => (m.id === undefined ? [] : [{ id: m.id, i }]));
  const taken = await existingMessageIds(db, clientIds.map((c) => c.id));
  const clash = clientIds.find((c) => taken.has(c.id));
  if (clash !== undefined) throw new AppError('conflict', `a message with id "${clash.id}" exists`, field(clash.i, 'id'));

  const existing = new Map(target.existing.map((m) => [m.id, { id: m.id, parent_id: m.parent_id, role: m.role as Message['role'] }] as const));
  const tree = orderTree(messages, existing);
  if (!tree.ok) {
    const i = messages.findIndex((m) => m.id === tree.id);
    const reason = {
      parent_not_found: 'the parent message is not in this conversation',
      assistant_needs_user_parent: 'an assistant message must answer a user message',
      user_cannot_follow_user: 'a user message cannot follow another user message',
      system_must_be_root: 'a system message must be the first of its branch',
      cycle: 'parent ids form a cycle',
      duplicate_id: 'two messages share this id',
    }[tree.error];
    const code = tree.error === 'duplicate_id' ? 'conflict' : 'invalid_tree';
    throw new AppError(code, reason, field(i, tree.error === 'duplicate_id' ? 'id' : 'parent_id'));
  }

  await checkModels(db, messages, field);
  return messages;
}

async function checkModels(db: Db, messages: readonly Message[], field: (i: number, name: string) => string): Promise<void> {
  const modelIds = [...new Set(messages.flatMap((m) => (m.model_id === null ? [] : [m.model_id])))];
  const versionIds = [...new Set(messages.flatMap((m) => (m.model_version_id === null ? [] : [m.model_version_id])))];
  const models = new Set((await findModelsByIds(db, modelIds)).map((m) => m.id));
  const versions = new Map((await findModelVersionsByIds(db, versionIds)).map((v) => [v.id, v.model_id] as const));
  messages.forEach((m, i) => {
    if (m.role !== 'assistant' && (m.model_id !== null || m.model_version_id !== null)) {
      throw new AppError('validation_failed', 'only assistant messages name a model', field(i, 'model_id'));
    }
    if (m.model_id !== null && !models.has(m.model_id)) throw new AppError('invalid_reference', 'no such model', field(i, 'model_id'));
    if (m.model_version_id !== null) {
      const owner = versions.get(m.model_version_id);
      if (owner === undefined || owner !== m.model_id) {
        throw new AppError('invalid_reference', 'no such version of this message\'s model', field(i, 'model_version_id'));
      }
    }
  });
}
