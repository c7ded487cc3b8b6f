import type { Scope } from '../../../input.js'
import { Statements } from '../../../statements.js'

/** Reserved prefix of the variables and parameters confinement adds; callers may not use it. */
export const RESERVED_PREFIX = '__engram_'

/** The predicates that confine pattern elements to one scope, and the parameters they need. */
export interface ScopeGuard {
  /** Predicate text: the node bound to `element` is an entity visible to the scope. */
  node(element: string): string
  /** Predicate text: the relationship bound to `element` is visible to the scope. */
  relationship(element: string): string
  /** The scope ids under their reserved parameter names. */
  readonly params: Readonly<Record<string, string>>
}

// Each scope id the scope has adds one test (visibility, SPEC §1): cypher/confine/<file>.cypher.
const FIELDS = [
  ['userId', 'confine/user-id', `${RESERVED_PREFIX}user_id`],
  ['agentId', 'confine/agent-id', `${RESERVED_PREFIX}agent_id`],
  ['runId', 'confine/run-id', `${RESERVED_PREFIX}run_id`],
] as const

let statements: Statements | undefined

/** The guard of a scope with at least one id; the predicate texts come from cypher/confine/. */
export function scopeGuard(scope: Scope): ScopeGuard {
  statements ??= Statements.load('cypher')
  const loaded = statements
  const fill = (name: string, element: string): string =>
    loaded
      .get(name)
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('//'))
      .join(' ')
      .replaceAll('{{element}}', element)
  const present = FIELDS.filter(([field]) => scope[field] !== undefined)
  const visible = (element: string): string[] => present.map(([, name]) => fill(name, element))
  return {
    node: (element) => [fill('confine/entity', element), ...visible(element)].join(' AND '),
    relationship: (element) => visible(element).join(' AND '),
    params: Object.fromEntries(present.map(([field, , param]) => [param, scope[field] as string])),
  }
}
