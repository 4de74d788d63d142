#!/usr/bin/env bash
# The unit tests against the LOWEST versions the peer dependency ranges allow (the low end of what
# package.json promises a consumer), on whatever `node` is first on PATH (CI: the machine's Node 20).
#
# Works on a scratch copy of the repository (tracked and untracked-but-not-ignored files), so the
# checkout's node_modules and package-lock.json stay as they are: there the devDependencies pin the
# newest SDK. The lowest versions are derived from the peerDependencies ranges (semver.minVersion), so
# they cannot drift from what package.json claims. Usage: bash scripts/unit-lowest.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ecr-pipeline-lowest.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

cd "$repo"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$scratch" 2>/dev/null || {
  # Files deleted in the work tree but still in the index: copy what exists.
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && cp --parents -- "$f" "$scratch"; done
}

cd "$scratch"
# "@pulumi/pulumi@3.248.0 @pulumi/aws@7.48.0 …": the minimum of each peer range (semver is a dependency
# of @pulumi/pulumi, so it is in the checkout's node_modules).
lowest=$(node -e '
  const semver = require(process.argv[1] + "/node_modules/semver");
  const peers = require("./package.json").peerDependencies;
  console.log(Object.entries(peers).map(([name, range]) => name + "@" + semver.minVersion(range).version).join(" "));
' "$repo")
echo "unit tests on node $(node --version) with the lowest peer versions: $lowest"
for spec in $lowest; do npm pkg set "devDependencies.${spec%@*}=${spec##*@}"; done
# `npm install` (not ci): the lock pins the newest SDK, the pins above replace it.
npm install --no-audit --no-fund --loglevel=error

# The pinned versions at the top level, and one copy of the SDK in the whole tree (a second copy would
# mean some package brought its own and the tests could be running against it).
for spec in $lowest; do
  name=${spec%@*} version=${spec##*@}
  have=$(node -p "require('$name/package.json').version")
  [ "$have" = "$version" ] || { echo "expected $name@$version at the top level, got $have" >&2; exit 1; }
done
copies=$(find "$PWD/node_modules" -path '*/node_modules/@pulumi/pulumi/package.json' | wc -l)
[ "$copies" = 1 ] || { echo "expected one copy of @pulumi/pulumi, found $copies" >&2; npm ls @pulumi/pulumi --all >&2; exit 1; }
npm ls @pulumi/pulumi @pulumi/aws @pulumi/docker-build

npm run test:unit
