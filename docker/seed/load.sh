#!/bin/sh
# Loads every transaction Bundle in this directory into the FHIR server (docker/compose.yaml runs
# this once the server is healthy). The Bundles PUT each resource by id, so loading twice is safe.
set -eu

base="${FHIR_BASE_URL:?FHIR_BASE_URL must name the FHIR server base URL}"
response="$(mktemp)"
for bundle in "$(dirname "$0")"/*.json; do
  name="$(basename "$bundle")"
  if ! curl --silent --show-error --fail-with-body --retry 5 --retry-connrefused --retry-delay 2 \
      --request POST --header 'Content-Type: application/fhir+json' \
      --data-binary "@$bundle" --output "$response" "$base"; then
    echo "seed: $name was refused:" >&2
    cat "$response" >&2
    exit 1
  fi
  echo "seed: loaded $name"
done
echo "seed: done"
