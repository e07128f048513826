"""Schemathesis hooks for Civic's API contract run (scripts/api-contract).

One check of our own: every problem the server answers names its kind (the last segment of
its `type`) in the description of the operation's response for that status, so a client
knows every problem it can meet, and where.

Two things a generic fuzzer cannot know, said here once:

- A client makes a fresh Idempotency-Key for each new request. The fuzzer would otherwise send
  the key from the document's example with every body, and the server rightly answers 422
  `idempotency-key-reused`. Keys the fuzzer makes invalid on purpose are left as they are.
- Some rules cannot be said in JSON Schema: they depend on stored data (a category that exists,
  a report that is closed, a cursor this server gave) or on geometry (a point inside the
  service area). A schema-valid request refused by one of them is not a contract failure when
  the answer is a documented problem of exactly that kind for that operation: RULES lists them.
  Every other rejection of a schema-valid request still fails the run.
"""

import atexit
import collections
import json
import re
import sys
import uuid

import schemathesis

IDEMPOTENCY_KEY = "Idempotency-Key"
VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")

# Problem kinds (the last segment of a problem's `type`) that depend on stored data, on the
# clock or on geometry, so a request the schema allows may still meet them.
STORED = {"not-found", "unknown-category", "unknown-unit", "unknown-area", "unknown-original", "unknown-reference"}
PAGING = {"bad-cursor", "bad-page-token"}
# A photo named by the SHA-256 of bytes the server has (or, when uploading, of these bytes).
PHOTOS = {"photo-missing", "hash-mismatch"}
# Localized texts: Vietnamese is required everywhere, English in some places only.
LOCALIZED = {"missing-field", "too-long"}
WARNING = {"bad-area", "bad-time", "too-many-areas"}
RULES = {
    "GET /api/v1/public/reports": PAGING | {"bad-bbox"},
    "GET /api/v1/reports/mine": PAGING,
    "GET /api/v1/sync": PAGING,
    "GET /api/v1/work/inbox": PAGING,
    "GET /api/v1/alerts/{id}/reports": PAGING,
    "POST /api/v1/alerts": WARNING,
    "PUT /api/v1/alerts/{id}": WARNING,
    # A CAP 1.2 message is XML: its rules are CAP's schema, not JSON Schema.
    "POST /api/v1/alerts/import": {"invalid-cap", "identifier-taken", "no-area", "not-a-warning"},
    "POST /api/v1/campaigns": LOCALIZED | {"bad-area", "bad-time"},
    "PATCH /api/v1/campaigns/{id}": {"bad-time"},
    "POST /api/v1/reply-templates": LOCALIZED,
    "PUT /api/v1/admin/units/{code}": LOCALIZED,
    # Which fields a move needs depends on where it goes (a reason to reject, the original of a
    # duplicate, an after-photo taken near the report to resolve).
    "POST /api/v1/reports/{id}/status": PHOTOS
    | {"reason-required", "note-required", "original-required", "after-photo-required", "after-photo-too-far"},
    # The category's questions (from the catalog), the service area's boundary.
    "POST /api/v1/reports": PHOTOS | {"bad-answer", "outside-service-area", "photo-count", "bad-location"},
    "POST /api/v1/campaigns/{id}/spots": PHOTOS | {"outside-service-area", "bad-location", "not-in-campaign"},
    "POST /api/v1/campaigns/{id}/spots/{spot}/clean": PHOTOS | {"after-photo-too-far"},
    # A token's shape depends on its provider; cells are ids the phone computed.
    "PUT /api/v1/devices/me/push": {"bad-token", "bad-cell", "too-many-cells"},
    "PUT /api/v1/photos/{hash}": PHOTOS | {"photo-unreadable", "photo-empty"},
}


def _problem_kind(response):
    try:
        body = json.loads(response.content)
    except (ValueError, TypeError):
        return None
    kind = body.get("type") if isinstance(body, dict) else None
    return kind.rsplit("/", 1)[-1] if isinstance(kind, str) else None


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers
    if not headers:
        return
    for name, key in list(headers.items()):
        if name.lower() == IDEMPOTENCY_KEY.lower() and isinstance(key, str) and VALID_KEY.match(key):
            headers[name] = str(uuid.uuid4())


ACCEPTED = collections.Counter()


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keeps every failure but a schema-valid request refused by a rule RULES names for it."""
    if failure.code != "ST202":
        return True
    kind = _problem_kind(response)
    if kind in RULES.get(case.operation.label, set()) | STORED:
        ACCEPTED[kind] += 1
        return False
    return True


@atexit.register
def _say_what_was_accepted():
    for kind, count in sorted(ACCEPTED.items()):
        print(f"  rule {kind}: {count} schema-valid requests refused, as documented", file=sys.stderr)


def _documented_answer(case, status):
    answer = case.operation.definition.raw.get("responses", {}).get(str(status))
    reference = answer.get("$ref") if isinstance(answer, dict) else None
    if reference:
        answer = case.operation.schema.raw_schema
        for part in reference.lstrip("#/").split("/"):
            answer = answer.get(part, {})
    return answer if isinstance(answer, dict) else None


@schemathesis.check
def problem_types_documented(ctx, response, case):
    """A problem's kind is named (in backquotes) in the description of its status's answer."""
    if response.status_code < 400:
        return None
    kind = _problem_kind(response)
    answer = _documented_answer(case, response.status_code)
    if kind is None or answer is None:
        return None
    if f"`{kind}`" not in answer.get("description", ""):
        raise AssertionError(
            f"{case.operation.label} answered {response.status_code} `{kind}`, "
            f"which its documented {response.status_code} does not name: {answer.get('description', '')!r}"
        )
    return None
