import { parseArgs } from 'node:util'
import { LOCAL_MODEL_NAMES } from '../../adapters/local/embedding-models.js'
import { reembed, type EngramConfig, type ReembedProgress } from '../../index.js'
import { UsageError } from '../args.js'
import { Progress } from '../progress.js'

/**
 * `engram reembed [--model NAME] [--data-dir DIR] [--json]`: moves the stores to the configured
 * embedding model (`--model` picks a local one, as `ENGRAM_EMBEDDER_MODEL` does), with progress on
 * stderr. Killed, it is run again to finish, or with the old model to move back.
 */
export async function reembedCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { model: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
  })
  const model = values.model
  if (model !== undefined && !(LOCAL_MODEL_NAMES as readonly string[]).includes(model)) {
    throw new UsageError(`--model must be one of ${LOCAL_MODEL_NAMES.join(', ')}`)
  }
  const config: EngramConfig = {
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ...(model !== undefined ? { embedder: { provider: 'local', config: { model: model as (typeof LOCAL_MODEL_NAMES)[number] } } } : {}),
  }
  const bars = new Map<ReembedProgress['store'], { bar: Progress; done: number }>()
  const report = await reembed(config, {
    onProgress: ({ store, done, total }) => {
      const shown = bars.get(store) ?? { bar: new Progress(`reembed ${store}`, total), done: 0 }
      bars.set(store, shown)
      shown.bar.advance(done - shown.done)
      shown.done = done
      if (done === total) shown.bar.finish()
    },
  })
  if (values.json) console.log(JSON.stringify(report, null, 2))
  else {
    const resumed = report.resumed > 0 ? ` (${report.resumed} already moved by an earlier run)` : ''
    console.log(`reembed: the stores hold ${report.model} embeddings: ${report.memories} memories and ${report.entities} entity names embedded again${resumed}`)
  }
  return 0
}
