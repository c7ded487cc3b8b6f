import weaviate, { generateUuid5 } from 'weaviate-client'
import type { Collection, DataObject, WeaviateClient } from 'weaviate-client'
import { EngramError } from '../../errors.js'
import type { Metadata, Scope } from '../../input.js'
import type { EmbeddingModelState, MemoryType, MemoryWrite, StoredMemory } from '../../ports.js'
import { keywordText } from './keyword-text.js'
import { statusCode } from './weaviate-errors.js'
import { epochMs, metadataEntries, SCOPE_PROPERTIES, scopeEntries } from './weaviate-filters.js'

/**
 * A memory as the collection stores it. Every property is declared when the collection is
 * created, with the type and indexes it needs; nothing relies on auto-schema.
 */
export type MemoryProperties = {
  /** The Engram id; the object's UUID is derived from it (weaviate-vector-store.ts). */
  memory_id: string
  /** Exactly as written; `keywords` is what BM25 searches. */
  text: string
  keywords: string
  hash: string
  user_id?: string
  agent_id?: string
  run_id?: string
  /** Canonical entries of the scope ids, for filtering (weaviate-filters.ts). */
  scope_entries: string[]
  /** The metadata as JSON, so that every value and its type round-trip exactly. */
  metadata: string
  /** Canonical entries of the metadata, for filtering (weaviate-filters.ts). */
  metadata_entries: string[]
  /** ISO-8601 text rather than Weaviate `date`, which would rewrite the string (offsets, precision); UTC ISO text sorts chronologically. */
  created_at: string
  updated_at: string
  observed_at: string
  /** As written (ISO-8601), or `''` for a memory that never expires: a partial update cannot unset a property, so "never" is a value. */
  expires_at: string
  /** `expires_at` in epoch milliseconds for range filters, or {@link NEVER_EXPIRES}. */
  expires_at_ms: number
  /** `updated_at` in epoch milliseconds, for range filters (retention by age) and prune's oldest-first order. */
  updated_at_ms: number
  memory_type: MemoryType
  mentions: number
}

/**
 * The `expires_at_ms` of a memory that never expires: the largest time a JavaScript Date holds
 * (year 275760), exact in a float64. A sentinel rather than a missing value, so that "not expired
 * at t" is the single range filter `expires_at_ms > t`: a filter on missing values would need
 * Weaviate's null-state index, which the collections of the previous Engram lack and which
 * cannot be enabled on an existing collection.
 */
export const NEVER_EXPIRES = 8.64e15

/** The properties a read returns: everything but the search and filter forms. */
export const RETURNED_PROPERTIES = [
  'memory_id',
  'text',
  'hash',
  'user_id',
  'agent_id',
  'run_id',
  'metadata',
  'created_at',
  'updated_at',
  'observed_at',
  'expires_at',
  'memory_type',
  'mentions',
] as const satisfies ReadonlyArray<keyof MemoryProperties>

// Stored only: no inverted index, which would cost writes and disk for lookups nobody makes.
const stored = (name: keyof MemoryProperties) => ({ name, dataType: 'text', indexFilterable: false, indexSearchable: false }) as const
// Exact-match filters (and the sort key): one token per value or array element.
const filterable = (name: keyof MemoryProperties, dataType: 'text' | 'text[]') =>
  ({ name, dataType, tokenization: 'field', indexFilterable: true, indexSearchable: false }) as const
// Times compared by range (expiry, age): a range index answers `>`/`<` without visiting each value.
const rangeFilterable = (name: keyof MemoryProperties) => ({ name, dataType: 'number', indexFilterable: false, indexRangeFilters: true, indexSearchable: false }) as const

const PROPERTIES = [
  stored('memory_id'),
  stored('text'),
  { name: 'keywords', dataType: 'text', tokenization: 'word', indexFilterable: false, indexSearchable: true },
  stored('hash'),
  stored('user_id'),
  stored('agent_id'),
  stored('run_id'),
  filterable('scope_entries', 'text[]'),
  stored('metadata'),
  filterable('metadata_entries', 'text[]'),
  filterable('created_at', 'text'),
  stored('updated_at'),
  stored('observed_at'),
] as const

/**
 * The properties added by the memory lifecycle (issue 9). A collection created before has none of
 * them: {@link openMemoryCollection} adds them and backfills its objects.
 */
const LIFECYCLE_PROPERTIES = [
  stored('expires_at'),
  rangeFilterable('expires_at_ms'),
  rangeFilterable('updated_at_ms'),
  filterable('memory_type', 'text'),
  { name: 'mentions', dataType: 'int', indexFilterable: false, indexRangeFilters: false, indexSearchable: false },
] as const

/** What the objects of a collection from before the lifecycle properties are given: facts that never expire, stated once. */
const LIFECYCLE_DEFAULTS = { expires_at: '', expires_at_ms: NEVER_EXPIRES, memory_type: 'semantic', mentions: 1 } satisfies Partial<MemoryProperties>

// Objects backfilled per page, and partial updates sent at once: a one-time upgrade, kept gentle on the server.
const BACKFILL_PAGE = 500
const BACKFILL_CONCURRENCY = 16

/*
 * The collection's description also carries its embedding model tag (see describeCollection), so
 * that the tag belongs to the collection and every connection to it reads the same one.
 */
const DESCRIPTION = 'Engram memories'
const MODEL_PART = '; embedding model: '
const REEMBED_PART = '; reembedding to: '

/** The description of a collection with this embedding model tag. */
export function describeCollection(tag: Pick<EmbeddingModelState, 'model' | 'reembedTo'>): string {
  return `${DESCRIPTION}${tag.model === null ? '' : MODEL_PART + tag.model}${tag.reembedTo === null ? '' : REEMBED_PART + tag.reembedTo}`
}

/** The embedding model tag in a collection's description (a collection from before tags has none). */
export function collectionTag(description: string | undefined): Pick<EmbeddingModelState, 'model' | 'reembedTo'> {
  const part = (label: string) => description?.split(label)[1]?.split('; ')[0] ?? null
  return { model: part(MODEL_PART), reembedTo: part(REEMBED_PART) }
}

/**
 * Opens the memory collection `name`, creating it if it does not exist. Another process may
 * create it at the same moment; then its collection is used. A collection created by an Engram
 * without the lifecycle properties is upgraded in place: the properties are added and every
 * object without them is given {@link LIFECYCLE_DEFAULTS} (repeated on each open until none is
 * left, so an interrupted upgrade, or an old process still writing, is caught up later).
 *
 * @throws EngramError INVALID_CONFIG when a collection of that name exists without Engram's
 *   properties or with another distance metric than cosine.
 */
export async function openMemoryCollection(client: WeaviateClient, name: string, description = DESCRIPTION): Promise<Collection<MemoryProperties>> {
  if (!(await client.collections.exists(name))) {
    try {
      return await createMemoryCollection(client, name, description)
    } catch (error) {
      if (!(await client.collections.exists(name))) throw error
    }
  }
  const collection = client.collections.use<string, MemoryProperties>(name)
  const config = await collection.config.get()
  const present = new Set(config.properties.map((property) => property.name))
  const missing = PROPERTIES.filter((property) => !present.has(property.name)).map((property) => property.name)
  const distance = config.vectorizers.default?.indexConfig.distance
  if (missing.length > 0 || distance !== 'cosine') {
    throw new EngramError(
      'INVALID_CONFIG',
      `the Weaviate collection ${name} was not created by Engram (${missing.length > 0 ? `no properties ${missing.join(', ')}` : `distance ${distance}, not cosine`}); ` +
        'set vectorStore.config.collection to another name',
    )
  }
  for (const property of LIFECYCLE_PROPERTIES) if (!present.has(property.name)) await addProperty(collection, property)
  await backfillLifecycle(collection)
  return collection
}

/** Adds a property; one that another process added meanwhile is fine. */
async function addProperty(collection: Collection<MemoryProperties>, property: (typeof LIFECYCLE_PROPERTIES)[number]): Promise<void> {
  try {
    await collection.config.addProperty(property as never)
  } catch (error) {
    const config = await collection.config.get()
    if (!config.properties.some((existing) => existing.name === property.name)) throw error
  }
}

/**
 * Gives every object without a memory type (an object written before the lifecycle properties
 * existed) the lifecycle defaults and its `updated_at_ms`, by partial updates that keep its
 * vector. `containsNone` matches objects that lack the property altogether.
 */
async function backfillLifecycle(collection: Collection<MemoryProperties>): Promise<void> {
  const lacking = collection.filter.byProperty('memory_type').containsNone(['semantic', 'procedural'])
  for (;;) {
    const { objects } = await collection.query.fetchObjects({ filters: lacking, limit: BACKFILL_PAGE, returnProperties: ['updated_at'] })
    for (let start = 0; start < objects.length; start += BACKFILL_CONCURRENCY) {
      await Promise.all(
        objects.slice(start, start + BACKFILL_CONCURRENCY).map((object) =>
          collection.data
            .update({ id: object.uuid, properties: { ...LIFECYCLE_DEFAULTS, updated_at_ms: epochMs(object.properties.updated_at) } })
            // Deleted meanwhile by another connection: nothing left to upgrade.
            .catch((error: unknown) => {
              if (statusCode(error) !== 404) throw error
            }),
        ),
      )
    }
    if (objects.length < BACKFILL_PAGE) return
  }
}

/** Creates the collection: explicit properties, vectors supplied by Engram, cosine HNSW, no stopwords. */
async function createMemoryCollection(client: WeaviateClient, name: string, description: string): Promise<Collection<MemoryProperties>> {
  // Created untyped: the client's typed form wants each property's data type spelled per name.
  await client.collections.create({
    name,
    description,
    properties: [...PROPERTIES, ...LIFECYCLE_PROPERTIES],
    vectorizers: weaviate.configure.vectors.selfProvided({
      vectorIndexConfig: weaviate.configure.vectorIndex.hnsw({ distanceMetric: 'cosine' }),
    }),
    // FTS5, the embedded store's keyword index, drops no words either: "or", "not" or "the" in a
    // memory stay searchable, and both backends rank alike.
    invertedIndex: { stopwords: { preset: 'none' } },
  })
  return client.collections.use<string, MemoryProperties>(name)
}

/**
 * The dimension of the collection's vectors: that of any stored object, or `undefined` while it
 * holds none. Read from the data rather than recorded in the collection's config: updating the
 * config makes Weaviate turn the collection's shards read-only for a moment, failing the writes
 * of concurrent adds.
 */
export async function storedDimension(collection: Collection<MemoryProperties>): Promise<number | undefined> {
  const { objects } = await collection.query.fetchObjects({ limit: 1, includeVector: true, returnProperties: [] })
  const vector = objects[0]?.vectors.default
  return Array.isArray(vector) ? vector.length : undefined
}

/**
 * Weaviate object ids must be UUIDs, Engram's ids are any string: the object id is the UUIDv5 of
 * the Engram id, and the Engram id is kept in `memory_id`. Deterministic, so reads need no lookup.
 */
export function objectId(id: string): string {
  return generateUuid5(id)
}

/** The properties an insert and an update both write; scope, createdAt and memoryType are written once. */
export function replacedProperties(memory: MemoryWrite) {
  return {
    text: memory.text,
    keywords: keywordText(memory.text),
    hash: memory.hash,
    metadata: JSON.stringify(memory.metadata),
    metadata_entries: metadataEntries(memory.metadata),
    updated_at: memory.updatedAt,
    updated_at_ms: epochMs(memory.updatedAt),
    observed_at: memory.observedAt,
    expires_at: memory.expiresAt ?? '',
    expires_at_ms: memory.expiresAt === null ? NEVER_EXPIRES : epochMs(memory.expiresAt),
    mentions: memory.mentions,
  } satisfies Partial<MemoryProperties>
}

/** A new memory as a Weaviate object, with every property and its vector. */
export function toObject(memory: MemoryWrite): DataObject<MemoryProperties> {
  const properties: MemoryProperties = {
    memory_id: memory.id,
    scope_entries: scopeEntries(memory.scope),
    created_at: memory.createdAt,
    memory_type: memory.memoryType,
    ...replacedProperties(memory),
  }
  for (const [field, property] of SCOPE_PROPERTIES) if (memory.scope[field] !== undefined) properties[property] = memory.scope[field]
  return { id: objectId(memory.id), properties, vectors: Array.from(memory.vector) }
}

/** A memory from the properties a read returned ({@link RETURNED_PROPERTIES}). */
export function toStoredMemory(properties: Pick<MemoryProperties, (typeof RETURNED_PROPERTIES)[number]>): StoredMemory {
  const scope: Scope = {}
  for (const [field, property] of SCOPE_PROPERTIES) {
    const id = properties[property]
    // An unset property comes back absent or null, depending on the protocol.
    if (typeof id === 'string') scope[field] = id
  }
  return {
    id: properties.memory_id,
    text: properties.text,
    hash: properties.hash,
    metadata: JSON.parse(properties.metadata) as Metadata,
    scope,
    createdAt: properties.created_at,
    updatedAt: properties.updated_at,
    observedAt: properties.observed_at,
    // Absent on an object an older Engram wrote after this connection's upgrade ran (see backfillLifecycle).
    expiresAt: typeof properties.expires_at === 'string' && properties.expires_at !== '' ? properties.expires_at : null,
    memoryType: properties.memory_type ?? 'semantic',
    mentions: properties.mentions ?? 1,
  }
}
