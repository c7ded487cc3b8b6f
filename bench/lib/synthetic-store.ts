/**
 * Grows one scope to a given size through the stores' bulk write paths (vector store `insert`,
 * graph store `apply` in large batches), with synthetic vectors: random unit 384-d vectors, as
 * the local model's would be distributed, so that loading 100k memories takes minutes.
 *
 * Shape, per 10 memories: one entity, three relations. Relations attach preferentially (the
 * user's own entity takes 15% of them, other endpoints are drawn with a skew towards older
 * entities), so degrees are uneven as in a real graph: a few hubs, many leaves. Memory texts are
 * 6–14 words from a Zipf-like vocabulary, one in three naming an entity; each relation cites one
 * memory as provenance.
 */
import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { Scope } from '../../src/input.js'
import { entityKey } from '../../src/normalize.js'
import type { EntityWrite, GraphStore, MemoryWrite, RelationOp, VectorStore } from '../../src/ports.js'
import { randomUnitVector, seededRandom } from './random.js'

const MEMORIES_PER_ENTITY = 10
export const RELATIONS_PER_ENTITY = 3
const USER_SHARE = 0.15
const BATCH = 1000

const WORDS = (
  'coffee tea breakfast lunch dinner pizza pasta salad soup bread cheese apple banana orange running cycling swimming ' +
  'hiking yoga tennis football chess guitar piano music jazz rock book novel poetry history science math physics art ' +
  'painting photo camera travel beach mountain lake forest garden dog cat bird horse sister brother mother father friend ' +
  'colleague manager doctor teacher meeting project deadline report email phone laptop python typescript database server ' +
  'cloud budget holiday birthday wedding movie series game weekend morning evening allergy vegetarian spicy sweet likes ' +
  'prefers hates visits works lives studies plays reads watches cooks remembers plans'
).split(' ')
const FIRST =
  'Anna Ben Carla David Elena Farid Greta Hugo Ines Jonas Kenji Lena Marco Nadia Omar Priya Quinn Rosa Sven Tara Umar Vera Wen Xavier Yara Zoe Aiko Bruno Chloe Dmitri'.split(
    ' ',
  )
const LAST =
  'Silva Novak Berg Costa Diaz Evans Fischer Garcia Hansen Ito Jensen Kowalski Larsen Moreau Nakamura Olsen Petrov Quist Rossi Sato Tanaka Ueda Varga Weber Xu Yilmaz Zhang Alves Brandt Cruz'.split(
    ' ',
  )
const PLACES = 'Lisbon Madrid Oslo Tokyo Berlin Lyon Austin Lagos Osaka Dublin Vienna Prague Seattle Denver Porto Quito Riga Sofia Tunis Utrecht'.split(' ')
const ORGS = 'Acme Globex Initech Hooli Umbrella Stark Wayne Tyrell Cyberdyne Soylent Monarch Orbit Vale Nordlys Kumo Pied Harbor Summit Atlas Beacon'.split(
  ' ',
)
const RELATIONSHIPS = [
  'KNOWS',
  'WORKS_AT',
  'LIVES_IN',
  'FRIEND_OF',
  'VISITED',
  'LIKES',
  'MANAGES',
  'MEMBER_OF',
  'SISTER_OF',
  'RECOMMENDED',
  'OWNS',
  'STUDIED_AT',
]

/** A scope being grown; keeps what it has written so later batches can refer to it. */
export class SyntheticScope {
  readonly random = seededRandom(7)
  readonly names: string[] = []
  memories = 0
  readonly #memoryIds: string[] = []

  constructor(
    readonly scope: Scope,
    readonly vectorStore: VectorStore,
    readonly graph: GraphStore,
  ) {}

  /** A word drawn with a Zipf-like skew (low indexes far more frequent, as in real text). */
  word(): string {
    return WORDS[Math.floor(WORDS.length * this.random() ** 2)]!
  }

  /** Name of the i-th entity: entity 0 is the scope's user; then people, places and organisations. */
  entityName(index: number): string {
    if (index === 0) return this.scope.userId!
    const kind = index % 5
    const n = Math.floor(index / 5)
    const first = FIRST[n % FIRST.length]!
    const last = LAST[Math.floor(n / FIRST.length) % LAST.length]!
    const round = Math.floor(n / (FIRST.length * LAST.length))
    const suffix = round === 0 ? '' : ` ${round + 1}`
    if (kind === 3) return `${PLACES[n % PLACES.length]} ${last}${suffix}`
    if (kind === 4) return `${ORGS[n % ORGS.length]} ${last}${suffix}`
    return `${first} ${last}${suffix}`
  }

  /** Adds memories (and entities and relations in proportion) until the scope holds `target` memories. */
  async growTo(target: number): Promise<{ memoriesMs: number; graphMs: number }> {
    let memoriesMs = 0
    let graphMs = 0
    const now = new Date().toISOString()
    while (this.memories < target) {
      const count = Math.min(BATCH, target - this.memories)
      const batch = Array.from({ length: count }, () => this.#memory(now))
      let started = performance.now()
      await this.vectorStore.insert(batch)
      memoriesMs += performance.now() - started
      this.#memoryIds.push(...batch.map((memory) => memory.id))
      started = performance.now()
      await this.#growGraph(Math.floor(this.memories / MEMORIES_PER_ENTITY), now)
      graphMs += performance.now() - started
      if (this.memories % 10_000 === 0)
        console.log(`  ${this.memories} memories (memories ${Math.round(memoriesMs / 1000)} s, graph ${Math.round(graphMs / 1000)} s so far)`)
    }
    return { memoriesMs, graphMs }
  }

  async #growGraph(targetEntities: number, now: string): Promise<void> {
    const fresh: EntityWrite[] = []
    const relations: RelationOp[] = []
    while (this.names.length < Math.max(1, targetEntities)) {
      const index = this.names.length
      const name = this.entityName(index)
      this.names.push(name)
      fresh.push({
        key: entityKey(name),
        name,
        type: ['person', 'person', 'person', 'city', 'organization'][index % 5]!,
        vector: randomUnitVector(this.random),
      })
      if (index === 0) continue
      for (let r = 0; r < RELATIONS_PER_ENTITY; r += 1) {
        const other = this.random() < USER_SHARE ? 0 : Math.floor(index * this.random() ** 2)
        const [source, destination] = this.random() < 0.5 ? [index, other] : [other, index]
        relations.push({
          op: 'assert',
          sourceKey: entityKey(this.names[source]!),
          relationship: RELATIONSHIPS[Math.floor(this.random() * RELATIONSHIPS.length)]!,
          destinationKey: entityKey(this.names[destination]!),
          validFrom: now,
          memoryIds: [this.#memoryIds[Math.floor(this.random() * this.#memoryIds.length)]!],
        })
      }
    }
    if (fresh.length > 0) await this.graph.apply({ scope: this.scope, now, entities: fresh, relations })
  }

  #memory(now: string): MemoryWrite {
    const words = Array.from({ length: 6 + Math.floor(this.random() * 9) }, () => this.word())
    if (this.names.length > 1 && this.random() < 1 / 3) words.splice(2, 0, this.names[1 + Math.floor(this.random() * (this.names.length - 1))]!)
    const text = words.join(' ')
    const id = `${this.scope.userId}-m${this.memories}`
    this.memories += 1
    return {
      id,
      text,
      hash: createHash('md5').update(text).digest('hex'),
      metadata: { source: 'bench' },
      scope: this.scope,
      createdAt: now,
      updatedAt: now,
      observedAt: now,
      expiresAt: null,
      memoryType: 'semantic',
      mentions: 1,
      vector: randomUnitVector(this.random),
    }
  }
}
