/** What the parsing thread answers for one query. */
export type ParseReply =
  /** The parse tree as plain data: `{ruleIndex, children}` and `{symbol: {type, text, start, stop}}`. */
  | { tree: unknown }
  /** Where and what the syntax error is: `line 1, column 8: …`. */
  | { syntaxError: string }
  /** The parser ran out of stack. */
  | { tooDeep: string }
  | { failure: string }

/** The thread's first message: the grammar's rule names once loaded, or why it could not load. */
export type WorkerReply = { ruleNames: string[] } | { failure: string }

/**
 * The program of the parsing thread (cypher-parser.ts), run with `eval` so that it is the same in
 * the sources, the ESM and the CJS build. `workerData` holds the file URLs of antlr4ng and of the
 * generated lexer and parser. Each message is one query; the answer is a {@link ParseReply}.
 *
 * ANTLR's two-stage parse: the fast SLL mode parses almost every query correctly and fails rather
 * than misparse; only then does the exact (and several times slower) LL mode decide. The first
 * syntax error stops a parse: a tree the parser had to repair could say something other than
 * what the server would run.
 */
export const PARSE_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
Promise.all([import(workerData.antlr), import(workerData.lexer), import(workerData.parser)]).then(
  ([antlr, { CypherCmdLexer }, { CypherCmdParser }]) => {
    const failOnError = {
      syntaxError: (_recognizer, _symbol, line, column, message) => {
        throw { syntaxError: 'line ' + line + ', column ' + (column + 1) + ': ' + message }
      },
      reportAmbiguity: () => undefined,
      reportAttemptingFullContext: () => undefined,
      reportContextSensitivity: () => undefined,
    }
    const parse = (query, predictionMode) => {
      const lexer = new CypherCmdLexer(antlr.CharStream.fromString(query))
      lexer.removeErrorListeners()
      lexer.addErrorListener(failOnError)
      const parser = new CypherCmdParser(new antlr.CommonTokenStream(lexer))
      parser.removeErrorListeners()
      parser.addErrorListener(failOnError)
      parser.interpreter.predictionMode = predictionMode
      return parser.statementsOrCommands()
    }
    const plain = (node) =>
      node.symbol !== undefined
        ? { symbol: { type: node.symbol.type, text: node.symbol.text, start: node.symbol.start, stop: node.symbol.stop } }
        : { ruleIndex: node.ruleIndex, children: (node.children ?? []).map(plain) }
    parentPort.on('message', (query) => {
      let reply
      try {
        let tree
        try {
          tree = parse(query, antlr.PredictionMode.SLL)
        } catch {
          tree = parse(query, antlr.PredictionMode.LL)
        }
        reply = { tree: plain(tree) }
      } catch (error) {
        if (error !== null && typeof error === 'object' && 'syntaxError' in error) reply = error
        else if (error instanceof RangeError) reply = { tooDeep: error.message }
        else reply = { failure: String(error) }
      }
      parentPort.postMessage(reply)
    })
    parentPort.postMessage({ ruleNames: [...CypherCmdParser.ruleNames] })
  },
  (error) => parentPort.postMessage({ failure: String((error && error.stack) || error) }),
)
`
