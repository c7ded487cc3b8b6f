import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * `engram fetch-model [--model NAME|all] [--dir DIR] [--llm]`: runs the package's dependency-free
 * fetch script, the same one `npm run fetch-model` runs, so a model is fetched one way whichever
 * way it is asked for. Without `--model` it fetches the configured one (`ENGRAM_EMBEDDER_MODEL`,
 * else the default), into `ENGRAM_MODEL_DIR` when that is set.
 */
export async function fetchModel(argv: string[]): Promise<number> {
  const script = join(packageRoot(), 'scripts', 'fetch-model.mjs')
  const child = spawn(process.execPath, [script, ...argv], { stdio: 'inherit' })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code) => resolve(code ?? 1))
  })
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('cannot find the engram package folder')
    dir = parent
  }
  return dir
}
