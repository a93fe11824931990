#!/usr/bin/env bash
# The whole system through its Aspire app host (services/AppHost): DynamoDB Local and a RabbitMQ node as executables,
# the tables, the three APIs, the event relay and the two workers, each a process of its own, seeded, and the
# dashboard on http://localhost:18888. Arguments go to the app host (e.g. --CatalogPort 6101). Ctrl+C stops it all.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/shared/prerequisites.sh"
# Plain HTTP on this machine's loopback: the dashboard and its telemetry endpoint need no development certificate.
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
exec dotnet run --project "$root/services/AppHost" -c Release -- "$@"
