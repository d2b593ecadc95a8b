/** What the command needs of a zod schema (the core query schemas): safeParse. */
interface QuerySchema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * Command-line options checked by the same schema the API checks its query string with (absent
 * options left out, so defaults apply); a bad one stops the command naming the option.
 */
export function queryFrom<T>(schema: QuerySchema<T>, options: Record<string, string | undefined>): T {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  throw new Error(`--${field.replaceAll('_', '-')}: ${issue.message}`);
}
