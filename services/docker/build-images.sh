#!/usr/bin/env bash
# Builds the images docker-compose.yml names, for a Docker engine that cannot pull them: a Debian
# bookworm base from Debian's own archive (debootstrap), then Neo4j and Weaviate on it from the
# same artifacts Engram's local services run (built first if not cached). Each image carries a hash
# of everything that went into it and is rebuilt only when that changes; an image of that name
# without the hash (the official one, pulled from a registry) is left as it is and used.
# Needs root (debootstrap), docker and debootstrap; honours DOCKER_HOST.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="${root}/services/docker"
cd "${root}"

BASE_IMAGE=engram-local/debian:bookworm
HASH_LABEL=engram.content-hash
# The names docker-compose.yml uses (and test/setup/services.ts reads from it).
NEO4J_IMAGE=$(sed -n 's/^ *image: *\(neo4j:[^ ]*\) *$/\1/p' docker-compose.yml)
WEAVIATE_IMAGE=$(sed -n 's/^ *image: *\([^ ]*weaviate:[^ ]*\) *$/\1/p' docker-compose.yml)

log() { echo "== [images] $*"; }

# The hash an image was built from: empty when there is no such image, "foreign" when it has none.
image_hash() {
  docker image inspect "$1" > /dev/null 2>&1 || return 0
  local hash
  hash=$(docker image inspect --format "{{ index .Config.Labels \"${HASH_LABEL}\" }}" "$1")
  case "${hash}" in "" | "<no value>") echo foreign ;; *) echo "${hash}" ;; esac
}

# True when the image needs (re)building for this hash; says why it is kept otherwise.
needs_build() {
  local image="$1" hash="$2" have
  have=$(image_hash "${image}")
  if [ "${have}" = "${hash}" ]; then log "${image} is current (${hash:0:12})"; return 1; fi
  if [ "${have}" = "foreign" ]; then log "${image} exists without a build hash (pulled from a registry): used as it is"; return 1; fi
  return 0
}

# The Debian mirror apt already uses for bookworm, so that debootstrap reaches what apt-get does.
mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null | awk '$2 == "bookworm" { print $1; exit }')
mirror=${mirror:-http://deb.debian.org/debian/}

eval "$(npx --no-install tsx "${here}/artifacts.ts")"
work=$(mktemp -d /var/tmp/engram-images.XXXXXX)
trap 'rm -rf "${work}"' EXIT

# The base's recipe is the few lines below; the version at the end changes when they do.
base_hash=$(printf 'debootstrap --variant=minbase bookworm %s; no apt caches; CMD bash; 1\n' "${mirror}" | sha256sum | cut -d' ' -f1)
if needs_build "${BASE_IMAGE}" "${base_hash}"; then
  started=$(date +%s)
  debootstrap --variant=minbase bookworm "${work}/rootfs" "${mirror}" > "${work}/debootstrap.log" 2>&1 || { tail -20 "${work}/debootstrap.log"; exit 1; }
  rm -rf "${work}/rootfs/var/cache/apt/archives/"*.deb "${work}/rootfs/var/lib/apt/lists/"*
  tar -C "${work}/rootfs" -c . | docker import --change "LABEL ${HASH_LABEL}=${base_hash}" --change 'CMD ["bash"]' - "${BASE_IMAGE}" > /dev/null
  rm -rf "${work}/rootfs"
  log "${BASE_IMAGE} built in $(( $(date +%s) - started ))s from ${mirror}"
fi

# BuildKit: the legacy builder snapshots the whole file system for every Dockerfile line, which on
# the vfs storage driver is a full copy each time (5 min instead of 40 s for the Neo4j image). The
# docker.io client has BuildKit built in; newer clients have it through the buildx plugin.
if docker buildx version > /dev/null 2>&1; then
  builder=(docker build)
elif [ -x /usr/bin/docker ] && DOCKER_BUILDKIT=1 /usr/bin/docker build --help > /dev/null 2>&1; then
  builder=(env DOCKER_BUILDKIT=1 /usr/bin/docker build)
else
  builder=(env DOCKER_BUILDKIT=0 docker build)
fi

# Builds one image from its folder here plus the extra files given, labelled with their hash.
build() {
  local image="$1" folder="$2" context="${work}/$2" hash started
  shift 2
  mkdir -p "${context}"
  cp -r "${here}/${folder}/." "${context}/"
  cp -r "$@" "${context}/"
  hash=$( (echo "${base_hash}"; cd "${context}" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1)
  if needs_build "${image}" "${hash}"; then
    started=$(date +%s)
    "${builder[@]}" --quiet --label "${HASH_LABEL}=${hash}" --build-arg "BASE_IMAGE=${BASE_IMAGE}" -t "${image}" "${context}" > /dev/null
    log "${image} built in $(( $(date +%s) - started ))s"
  fi
  rm -rf "${context}"
}

build "${NEO4J_IMAGE}" neo4j "${NEO4J_LIB}"
build "${WEAVIATE_IMAGE}" weaviate "${WEAVIATE_BINARY}"
# What earlier builds of these images left untagged.
docker image prune --force --filter "label=${HASH_LABEL}" > /dev/null
