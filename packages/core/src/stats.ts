import { z } from 'zod';

const Count = z.object({ key: z.string().nullable(), count: z.int() });

/** The pool in numbers: totals and the breakdowns the admin screen and `openfeedback stats` show. */
export const PoolStats = z.object({
  contributors: z.int(),
  consented_contributors: z.int(),
  communities: z.int(),
  models: z.int(),
  conversations: z.int(),
  messages: z.int(),
  feedback: z.int(),
  feedback_by_kind: z.array(Count),
  feedback_by_community: z.array(Count),
  feedback_by_model: z.array(Count),
  feedback_by_language: z.array(Count),
});
export type PoolStats = z.infer<typeof PoolStats>;
