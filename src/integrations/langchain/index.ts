/**
 * LangChain.js integration (`engram/langchain`): a retriever and agent tools over one scope of an
 * Engram memory. Needs `@langchain/core`, an optional peer dependency that the main `engram`
 * entry never loads.
 *
 * @module
 */
export { EngramRetriever } from './engram-retriever.js'
export type { EngramDocumentMetadata, EngramRetrieverOptions, FactDocumentMetadata, RelationDocumentMetadata } from './engram-retriever.js'
export { createMemoryTools, memoryToolSchemas } from './memory-tools.js'
export type { MemoryToolsOptions } from './memory-tools.js'
export type { MemoryLike } from '../scoped-memory.js'
