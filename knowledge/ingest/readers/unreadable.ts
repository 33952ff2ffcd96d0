/** A file ingestion cannot use. The message is for the person who supplied it. */
export class UnreadableSourceError extends Error {
  override name = 'UnreadableSourceError';
}
