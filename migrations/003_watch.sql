-- The watcher's memory (bot/watch-state.ts), shared by the instances: one
-- of them watches at a time (a session advisory lock), and whichever it is
-- finds what the previous one saw.
CREATE TABLE watch_sources (
  key text PRIMARY KEY,
  status json NOT NULL
);

-- Every link seen on a source's list, never capped: an old link forgotten would come back as news.
CREATE TABLE watch_seen (
  key text NOT NULL,
  url text NOT NULL,
  PRIMARY KEY (key, url)
);

-- Sources added with /sources add, in the order they were (last) added.
CREATE TABLE watch_added (
  key text PRIMARY KEY,
  source json NOT NULL,
  added bigserial NOT NULL
);

-- Shipped sources removed with /sources remove.
CREATE TABLE watch_removed (
  key text PRIMARY KEY
);
