/**
 * Which backends a test run covers: `ENGRAM_BACKENDS=sqlite,neo4j,weaviate` (comma-separated),
 * default all of them. Shared by the contract suites' backend lists and the global setup that
 * starts the servers, so they never disagree about what runs.
 */
export const ALL_BACKENDS = ['sqlite', 'neo4j', 'weaviate'] as const
export type BackendName = (typeof ALL_BACKENDS)[number]

export function selectedBackends(env: NodeJS.ProcessEnv = process.env): Set<BackendName> {
  const wanted = env.ENGRAM_BACKENDS?.split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
  if (wanted === undefined || wanted.length === 0) return new Set(ALL_BACKENDS)
  const unknown = wanted.filter((name) => !(ALL_BACKENDS as readonly string[]).includes(name))
  if (unknown.length > 0) throw new Error(`ENGRAM_BACKENDS names unknown backends: ${unknown.join(', ')} (known: ${ALL_BACKENDS.join(', ')})`)
  return new Set(wanted as BackendName[])
}
