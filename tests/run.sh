#!/usr/bin/env bash
# Every test: the fast ones (no I/O, tests/Microservices.UnitTests), then the integration tests against a real
# DynamoDB Local and RabbitMQ nodes that they start themselves. Both write TestResults/*.trx; both run even if the
# first fails, and the exit code is the first failure's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/shared/prerequisites.sh"
cd "$root"
rm -rf TestResults
dotnet build Microservices.sln -c Release -warnaserror --nologo -v quiet
status=0
for project in tests/Microservices.UnitTests tests/Microservices.Tests; do
  rc=0
  dotnet test --project "$project" -c Release --no-build \
    --results-directory "$root/TestResults" --report-xunit-trx "$@" || rc=$?
  [ "$status" -ne 0 ] || status=$rc
done
exit "$status"
