/*
 * Prints the two things the local images are made of, building them first if they are not cached
 * yet, exactly as Engram's local services do: the Neo4j launcher's folder (its lib/ holds Neo4j's
 * jars) and the Weaviate server binary. Run by build-images.sh with tsx.
 */
import { defaultCacheDir } from '../../src/services/local-services.js'
import { ensureNeo4jLauncher } from '../../src/services/neo4j-service.js'
import { ensureWeaviateBinary } from '../../src/services/weaviate-service.js'

const cacheDir = defaultCacheDir()
const [neo4j, weaviate] = await Promise.all([ensureNeo4jLauncher({ cacheDir }), ensureWeaviateBinary({ cacheDir })])
console.log(`NEO4J_LIB=${neo4j}/lib`)
console.log(`WEAVIATE_BINARY=${weaviate}`)
