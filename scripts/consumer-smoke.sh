#!/usr/bin/env bash
# Consumer smoke test: the package as a user gets it, in a project of their own.
#
# `npm run build` + `npm pack`, then a scratch Pulumi project OUTSIDE the repository that installs the
# tarball with the newest SDK by running the README's install lines (between `<!-- install` and
# `<!-- /install -->`, with `ecr-pipeline` replaced by the tarball): no devDependencies of ours, no tsx,
# no TypeScript loader of ours. Then test/fixtures/consumer/smoke.js runs the consumer's program under
# the consumer's own mocks, in JavaScript and in TypeScript (through the loader Pulumi registers), for
# `up` and `preview`, and host-check.js runs the serialized size-estimate provider as Pulumi's
# dynamic-provider host would. Needs Node 22+ (the newest SDK's engines). Usage: bash scripts/consumer-smoke.sh
# (KEEP_SCRATCH=1 keeps the scratch project and prints its path).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ecr-pipeline-consumer.XXXXXX")
case "$scratch/" in "$repo"/*) echo "scratch project $scratch is inside the repository" >&2; exit 1 ;; esac
if [ "${KEEP_SCRATCH:-}" = 1 ]; then echo "scratch project: $scratch"; else trap 'rm -rf "$scratch"' EXIT; fi

cd "$repo"
npm run build --silent
tarball="$scratch/$(npm pack --silent --pack-destination "$scratch" | tail -n 1)"
echo "packed $(basename "$tarball"): $(tar -tzf "$tarball" | wc -l) files"
# schema/: the JSON Schemas of the cost documents, shipped for readers of costJson (docs/REVIEW.md).
if tar -tzf "$tarball" | grep -Ev '^package/(package\.json|README\.md|dist/components/.*\.(js|d\.ts)|schema/[^/]+\.schema\.json)$'; then
  echo "unexpected files in the tarball (above)" >&2
  exit 1
fi

project="$scratch/project"
mkdir -p "$project"
cp -r test/fixtures/consumer/. "$project/"
install_lines=$(sed -n '/^<!-- install/,/^<!-- \/install -->/p' README.md | sed -n '/^npm /p')
[ -n "$install_lines" ] || { echo "no install lines between <!-- install and <!-- /install --> in README.md" >&2; exit 1; }

cd "$project"
cat >package.json <<'EOF'
{ "name": "ecr-pipeline-consumer-smoke", "version": "1.0.0", "private": true, "main": "program.ts" }
EOF
while IFS= read -r line; do
  line=${line%%#*}                                   # drop the README's trailing comment
  line=$(sed -E "s#(^| )ecr-pipeline( |$)#\\1$tarball\\2#" <<<"$line")
  echo "+ $line"
  eval "$line --no-audit --no-fund"
done <<<"$install_lines"

echo "--- npm ls @pulumi/pulumi (one version in the whole tree)"
npm ls @pulumi/pulumi @pulumi/aws @pulumi/docker-build --all
versions=$(npm ls @pulumi/pulumi --all --json | node -e '
  const tree = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const found = new Set();
  const walk = (deps) => Object.entries(deps ?? {}).forEach(([name, dep]) => {
    if (name === "@pulumi/pulumi") found.add(dep.version);
    walk(dep.dependencies);
  });
  walk(tree.dependencies);
  console.log([...found].join(" "));
')
copies=$(find "$project/node_modules" -path '*/node_modules/@pulumi/pulumi/package.json' | wc -l)
if [ "$(wc -w <<<"$versions")" != 1 ] || [ "$copies" != 1 ]; then
  echo "expected one @pulumi/pulumi, found versions [$versions] in $copies copies" >&2
  exit 1
fi
echo "one @pulumi/pulumi: $versions"
for provider in @pulumi/aws @pulumi/docker-build; do
  n=$(find "$project/node_modules" -path "*/node_modules/$provider/package.json" | wc -l)
  [ "$n" = 1 ] || { echo "expected one $provider, found $n copies" >&2; exit 1; }
done
for dev in tsx ts-node mocha eslint fast-check; do
  if [ -e "node_modules/$dev" ]; then echo "node_modules/$dev is installed in the consumer" >&2; exit 1; fi
done

# As a dev dependency of ours would, a loader in the environment would hide what a consumer sees.
unset NODE_OPTIONS
for mode in up preview; do
  node smoke.js js "$mode"
  PULUMI_NODEJS_TYPESCRIPT=true node smoke.js ts "$mode"
done
node host-check.js
echo "consumer smoke test passed (node $(node --version), @pulumi/pulumi $versions)"
