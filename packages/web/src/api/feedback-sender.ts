import { postFeedback } from './endpoints';
import { ApiError } from './http';
import { randomId } from '../lib/ids';
import type { Feedback, FeedbackBody } from './types';

const RETRY_DELAYS_MS = [800, 2500, 6000];

const retryable = (e: unknown) => e instanceof ApiError && (e.status === 0 || e.status === 429 || e.status >= 500);

/**
 * Sends one feedback event in the background: one Idempotency-Key for all its attempts, so that a
 * retry after a lost response records it once. Retries network failures, 429 and 5xx a few times;
 * anything else (consent withdrawn, invalid) fails at once.
 */
export async function sendFeedback(body: FeedbackBody, wait: (ms: number) => Promise<void> = sleep): Promise<Feedback> {
  const key = randomId();
  for (let attempt = 0; ; attempt++) {
    try {
      return await postFeedback(body, key);
    } catch (e) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (!retryable(e) || delay === undefined) throw e;
      await wait(delay);
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
