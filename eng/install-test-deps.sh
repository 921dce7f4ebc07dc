#!/usr/bin/env bash
# Installs the Debian packages the tests need: PostgreSQL (the store's second backend) and python3-jwt (an
# independent JWT verifier). Needs root and apt; the .NET SDK, node/npm and python3 with awscli/boto3 come with
# the machine image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql python3-jwt python3-cryptography >/dev/null
