// Shapes the API sends and receives. Types only from @openfeedback/core (`import type`), so that no
// schema code (zod) reaches the browser bundle; test/bundle-boundary.test.ts checks it.
import type { Contributor, FeedbackInput, GoldExpectation } from '@openfeedback/core';

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

/** GET /v1/me/quality: my own quality figures (nobody else's). */
export interface MyQuality {
  contributor_id: string;
  /** 0…1: how much my votes count. */
  trust: number;
  gold: { answers: number; correct: number; accuracy: number | null };
  consensus: { votes: number; agreements: number; agreement_rate: number | null };
  votes: { up: number; down: number };
  daily_feedback: { cap: number | null; remaining: number | null };
  restricted: boolean;
  computed_at: string | null;
}

/** Why an item is in the moderation queue. */
export type ModerationSignal = 'flag' | 'against_consensus' | 'gold_failures' | 'one_sided' | 'cross_account_duplicates' | 'repeated_prompts';
export type ModerationStatus = 'open' | 'dismissed' | 'removed' | 'restricted';
export type ModerationDecisionKind = 'dismiss' | 'remove_content' | 'restrict_account';

/** An item of the moderation queue (GET /v1/moderation/queue). */
export interface ModerationItem {
  id: string;
  subject: 'conversation' | 'account';
  signal: ModerationSignal;
  contributor_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
  /** What raised it, with the numbers (flags: `reasons` counted now; account signals: `detail`, `points`, `conversation_ids`…). */
  evidence: Record<string, unknown>;
  status: ModerationStatus;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
}

/** A line of the board of suspicious accounts (GET /v1/moderation/suspicious). */
export interface SuspiciousAccount {
  contributor_id: string;
  handle: string;
  account_created_at: string;
  score: number;
  trust: number;
  restricted: boolean;
  figures: {
    gold_answers: number;
    gold_correct: number;
    consensus_votes: number;
    consensus_agreements: number;
    agreement_p: number | null;
    votes_up: number;
    votes_down: number;
    cross_account_duplicates: number;
    duplicate_accounts: number;
    repeated_prompts: number;
    flags_received: number;
  };
  /** Which signals fired: `{ signal, points, detail, … }`. */
  evidence: Record<string, unknown>[];
  computed_at: string | null;
}

/** An answer whose verdict is known, mixed into the queue to measure raters (GET/POST /v1/gold-items). */
export interface GoldItem {
  id: string;
  conversation_id: string;
  message_id: string;
  expected: GoldExpectation;
  note: string | null;
  created_by: string | null;
  created_at: string;
  answers: number;
}

/** POST /v1/quality/pass */
export interface QualityPassReport {
  prompts_fingerprinted: number;
  contributors: number;
  votes: number;
  gold_answers: number;
  items_labelled: number;
  agreement_rate: number;
  against_consensus: number;
  moderation_items_raised: number;
  computed_at: string;
  duration_ms: number;
}
