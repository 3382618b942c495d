#!/usr/bin/env bash
# Runs the Python tests of the Spark jobs (spark-templates/tests) with pytest on the local Spark +
# Iceberg runtime, installing it first when missing. Extra arguments go to pytest.
# Usage: bash scripts/spark-test.sh [pytest arguments]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/spark-runtime.sh"
# shellcheck source=scripts/spark-env.sh
source "$root/scripts/spark-env.sh"
cd "$root/spark-templates"
exec python -m pytest -p no:cacheprovider tests "$@"
