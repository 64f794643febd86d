#!/usr/bin/env bash
# Builds the test harness that matches EventBridge event patterns with event-ruler, AWS's own
# matching engine (test/event-ruler/harness: one Java class and its pom). `mvn package` compiles it
# into target/classes and copies event-ruler and Jackson into target/lib; test/event-ruler/event-ruler.ts
# runs it. Needs `java`, `javac` (JDK 17 or later) and `mvn` on PATH; Maven fetches from Maven Central
# into ~/.m2 (about 10 s the first time).
# Idempotent: a stamp holding the hash of the pom and the sources skips Maven when nothing changed,
# so every unit test run can call it.
set -euo pipefail
cd "$(dirname "$0")/../test/event-ruler/harness"

stamp=target/.sources.sha256

# sha256sum on Linux, shasum on macOS.
hash_of_sources() {
  local sum=sha256sum
  command -v sha256sum > /dev/null || sum="shasum -a 256"
  { echo pom.xml; find src -type f | LC_ALL=C sort; } | while read -r file; do
    echo "$file $($sum "$file" | cut -d' ' -f1)"
  done | $sum | cut -d' ' -f1
}

for tool in java javac mvn; do
  if ! command -v "$tool" > /dev/null; then
    echo "setup-event-ruler: '$tool' is not on PATH: the event pattern tests need a JDK (17 or later) and Maven" >&2
    exit 1
  fi
done

sources=$(hash_of_sources)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$sources" && -d target/classes && -d target/lib ]]; then
  echo "setup-event-ruler: the harness is up to date"
  exit 0
fi

# The stamp goes only after Maven succeeded, so an interrupted build is redone next time; a
# clean build leaves no class of a removed source behind.
rm -rf target
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! mvn -B -q package > "$log" 2>&1; then
  echo "setup-event-ruler: mvn package failed in test/event-ruler/harness:" >&2
  cat "$log" >&2
  exit 1
fi
echo "$sources" > "$stamp"
echo "setup-event-ruler: built the harness in test/event-ruler/harness/target"
