-- Purpose: WHERE fragment over `memories AS m`, spliced at {{scope}} when a read asks for one
--          memory type (ScopeFilter.memoryType).
-- Parameters: ? the memory type ('semantic' | 'procedural').
-- Returns: (a predicate, not a statement)
AND m.memory_type = ?
