#!/usr/bin/env bash
# Consumer smoke test: the package as a user gets it, in a project of their own.
#
# `npm pack` (its `prepack` script builds dist/ from scratch), then a scratch Pulumi project OUTSIDE the
# repository that installs the tarball with the newest SDK by running the README's install lines (step 2
# of "Install in your own Pulumi program", between `<!-- install` and `<!-- /install -->`, with
# /path/to/ecr-pipeline/ where the tarball is): no devDependencies of ours, no tsx, no TypeScript loader
# of ours. Then test/fixtures/consumer/smoke.js runs the consumer's program under the consumer's own
# mocks, in JavaScript and in TypeScript (through the loader Pulumi registers), for `up` and `preview`;
# host-check.js runs the serialized size-estimate provider as Pulumi's dynamic-provider host would; the
# package's bin (`npx ecr-pipeline-cost-review`) reads the consumer's stack outputs; and the subpaths
# package.json exports resolve. Needs Node 22+ (the newest SDK's engines).
# Usage: bash scripts/consumer-smoke.sh (KEEP_SCRATCH=1 keeps the scratch project and prints its path).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ecr-pipeline-consumer.XXXXXX")
case "$scratch/" in "$repo"/*) echo "scratch project $scratch is inside the repository" >&2; exit 1 ;; esac
if [ "${KEEP_SCRATCH:-}" = 1 ]; then echo "scratch project: $scratch"; else trap 'rm -rf "$scratch"' EXIT; fi

cd "$repo"
tarball="$scratch/$(npm pack --silent --pack-destination "$scratch" | tail -n 1)"
listing=$(tar -tzf "$tarball")
echo "packed $(basename "$tarball"): $(wc -l <<<"$listing") files, $(du -k "$tarball" | cut -f1) KiB"
# schema/: the JSON Schemas of the cost documents, shipped for readers of costJson (docs/REVIEW.md).
# docs/: the pages and images the README links to (test/package.test.ts checks every link resolves).
if grep -Ev '^package/(package\.json|README\.md|LICENSE|dist/components/.*\.(js|d\.ts)|schema/[^/]+\.schema\.json|docs/[^/]+\.(md|png))$' <<<"$listing"; then
  echo "unexpected files in the tarball (above)" >&2
  exit 1
fi
for expected in package/dist/components/index.js package/dist/components/index.d.ts package/docs/REVIEW.md package/LICENSE; do
  grep -qx "$expected" <<<"$listing" || { echo "$expected is not in the tarball" >&2; exit 1; }
done

project="$scratch/project"
mkdir -p "$project"
cp -r test/fixtures/consumer/. "$project/"
# The README's step 2, every line of it: /path/to/ecr-pipeline/ is where `npm pack` wrote the tarball, and
# the tarball's name there must be the one `npm pack` makes (a version bump must update the README).
install_lines=$(sed -n '/^<!-- install/,/^<!-- \/install -->/p' README.md | sed -E '/^(<!--|```|$)/d')
[ -n "$install_lines" ] || { echo "no install lines between <!-- install and <!-- /install --> in README.md" >&2; exit 1; }
named=$(grep -oE 'ecr-pipeline-[^ /]*\.tgz' <<<"$install_lines" | sort -u)
[ "$named" = "$(basename "$tarball")" ] ||
  { echo "README.md's install lines name [$named], npm pack made $(basename "$tarball")" >&2; exit 1; }

cd "$project"
cat >package.json <<'EOF'
{ "name": "ecr-pipeline-consumer-smoke", "version": "1.0.0", "private": true, "main": "program.ts" }
EOF
while IFS= read -r line; do
  line=${line%%#*}                                   # drop the README's trailing comment
  line=${line//\/path\/to\/ecr-pipeline\//$scratch/}
  case "$line" in npm\ *) line="$line --no-audit --no-fund" ;; esac
  echo "+ $line"
  eval "$line"
done <<<"$install_lines"
[ -f "vendor/$(basename "$tarball")" ] || { echo "the install lines left no vendor/$(basename "$tarball")" >&2; exit 1; }
node -e '
  const spec = require("./package.json").dependencies["ecr-pipeline"];
  if (spec !== "file:vendor/" + process.argv[1]) throw new Error("package.json records ecr-pipeline as " + spec);
  console.log("package.json: ecr-pipeline " + spec);
' "$(basename "$tarball")"

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

# The bin, as the README's "Cost review in pull requests" runs it, on what `pulumi stack output --json`
# would print for the consumer's stack (smoke.js wrote it), and the subpaths package.json exports.
echo "+ npx --no-install ecr-pipeline-cost-review --help"
usage=$(npx --no-install ecr-pipeline-cost-review --help)
grep -q '^usage: ecr-pipeline-cost-review' <<<"$usage" || { echo "ecr-pipeline-cost-review --help printed no usage" >&2; exit 1; }
npx --no-install ecr-pipeline-cost-review --strict --format text dev=outputs-js-up.json
npx --no-install ecr-pipeline-cost-review --strict --format json dev=outputs-js-up.json >review.json
node -e '
  const review = JSON.parse(require("fs").readFileSync("review.json", "utf8"));
  const schema = require("ecr-pipeline/schema/cost-review.v1.schema.json");
  if (review.kind !== "ecr-pipeline/cost-review" || review.totals.pipelines !== 1 || review.notReported.length !== 0) {
    throw new Error("expected a cost review of one pipeline: " + JSON.stringify(review).slice(0, 300));
  }
  require("ecr-pipeline/schema/cost.v1.schema.json");
  const { version } = require("ecr-pipeline/package.json");
  console.log(`cost review of ${review.totals.pipelines} pipeline: status ${review.status}; schema ${schema.$id} and package.json ${version} resolve through exports`);
'
echo "consumer smoke test passed (node $(node --version), @pulumi/pulumi $versions)"
