import type { ColumnSpec, ExportView } from '../export-view.js';
import { MessageTree } from '../tree-paths.js';
import { labelColumns, labelValues } from './labels.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'string', nullable: false, description: 'the id of the last message of this thread' },
  { name: 'conversation_id', type: 'string', nullable: false, description: 'the conversation the thread belongs to' },
  { name: 'messages', type: 'messages', nullable: false, description: 'the turns from the first to the last, OpenAI style `{role, content}`' },
  { name: 'models', type: 'strings', nullable: false, description: 'the models that wrote the assistant turns (registered id or name from the source)' },
  { name: 'language', type: 'string', nullable: true, description: 'BCP-47 language tag' },
  { name: 'community_id', type: 'string', nullable: true, description: 'the community the conversation took place in' },
  { name: 'source', type: 'string', nullable: false, description: '`openfeedback`, or the dataset it was imported from' },
  { name: 'licence', type: 'string', nullable: true, description: "the imported dataset's licence (null: see each contribution's licence)" },
  { name: 'created_at', type: 'timestamp', nullable: false, description: 'when the conversation started' },
  ...labelColumns("the thread's last answer"),
];

/**
 * One row per thread: each path from the first message to a message without replies, so a tree
 * with a regenerated answer gives two rows that share their beginning. The label columns are those
 * of the thread's last answer.
 */
export const conversationsView: ExportView = {
  name: 'conversations',
  description: 'every thread of every conversation as OpenAI-style `messages`',
  columns: () => COLUMNS,
  rows: (bundle) => {
    const { conversation, messages } = bundle;
    const tree = new MessageTree(messages);
    return tree.leaves().map((leaf) => {
      const path = tree.pathTo(leaf.id);
      return {
        id: leaf.id,
        conversation_id: conversation.id,
        messages: path.map((m) => ({ role: m.role, content: m.content })),
        models: [...new Set(path.flatMap((m) => (m.role === 'assistant' ? [m.model_id ?? m.model_name ?? ''] : [])).filter((x) => x !== ''))],
        language: conversation.language,
        community_id: conversation.community_id,
        source: conversation.source,
        licence: conversation.licence,
        created_at: conversation.created_at,
        ...labelValues(bundle, path.findLast((m) => m.role === 'assistant')?.id ?? null),
      };
    });
  },
};
