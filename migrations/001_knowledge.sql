-- Knowledge: one row per bulletin holding its entry and its facts, so an
-- ingestion rewrites the bulletins it touched and a reload fetches only
-- the rows whose revision moved. `json` (not jsonb) keeps the text as
-- written, which lets a write compare old and new rows as strings.
CREATE TABLE knowledge_meta (
  id smallint PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL DEFAULT 0,
  schema_version integer NOT NULL DEFAULT 1
);
INSERT INTO knowledge_meta (id) VALUES (1);

CREATE SEQUENCE knowledge_rev;

CREATE TABLE knowledge_bulletins (
  id text PRIMARY KEY,
  -- Order of the bulletins (and of their facts) as the writer left them.
  pos integer NOT NULL,
  rev bigint NOT NULL DEFAULT nextval('knowledge_rev'),
  -- NULL for facts whose bulletin is not (or no longer) listed.
  entry json,
  facts json NOT NULL,
  fact_count integer NOT NULL
);

CREATE TABLE knowledge_sources (
  content_hash text PRIMARY KEY,
  text text NOT NULL,
  saved_at timestamptz NOT NULL DEFAULT now()
);
