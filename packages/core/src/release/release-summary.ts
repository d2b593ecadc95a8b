/** What a release holds, counted while it is built: the dataset card, the openness card and the manifest are written from it. */
export interface ReleaseSummary {
  version: string;
  /** When the release was created (ISO-8601); the same when it is rebuilt. */
  created_at: string;
  /** Records created up to this instant are in it. */
  cutoff: string;
  previous: { version: string; created_at: string }[];
  terms_version: string;
  records: { conversations: number; messages: number; feedback: number };
  /** Rows per view file. */
  views: Record<string, number>;
  /** Records kept out, by reason. */
  excluded: {
    /** Their licence could not be resolved (the author's grant and the models' output terms allow no common licence). */
    unresolved_licence: { conversations: number; feedback: number };
  };
  /** Personal data the release's re-scan still found and removed (by kind): the pool's gate missed it or it predates it. */
  rescrubbed: Record<string, number>;
  licences: Record<string, number>;
  languages: Record<string, number>;
  feedback_kinds: Record<string, number>;
  annotator_roles: Record<string, number>;
  provenance: Record<string, number>;
  methodology_versions: Record<string, number>;
  sources: Record<string, number>;
  contributors: number;
  /** Names of contributors who asked to be credited by name. */
  credited_names: string[];
  assistant_messages: { total: number; with_model: number };
  models: { slug: string; name: string; output_licences: string[]; versions: { version: string; trained_on: string[] }[] }[];
  communities: { slug: string; name: string; languages: string[]; rubric: { id: string; text: string }[] }[];
  first_record_at: string | null;
  last_record_at: string | null;
  additions: { conversations: number; messages: number; feedback: number };
  removals: Record<string, number>;
}

/** Hugging Face's size categories, by number of rows. */
export function sizeCategory(n: number): string {
  if (n < 1_000) return 'n<1K';
  if (n < 10_000) return '1K<n<10K';
  if (n < 100_000) return '10K<n<100K';
  if (n < 1_000_000) return '100K<n<1M';
  if (n < 10_000_000) return '1M<n<10M';
  if (n < 100_000_000) return '10M<n<100M';
  return '100M<n<1B';
}
