#!/usr/bin/env bash
# Fetches the real GOV.UK tech-docs handbooks that tests/tech_docs.rs builds,
# at the commits it was checked on, into DIR (one folder per repository):
#
#   tools/tech-docs-corpus.sh /tmp/tech-docs
#   HANDBOOK_TECHDOCS_CORPUS=/tmp/tech-docs HANDBOOK_REQUIRE_TECHDOCS=1 \
#     cargo test --release --test suite tech_docs::
#
# GIT_BASE (default https://github.com) is where the repositories are cloned from.
set -euo pipefail
dir=${1:?usage: tools/tech-docs-corpus.sh DIR}
base=${GIT_BASE:-https://github.com}
mkdir -p "$dir"
while read -r repo commit; do
  name=${repo#*/}
  git init -q "$dir/$name"
  git -C "$dir/$name" fetch -q --depth 1 "$base/$repo" "$commit"
  git -C "$dir/$name" checkout -q --force FETCH_HEAD
  echo "$repo $commit -> $dir/$name"
done <<'LIST'
ministryofjustice/cloud-platform-user-guide 4f449c73522ba40bc8d753120fe7f77fb5e4903a
ministryofjustice/modernisation-platform ed8a7936d0d18f09f9ed74671d4884b3adfdc1aa
alphagov/gds-way 627911cd6b5685654df03c949fabaaa51d8b07c5
alphagov/govuk-developer-docs 972d1b4410ffd165f2f3e889eda30bcf7d1cc6b3
alphagov/tech-docs-gem 8d9a4d170b8eae1c413a67df47e11449c3dc46fa
LIST
