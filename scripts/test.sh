#!/usr/bin/env bash
# `npm test`: everything the tests need, then the tests. On a fresh Debian machine this
# installs the missing system packages when it may (root or passwordless sudo), otherwise it
# stops at once with the exact command to run. Then: PostgreSQL started (store suites and
# the deployed target), the site and the Vercel build output built, Vitest, Playwright.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- system packages -------------------------------------------------------------------
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
{ command -v pdftoppm && command -v pdftotext && command -v pdfsig; } >/dev/null || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing+=(fonts-noto-cjk)
command -v unzip >/dev/null || missing+=(unzip)
command -v openssl >/dev/null || missing+=(openssl)
if [ -z "${DATABASE_URL:-}" ] && ! command -v pg_lsclusters >/dev/null; then missing+=(postgresql); fi
if [ ${#missing[@]} -gt 0 ]; then
  cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo"; else
    echo "测试需要这些系统软件包：${missing[*]}" >&2
    echo "请先运行：sudo apt-get update && sudo $cmd" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive $cmd -qq >/dev/null
fi

# --- PostgreSQL ------------------------------------------------------------------------
# The store suites also run on PostgreSQL, and the deployed target needs it. A database of
# its own per run for the end-to-end tests, dropped afterwards, so no run sees another's rows.
if [ -z "${DATABASE_URL:-}" ]; then
  # Bounded, so a server that fails to start cannot stall the whole run.
  DATABASE_URL="$(timeout 180 bash scripts/postgres.sh)"
  export DATABASE_URL
fi
e2e_db="handover_e2e_$(date +%s)_$$"
psql "$DATABASE_URL" -qc "CREATE DATABASE $e2e_db" >/dev/null
export E2E_DATABASE_URL="${DATABASE_URL%/*}/$e2e_db"
trap 'psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS $e2e_db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT

# --- build once: the static site (dist/) and the Vercel build output (.vercel/output/) --
npm run --silent build:vercel

# --- the tests -------------------------------------------------------------------------
npx vitest run
E2E_PREBUILT=1 npx playwright test
