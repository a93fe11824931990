#!/usr/bin/env bash
# The benchmark suite of issue 11 (not part of tests/run.sh): starts DynamoDB Local (and, for benchmark 6, a private
# RabbitMQ node) itself, warms up, and writes docs/benchmarks.md and docs/benchmarks/*.png.
#   bash tests/bench.sh --quick          # a few minutes, small sizes
#   bash tests/bench.sh                  # the full run
#   bash tests/bench.sh --only 1 3       # some benchmarks only (--skip 6 leaves the soak out)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/shared/prerequisites.sh"
cd "$root"
dotnet build Microservices.sln -c Release -warnaserror --nologo -v quiet
exec dotnet run -c Release --no-build --project tests/Microservices.Benchmarks -- "$@"
