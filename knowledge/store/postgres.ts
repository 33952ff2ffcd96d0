import pg from 'pg';
import { inTransaction } from './migrate.ts';
import { KNOWLEDGE_SCHEMA_VERSION, type BulletinEntry, type KnowledgeData, type KnowledgeRecovery, type KnowledgeStore } from './store.ts';
import type { Fact } from '../schema.ts';

/** Taken for the length of one update's transaction: writers queue, readers never wait. */
const KNOWLEDGE_WRITE_LOCK = 7_424_101;
export const KNOWLEDGE_CHANNEL = 'knowledge_changed';

/** One row of knowledge_bulletins as read: the JSON text is kept to tell, at the next write, whether the row changed. */
interface Row {
  id: string;
  rev: string;
  entryText: string | null;
  factsText: string;
  entry: BulletinEntry | null;
  facts: Fact[];
}

/** A connection string fit for a log line: the password is never shown. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'postgres';
  }
}

/**
 * Knowledge in PostgreSQL, for several instances sharing it. One row per
 * bulletin holds its entry and its facts (in the order the writer left
 * them), so an ingestion rewrites only what it touched. A writer commits
 * under a transaction-level advisory lock and announces the change with
 * NOTIFY in the same transaction; every instance LISTENs, and its next
 * load() fetches only the rows whose revision moved, reusing the objects it
 * already holds for the rest: a new bulletin among 100k facts costs that
 * bulletin, not the 100k.
 *
 * Objects returned by load() are shared with the store's cache: read them,
 * do not change them (update() works on its own fresh copy).
 */
export class PostgresKnowledgeStore implements KnowledgeStore, KnowledgeRecovery {
  readonly path: string;
  private cache = new Map<string, Row>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
    private readonly onError: (what: string, error: unknown) => void = () => undefined,
  ) {
    this.path = `${describeDatabase(connectionString)} (knowledge)`;
  }

  async load(): Promise<KnowledgeData> {
    // One snapshot for the list and the rows fetched, or a write between them could mix two versions.
    const { seq, list, fresh } = await inTransaction(
      this.pool,
      async (client) => {
        const meta = await client.query<{ seq: string }>('SELECT seq FROM knowledge_meta WHERE id = 1');
        const list = await client.query<{ id: string; rev: string }>('SELECT id, rev::text FROM knowledge_bulletins ORDER BY pos');
        const stale = list.rows.filter((r) => this.cache.get(r.id)?.rev !== r.rev).map((r) => r.id);
        return { seq: Number(meta.rows[0]?.seq ?? 0), list: list.rows, fresh: stale.length ? await fetchRows(client, stale) : [] };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
    const next = new Map<string, Row>();
    const byId = new Map(fresh.map((r) => [r.id, r]));
    for (const { id } of list) next.set(id, byId.get(id) ?? this.cache.get(id)!);
    this.cache = next;
    return assemble(seq, [...next.values()]);
  }

  update<R>(fn: (data: KnowledgeData) => R, changed: (result: R) => boolean = () => true): Promise<R> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [KNOWLEDGE_WRITE_LOCK]);
      const meta = await client.query<{ seq: string }>('SELECT seq FROM knowledge_meta WHERE id = 1');
      const ids = await client.query<{ id: string }>('SELECT id FROM knowledge_bulletins ORDER BY pos');
      const before = await fetchRows(client, ids.rows.map((r) => r.id));
      const seq = Number(meta.rows[0]?.seq ?? 0);
      const data = assemble(seq, before);
      const result = fn(data);
      if (!changed(result)) return result;
      await writeChanges(client, before, data, seq);
      await client.query('SELECT pg_notify($1, $2)', [KNOWLEDGE_CHANNEL, String(data.seq)]);
      return result;
    });
  }

  /**
   * LISTENs on its own connection (a pooled one could be handed to someone
   * else). A lost connection is re-opened with a growing pause, and since
   * notifications sent meanwhile are lost, onChange is called once it is back.
   */
  watch(onChange: () => void, intervalMs = 1000): () => void {
    let stopped = false;
    let client: pg.Client | undefined;
    let timer: NodeJS.Timeout | undefined;
    let failures = 0;
    const connect = async (): Promise<void> => {
      if (stopped) return;
      const c = new pg.Client({ connectionString: this.connectionString });
      client = c;
      const retry = (error: unknown): void => {
        if (stopped || client !== c) return;
        client = undefined;
        c.removeAllListeners('notification');
        void c.end().catch(() => undefined);
        this.onError('knowledge watch connection lost; reconnecting', error);
        failures++;
        timer = setTimeout(() => void reconnect(), Math.min(30_000, intervalMs * 2 ** Math.min(failures, 5)));
      };
      c.on('error', retry);
      c.on('end', () => retry(new Error('connection ended')));
      c.on('notification', (n) => {
        if (n.channel === KNOWLEDGE_CHANNEL) onChange();
      });
      try {
        await c.connect();
        await c.query(`LISTEN ${KNOWLEDGE_CHANNEL}`);
      } catch (e) {
        retry(e);
        return;
      }
      if (stopped) void c.end().catch(() => undefined);
    };
    const reconnect = async (): Promise<void> => {
      await connect();
      // Whatever was written while we were not listening.
      if (client && !stopped) {
        failures = 0;
        onChange();
      }
    };
    void connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      void c?.end().catch(() => undefined);
    };
  }

  async saveSource(contentHash: string, text: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO knowledge_sources (content_hash, text) VALUES ($1, $2)
       ON CONFLICT (content_hash) DO UPDATE SET text = EXCLUDED.text, saved_at = now()`,
      [contentHash, text],
    );
  }

  async readSource(contentHash: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ text: string }>('SELECT text FROM knowledge_sources WHERE content_hash = $1', [contentHash]);
    return rows[0]?.text;
  }

  async keptSources(): Promise<Array<{ name: string; text: string }>> {
    const { rows } = await this.pool.query<{ content_hash: string; text: string }>('SELECT content_hash, text FROM knowledge_sources ORDER BY content_hash');
    return rows.map((r) => ({ name: `${r.content_hash}.txt`, text: r.text }));
  }

  /** The database keeps no damaged file to restore: its own durability (and pg_dump) stand in for the .bak. */
  async restoreLastGood(): Promise<string | undefined> {
    return undefined;
  }

  async setAside(): Promise<string> {
    throw new Error('a PostgreSQL knowledge store has no file to set aside');
  }
}

async function fetchRows(client: pg.PoolClient, ids: readonly string[]): Promise<Row[]> {
  const { rows } = await client.query<{ id: string; rev: string; entry: string | null; facts: string }>(
    'SELECT id, rev::text, entry::text AS entry, facts::text AS facts FROM knowledge_bulletins WHERE id = ANY($1) ORDER BY pos',
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    rev: r.rev,
    entryText: r.entry,
    factsText: r.facts,
    entry: r.entry === null ? null : (JSON.parse(r.entry) as BulletinEntry),
    facts: JSON.parse(r.facts) as Fact[],
  }));
}

function assemble(seq: number, rows: readonly Row[]): KnowledgeData {
  const bulletins: BulletinEntry[] = [];
  const facts: Fact[] = [];
  for (const r of rows) {
    if (r.entry) bulletins.push(r.entry);
    for (const f of r.facts) facts.push(f);
  }
  return { schemaVersion: KNOWLEDGE_SCHEMA_VERSION, seq, bulletins, facts };
}

/**
 * Groups what fn left into rows (bulletins in order, then facts whose
 * bulletin is not listed) and writes only rows whose text differs from what
 * was read. Facts come back grouped by bulletin, in bulletin order: the
 * order ingestion keeps anyway (a bulletin and its facts are appended together).
 */
async function writeChanges(client: pg.PoolClient, before: readonly Row[], data: KnowledgeData, oldSeq: number): Promise<void> {
  const factsBy = new Map<string, Fact[]>();
  for (const f of data.facts) {
    let list = factsBy.get(f.bulletinId);
    if (!list) factsBy.set(f.bulletinId, (list = []));
    list.push(f);
  }
  const order: string[] = [];
  const seen = new Set<string>();
  for (const b of data.bulletins) if (!seen.has(b.id)) (seen.add(b.id), order.push(b.id));
  for (const id of factsBy.keys()) if (!seen.has(id)) (seen.add(id), order.push(id));
  const entries = new Map(data.bulletins.map((b) => [b.id, b]));
  const old = new Map(before.map((r, pos) => [r.id, { row: r, pos }]));

  const ids: string[] = [];
  const poss: number[] = [];
  const entryTexts: Array<string | null> = [];
  const factTexts: string[] = [];
  const counts: number[] = [];
  const moved: Array<{ id: string; pos: number }> = [];
  order.forEach((id, pos) => {
    const entry = entries.get(id);
    const entryText = entry ? JSON.stringify(entry) : null;
    const facts = factsBy.get(id) ?? [];
    const factsText = JSON.stringify(facts);
    const was = old.get(id);
    if (was && was.row.entryText === entryText && was.row.factsText === factsText) {
      if (was.pos !== pos) moved.push({ id, pos });
      return;
    }
    ids.push(id);
    poss.push(pos);
    entryTexts.push(entryText);
    factTexts.push(factsText);
    counts.push(facts.length);
  });
  const gone = before.filter((r) => !seen.has(r.id)).map((r) => r.id);
  if (gone.length) await client.query('DELETE FROM knowledge_bulletins WHERE id = ANY($1)', [gone]);
  if (ids.length) {
    await client.query(
      `INSERT INTO knowledge_bulletins (id, pos, entry, facts, fact_count)
       SELECT * FROM unnest($1::text[], $2::int[], $3::json[], $4::json[], $5::int[])
       ON CONFLICT (id) DO UPDATE SET pos = EXCLUDED.pos, entry = EXCLUDED.entry, facts = EXCLUDED.facts,
         fact_count = EXCLUDED.fact_count, rev = nextval('knowledge_rev')`,
      [ids, poss, entryTexts, factTexts, counts],
    );
  }
  if (moved.length) {
    await client.query(
      'UPDATE knowledge_bulletins k SET pos = m.pos FROM unnest($1::text[], $2::int[]) AS m(id, pos) WHERE k.id = m.id',
      [moved.map((m) => m.id), moved.map((m) => m.pos)],
    );
  }
  if (data.seq !== oldSeq) await client.query('UPDATE knowledge_meta SET seq = $1 WHERE id = 1', [data.seq]);
}
