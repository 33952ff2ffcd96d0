import { createHash } from 'node:crypto';
import type { QueryMemory } from './request.ts';

/**
 * Remembers recent search queries under a short id derived from the text,
 * so the same query always gets the same id. Bounded: old queries fall out,
 * and their page buttons then say the search has expired.
 */
export class RecentQueries implements QueryMemory {
  private readonly map = new Map<string, string>();

  constructor(private readonly capacity = 2000) {}

  remember(query: string): string {
    const id = createHash('sha256').update(query).digest('base64url').slice(0, 10);
    this.map.delete(id);
    this.map.set(id, query);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
    return id;
  }

  recall(id: string): string | undefined {
    return this.map.get(id);
  }
}
