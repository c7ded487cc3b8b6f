import type { Scope } from '../input.js'
import type { TransferRecord } from './transfer-records.js'

/** Export and lossless restore of whole scopes, as `memory.transfer` (README "Import and export"). */
export interface ScopeTransfer {
  /**
   * Every memory, entity, relation (invalidated ones too) and history row the scope can see, as
   * records in the order {@link ScopeTransfer.restore} needs them; the same data always exports
   * to the same records. Write them one per line with `JSON.stringify` for a JSONL file.
   *
   * @throws EngramError INVALID_INPUT for a scope without ids
   */
  export(scope: Scope): Promise<TransferRecord[]>
  /**
   * Writes exported records back exactly as they were: ids, texts, hashes, metadata, timestamps,
   * validity and provenance. Texts and entity names are embedded again. A record whose id is
   * stored replaces it, so restoring twice is restoring once.
   *
   * @throws EngramError INVALID_INPUT for a malformed record; INVALID_CONFIG for graph records
   *   without a graph store; STORE_UNAVAILABLE
   */
  restore(records: TransferRecord[]): Promise<void>
}
