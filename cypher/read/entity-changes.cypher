// Purpose: brings an in-process entity mirror (entity-mirror.ts) up to date with the scopes a
//          search may use: per scope, its generation, and the entities written since the
//          generation the mirror holds (all of them when it holds none, or an older epoch: the
//          scope was deleted and written again, or restored).
// Parameters: the $user_id, $agent_id, $run_id of the {{scope}} fragments (where/*.cypher, one per
//             id the reader has; they name the generation node `e` and find it through the
//             generation nodes' id indexes), $scope_key (keep only this exact scope; null: every
//             scope the fragments admit), $known (map from scope_key to {epoch, value}: what the
//             mirror holds).
// Returns: per scope with entities: scope_key, epoch, value, full (true: `entities` is the whole
//          scope, replacing what the mirror held), entities (list of {id, key, name, type,
//          user_id, agent_id, run_id, mentions, created_at, updated_at, embedding}).
MATCH (e:__EntityGeneration__)
WHERE ($scope_key IS NULL OR e.scope_key = $scope_key)
{{scope}}
WITH e AS g, $known[e.scope_key] AS known
WITH g, known IS NULL OR known.epoch <> g.epoch AS full, coalesce(known.value, 0) AS since
RETURN g.scope_key AS scope_key, g.epoch AS epoch, g.value AS value, full,
  CASE
    WHEN full THEN COLLECT {
      MATCH (n:__Entity__ {scope_key: g.scope_key})
      RETURN n {.id, .key, .name, .type, .user_id, .agent_id, .run_id, .mentions, .created_at, .updated_at, .embedding}
    }
    WHEN g.value > since THEN COLLECT {
      MATCH (n:__Entity__)
      WHERE n.scope_key = g.scope_key AND n.generation > since
      RETURN n {.id, .key, .name, .type, .user_id, .agent_id, .run_id, .mentions, .created_at, .updated_at, .embedding}
    }
    ELSE []
  END AS entities
