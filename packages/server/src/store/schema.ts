/*
 * One schema for SQLite and PostgreSQL. Portable column types only: text (ids, ISO-8601 UTC
 * timestamps that sort as text, JSON documents), integer (booleans as 0/1, counts) and
 * double precision. Domain types are rebuilt from rows in the repositories.
 */

export interface ContributorTable {
  id: string;
  handle: string;
  password_hash: string | null;
  display_name: string | null;
  roles: string; // JSON Role[]
  demographics: string; // JSON Demographics
  expertise: string; // JSON Expertise[]
  trust: number;
  created_at: string;
  /** null for accounts of this server; the dataset's name for people of an imported dataset. */
  source: string | null;
}

export interface SessionTable {
  id: string; // sha256 of the cookie token: a leaked table does not leak sessions
  contributor_id: string;
  created_at: string;
  expires_at: string;
}

export interface ApiKeyTable {
  id: string;
  contributor_id: string;
  name: string;
  secret_hash: string;
  scopes: string; // JSON ApiKeyScope[]
  created_at: string;
  revoked_at: string | null;
}

export interface ConsentTable {
  id: string;
  contributor_id: string;
  terms_version: string;
  accepted_at: string;
  adult_confirmed: number;
  licence: string;
  attribution: string;
  attribution_name: string | null;
  withdrawn_at: string | null;
}

export interface CommunityTable {
  id: string;
  slug: string;
  name: string;
  kind: string;
  languages: string; // JSON string[]
  description: string;
  guidelines: string;
  rubric: string; // JSON RubricQuestion[]
  created_at: string;
}

export interface ModelTable {
  id: string;
  slug: string;
  name: string;
  community_id: string;
  owner_id: string;
  base_url: string | null;
  model_name: string;
  output_terms: string;
  output_licences: string; // JSON string[]
  created_at: string;
  /** The environment variable holding the endpoint's API key (the secret itself is never stored). */
  api_key_env: string | null;
  /** How often the arena draws it, relative to its community's other models (0: never). */
  arena_weight: number;
}

export interface ModelVersionTable {
  id: string;
  model_id: string;
  version: string;
  trained_on: string; // JSON string[]
  notes: string;
  created_at: string;
}

export interface ConversationTable {
  id: string;
  community_id: string | null;
  contributor_id: string;
  title: string | null;
  language: string | null;
  source: string;
  status: string;
  created_at: string;
  updated_at: string;
  /** The licence its author granted (from their consent), or an imported conversation's source licence. */
  licence: string | null;
  /** JSON PiiCounts: what scrubbing removed from the title. */
  pii_removed: string | null;
  /** The licence the conversation may be released under (author's grant and its models' terms); null: unresolved. */
  release_licence: string | null;
}

export interface MessageTable {
  id: string;
  conversation_id: string;
  parent_id: string | null;
  role: string;
  content: string;
  model_id: string | null;
  model_version_id: string | null;
  contributor_id: string | null;
  language: string | null;
  status: string;
  created_at: string;
  /** The model an imported source names, when it is not a registered model. */
  model_name: string | null;
  /** JSON: fields of an imported source the pool has no column for, kept for faithful re-export. */
  source_meta: string | null;
  /** JSON PiiCounts: what scrubbing removed from the content (kinds and counts, never the originals). */
  pii_removed: string | null;
}

export interface FeedbackTable {
  id: string;
  kind: string;
  contributor_id: string;
  conversation_id: string;
  message_id: string | null;
  payload: string; // JSON: the fields of this kind
  valence: number | null;
  annotator_role: string;
  provenance: string; // JSON Provenance
  methodology_version: string;
  licence: string | null;
  consent_id: string | null;
  status: string;
  model_id: string | null;
  community_id: string | null;
  language: string | null;
  created_at: string;
  updated_at: string;
  pii_removed: string | null;
  /** The licence the event may be released under (its licence, its conversation's); null: unresolved. */
  release_licence: string | null;
}

export interface IdempotencyTable {
  principal_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response_body: string;
  created_at: string;
}

export interface IdentityTable {
  issuer: string;
  subject: string;
  contributor_id: string;
  created_at: string;
}

export interface QueueAssignmentTable {
  contributor_id: string;
  conversation_id: string;
  served_at: string;
}

export interface SettingTable {
  key: string;
  value: string;
}

/** A record that left the pool (withdrawn, deleted, taken down), by its public id: releases list them for mirrors. */
export interface TombstoneTable {
  id: string;
  record_kind: string; // conversation | message | feedback
  public_id: string;
  reason: string; // withdrawn | deleted | takedown
  created_at: string;
}

export interface TakedownReportTable {
  id: string;
  conversation_id: string;
  message_id: string | null;
  reason: string; // privacy | copyright | harm
  details: string;
  reporter_id: string | null;
  status: string; // open | upheld | rejected
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor_id: string | null;
  action: string;
  target_kind: string;
  target_id: string | null;
  reason: string | null;
  details: string; // JSON
}

export interface ReleaseTable {
  version: string;
  created_at: string;
  /** Records created up to this instant are in the release: rebuilding it reads the same records. */
  cutoff: string;
  /** Hex key of this release's contributor pseudonyms (never published). */
  secret: string;
  previous_version: string | null;
  created_by: string | null;
  status: string; // building | built | failed
  manifest: string | null; // JSON ReleaseManifest
  error: string | null;
}

/** A blind arena battle: the two models (side a, side b) stay here, off the messages, until voting closes. */
export interface ArenaBattleTable {
  id: string;
  conversation_id: string;
  community_id: string;
  contributor_id: string;
  model_a: string;
  model_b: string;
  model_version_a: string | null;
  model_version_b: string | null;
  status: string; // open | voted | invalid
  outcome: string | null; // a | b | tie | both_bad
  invalid_reason: string | null; // model_failed | stopped | self_identified | expired
  feedback_id: string | null;
  created_at: string;
  voted_at: string | null;
}

/** One turn of a battle: the user turn each side answered (the same message at first) and the answers. */
export interface ArenaTurnTable {
  battle_id: string;
  position: number;
  prompt_a: string;
  prompt_b: string;
  answer_a: string | null;
  answer_b: string | null;
}

/** An answer with a known verdict, seeded by a moderator; served in the queue like any other item. */
export interface GoldItemTable {
  id: string;
  conversation_id: string;
  message_id: string;
  expected: string; // JSON GoldExpectation
  note: string | null;
  created_by: string | null;
  created_at: string;
}

/** One contributor's quality figures, as the last quality pass found them, and a moderator's restriction. */
export interface ContributorQualityTable {
  contributor_id: string;
  trust: number;
  gold_answers: number;
  gold_correct: number;
  consensus_votes: number;
  consensus_agreements: number;
  votes_up: number;
  votes_down: number;
  agreement_p: number | null;
  cross_account_duplicates: number;
  duplicate_accounts: number;
  repeated_prompts: number;
  flags_received: number;
  suspicion: number;
  evidence: string; // JSON Evidence[] with the accounts and conversations behind them
  computed_at: string | null;
  restricted_at: string | null;
  restricted_reason: string | null;
}

/** The MinHash signature of a user prompt (hex), for near-duplicate search. */
export interface PromptFingerprintTable {
  message_id: string;
  conversation_id: string;
  contributor_id: string;
  signature: string;
  created_at: string;
}

/** One LSH band key of a fingerprinted prompt: prompts sharing a key are near-duplicate candidates. */
export interface PromptBandTable {
  band_key: string;
  message_id: string;
}

/** Something for a reviewer or moderator to look at: a flagged conversation or a suspicious account. */
export interface ModerationItemTable {
  id: string;
  dedupe_key: string;
  subject: string; // conversation | account
  signal: string;
  contributor_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
  details: string; // JSON
  status: string; // open | dismissed | removed | restricted
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
}

export interface Schema {
  contributors: ContributorTable;
  sessions: SessionTable;
  api_keys: ApiKeyTable;
  consents: ConsentTable;
  communities: CommunityTable;
  models: ModelTable;
  model_versions: ModelVersionTable;
  conversations: ConversationTable;
  messages: MessageTable;
  feedback: FeedbackTable;
  idempotency_keys: IdempotencyTable;
  identities: IdentityTable;
  queue_assignments: QueueAssignmentTable;
  settings: SettingTable;
  tombstones: TombstoneTable;
  takedown_reports: TakedownReportTable;
  audit_log: AuditLogTable;
  releases: ReleaseTable;
  gold_items: GoldItemTable;
  contributor_quality: ContributorQualityTable;
  prompt_fingerprints: PromptFingerprintTable;
  prompt_bands: PromptBandTable;
  moderation_items: ModerationItemTable;
  arena_battles: ArenaBattleTable;
  arena_turns: ArenaTurnTable;
}
