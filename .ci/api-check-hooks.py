"""Schemathesis hooks of .ci/api-check.sh: a batch body (application/x-ndjson, spec [API-014]) is
text, sent as schemathesis sends text/plain."""

import schemathesis

schemathesis.serializer.alias("application/x-ndjson", "text/plain")
