-- Bot state shared by every instance: subscriptions, digest runs, the
-- outbox they are drained from, totals, and the one send budget.
CREATE TABLE subscriptions (
  chat_id bigint PRIMARY KEY,
  chat_type text NOT NULL,
  filter json NOT NULL,
  cursor bigint NOT NULL,
  active boolean NOT NULL,
  since text NOT NULL,
  ended_at text,
  ended_reason text
);
CREATE INDEX subscriptions_active ON subscriptions (chat_id) WHERE active;

CREATE TABLE digest_runs (
  id text PRIMARY KEY,
  -- A scheduled run's tick ("scheduled:2026-11-30T01:00:00.000Z"): whichever instances fire it, one run.
  tick text UNIQUE,
  reason text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  upto_seq bigint NOT NULL,
  nothing_new bigint[] NOT NULL DEFAULT '{}'
);
CREATE INDEX digest_runs_unfinished ON digest_runs (started_at) WHERE finished_at IS NULL;

-- Identical digests (same filter, same news) are stored once.
CREATE TABLE digests (
  key text PRIMARY KEY,
  messages json NOT NULL
);

-- The outbox: one row per (run, chat); a part is marked sent in the
-- transaction that held the row while Telegram confirmed it.
CREATE TABLE deliveries (
  run_id text NOT NULL REFERENCES digest_runs (id) ON DELETE CASCADE,
  chat_id bigint NOT NULL,
  digest text NOT NULL REFERENCES digests (key),
  upto_seq bigint NOT NULL,
  parts integer NOT NULL,
  sent_parts integer NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dropped', 'deferred')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  -- Per-chat pace: the next part may not go before this.
  not_before timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, chat_id)
);
CREATE INDEX deliveries_pending ON deliveries (not_before) WHERE status = 'pending';
CREATE INDEX deliveries_chat ON deliveries (chat_id);

CREATE TABLE state_totals (
  id smallint PRIMARY KEY CHECK (id = 1),
  messages_sent bigint NOT NULL DEFAULT 0,
  digests_delivered bigint NOT NULL DEFAULT 0,
  deferrals bigint NOT NULL DEFAULT 0,
  unsubscribed_by_telegram bigint NOT NULL DEFAULT 0
);
INSERT INTO state_totals (id) VALUES (1);

-- Telegram's limit is per bot, not per instance: every instance takes its
-- send slots from this one row, and a 429 pauses them all.
CREATE TABLE send_budget (
  id smallint PRIMARY KEY CHECK (id = 1),
  next_slot timestamptz NOT NULL DEFAULT now(),
  paused_until timestamptz NOT NULL DEFAULT now()
);
INSERT INTO send_budget (id) VALUES (1);

-- Telegram resends an update it thinks was not answered, possibly to another instance.
-- An update is claimed when handling starts and marked done when it ends; a claim
-- never marked done (its instance died mid-way) may be taken over after a while.
CREATE TABLE processed_updates (
  update_id bigint PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now(),
  done boolean NOT NULL DEFAULT false
);
CREATE INDEX processed_updates_age ON processed_updates (processed_at);
