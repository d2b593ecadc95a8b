import type { ExportMessage } from './export-view.js';

/** The messages of a tree, indexed for the walks export views make. */
export class MessageTree {
  readonly byId: ReadonlyMap<string, ExportMessage>;
  readonly children: ReadonlyMap<string | null, ExportMessage[]>;

  constructor(readonly messages: readonly ExportMessage[]) {
    this.byId = new Map(messages.map((m) => [m.id, m] as const));
    const children = new Map<string | null, ExportMessage[]>();
    for (const m of messages) {
      const siblings = children.get(m.parent_id) ?? [];
      siblings.push(m);
      children.set(m.parent_id, siblings);
    }
    this.children = children;
  }

  /**
   * From the root down to `id`, inclusive.
   * @example tree.pathTo(answer.id).map((m) => m.role) // ['user', 'assistant']
   */
  pathTo(id: string): ExportMessage[] {
    const path: ExportMessage[] = [];
    const seen = new Set<string>();
    for (let m = this.byId.get(id); m !== undefined && !seen.has(m.id); m = m.parent_id === null ? undefined : this.byId.get(m.parent_id)) {
      seen.add(m.id);
      path.push(m);
    }
    return path.reverse();
  }

  /** Every message without children: each ends one thread of the conversation as someone saw it. */
  leaves(): ExportMessage[] {
    return this.messages.filter((m) => !this.children.has(m.id));
  }
}
