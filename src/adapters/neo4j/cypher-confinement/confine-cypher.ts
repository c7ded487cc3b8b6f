import { EngramError } from '../../../errors.js'
import type { Scope } from '../../../input.js'
import { isAllowedFunction, refusalOf } from './allowed-cypher.js'
import { type CypherRule, type CypherTerminal, type CypherTree, isTerminal, parseCypher } from './cypher-parser.js'
import { RESERVED_PREFIX, type ScopeGuard, scopeGuard } from './scope-guard.js'

/** A caller's query rewritten to see one scope only, and the parameters to run it with. */
export interface ConfinedCypher {
  query: string
  params: Record<string, unknown>
}

/**
 * Rewrites a read query so that it sees only the graph of `scope` (SPEC §1 visibility), whatever
 * it says. The query is parsed with Neo4j's grammar and printed again from the parse tree, token by
 * token (comments dropped), with these changes:
 *
 * - every node pattern, wherever it occurs (MATCH, OPTIONAL MATCH, EXISTS/COUNT/COLLECT
 *   subqueries, pattern comprehensions, pattern predicates, quantified path patterns), gets an
 *   inline `WHERE` requiring `__Entity__` and the scope's ids; every relationship pattern gets the
 *   scope's ids. Anonymous patterns get a fresh `__engram_…` variable for it. A quantified
 *   relationship `-[r]->{1,4}` is spelled out as `((n)-[r]->(m)){1,4}` so that the nodes it
 *   passes are confined too;
 * - the caller's own predicates (inline `WHERE`, a pattern's `WHERE`) run inside `CASE WHEN
 *   <scope> THEN … ELSE false END`, so Neo4j evaluates them only on elements of the scope: an
 *   error they raise (a division by zero) cannot tell anything about another scope's data;
 * - anything that is not on the allowlist of allowed-cypher.ts (procedure calls, LOAD CSV, USE,
 *   SHOW, writes, variable-length relationships, plugin functions) is refused.
 *
 * Nothing is post-filtered: every element a query can match, count or test is confined where it
 * is matched, so filters, counts and existence tests see only the scope's data.
 *
 * @throws EngramError INVALID_INPUT for a syntax error, a refused construct, more than one
 *   statement, or a variable or parameter with the reserved `__engram_` prefix.
 */
export async function confineCypher(query: string, params: Record<string, unknown>, scope: Scope): Promise<ConfinedCypher> {
  const reserved = Object.keys(params).find((name) => name.startsWith(RESERVED_PREFIX))
  if (reserved !== undefined) throw refused(`parameter names starting with ${RESERVED_PREFIX} are reserved ($${reserved})`)
  const { tree, ruleNames } = await parseCypher(query)
  const guard = scopeGuard(scope)
  return { query: new ConfiningPrinter(ruleNames, guard).print(tree), params: { ...params, ...guard.params } }
}

function refused(reason: string): EngramError {
  return new EngramError('INVALID_INPUT', `memory.graph.cypher() confined to a scope refuses this query: ${reason}`)
}

const EOF = -1

/** Prints a parse tree back to Cypher, confining its patterns; one instance per query. */
class ConfiningPrinter {
  readonly #ruleNames: readonly string[]
  readonly #guard: ScopeGuard
  readonly #out: string[] = []
  // The scope predicates of the single elements bound by each pattern being printed (innermost
  // last); a pattern's WHERE is guarded by those of its own pattern.
  readonly #frames: string[][] = []
  #fresh = 0

  constructor(ruleNames: readonly string[], guard: ScopeGuard) {
    this.#ruleNames = ruleNames
    this.#guard = guard
  }

  print(tree: CypherRule): string {
    const statements = tree.children.filter((child) => !isTerminal(child))
    if (statements.length !== 1) throw refused('send one statement per call')
    this.#node(statements[0] as CypherRule)
    return this.#out.join(' ')
  }

  #node(node: CypherTree): void {
    if (isTerminal(node)) return this.#token(node)
    const rule = this.#ruleNames[node.ruleIndex] ?? ''
    const refusal = refusalOf(rule)
    if (refusal !== undefined) throw refused(refusal)
    switch (rule) {
      case 'nodePattern':
        return this.#nodePattern(node)
      case 'relationshipPattern':
        return this.#relationshipPattern(node)
      case 'patternElement':
        return this.#patternElement(node)
      case 'matchClause':
      case 'existsExpression':
      case 'countExpression':
      case 'patternComprehension':
      case 'parenthesizedPath':
        return this.#withinFrame(() => this.#patternOwner(node))
      case 'patternExpression':
        // A pattern used as a predicate cannot declare variables, which the scope test needs;
        // as an EXISTS subquery it can, and it means the same.
        this.#out.push('EXISTS', '{')
        this.#withinFrame(() => this.#children(node))
        this.#out.push('}')
        return
      case 'functionName': {
        const name = textOf(node)
        if (!isAllowedFunction(name)) throw refused(`function ${name}() is not a built-in function of values`)
        return this.#children(node)
      }
      default:
        return this.#children(node)
    }
  }

  #children(node: CypherRule): void {
    for (const child of node.children) this.#node(child)
  }

  #token(terminal: CypherTerminal): void {
    const { type, text = '' } = terminal.symbol
    if (type === EOF || text === ';') return
    if (text.replaceAll('`', '').startsWith(RESERVED_PREFIX)) throw refused(`names starting with ${RESERVED_PREFIX} are reserved (${text})`)
    this.#out.push(text)
  }

  #withinFrame(print: () => void): void {
    this.#frames.push([])
    try {
      print()
    } finally {
      this.#frames.pop()
    }
  }

  /** A clause or expression with patterns and a WHERE over them: the WHERE is guarded. */
  #patternOwner(node: CypherRule): void {
    for (let index = 0; index < node.children.length; index++) {
      const child = node.children[index] as CypherTree
      if (!isTerminal(child) && this.#ruleNames[child.ruleIndex] === 'whereClause') {
        this.#out.push('WHERE')
        this.#guarded(child.children[1] as CypherTree)
      } else if (isWhere(child)) {
        this.#out.push('WHERE')
        this.#guarded(node.children[++index] as CypherTree)
      } else {
        this.#node(child)
      }
    }
  }

  /** `CASE WHEN <scope of this pattern's elements> THEN (<expression>) ELSE false END`. */
  #guarded(expression: CypherTree): void {
    const guards = this.#frames.at(-1) ?? []
    if (guards.length === 0) return this.#node(expression)
    this.#out.push('CASE', 'WHEN', guards.join(' AND '), 'THEN', '(')
    this.#node(expression)
    this.#out.push(')', 'ELSE', 'false', 'END')
  }

  #nodePattern(node: CypherRule): void {
    const parts = this.#elementParts(node.children.slice(1, -1))
    const element = parts.variable === undefined ? this.#freshVariable() : textOf(parts.variable)
    this.#out.push('(')
    if (parts.variable === undefined) this.#out.push(element)
    for (const part of parts.rest) this.#node(part)
    this.#confine(this.#guard.node(element), parts.where)
    this.#out.push(')')
  }

  #relationshipPattern(node: CypherRule): void {
    const children = node.children
    const open = children.findIndex((child) => isTerminal(child) && child.symbol.text === '[')
    const close = children.findIndex((child) => isTerminal(child) && child.symbol.text === ']')
    const firstLine = children.findIndex((child) => !isTerminal(child) && this.#ruleNames[child.ruleIndex] === 'arrowLine')
    const parts = this.#elementParts(open === -1 ? [] : children.slice(open + 1, close))
    const element = parts.variable === undefined ? this.#freshVariable() : textOf(parts.variable)
    for (const child of children.slice(0, firstLine + 1)) this.#node(child)
    this.#out.push('[')
    if (parts.variable === undefined) this.#out.push(element)
    for (const part of parts.rest) this.#node(part)
    this.#confine(this.#guard.relationship(element), parts.where)
    this.#out.push(']')
    for (const child of children.slice(open === -1 ? firstLine + 1 : close + 1)) this.#node(child)
  }

  /** Splits the inside of `( … )` or `[ … ]` into its variable, its WHERE expression and the rest. */
  #elementParts(inside: readonly CypherTree[]): { variable?: CypherTree; where?: CypherTree; rest: readonly CypherTree[] } {
    const whereAt = inside.findIndex(isWhere)
    const head = whereAt === -1 ? inside : inside.slice(0, whereAt)
    const variable = head.find((child) => !isTerminal(child) && this.#ruleNames[child.ruleIndex] === 'variable')
    return {
      ...(variable === undefined ? {} : { variable }),
      ...(whereAt === -1 ? {} : { where: inside[whereAt + 1] as CypherTree }),
      rest: head,
    }
  }

  /** `WHERE <scope> [AND CASE WHEN <scope> THEN (<the caller's WHERE>) ELSE false END]`. */
  #confine(guard: string, where: CypherTree | undefined): void {
    this.#frames.at(-1)?.push(guard)
    this.#out.push('WHERE', guard)
    if (where === undefined) return
    this.#out.push('AND', 'CASE', 'WHEN', guard, 'THEN', '(')
    this.#node(where)
    this.#out.push(')', 'ELSE', 'false', 'END')
  }

  /**
   * A quantified relationship `-[r]->{1,4}` (shorthand for `(()-[r]->()){1,4}`) is printed in the
   * long form, whose nodes can then be confined like any other.
   */
  #patternElement(node: CypherRule): void {
    const children = node.children
    for (let index = 0; index < children.length; index++) {
      const child = children[index] as CypherTree
      const next = children[index + 1]
      const quantified =
        !isTerminal(child) && this.#ruleNames[child.ruleIndex] === 'relationshipPattern' && next !== undefined && !isTerminal(next) && this.#ruleNames[next.ruleIndex] === 'quantifier'
      if (!quantified) {
        this.#node(child)
        continue
      }
      this.#out.push('(')
      this.#withinFrame(() => {
        this.#anonymousNode()
        this.#node(child)
        this.#anonymousNode()
      })
      this.#out.push(')')
    }
  }

  #anonymousNode(): void {
    const element = this.#freshVariable()
    this.#out.push('(', element)
    this.#confine(this.#guard.node(element), undefined)
    this.#out.push(')')
  }

  #freshVariable(): string {
    return `${RESERVED_PREFIX}${++this.#fresh}`
  }
}

function isWhere(node: CypherTree): boolean {
  return isTerminal(node) && node.symbol.text?.toUpperCase() === 'WHERE'
}

/** The text of a subtree's tokens, without spaces (a name, a dotted function name). */
function textOf(node: CypherTree): string {
  if (isTerminal(node)) return node.symbol.text ?? ''
  return node.children.map(textOf).join('')
}
