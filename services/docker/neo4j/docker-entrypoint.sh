#!/bin/bash
# The parts of the official image's entrypoint that a user's configuration reaches: NEO4J_AUTH
# ("none", or "neo4j/<password>" set as the initial password on the first start) and NEO4J_<setting>
# variables written into neo4j.conf ("_" stands for ".", "__" for "_"), then the server in the
# foreground. Any other command runs as given.
set -euo pipefail

CLASSPATH="${NEO4J_HOME}/lib/*"
CONF_DIR="${NEO4J_HOME}/conf"
export NEO4J_CONF="${CONF_DIR}"

if [ "${1:-}" != "neo4j" ]; then exec "$@"; fi

conf="${CONF_DIR}/neo4j.conf"
set_setting() {
  # Drops the setting's existing line, then appends the new one.
  awk -v key="$1=" 'index($0, key) != 1' "${conf}" > "${conf}.new"
  mv "${conf}.new" "${conf}"
  printf '%s=%s\n' "$1" "$2" >> "${conf}"
}

for variable in $(compgen -e); do
  case "${variable}" in
    NEO4J_AUTH | NEO4J_HOME | NEO4J_CONF | NEO4J_EDITION | NEO4J_ACCEPT_LICENSE_AGREEMENT) continue ;;
    NEO4J_*) ;;
    *) continue ;;
  esac
  setting=$(printf '%s' "${variable#NEO4J_}" | sed -e 's/__/\x00/g' -e 's/_/./g' -e 's/\x00/_/g')
  set_setting "${setting}" "${!variable}"
done

case "${NEO4J_AUTH:-}" in
  none)
    set_setting dbms.security.auth_enabled false
    ;;
  neo4j/*)
    password="${NEO4J_AUTH#neo4j/}"
    if [ "${#password}" -lt 8 ]; then
      echo >&2 "Invalid value for password. The minimum password length is 8 characters. If Neo4j fails to start, you can:"
      echo >&2 "1) Use a stronger password."
      exit 1
    fi
    # Like the official image: only the first start of an empty /data sets the password.
    if [ ! -d /data/dbms ] || [ -z "$(ls -A /data/dbms 2>/dev/null)" ]; then
      java -cp "${CLASSPATH}" org.neo4j.cli.AdminTool dbms set-initial-password "${password}" >/dev/null
    fi
    ;;
  "") ;;
  *)
    echo >&2 "Invalid value for NEO4J_AUTH: '${NEO4J_AUTH}'. Use none or neo4j/<password>."
    exit 1
    ;;
esac

# What the distribution's `neo4j console` runs: it reads neo4j.conf for the JVM's heap and options
# and starts the server in the foreground.
exec java -cp "${CLASSPATH}" org.neo4j.server.startup.Neo4jCommand console
