import weaviate, { generateUuid5 } from 'weaviate-client'
import type { Collection, DataObject, WeaviateClient } from 'weaviate-client'
import { EngramError } from '../../errors.js'
import type { Metadata, Scope } from '../../input.js'
import type { MemoryWrite, StoredMemory } from '../../ports.js'
import { keywordText } from './keyword-text.js'
import { metadataEntries, SCOPE_PROPERTIES, scopeEntries } from './weaviate-filters.js'

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
}

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
] as const satisfies ReadonlyArray<keyof MemoryProperties>

// Stored only: no inverted index, which would cost writes and disk for lookups nobody makes.
const stored = (name: keyof MemoryProperties) => ({ name, dataType: 'text', indexFilterable: false, indexSearchable: false }) as const
// Exact-match filters (and the sort key): one token per value or array element.
const filterable = (name: keyof MemoryProperties, dataType: 'text' | 'text[]') =>
  ({ name, dataType, tokenization: 'field', indexFilterable: true, indexSearchable: false }) as const

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

/*
 * The vector dimension is fixed by the first insert (as in the embedded store) and kept in the
 * collection's description, so that it belongs to the collection: reset() drops both together,
 * and every connection to the collection reads the same value.
 */
const DESCRIPTION = 'Engram memories'

/**
 * Opens the memory collection `name`, creating it if it does not exist. Another process may
 * create it at the same moment; then its collection is used.
 *
 * @throws EngramError INVALID_CONFIG when a collection of that name exists without Engram's
 *   properties or with another distance metric than cosine.
 */
export async function openMemoryCollection(client: WeaviateClient, name: string): Promise<Collection<MemoryProperties>> {
  if (!(await client.collections.exists(name))) {
    try {
      return await createMemoryCollection(client, name)
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
  return collection
}

/** Creates the collection: explicit properties, vectors supplied by Engram, cosine HNSW, no stopwords. */
async function createMemoryCollection(client: WeaviateClient, name: string): Promise<Collection<MemoryProperties>> {
  // Created untyped: the client's typed form wants each property's data type spelled per name.
  await client.collections.create({
    name,
    description: DESCRIPTION,
    properties: [...PROPERTIES],
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

/** The properties an insert and an update both write; scope and createdAt are written once. */
export function replacedProperties(memory: MemoryWrite) {
  return {
    text: memory.text,
    keywords: keywordText(memory.text),
    hash: memory.hash,
    metadata: JSON.stringify(memory.metadata),
    metadata_entries: metadataEntries(memory.metadata),
    updated_at: memory.updatedAt,
    observed_at: memory.observedAt,
  } satisfies Partial<MemoryProperties>
}

/** A new memory as a Weaviate object, with every property and its vector. */
export function toObject(memory: MemoryWrite): DataObject<MemoryProperties> {
  const properties: MemoryProperties = {
    memory_id: memory.id,
    scope_entries: scopeEntries(memory.scope),
    created_at: memory.createdAt,
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
  }
}
