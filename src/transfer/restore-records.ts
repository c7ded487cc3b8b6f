import { z } from 'zod'
import { parseInput } from '../input.js'
import type { PipelineContext } from '../pipelines/context.js'
import { requireStoreFor } from './export-scope.js'
import { RESTORE_ORDER, type TransferRecord, transferRecordSchema } from './transfer-records.js'

type OfKind<K extends TransferRecord['kind']> = Extract<TransferRecord, { kind: K }>

/**
 * `memory.transfer.restore`: writes exported records back exactly as they were, kind by kind in
 * {@link RESTORE_ORDER}. Memories and entity names are embedded again with this Memory's
 * embedder (exports carry no vectors). Records with ids already stored replace them (history rows
 * are skipped), so restoring a file twice is restoring it once. History records are dropped when
 * history is disabled.
 */
export async function restoreRecords(ctx: PipelineContext, records: unknown): Promise<void> {
  const parsed = parseInput(z.array(transferRecordSchema), records, 'records')
  const ofKind = <K extends TransferRecord['kind']>(kind: K) => parsed.filter((record): record is OfKind<K> => record.kind === kind)
  for (const kind of RESTORE_ORDER) if (parsed.some((record) => record.kind === kind)) requireStoreFor(ctx, kind)

  const memories = ofKind('memory')
  if (memories.length > 0) {
    const vectors = await ctx.embedder.embed(memories.map((memory) => memory.text), 'document')
    await ctx.vectorStore.restore(memories.map(({ kind: _kind, ...memory }, index) => ({ ...memory, vector: vectors[index]! })))
  }
  const entities = ofKind('entity')
  const relations = ofKind('relation')
  if (ctx.graph !== null && entities.length + relations.length > 0) {
    const vectors = await ctx.embedder.embed(entities.map((entity) => entity.name), 'document')
    await ctx.graph.restore({
      entities: entities.map(({ kind: _kind, ...entity }, index) => ({ ...entity, vector: vectors[index]! })),
      relations: relations.map(({ kind: _kind, source, destination, ...relation }) => ({ ...relation, source: { id: source }, destination: { id: destination } })),
    })
  }
  const history = ofKind('history')
  if (ctx.history !== null && history.length > 0) await ctx.history.restore(history.map(({ kind: _kind, ...record }) => record))
}
