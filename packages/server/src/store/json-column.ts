/** JSON documents live in text columns (portable across both databases); these read them back. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}
