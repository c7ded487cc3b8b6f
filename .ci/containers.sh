#!/usr/bin/env bash
# The container part of CI: the ways users run Engram's tests in containers, for real.
#  1. A Docker engine: the one that answers, or Debian's docker.io installed (when missing) and
#     started here with the vfs storage driver on a socket of its own, stopped again at the end.
#  2. The images docker-compose.yml names, built locally once per machine (services/docker/).
#  3. The testcontainers path of test/setup/services.ts (ENGRAM_SERVICES=containers), through the
#     contract subset below, the container kill test and the recipe of docs/containers.md.
#  4. `docker-compose up` with docker-compose.yml, waiting on its health checks, the same subset
#     against it (ENGRAM_SERVICES=env), then `docker-compose down -v`.
#  5. On exit, whatever happened: nothing the run created may outlive it. Containers, networks and
#     volumes are compared with what was there before; leftovers are removed and fail the run.
# Needs root. Run from .ci/run after the main suite (which builds dist/ and the services' cache).
set -euo pipefail
cd "$(dirname "$0")/.."

export CI=true
# Ryuk, testcontainers' reaper, is an image that cannot be pulled here; testcontainers documents
# this switch for that case. The tests stop their own containers, and step 5 checks that they did.
export TESTCONTAINERS_RYUK_DISABLED=true
# Test traffic stays on loopback: without this, testcontainers may hand out the bridge gateway
# (172.17.0.1) as the containers' host when it thinks it runs inside a container itself.
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
# The Neo4j and Weaviate contract suites: every store operation, filter and fault rule of the two
# server backends. The Memory-level and reliability suites stay with the main run.
CONTRACT_SUBSET=(test/contract/graph-store.contract.test.ts test/contract/vector-store.contract.test.ts)
COMPOSE_PROJECT=engram-ci

log() { echo "== [containers] $*"; }
seconds() { echo $(( $(date +%s) - $1 )); }
part_start=$(date +%s)

# --- 1. The engine ---------------------------------------------------------------------------
started_engine=""
engine_dir=/run/engram-ci-docker
stop_engine() {
  [ -n "${started_engine}" ] || return 0
  log "stopping the engine started here (pid ${started_engine})"
  kill "${started_engine}" 2>/dev/null || true
  for _ in $(seq 60); do kill -0 "${started_engine}" 2>/dev/null || break; sleep 0.5; done
  started_engine=""
}

if ! docker info > /dev/null 2>&1; then
  missing=()
  command -v dockerd > /dev/null || missing+=(docker.io)
  command -v debootstrap > /dev/null || missing+=(debootstrap)
  command -v docker-compose > /dev/null || missing+=(docker-compose)
  if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
    log "installed ${missing[*]} in $(seconds "${part_start}")s"
  fi
  # A socket of its own: the main suite and other users of the machine never meet this engine.
  mkdir -p "${engine_dir}"
  export DOCKER_HOST="unix://${engine_dir}/docker.sock"
  dockerd --storage-driver=vfs --host "${DOCKER_HOST}" --pidfile "${engine_dir}/dockerd.pid" \
    --exec-root "${engine_dir}/exec" > "${engine_dir}/dockerd.log" 2>&1 &
  started_engine=$!
  trap stop_engine EXIT
  for _ in $(seq 60); do docker info > /dev/null 2>&1 && break; sleep 0.5; done
  docker info > /dev/null 2>&1 || { tail -20 "${engine_dir}/dockerd.log"; log "the engine did not start"; exit 1; }
  log "engine started in $(seconds "${part_start}")s"
else
  log "using the running engine ($(docker info --format '{{.ServerVersion}}'))"
  for tool in debootstrap docker-compose; do
    command -v "${tool}" > /dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${tool}" > /dev/null; }
  done
fi

# What exists before the run, so that only what the run leaves behind counts in step 5.
inventory() {
  { docker ps -aq --no-trunc; docker network ls -q --no-trunc; docker volume ls -q; } | sort
}
before=$(inventory)
leftovers_check() {
  local left
  left=$(comm -13 <(echo "${before}") <(inventory))
  [ -z "${left}" ] && { log "nothing outlived the run"; return 0; }
  log "left behind by the run (removed now):"
  docker ps -a --filter "label=org.testcontainers=true" --filter "label=com.docker.compose.project=${COMPOSE_PROJECT}" || true
  echo "${left}"
  for id in ${left}; do docker rm -fv "${id}" > /dev/null 2>&1 || docker network rm "${id}" > /dev/null 2>&1 || docker volume rm -f "${id}" > /dev/null 2>&1 || true; done
  return 1
}
compose() { docker-compose --project-name "${COMPOSE_PROJECT}" --file docker-compose.yml "$@"; }
# On every exit, passed or failed: the compose project down, leftovers checked, the engine stopped.
cleanup() {
  local status=$?
  compose down --volumes --remove-orphans > /dev/null 2>&1 || true
  leftovers_check || status=1
  stop_engine
  log "container part ended in $(seconds "${part_start}")s"
  exit "${status}"
}
trap cleanup EXIT

# --- 2. Images -------------------------------------------------------------------------------
step=$(date +%s)
services/docker/build-images.sh
log "images ready in $(seconds "${step}")s"

# --- 3. testcontainers -----------------------------------------------------------------------
step=$(date +%s)
ENGRAM_SERVICES=containers ENGRAM_BACKENDS=neo4j,weaviate npx vitest run "${CONTRACT_SUBSET[@]}" \
  test/containers/container-kill.test.ts test/containers/recipe.test.ts
log "testcontainers path passed in $(seconds "${step}")s"

# --- 4. docker-compose -----------------------------------------------------------------------
step=$(date +%s)
compose up --detach --quiet-pull
# docker-compose 1.x has no --wait: poll each service's health check.
for service in neo4j weaviate; do
  container=$(compose ps -q "${service}")
  for _ in $(seq 180); do
    health=$(docker inspect --format '{{.State.Health.Status}}' "${container}")
    [ "${health}" = healthy ] && break
    [ "${health}" = unhealthy ] && break
    sleep 1
  done
  if [ "${health}" != healthy ]; then compose logs --tail 40 "${service}"; log "${service} is ${health}"; exit 1; fi
done
log "docker-compose services healthy in $(seconds "${step}")s"
NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_USERNAME=neo4j NEO4J_PASSWORD=engram-dev \
  WEAVIATE_URL=http://127.0.0.1:8080 WEAVIATE_GRPC_PORT=50051 \
  ENGRAM_SERVICES=env ENGRAM_BACKENDS=neo4j,weaviate npx vitest run "${CONTRACT_SUBSET[@]}"
compose down --volumes --remove-orphans
log "docker-compose path passed in $(seconds "${step}")s"
