import { EngramError } from '../../../errors.js'
import type { Scope } from '../../../input.js'
import { isAggregatingFunction, isAllowedFunction, refusalOf } from './allowed-cypher.js'
import { type CypherRule, type CypherTerminal, type CypherTree, isTerminal, parseCypher } from './cypher-parser.js'
import { type Binding, RESERVED_PREFIX, type ScopeGuard, scopeGuard } from './scope-guard.js'

/** A caller's query rewritten to see one scope only, and the parameters to run it with. */
export interface ConfinedCypher {
  query: string
  params: Record<string, unknown>
}

/**
 * Rewrites a read query so that it sees only the graph of `scope` (the visibility rule of the contract), whatever
 * it says. The query is parsed with Neo4j's grammar and printed again from the parse tree, token by
 * token (comments dropped), with these changes:
 *
 * - every node pattern, wherever it occurs (MATCH, OPTIONAL MATCH, EXISTS/COUNT/COLLECT
 *   subqueries, pattern comprehensions, pattern predicates, quantified path patterns), gets an
 *   inline `WHERE` requiring `__Entity__` and the scope's ids; every relationship pattern gets the
 *   scope's ids. Anonymous patterns get a fresh `__engram_…` variable for it. A quantified
 *   relationship `-[r]->{1,4}` is spelled out as `((n)-[r]->(m)){1,4}` so that the nodes it
 *   passes are confined too;
 * - every predicate of the caller — a pattern's property map (rewritten as equalities), an inline
 *   `WHERE`, the `WHERE` of MATCH, WITH, FILTER, a quantified path pattern, an EXISTS or COUNT
 *   pattern or a pattern comprehension — runs inside `CASE WHEN <guard> THEN … ELSE false END`,
 *   where the guard tests every element bound at that point (see #guard). Neo4j does not promise
 *   in which order it evaluates the predicates of a filter, and it moves a WITH's WHERE down into
 *   the MATCH before it; guarded, a predicate is evaluated only on rows made of the scope's
 *   elements, so an error it raises (a division by zero) cannot tell anything about another scope;
 * - projections carry a guard key (see #with), so that a predicate on a projected value stays
 *   guarded should the planner inline the projection into the MATCH it came from;
 * - anything that is not on the allowlist of allowed-cypher.ts (procedure calls, LOAD CSV, USE,
 *   SHOW, writes, variable-length relationships, dynamic labels, plugin functions) is refused.
 *
 * Projections (RETURN and WITH items, ORDER BY, UNWIND) need no guard: Neo4j plans them after the
 * predicates of the clauses before them, on rows that passed the scope tests, and SKIP and LIMIT
 * cannot name a variable. Expressions inside a guarded predicate (subqueries, CASE, reduce(),
 * comprehensions) are evaluated only when the guard holds. Nothing is post-filtered: every element
 * a query can match, count or test is confined where it is matched.
 *
 * `parseDeadlineMs` bounds the parse (cypher-parser.ts).
 *
 * @throws EngramError INVALID_INPUT for a syntax error, a refused construct, more than one
 *   statement, a variable or parameter with the reserved `__engram_` prefix, or a query the
 *   parser's limits refuse.
 */
export async function confineCypher(query: string, params: Record<string, unknown>, scope: Scope, parseDeadlineMs: number): Promise<ConfinedCypher> {
  const reserved = Object.keys(params).find((name) => name.startsWith(RESERVED_PREFIX))
  if (reserved !== undefined) throw refused(`parameter names starting with ${RESERVED_PREFIX} are reserved ($${reserved})`)
  const { tree, ruleNames } = await parseCypher(query, parseDeadlineMs)
  const guard = scopeGuard(scope)
  return { query: new ConfiningPrinter(query, ruleNames, guard).print(tree), params: { ...params, ...guard.params } }
}

function refused(reason: string): EngramError {
  return new EngramError('INVALID_INPUT', `memory.graph.cypher() confined to a scope refuses this query: ${reason}`)
}

const EOF = -1

/** Variables by name (without backticks) and what they hold. */
type Bindings = Map<string, Binding>

/** A query being printed: the top level, a CALL subquery, or an EXISTS/COUNT/COLLECT subquery. */
interface QueryFrame {
  /** The guard key a CALL subquery's RETURN adds, for the clauses after the CALL. */
  readonly guardKey?: string
  /** For a CALL subquery without a scope clause: the caller's variables a first plain WITH imports. */
  readonly importsFrom?: Bindings
  /** What the subquery returns (its first branch's RETURN). */
  returned?: Bindings
}

/** Prints a parse tree back to Cypher, confining its patterns; one instance per query. */
class ConfiningPrinter {
  readonly #query: string
  readonly #ruleNames: readonly string[]
  readonly #guard: ScopeGuard
  readonly #out: string[] = []
  // Variables bound by the clauses before the one being printed.
  #scope: Bindings = new Map()
  // The elements of each pattern being printed (innermost last): bound, never null, while its
  // predicates run.
  #patterns: Bindings[] = []
  readonly #queries: QueryFrame[] = [{}]
  // Names given to anonymous elements, and to the two nodes of a quantified relationship.
  readonly #anonymous = new Map<CypherRule, string>()
  readonly #quantifiedEnds = new Map<CypherRule, readonly [string, string]>()
  #fresh = 0

  constructor(query: string, ruleNames: readonly string[], guard: ScopeGuard) {
    this.#query = query
    this.#ruleNames = ruleNames
    this.#guard = guard
  }

  print(tree: CypherRule): string {
    const statements = tree.children.filter((child) => !isTerminal(child))
    if (statements.length !== 1) throw refused('send one statement per call')
    this.#node(statements[0] as CypherRule)
    return this.#out.join(' ')
  }

  #rule(node: CypherTree | undefined): string | undefined {
    return node === undefined || isTerminal(node) ? undefined : this.#ruleNames[node.ruleIndex]
  }

  #node(node: CypherTree): void {
    if (isTerminal(node)) return this.#token(node)
    const rule = this.#ruleNames[node.ruleIndex] ?? ''
    const refusal = refusalOf(rule)
    if (refusal !== undefined) throw refused(refusal)
    switch (rule) {
      case 'nextStatement':
        if (node.children.length > 1) throw refused('NEXT is not supported')
        return this.#children(node)
      case 'union':
        return this.#union(node)
      case 'singleQuery':
        return this.#singleQuery(node)
      case 'matchClause':
        for (const [name, binding] of this.#patternOwner(node)) this.#scope.set(name, binding)
        return
      case 'withClause':
        return this.#with(node)
      case 'returnClause':
        return this.#return(node)
      case 'unwindClause':
      case 'forListClause':
      case 'letItem':
        this.#children(node)
        this.#scope.set(nameOf(this.#childOfRule(node, 'variable') as CypherRule), 'value')
        return
      case 'filterClause':
        for (const child of node.children.slice(0, -1)) this.#node(child)
        return this.#guarded(node.children.at(-1) as CypherTree)
      case 'subqueryClause':
        return this.#call(node)
      case 'existsExpression':
      case 'countExpression':
      case 'collectExpression':
        if (this.#childOfRule(node, 'queryWithLocalDefinitions') !== undefined) return this.#subqueryExpression(node)
        this.#patternOwner(node)
        return
      case 'patternComprehension':
      case 'parenthesizedPath':
        this.#patternOwner(node)
        return
      case 'patternExpression':
        // A pattern used as a predicate cannot declare variables, which the scope test needs;
        // as an EXISTS subquery it can, and it means the same.
        this.#out.push('EXISTS', '{')
        this.#patternOwner(node)
        this.#out.push('}')
        return
      case 'listComprehension':
      case 'listItemsPredicate':
      case 'reduceExpression': {
        // Their own variables hide those of the same name around them: guards inside must not test
        // `x` of `[x IN [1, 2] | …]` as the node `x` of an outer MATCH.
        const locals = node.children.filter((child) => this.#rule(child) === 'variable').map((child) => [nameOf(child as CypherRule), 'value'] as const)
        this.#patterns.push(new Map(locals))
        try {
          return this.#children(node)
        } finally {
          this.#patterns.pop()
        }
      }
      case 'nodePattern':
        return this.#nodePattern(node)
      case 'relationshipPattern':
        return this.#relationshipPattern(node)
      case 'patternElement':
        return this.#patternElement(node)
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

  #childOfRule(node: CypherRule, rule: string): CypherRule | undefined {
    return node.children.find((child) => this.#rule(child) === rule) as CypherRule | undefined
  }

  #token(terminal: CypherTerminal): void {
    const { type, text = '' } = terminal.symbol
    if (type === EOF || text === ';') return
    if (text.replaceAll('`', '').startsWith(RESERVED_PREFIX)) throw refused(`names starting with ${RESERVED_PREFIX} are reserved (${text})`)
    this.#out.push(text)
  }

  #freshVariable(): string {
    return `${RESERVED_PREFIX}${++this.#fresh}`
  }

  // ----- guards -----

  /**
   * The test that every element bound at this point is in the scope: those of the patterns being
   * printed (bound, so not null) and those of earlier clauses (null after an OPTIONAL MATCH), plus
   * the guard keys in scope. All of them, not only those the predicate names: a predicate that
   * Neo4j evaluates on a row before the row's other elements are tested would otherwise raise its
   * error, or not, according to whether another scope's elements complete that row.
   */
  #guardTest(): string {
    const tested = new Set<string>()
    const tests: string[] = []
    const add = (bindings: Bindings, bound: boolean): void => {
      for (const [name, binding] of bindings) {
        if (tested.has(name)) continue
        tested.add(name)
        const test = this.#guard.test(printedName(name), binding, bound, () => this.#freshVariable())
        if (test !== undefined) tests.push(test)
      }
    }
    for (const pattern of [...this.#patterns].reverse()) add(pattern, true)
    add(this.#scope, false)
    return tests.join(' AND ')
  }

  /** Prints predicates as `CASE WHEN <guard> THEN (…) AND (…) ELSE false END`. */
  #guardedAll(predicates: ReadonlyArray<() => void>): void {
    const test = this.#guardTest()
    if (test !== '') this.#out.push('CASE', 'WHEN', test, 'THEN')
    predicates.forEach((predicate, index) => {
      if (index > 0) this.#out.push('AND')
      this.#out.push('(')
      predicate()
      this.#out.push(')')
    })
    if (test !== '') this.#out.push('ELSE', 'false', 'END')
  }

  #guarded(expression: CypherTree): void {
    this.#guardedAll([() => this.#node(expression)])
  }

  // ----- patterns -----

  /**
   * A clause or expression with patterns and a WHERE over them: the elements of its patterns are
   * gathered first (a predicate may name an element declared later in the pattern), then it is
   * printed with its WHERE guarded. Returns the variables it binds.
   */
  #patternOwner(node: CypherRule): Bindings {
    const elements: Bindings = new Map()
    node.children.forEach((child, index) => {
      const rule = this.#rule(child)
      if (rule === 'patternList' || rule === 'pattern' || rule === 'pathPatternNonEmpty') this.#gather(child, elements, false)
      // The path variable of a pattern comprehension, `[p = (a)-->(b) | …]`.
      if (rule === 'variable' && this.#rule(node) === 'patternComprehension' && isToken(node.children[index + 1], '='))
        elements.set(nameOf(child as CypherRule), 'value')
    })
    this.#patterns.push(elements)
    try {
      for (let index = 0; index < node.children.length; index++) {
        const child = node.children[index] as CypherTree
        if (this.#rule(child) === 'whereClause') {
          this.#out.push('WHERE')
          this.#guarded((child as CypherRule).children[1] as CypherTree)
        } else if (isToken(child, 'WHERE')) {
          this.#out.push('WHERE')
          this.#guarded(node.children[++index] as CypherTree)
        } else {
          this.#node(child)
        }
      }
    } finally {
      this.#patterns.pop()
    }
    return elements
  }

  /** Collects the variables a pattern binds; inside a quantified path pattern they are lists. */
  #gather(node: CypherTree, into: Bindings, grouped: boolean): void {
    if (isTerminal(node)) return
    const children = node.children
    switch (this.#ruleNames[node.ruleIndex]) {
      case 'nodePattern':
        into.set(this.#elementName(node), grouped ? 'nodes' : 'node')
        return
      case 'relationshipPattern':
        into.set(this.#elementName(node), grouped ? 'relationships' : 'relationship')
        return
      case 'pattern':
        if (isToken(children[1], '=')) into.set(nameOf(children[0] as CypherRule), 'value')
        break
      case 'parenthesizedPath': {
        const quantified = this.#childOfRule(node, 'quantifier') !== undefined
        this.#gather(this.#childOfRule(node, 'pattern') as CypherRule, into, grouped || quantified)
        return
      }
      case 'patternElement':
        children.forEach((child, index) => {
          if (this.#rule(child) === 'relationshipPattern' && this.#rule(children[index + 1]) === 'quantifier') {
            const [from, to] = this.#quantifiedEndsOf(child as CypherRule)
            into
              .set(from, 'nodes')
              .set(this.#elementName(child as CypherRule), 'relationships')
              .set(to, 'nodes')
          } else {
            this.#gather(child, into, grouped)
          }
        })
        return
    }
    for (const child of children) this.#gather(child, into, grouped)
  }

  /** The variable of a node or relationship pattern, or the fresh one it is given. */
  #elementName(node: CypherRule): string {
    const open = node.children.findIndex((child) => isToken(child, '(') || isToken(child, '['))
    const inside = open === -1 ? [] : node.children.slice(open)
    const whereAt = inside.findIndex((child) => isToken(child, 'WHERE'))
    const variable = (whereAt === -1 ? inside : inside.slice(0, whereAt)).find((child) => this.#rule(child) === 'variable')
    if (variable !== undefined) return nameOf(variable as CypherRule)
    let name = this.#anonymous.get(node)
    if (name === undefined) {
      name = this.#freshVariable()
      this.#anonymous.set(node, name)
    }
    return name
  }

  #quantifiedEndsOf(relationship: CypherRule): readonly [string, string] {
    let ends = this.#quantifiedEnds.get(relationship)
    if (ends === undefined) {
      ends = [this.#freshVariable(), this.#freshVariable()]
      this.#quantifiedEnds.set(relationship, ends)
    }
    return ends
  }

  #nodePattern(node: CypherRule): void {
    this.#out.push('(')
    this.#elementBody(node, node.children.slice(1, -1), (name) => this.#guard.node(name))
    this.#out.push(')')
  }

  #relationshipPattern(node: CypherRule): void {
    const children = node.children
    const open = children.findIndex((child) => isToken(child, '['))
    const close = children.findIndex((child) => isToken(child, ']'))
    const firstLine = children.findIndex((child) => this.#rule(child) === 'arrowLine')
    for (const child of children.slice(0, firstLine + 1)) this.#node(child)
    this.#out.push('[')
    this.#elementBody(node, open === -1 ? [] : children.slice(open + 1, close), (name) => this.#guard.relationship(name))
    this.#out.push(']')
    for (const child of children.slice(open === -1 ? firstLine + 1 : close + 1)) this.#node(child)
  }

  /**
   * The inside of `( … )` or `[ … ]`: variable and labels as written, then `WHERE <scope test>
   * AND CASE WHEN <guard> THEN (<property map as equalities>) AND (<the caller's WHERE>) ELSE
   * false END`. The scope test stays outside the CASE, where Neo4j can use it to find the scope's
   * elements by index. A property map of constants stays in the pattern too (an equality with a
   * literal or a parameter cannot fail, so when Neo4j tests it does not matter, and it can still
   * anchor the match); one whose values are expressions, which may name other variables or raise
   * errors, moves inside the CASE.
   */
  #elementBody(node: CypherRule, inside: readonly CypherTree[], inScope: (name: string) => string): void {
    const name = this.#elementName(node)
    const whereAt = inside.findIndex((child) => isToken(child, 'WHERE'))
    const head = whereAt === -1 ? inside : inside.slice(0, whereAt)
    if (!head.some((child) => this.#rule(child) === 'variable')) this.#out.push(printedName(name))
    const predicates: Array<() => void> = []
    for (const part of head) {
      const map = this.#rule(part) === 'properties' ? (part as CypherRule).children[0] : undefined
      if (map !== undefined && !(this.#rule(map) === 'map' && this.#isConstant(map))) predicates.push(...this.#propertyEqualities(name, part as CypherRule))
      else this.#node(part)
    }
    if (whereAt !== -1) predicates.push(() => this.#node(inside[whereAt + 1] as CypherTree))
    this.#out.push('WHERE', inScope(printedName(name)))
    if (predicates.length === 0) return
    this.#out.push('AND')
    this.#guardedAll(predicates)
  }

  /** `{key: value, …}` of the element `name` as the predicates `name.key = (value)`. */
  #propertyEqualities(name: string, properties: CypherRule): Array<() => void> {
    const map = properties.children[0] as CypherRule
    if (this.#rule(map) !== 'map') throw refused('a parameter as a property map in a pattern is not supported; write WHERE n.key = $value')
    const equalities: Array<() => void> = []
    map.children.forEach((child, index) => {
      if (this.#rule(child) !== 'propertyKeyName') return
      const value = map.children[index + 2] as CypherTree
      equalities.push(() => {
        this.#out.push(`${printedName(name)}.`)
        this.#node(child)
        this.#out.push('=', '(')
        this.#node(value)
        this.#out.push(')')
      })
    })
    return equalities
  }

  /**
   * A quantified relationship `-[r]->{1,4}` (shorthand for `(()-[r]->()){1,4}`) is printed in the
   * long form, whose nodes can then be confined like any other.
   */
  #patternElement(node: CypherRule): void {
    const children = node.children
    for (let index = 0; index < children.length; index++) {
      const child = children[index] as CypherTree
      if (!(this.#rule(child) === 'relationshipPattern' && this.#rule(children[index + 1]) === 'quantifier')) {
        this.#node(child)
        continue
      }
      const relationship = child as CypherRule
      const [from, to] = this.#quantifiedEndsOf(relationship)
      this.#patterns.push(
        new Map<string, Binding>([
          [from, 'node'],
          [this.#elementName(relationship), 'relationship'],
          [to, 'node'],
        ]),
      )
      try {
        this.#out.push('(', '(', printedName(from), 'WHERE', this.#guard.node(printedName(from)), ')')
        this.#node(relationship)
        this.#out.push('(', printedName(to), 'WHERE', this.#guard.node(printedName(to)), ')', ')')
      } finally {
        this.#patterns.pop()
      }
    }
  }

  // ----- queries and projections -----

  /** Each branch of a UNION starts from the same variables. */
  #union(node: CypherRule): void {
    const start = this.#scope
    for (const child of node.children) {
      if (this.#rule(child) === 'singleQuery') this.#scope = new Map(start)
      this.#node(child)
    }
  }

  #singleQuery(node: CypherRule): void {
    const imports = this.#queries.at(-1)?.importsFrom
    node.children.forEach((clause, index) => {
      const first = index === 0 && !isTerminal(clause) ? clause.children[0] : undefined
      if (imports !== undefined && first !== undefined && this.#rule(first) === 'withClause' && this.#isImportingWith(first as CypherRule)) {
        this.#importingWith(first as CypherRule, imports)
      } else {
        this.#node(clause)
      }
    })
  }

  /**
   * `WITH <items> [ORDER BY …] [SKIP …] [LIMIT …] [WHERE …]`. Neo4j may inline a projection into
   * the clauses before it, so that `MATCH (n) WITH n.name AS x WHERE <p(x)>` filters `p(n.name)`
   * together with n's scope test, in any order. So the projection carries a guard key: one more
   * item, `<guard over the variables before the WITH> AS __engram_k`, always true where it is
   * computed (on rows that passed the scope tests), which later guards include. Inlined the same
   * way, it becomes the scope test of what the projected values came from. An aggregation without
   * grouping keys gets none (a key would group, and turn no rows into no row instead of one), and
   * needs none: an aggregate cannot be computed before the rows it aggregates.
   */
  #with(node: CypherRule): void {
    const body = node.children[1] as CypherRule
    const projection = this.#projection(body)
    const test = this.#guardTest()
    const guardKey = test !== '' && projection.groups ? this.#freshVariable() : undefined
    this.#out.push('WITH')
    this.#returnBody(body, { expandStar: false, nameItems: false, extra: guardKey === undefined ? undefined : `${test} AS ${guardKey}` }, () => {
      this.#scope = projection.bindings
      if (guardKey !== undefined) this.#scope.set(guardKey, 'guard')
    })
    const where = node.children[2]
    if (where !== undefined) {
      this.#out.push('WHERE')
      this.#guarded((where as CypherRule).children[1] as CypherTree)
    }
  }

  /**
   * A RETURN; `*` is spelled out without the reserved variables, and an item without a name is
   * named by its text as written (Neo4j would name it by the reprinted text). Ending a CALL
   * subquery, it adds the subquery's guard key (see #with) for the clauses after the CALL.
   */
  #return(node: CypherRule): void {
    const body = node.children[1] as CypherRule
    const projection = this.#projection(body)
    const query = this.#queries.at(-1)
    let extra: string | undefined
    if (query?.guardKey !== undefined) {
      // Every branch of a UNION must return the key, so an aggregation without grouping keys
      // returns an aggregate that is always true.
      const test = projection.groups ? this.#guardTest() || 'true' : 'count(*) >= 0'
      extra = `${test} AS ${query.guardKey}`
    }
    this.#out.push('RETURN')
    this.#returnBody(body, { expandStar: true, nameItems: true, extra }, () => {
      this.#scope = projection.bindings
    })
    if (query !== undefined) query.returned ??= projection.bindings
  }

  /** The variables a projection binds, and whether it has grouping keys (or does not aggregate). */
  #projection(body: CypherRule): { bindings: Bindings; groups: boolean } {
    const items = this.#childOfRule(body, 'returnItems') as CypherRule
    const bindings: Bindings = new Map()
    let aggregates = false
    let groups = false
    for (const item of items.children) {
      if (isToken(item, '*')) {
        for (const [name, binding] of this.#scope) bindings.set(name, binding)
        groups = true
      } else if (this.#rule(item) === 'returnItem') {
        const [expression, , alias] = (item as CypherRule).children as CypherRule[]
        const referenced = this.#scope.get(nameOf(expression as CypherRule))
        const bare = referenced !== undefined && this.#isVariable(expression as CypherRule)
        bindings.set(nameOf(alias ?? (expression as CypherRule)), bare ? referenced : 'value')
        if (this.#aggregates(expression as CypherRule)) aggregates = true
        else groups = true
      }
    }
    return { bindings, groups: groups || !aggregates }
  }

  /** Prints `[DISTINCT] <items>[, <extra>]`, then `then()`, then ORDER BY, SKIP and LIMIT. */
  #returnBody(body: CypherRule, items: { expandStar: boolean; nameItems: boolean; extra: string | undefined }, then: () => void): void {
    for (const child of body.children) {
      if (this.#rule(child) !== 'returnItems') {
        this.#node(child)
        continue
      }
      const printed: Array<() => void> = []
      for (const item of (child as CypherRule).children) {
        if (isToken(item, '*') && items.expandStar) {
          const names = [...this.#scope.keys()].filter((name) => !name.startsWith(RESERVED_PREFIX)).sort()
          for (const name of names) printed.push(() => this.#out.push(printedName(name)))
        } else if (!isToken(item, ',')) {
          printed.push(() => {
            this.#node(item)
            const expression = (item as CypherRule).children
            if (items.nameItems && expression.length === 1 && !this.#isVariable(expression[0] as CypherTree))
              this.#out.push('AS', printedName(this.#sourceOf(item)))
          })
        }
      }
      if (printed.length === 0) throw refused('RETURN * has no variables to return')
      printed.forEach((print, index) => {
        if (index > 0) this.#out.push(',')
        print()
      })
      if (items.extra !== undefined) this.#out.push(',', items.extra)
      then()
    }
  }

  /**
   * A CALL subquery sees the variables it imports (a scope clause, or a first WITH of plain
   * variables), and imports the guard keys in scope too; after it, its returned variables and
   * its own guard key join the scope.
   */
  #call(node: CypherRule): void {
    const outer = this.#scope
    const guardKeys = [...outer].filter(([, binding]) => binding === 'guard').map(([name]) => name)
    const scopeClause = this.#childOfRule(node, 'subqueryScope')
    const query: QueryFrame = scopeClause === undefined ? { guardKey: this.#freshVariable(), importsFrom: outer } : { guardKey: this.#freshVariable() }
    let inner: Bindings = new Map()
    for (const child of node.children) {
      if (child === scopeClause) {
        inner = this.#subqueryScope(scopeClause, outer, guardKeys)
      } else if (this.#rule(child) === 'queryWithLocalDefinitions') {
        this.#scope = inner
        this.#queries.push(query)
        try {
          this.#node(child)
        } finally {
          this.#queries.pop()
        }
      } else {
        this.#node(child)
      }
    }
    this.#scope = new Map(outer)
    if (query.returned === undefined) return
    for (const [name, binding] of query.returned) this.#scope.set(name, binding)
    this.#scope.set(query.guardKey as string, 'guard')
  }

  /** `(a, b)` or `(*)`: prints it with the guard keys added, and returns what the subquery sees. */
  #subqueryScope(node: CypherRule, outer: Bindings, guardKeys: readonly string[]): Bindings {
    if (node.children.some((child) => isToken(child, '*'))) {
      this.#children(node)
      return new Map(outer)
    }
    const imported: Bindings = new Map()
    const names: string[] = []
    for (const child of node.children) {
      if (this.#rule(child) !== 'variable') continue
      const name = nameOf(child as CypherRule)
      imported.set(name, outer.get(name) ?? 'value')
      names.push(textOf(child))
      if (name.startsWith(RESERVED_PREFIX)) throw refused(`names starting with ${RESERVED_PREFIX} are reserved (${name})`)
    }
    for (const key of guardKeys) {
      if (imported.has(key)) continue
      imported.set(key, 'guard')
      names.push(key)
    }
    this.#out.push('(', names.join(', '), ')')
    return imported
  }

  /** An importing WITH (plain variables or `*`, nothing else) at the start of a CALL subquery. */
  #isImportingWith(node: CypherRule): boolean {
    const body = node.children[1] as CypherRule
    if (node.children.length > 2 || body.children.length !== 1) return false
    return (body.children[0] as CypherRule).children.every(
      (item) => isTerminal(item) || (this.#isVariable((item as CypherRule).children[0] as CypherRule) && (item as CypherRule).children.length === 1),
    )
  }

  #importingWith(node: CypherRule, outer: Bindings): void {
    const items = ((node.children[1] as CypherRule).children[0] as CypherRule).children
    if (items.some((item) => isToken(item, '*'))) {
      this.#scope = new Map(outer)
      return this.#children(node)
    }
    this.#scope = new Map()
    this.#children(node)
    for (const item of items) {
      if (isTerminal(item)) continue
      const name = nameOf(item as CypherRule)
      this.#scope.set(name, outer.get(name) ?? 'value')
    }
    for (const [name, binding] of outer) {
      if (binding !== 'guard' || this.#scope.has(name)) continue
      this.#out.push(',', name)
      this.#scope.set(name, 'guard')
    }
  }

  /** An EXISTS, COUNT or COLLECT subquery sees every variable bound around it. */
  #subqueryExpression(node: CypherRule): void {
    const scope = this.#scope
    const patterns = this.#patterns
    this.#scope = new Map([...scope, ...patterns.flatMap((pattern) => [...pattern])])
    this.#patterns = []
    this.#queries.push({})
    try {
      this.#children(node)
    } finally {
      this.#queries.pop()
      this.#scope = scope
      this.#patterns = patterns
    }
  }

  /** Whether a subtree is made of literals and parameters only (a list or map of them included). */
  #isConstant(node: CypherTree): boolean {
    if (isTerminal(node)) return true
    const rule = this.#ruleNames[node.ruleIndex] ?? ''
    // The chain of expression rules down to a literal has one child per level; an operator adds more.
    if (/^(expression\d*|comparisonExpression6)$/.test(rule)) return node.children.length === 1 && this.#isConstant(node.children[0] as CypherTree)
    return CONSTANT_RULES.has(rule) && node.children.every((child) => this.#isConstant(child))
  }

  /** The query text a subtree was parsed from. */
  #sourceOf(node: CypherTree): string {
    const first = (tree: CypherTree): CypherTerminal => (isTerminal(tree) ? tree : first(tree.children[0] as CypherTree))
    const last = (tree: CypherTree): CypherTerminal => (isTerminal(tree) ? tree : last(tree.children.at(-1) as CypherTree))
    return this.#query.slice(first(node).symbol.start, last(node).symbol.stop + 1)
  }

  /** Whether an expression is nothing but a variable. */
  #isVariable(expression: CypherTree): boolean {
    let node = expression
    while (!isTerminal(node) && node.children.length === 1) {
      if (this.#rule(node) === 'variable') return true
      node = node.children[0] as CypherTree
    }
    return !isTerminal(node) && this.#rule(node) === 'variable'
  }

  /** Whether an expression aggregates (subqueries aggregate on their own rows). */
  #aggregates(node: CypherTree): boolean {
    if (isTerminal(node)) return false
    switch (this.#ruleNames[node.ruleIndex]) {
      case 'countStar':
        return true
      case 'functionInvocation':
        if (isAggregatingFunction(textOf(node.children[0] as CypherRule))) return true
        break
      case 'existsExpression':
      case 'countExpression':
      case 'collectExpression':
      case 'patternComprehension':
        return false
    }
    return node.children.some((child) => this.#aggregates(child))
  }
}

// Grammar rules of literals, parameters and the names inside them.
const CONSTANT_RULES = new Set([
  'map',
  'literal',
  'numberLiteral',
  'stringLiteral',
  'signedIntegerLiteral',
  'listLiteral',
  'parameter',
  'parameterName',
  'propertyKeyName',
  'symbolicNameString',
  'escapedSymbolicNameString',
  'unescapedSymbolicNameString',
  'unescapedSymbolicNameString_',
])

function isToken(node: CypherTree | undefined, text: string): boolean {
  return node !== undefined && isTerminal(node) && node.symbol.text?.toUpperCase() === text
}

/** The text of a subtree's tokens, without spaces (a name, a dotted function name). */
function textOf(node: CypherTree): string {
  if (isTerminal(node)) return node.symbol.text ?? ''
  return node.children.map(textOf).join('')
}

/** A variable's name: its text without the backticks that may quote it. */
function nameOf(node: CypherRule): string {
  const text = textOf(node)
  return text.startsWith('`') && text.endsWith('`') ? text.slice(1, -1).replaceAll('``', '`') : text
}

/** A name as Cypher text, quoted when it is not a plain identifier. */
function printedName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replaceAll('`', '``')}\``
}
