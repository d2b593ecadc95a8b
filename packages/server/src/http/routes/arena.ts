import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ArenaBattle, ArenaBattleInput, ArenaTurnInput, ArenaVoteInput, } from '@openfeedback/core';
import { continueBattle, startBattle, type ArenaTurnPlan } from '../../services/arena.js';
import { runBattleTurn } from '../../services/arena-stream.js';
import { getBattle, voteOnBattle } from '../../services/arena-vote.js';
import type { ServiceContext } from '../../services/context.js';
import type { Principal } from '../../services/principal.js';
import { principalOf } from '../authenticate.js';
import { errors, IdParams } from '../schemas.js';
import { sendEventStream } from '../event-stream.js';

const STREAM = [
  'Both answers stream back in one response of server-sent events: `start` (the battle, its conversation and the stored user turn of each side),',
  'then, interleaved, `token` (`side` a or b, a piece of its answer), `done` (`side`, the stored answer) or `error` (`side`, `code`, what had come),',
  'then `end` (`status`: open, or invalid when an answer failed or was stopped). No event names a model.',
  'Problems found before the answers start (consent, the community, a closed battle) are plain JSON errors.',
].join(' ');

export const arenaRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.post(
    '/v1/arena/battles',
    {
      schema: {
        tags: ['arena'],
        summary: 'Start a blind battle: the prompt goes to two anonymous models of the community, drawn by their arena weight',
        description: STREAM,
        body: ArenaBattleInput,
        response: { ...errors(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await streamTurn(ctx, principal, await startBattle(ctx, principal, request.body), request, reply);
    },
  );
  app.post(
    '/v1/arena/battles/:id/turns',
    {
      schema: {
        tags: ['arena'],
        summary: 'Continue an open battle: the next user turn goes to both models, each with its own answers so far',
        description: STREAM,
        params: IdParams,
        body: ArenaTurnInput,
        response: { ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await streamTurn(ctx, principal, await continueBattle(ctx, principal, request.params.id, request.body), request, reply);
    },
  );
  app.post(
    '/v1/arena/battles/:id/vote',
    {
      schema: {
        tags: ['arena'],
        summary: 'Vote once (a, b, tie, both_bad); voting closes and the names are shown',
        description:
          'Stored as pairwise feedback (message_id: side a’s latest answer, other_message_id: side b’s). If an answer named its own model, the vote is kept but does not count: the battle is `invalid` (`self_identified`) and the event `removed`. A second vote is a 409. A vote counts towards the daily feedback cap (429 `daily_cap_reached`, with `Retry-After`); a battle left without a turn or a vote for `arenaBattleExpiryMinutes` is closed as invalid (`expired`) and answers 409 `battle_expired`.',
        params: IdParams,
        body: ArenaVoteInput,
        response: { 200: ArenaBattle, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (request) => voteOnBattle(ctx, principalOf(request), request.params.id, request.body),
  );
  app.get(
    '/v1/arena/battles/:id',
    {
      schema: {
        tags: ['arena'],
        summary: 'A battle: its turns, status and vote; the models only once voting has closed',
        params: IdParams,
        response: { 200: ArenaBattle, ...errors(401, 404) },
      },
    },
    async (request) => getBattle(ctx, principalOf(request), request.params.id),
  );
};

/** Both answers as they come; the person already gets an `error` event for a side that failed, and `end`. */
function streamTurn(ctx: ServiceContext, principal: Principal, plan: ArenaTurnPlan, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  return sendEventStream(request, reply, (signal) => runBattleTurn(ctx, principal, plan, signal), 'arena battle');
}
