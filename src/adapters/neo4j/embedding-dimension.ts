import type { EntityWrite } from '../../ports.js'
import type { Neo4jConnection } from './neo4j-connection.js'
import { dimensionMismatch } from './neo4j-errors.js'

/**
 * The dimension of the entity embeddings a graph holds: one embedding model's. Checked before
 * writes, so that a store opened with another model fails with INVALID_CONFIG instead of mixing
 * vectors that cannot be compared (entity-mirror.ts groups them by dimension and refuses a query
 * of another one).
 */
export class EmbeddingDimension {
  readonly #connection: Neo4jConnection
  /** The dimension this store has written or seen stored; read again for any other. */
  #dimensions: number | undefined

  constructor(connection: Neo4jConnection) {
    this.#connection = connection
  }

  /**
   * Passes entities whose embeddings all have the stored dimension, or any one dimension while
   * no entity exists (after a reset). Once this store has seen a dimension it trusts it rather
   * than read the graph before every write (a round trip per add).
   *
   * @throws EngramError INVALID_CONFIG when the embeddings' dimensions differ from each other or
   *   from the stored ones.
   */
  async check(entities: readonly EntityWrite[]): Promise<void> {
    const dimensions = entities[0]?.vector.length
    if (dimensions === undefined) return
    if (entities.some((entity) => entity.vector.length !== dimensions)) {
      throw dimensionMismatch('was sent embeddings of different dimensions in one write', this.#connection.target)
    }
    if (this.#dimensions === dimensions) return
    const stored = await this.stored()
    if (stored !== undefined && stored !== dimensions) {
      throw dimensionMismatch(`holds ${stored}-dimensional embeddings, not ${dimensions}`, this.#connection.target)
    }
    this.#dimensions = dimensions
  }

  /** The dimension of the stored entity embeddings, read from the graph; undefined while no entity has one. */
  async stored(): Promise<number | undefined> {
    const [row] = await this.#connection.readRows<{ dimensions: number }>('read/entity-embedding-dimension')
    return row?.dimensions
  }

  /** Forgets the dimension: after a reset the next write may bring another model's. */
  forget(): void {
    this.#dimensions = undefined
  }
}
