/**
 * What a confined query may contain, as rules of Neo4j's Cypher grammar (Cypher25Parser.g4 in
 * `@neo4j-cypher/language-support`). An allowlist, so that a construct this file does not name —
 * a new clause in a later grammar included — is refused rather than passed through unconfined.
 * Reading clauses, projections, subqueries and expressions are here; what reaches data without a
 * pattern (procedures, LOAD CSV, other graphs, commands) or writes is not.
 */
const ALLOWED_RULES = new Set([
  // statement structure
  'statementsOrCommands',
  'statementOrCommand',
  'preparsedStatement',
  'statement',
  'queryWithLocalDefinitions',
  'nextStatement',
  'regularQuery',
  'union',
  'singleQuery',
  'clause',
  'endOfFile',
  // reading and projecting clauses
  'matchClause',
  'matchMode',
  'whereClause',
  'withClause',
  'returnClause',
  'returnBody',
  'returnItems',
  'returnItem',
  'orderBy',
  'orderItem',
  'ascToken',
  'descToken',
  'skip',
  'limit',
  'orderBySkipLimitClause',
  'finishClause',
  'unwindClause',
  'forListClause',
  'letClause',
  'letItem',
  'filterClause',
  'subqueryClause',
  'subqueryScope',
  // patterns (every node and relationship pattern is rewritten, see confine-cypher.ts)
  'patternList',
  'pattern',
  'anonymousPattern',
  'patternElement',
  'pathPatternPrefix',
  'pathMode',
  'pathToken',
  'groupToken',
  'nonNegativeIntegerSpecification',
  'quantifier',
  'parenthesizedPath',
  'pathPatternNonEmpty',
  'nodePattern',
  'relationshipPattern',
  'leftArrow',
  'arrowLine',
  'rightArrow',
  'properties',
  'labelExpression',
  'labelExpression4',
  'labelExpression3',
  'labelExpression2',
  'labelExpression1',
  'nodeLabels',
  'nodeLabelsIs',
  'labelType',
  'relType',
  'labelOrRelType',
  // expressions
  'expression',
  'expression11',
  'expression10',
  'expression9',
  'expression8',
  'expression7',
  'comparisonExpression6',
  'normalForm',
  'expression6',
  'expression5',
  'expression4',
  'expression3',
  'expression2',
  'expression1',
  'postFix',
  'property',
  'dynamicProperty',
  'literal',
  'caseExpression',
  'caseAlternative',
  'extendedCaseExpression',
  'extendedCaseAlternative',
  'extendedWhen',
  'listComprehension',
  'patternComprehension',
  'reduceExpression',
  'listItemsPredicate',
  'normalizeFunction',
  'trimFunction',
  'patternExpression',
  'parenthesizedExpression',
  'mapProjection',
  'mapProjectionElement',
  'countStar',
  'existsExpression',
  'propertyExistsPredicate',
  'countExpression',
  'collectExpression',
  'numberLiteral',
  'signedIntegerLiteral',
  'listLiteral',
  'stringLiteral',
  'map',
  'propertyKeyName',
  'parameter',
  'parameterName',
  'functionInvocation',
  'functionArgument',
  'functionName',
  'namespace',
  'variable',
  'type',
  'typePart',
  'typeName',
  'typeNullability',
  'typeListSuffix',
  'symbolicVariableNameString',
  'escapedSymbolicVariableNameString',
  'unescapedSymbolicVariableNameString',
  'symbolicNameString',
  'escapedSymbolicNameString',
  'unescapedSymbolicNameString',
  'unescapedSymbolicNameString_',
])

// Neo4j evaluates a dynamic label or type in the pattern itself, and allows it nowhere else in a
// read, so it cannot be moved behind the scope test: an error it raises could fire on another
// scope's element.
const DYNAMIC_LABELS = 'dynamic labels and types ($(…)) are not supported; compare labels(n) or type(r) in WHERE instead'

// Why the constructs people reach for are refused; anything else outside the allowlist gets a generic reason.
const REFUSALS: Readonly<Record<string, string>> = {
  callClause: 'procedure calls (CALL db.…, apoc.…) read outside the scope',
  loadCSVClause: 'LOAD CSV reads outside the graph',
  useClause: 'USE selects another graph',
  graphReference: 'USE selects another graph',
  createClause: 'it is read-only (CREATE)',
  insertClause: 'it is read-only (INSERT)',
  mergeClause: 'it is read-only (MERGE)',
  setClause: 'it is read-only (SET)',
  removeClause: 'it is read-only (REMOVE)',
  deleteClause: 'it is read-only (DELETE)',
  foreachClause: 'it is read-only (FOREACH)',
  subqueryInTransactionsParameters: 'it is read-only (CALL … IN TRANSACTIONS)',
  command: 'SHOW and administration commands are not queries of the graph',
  composableCommandClauses: 'SHOW and administration commands are not queries of the graph',
  consoleCommand: 'console commands (:param, :use, …) belong to cypher-shell and Neo4j Browser',
  preparserOption: 'EXPLAIN, PROFILE and CYPHER options are not supported',
  localDefinition: 'DEFINE is not supported',
  hint: 'planner hints (USING …) are not supported',
  pathLength: 'a variable-length relationship ([*], [*1..4]) cannot carry the scope predicate; write a quantified relationship instead, e.g. (a)-[r]->{1,4}(b)',
  dynamicExpression: DYNAMIC_LABELS,
  dynamicAnyAllExpression: DYNAMIC_LABELS,
  dynamicLabelType: DYNAMIC_LABELS,
  when: 'conditional queries (WHEN … THEN …) are not supported',
  shortestPathPattern: 'shortestPath() and allShortestPaths() need a variable-length relationship; write SHORTEST 1 (a)-[r]-{1,4}(b) instead',
}

/** Why a grammar rule is refused in a confined query, or undefined when it is allowed. */
export function refusalOf(rule: string): string | undefined {
  if (ALLOWED_RULES.has(rule)) return undefined
  return REFUSALS[rule] ?? `"${rule}" is not supported`
}

// Namespaces of Neo4j's built-in functions that compute on values only. Functions without a
// namespace are all built-in (Neo4j refuses user-defined functions in the root namespace); any
// other namespace is a plugin (apoc.cypher.run… runs arbitrary Cypher) or reaches other graphs.
const VALUE_FUNCTION_NAMESPACES = new Set(['', 'point', 'date', 'datetime', 'time', 'localtime', 'localdatetime', 'duration', 'vector.similarity'])

/** Whether a function (its full dotted name) may be called in a confined query. */
export function isAllowedFunction(name: string): boolean {
  const dot = name.lastIndexOf('.')
  return VALUE_FUNCTION_NAMESPACES.has(dot === -1 ? '' : name.slice(0, dot).toLowerCase())
}

// Neo4j's aggregating functions: a projection item that calls one is not a grouping key.
const AGGREGATING_FUNCTIONS = new Set(['avg', 'collect', 'count', 'max', 'min', 'percentilecont', 'percentiledisc', 'stdev', 'stdevp', 'sum'])

/** Whether a function (its full dotted name) aggregates rows. */
export function isAggregatingFunction(name: string): boolean {
  return AGGREGATING_FUNCTIONS.has(name.toLowerCase())
}
