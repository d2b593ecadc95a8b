import type { Model } from '@openfeedback/core';
import type { ChatTurn } from '../gateway/model-gateway.js';
import type { ServiceContext } from './context.js';

/** What the built-in pool model says, and which pool answer it chose. */
export interface PoolAnswer {
  text: string;
  /** The pool message it answers with; null when it found nothing close. */
  source_message_id: string | null;
}

/**
 * The built-in pool model: answers with the best-rated answer to the most similar earlier prompt in
 * its community's pool. (Being written: for now it says it has nothing.)
 */
export async function poolModelAnswer(_ctx: ServiceContext, _model: Model, _turns: readonly ChatTurn[]): Promise<PoolAnswer> {
  return { text: "I have nothing close to this in the pool yet.", source_message_id: null };
}
