import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { testModelDir } from '../helpers/model-dir.js'

const run = promisify(execFile)
export const BIN = join(import.meta.dirname, '../../dist/cli/main.js')

/** The environment the built CLI runs in: no inherited service or LLM settings, the test model. */
function cliEnv(env: Record<string, string>): Record<string, string> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" first (npm test does)`)
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ENGRAM_MODEL_DIR: testModelDir(), ...env }
}

/** Runs the built CLI to the end; never throws, returns the exit code and output. */
export async function engram(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: cliEnv(env), maxBuffer: 64 * 1024 * 1024 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** Starts the built CLI as a child process, to be stopped midway. */
export function spawnEngram(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: cliEnv({}), stdio: ['ignore', 'pipe', 'pipe'] })
}
