import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts Neo4j and Weaviate once per run unless NEO4J_URI / WEAVIATE_URL name running ones.
    globalSetup: ['test/setup/services.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // .only left in a commit must fail CI rather than silently skip the rest.
    allowOnly: !process.env.CI,
    pool: 'forks',
  },
})
