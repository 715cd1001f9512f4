# Sourced by ./postee, ./run-tests and .ci/run: points JAVA_HOME at a JDK >= 21.
# Order: $JAVA_HOME if it is recent enough, then `java` on PATH, then JDKs under /usr/lib/jvm.

postee_java_major() { # prints the feature version of the java binary given, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

postee_find_java_home() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
                   $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV) \
                   $(ls -d /opt/java/*/ /opt/jdk*/ 2>/dev/null | sort -rV); do
    candidate="${candidate%/}"
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(postee_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(postee_find_java_home); then
  echo "postee: no JDK 21 or newer found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm, /opt)." >&2
  echo "postee: install one (e.g. 'apt-get install openjdk-21-jdk-headless') or set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
