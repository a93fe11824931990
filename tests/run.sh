#!/usr/bin/env bash
# Every test, against a real DynamoDB Local that the tests start themselves. Results: TestResults/*.trx
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/shared/prerequisites.sh"
cd "$root"
rm -rf TestResults
dotnet build Microservices.sln -c Release -warnaserror --nologo -v quiet
dotnet test --project tests/Microservices.Tests -c Release --no-build \
  --results-directory "$root/TestResults" --report-xunit-trx "$@"
