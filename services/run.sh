#!/usr/bin/env bash
# The whole system in one process on its embedded default: DynamoDB Local, the tables, the Catalog API and its
# worker (on the in-memory bus), seeded with a few authors and books. Set DynamoDb__ServiceUrl to use another DynamoDB
# instead, and Messaging__Transport=RabbitMq (with Messaging__Host...) to use a RabbitMQ broker.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/shared/prerequisites.sh"
exec dotnet run --project "$root/services/AppHost" -c Release -- "$@"
