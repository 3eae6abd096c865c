/** A JSON object (not null, not an array): the shape check before reading fields of parsed input. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
