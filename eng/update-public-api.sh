#!/usr/bin/env bash
# Adds every symbol that the PublicApiAnalyzers report as undeclared (RS0016) to PublicAPI.Unshipped.txt,
# and drops the ones reported as removed (RS0017). Review the diff: it is the public API change.
# Only diagnostics of the project itself count (a project's build also prints its references' errors), and a
# file is rewritten only when something changed.
set -euo pipefail
cd "$(dirname "$0")/.."
for proj in src/*/; do
  name=$(basename "$proj")
  out=$(dotnet build "$proj" --no-incremental 2>&1 | grep -F "/$name.csproj]" || true)
  file="$proj/PublicAPI.Unshipped.txt"
  added=$(echo "$out" | grep -oP "error RS0016: Symbol '\K.*(?=' is not part of the declared public API)" | LC_ALL=C sort -u || true)
  removed=$(echo "$out" | grep -oP "error RS0017: Symbol '\K.*(?=' is part of the declared API, but is either not public or could not be found)" | LC_ALL=C sort -u || true)
  if [[ -n "$added" || -n "$removed" ]]; then
    [[ -n "$added" ]] && echo "$added" >> "$file"
    if [[ -n "$removed" ]]; then
      while IFS= read -r sym; do
        grep -vxF -- "$sym" "$file" > "$file.tmp" || true; mv "$file.tmp" "$file"
      done <<< "$removed"
    fi
    { echo '#nullable enable'; grep -v '^#nullable enable$' "$file" | LC_ALL=C sort -u; } > "$file.tmp" && mv "$file.tmp" "$file"
  fi
  echo "$name: $(($(wc -l < "$file") - 1)) unshipped symbols"
done
