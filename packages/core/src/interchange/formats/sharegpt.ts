import { contentId } from '../content-id.js';
import { chain, checkedConversation, invalidRecord, isRecord, readTurns } from '../import-helpers.js';
import type { ImportFormat } from '../imported.js';

/**
 * ShareGPT / FastChat conversations: `{ id?, conversations: [{ from: human | gpt | system, value }] }`
 * (as in FastChat's data/dummy_conversation.json). No feedback: the conversations alone.
 */
export const shareGptFormat: ImportFormat = {
  name: 'sharegpt',
  description: 'ShareGPT / FastChat conversations ({id, conversations: [{from, value}]})',
  defaultLicence: null,
  createReader: ({ source }) => ({
    read(record, position) {
      if (!isRecord(record)) return [invalidRecord(position, 'a ShareGPT record must be an object')];
      const turns = readTurns(record.conversations ?? record.messages, 'conversations');
      if (typeof turns === 'string') return [invalidRecord(position, turns)];
      const key = typeof record.id === 'string' || typeof record.id === 'number' ? String(record.id) : contentId(JSON.stringify(turns));
      const id = `${source}:${key}`;
      const model = typeof record.model === 'string' ? record.model : null;
      const messages = chain(id, turns, (i) => (turns[i]!.role === 'assistant' ? { model_name: model } : {}));
      return [checkedConversation(position, { id, title: null, language: typeof record.lang === 'string' ? record.lang : null, created_at: null, author: null, messages, feedback: [] })];
    },
    finish: () => [],
  }),
};
