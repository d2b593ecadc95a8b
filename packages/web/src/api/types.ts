// Shapes the API sends and receives. Types only from @openfeedback/core (`import type`), so that no
// schema code (zod) reaches the browser bundle; test/bundle-boundary.test.ts checks it.
import type { Contributor, FeedbackInput } from '@openfeedback/core';

export type {
  ChatEvent,
  ChatFailure,
  ChatRequest,
  Community,
  Consent,
  ConsentInput,
  Contributor,
  Conversation,
  ConversationWithMessages,
  Demographics,
  Expertise,
  Feedback,
  FeedbackInput,
  FlagReason,
  Message,
  Model,
  ModelInput,
  CommunityInput,
  Page,
  PoolStats,
  ProfileUpdate,
  RubricQuestion,
  Span,
} from '@openfeedback/core';

export type Me = Contributor & { via: 'session' | 'api_key' };

export interface Terms {
  version: string;
  licences: string[];
  summary: string;
}

/** A sign-in method offered besides handle + password (OpenID Connect, e.g. Hugging Face). */
export interface AuthProvider {
  id: string;
  name: string;
  /** Where the browser goes to start it; `return_to` is added. */
  startUrl: string;
}

/** GET /v1/me/stats */
export interface MyStats {
  conversations: number;
  messages: number;
  feedback: number;
  feedback_by_kind: Record<string, number>;
  third_party_feedback: number;
  served_from_queue: number;
}

/** POST /v1/models/:id/test */
export interface ModelTestResult {
  ok: boolean;
  latency_ms: number;
  models?: string[];
  model_listed?: boolean;
  error?: string;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A feedback event as the app sends it: the server fills provenance (human) and methodology version. */
export type FeedbackBody = DistributiveOmit<FeedbackInput, 'provenance' | 'methodology_version' | 'id'>;
