import type { Scope } from '../../../input.js'
import { Statements } from '../../../statements.js'

/** Reserved prefix of the variables and parameters confinement adds; callers may not use it. */
export const RESERVED_PREFIX = '__engram_'

/**
 * What a variable of a confined query holds, as far as confinement cares: a pattern element, a
 * group variable of a quantified path pattern (a list of elements), a guard key (see
 * confine-cypher.ts) or any other value.
 */
export type Binding = 'node' | 'relationship' | 'nodes' | 'relationships' | 'guard' | 'value'

/** The predicates that confine pattern elements to one scope, and the parameters they need. */
export interface ScopeGuard {
  /** Predicate text: the node bound to `element` is an entity visible to the scope. */
  node(element: string): string
  /** Predicate text: the relationship bound to `element` is visible to the scope. */
  relationship(element: string): string
  /**
   * Predicate text: what `variable` holds is in the scope, or undefined for a plain value. `bound`
   * says the variable is bound by the pattern being matched (never null there); otherwise null
   * passes, as OPTIONAL MATCH leaves it. `fresh` names a list predicate's own variable.
   */
  test(variable: string, binding: Binding, bound: boolean, fresh: () => string): string | undefined
  /** The scope ids under their reserved parameter names. */
  readonly params: Readonly<Record<string, string>>
}

// Each scope id the scope has adds one test (visibility, docs/contract.md): cypher/confine/<file>.cypher.
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
  const node = (element: string): string => [fill('confine/entity', element), ...visible(element)].join(' AND ')
  const relationship = (element: string): string => visible(element).join(' AND ')
  const test = (variable: string, binding: Binding, bound: boolean, fresh: () => string): string | undefined => {
    let inScope: string
    switch (binding) {
      case 'value':
        return undefined
      case 'guard':
        // A guard key is null only where OPTIONAL CALL found no row, and then so is all it guards.
        return `coalesce(${variable}, true)`
      case 'node':
        inScope = node(variable)
        break
      case 'relationship':
        inScope = relationship(variable)
        break
      case 'nodes':
      case 'relationships': {
        const each = fresh()
        inScope = `all(${each} IN ${variable} WHERE ${binding === 'nodes' ? node(each) : relationship(each)})`
        break
      }
    }
    return bound ? inScope : `(${variable} IS NULL OR (${inScope}))`
  }
  return { node, relationship, test, params: Object.fromEntries(present.map(([field, , param]) => [param, scope[field] as string])) }
}
