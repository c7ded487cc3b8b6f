-- Purpose: the index behind entity resolution (GraphStore.similarEntities): each entity's
--          locality-sensitive hash buckets (src/adapters/sqlite/entity-buckets.ts), so that a
--          lookup reads the entities sharing a bucket with the query instead of scoring every
--          entity of the scope; and the generation counter that keeps each connection's in-memory
--          copy of the entities (entity-cache.ts) current.
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.

-- The entity's bucket keys as a JSON array of integers, written with the entity by code (the
-- hashing needs the planes below). NULL for entities written before this migration until the
-- store fills them in on open; similarity lookups treat NULL entities as candidates meanwhile,
-- through the partial index, so no entity is ever invisible to resolution.
ALTER TABLE entities ADD COLUMN buckets TEXT CHECK (buckets IS NULL OR json_valid(buckets));

CREATE INDEX entities_unbucketed ON entities (scope_key) WHERE buckets IS NULL;

-- The random hyperplanes of each embedding dimension, written by the first entity of that
-- dimension and never changed, so every process and every later run hashes alike.
CREATE TABLE entity_hash_planes (
  dimension INTEGER PRIMARY KEY,
  -- Float32 little-endian, tables × bits × dimension.
  planes BLOB NOT NULL
);

-- One row per (bucket, entity): the bucket keys already carry the scope and the table, so one
-- primary-key range per probed bucket finds its entities.
CREATE TABLE entity_buckets (
  bucket INTEGER NOT NULL,
  entity_id TEXT NOT NULL,
  PRIMARY KEY (bucket, entity_id)
) WITHOUT ROWID;

-- Kept in step with entities.buckets by triggers, whoever writes, in the writer's transaction.
-- The delete looks up the old buckets by primary key, so no second index on entity_id is needed.
CREATE TRIGGER entities_buckets_after_insert AFTER INSERT ON entities BEGIN
  INSERT INTO entity_buckets (bucket, entity_id) SELECT value, new.id FROM json_each(new.buckets);
END;

CREATE TRIGGER entities_buckets_after_delete AFTER DELETE ON entities BEGIN
  DELETE FROM entity_buckets WHERE entity_id = old.id AND bucket IN (SELECT value FROM json_each(old.buckets));
END;

CREATE TRIGGER entities_buckets_after_update AFTER UPDATE OF id, buckets ON entities BEGIN
  DELETE FROM entity_buckets WHERE entity_id = old.id AND bucket IN (SELECT value FROM json_each(old.buckets));
  INSERT INTO entity_buckets (bucket, entity_id) SELECT value, new.id FROM json_each(new.buckets);
END;

-- entity_generation: bumped by every change to what a connection keeps of its entities in memory
-- (entity-cache.ts: ids, names, types, match texts, scopes, embeddings), whoever makes it, so a
-- connection can tell whether its copy is still current. Mentions and timestamps are not kept
-- there; a mention still bumps it, as the upsert rewrites type each time.
CREATE TABLE graph_meta (
  key TEXT PRIMARY KEY,
  value NOT NULL
);

INSERT INTO graph_meta (key, value) VALUES ('entity_generation', 0);

CREATE TRIGGER entities_generation_after_insert AFTER INSERT ON entities BEGIN
  UPDATE graph_meta SET value = value + 1 WHERE key = 'entity_generation';
END;

CREATE TRIGGER entities_generation_after_delete AFTER DELETE ON entities BEGIN
  UPDATE graph_meta SET value = value + 1 WHERE key = 'entity_generation';
END;

CREATE TRIGGER entities_generation_after_update
AFTER UPDATE OF id, name, type, match_text, user_id, agent_id, run_id, scope_key, embedding ON entities BEGIN
  UPDATE graph_meta SET value = value + 1 WHERE key = 'entity_generation';
END;
