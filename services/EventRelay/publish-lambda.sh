#!/usr/bin/env bash
# The event relay as an AWS Lambda function of the custom runtime provided.al2023: a self-contained linux-x64
# Release publish into artifacts/relay-lambda/ (what the CDK stack's relayLambdaAsset points at), with the
# executable `bootstrap` Lambda runs from /var/task. Started by Lambda (AWS_LAMBDA_RUNTIME_API set), the relay takes
# its batches from the Lambda Runtime API instead of reading the stream (shared/Microservices.Streams/README.md).
# The build's own bin/obj go under artifacts/relay-lambda-build/, so the checkout's Release build is left alone.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/artifacts/relay-lambda"
rm -rf "$out"
# provided.al2023 has no ICU: invariant globalization (the relay formats nothing by culture).
dotnet publish "$root/services/EventRelay/EventRelay.csproj" -c Release -r linux-x64 --self-contained true \
  --artifacts-path "$root/artifacts/relay-lambda-build" -o "$out" --nologo -v quiet \
  -p:InvariantGlobalization=true "$@"
cat > "$out/bootstrap" <<'BOOTSTRAP'
#!/bin/sh
# Lambda's entry point for a custom runtime: the relay, from its own directory (its content root, appsettings.json).
cd "$(dirname "$0")"
exec ./EventRelay "$@"
BOOTSTRAP
chmod 755 "$out/bootstrap" "$out/EventRelay"
echo "$out: $(du -sh "$out" | cut -f1), bootstrap -> EventRelay"
