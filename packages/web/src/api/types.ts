// Shapes the API sends and receives. Types only from @openfeedback/core (`import type`), so that no
// schema code (zod) reaches the browser bundle; test/bundle-boundary.test.ts checks it.
import type { Contributor, FeedbackInput, ModerationDecision } from '@openfeedback/core';

export type {
  ArenaBattle,
  ArenaEvent,
  ArenaInvalidReason,
  ArenaSide,
  ChatEvent,
  ChatFailure,
  ChatRequest,
  AgreementFigure,
  AgreementReport,
  AgreementSubject,
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
  GoldExpectation,
  LeaderboardModel,
  LeaderboardQuery,
  LeaderboardReport,
  LeaderboardRow,
  Message,
  Model,
  ModelInput,
  ModelUpdate,
  CommunityInput,
  Page,
  PoolStats,
  ProfileUpdate,
  PromptCategory,
  Role,
  RubricQuestion,
  RubricSummaryRow,
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

/** A release's manifest: what it holds, what it left out, its files (GET /v1/releases/{version}). */
export interface ReleaseManifest {
  version: string;
  created_at: string;
  cutoff: string;
  previous_version: string | null;
  records: { conversations: number; messages: number; feedback: number };
  views: Record<string, number>;
  excluded: { unresolved_licence: { conversations: number; feedback: number } };
  rescrubbed: Record<string, number>;
  licences: Record<string, number>;
  removals: Record<string, number>;
  files: { path: string; bytes: number; sha256: string }[];
}

/** An immutable, dated, versioned snapshot of the open pool. */
export interface Release {
  version: string;
  created_at: string;
  cutoff: string;
  previous_version: string | null;
  status: 'building' | 'built' | 'failed';
  error: string | null;
  manifest: ReleaseManifest | null;
}

/** POST /v1/releases/{version}/publish */
export interface PublishResult {
  target: string;
  files: number;
  bytes: number;
  commit?: string;
  url?: string;
  alreadyPublished?: boolean;
}

export type TakedownReason = 'privacy' | 'copyright' | 'harm';

/** A request to take a conversation or message out of the pool and its releases. */
export interface TakedownReport {
  id: string;
  conversation_id: string;
  message_id: string | null;
  reason: TakedownReason;
  details: string;
  status: 'open' | 'upheld' | 'rejected';
  created_at: string;
  decided_at: string | null;
  decision_reason: string | null;
}

/** One line of the audit log: who did what, to what, when and why. */
export interface AuditEntry {
  id: string;
  at: string;
  actor_id: string | null;
  action: string;
  target_kind: string;
  target_id: string | null;
  reason: string | null;
  details: Record<string, unknown>;
}

/** DELETE /v1/me: what was deleted with the account. */
export interface ErasureReport {
  conversations: number;
  messages: number;
  feedback: number;
}

/** Quality control on the wire (core's shapes): my figures, the moderation queue, the board, gold items, a pass. */
export type {
  GoldItem,
  ModerationItem,
  ModerationSignal,
  ModerationStatus,
  MyQuality,
  QualityPassReport,
  SuspiciousAccount,
} from '@openfeedback/core';
export type ModerationDecisionKind = ModerationDecision['decision'];
