"""A report's whole life through a client generated from GET /api/v1/openapi.json by
openapi-python-client, a generator nobody here wrote (scripts/api-contract generates it and
runs this): a device registers, uploads a photo and reports litter by the citadel; the
operations centre starts work, uploads its after-photo and resolves it; the citizen rates
the outcome; the public sees the outcome and the rating, and nobody's identity.

    python client_flow.py BASE_URL ADMIN_USERNAME ADMIN_PASSWORD

Every answer is parsed by the generated models: a field the document gets wrong fails here.
"""

import datetime
import hashlib
import io
import sys
import uuid

from PIL import Image

from civic_api_client import AuthenticatedClient, Client
from civic_api_client.api.citizen import get_report, rate_report, register_device, submit_report, upload_photo
from civic_api_client.api.officials import change_status, inbox, login
from civic_api_client.api.public import get_public_report
from civic_api_client.models import (
    ChangeStatus,
    Login,
    PhotoStored,
    PublicReport,
    Rate,
    RegisterDevice,
    ReportReceipt,
    ReportView,
    Session,
    SubmitReport,
)
from civic_api_client.types import File

CITADEL = (16.4698, 107.5786)


def expect(answer, model, what):
    if not isinstance(answer, model):
        raise SystemExit(f"client flow: {what} answered {answer!r}, not a {model.__name__}")
    return answer


def photo(seed):
    """A small JPEG, different for each seed."""
    image = Image.new("RGB", (640, 480), (40 * seed % 256, 120, 90))
    for x in range(0, 640, 16):
        image.putpixel((x, (x * seed) % 480), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def upload(client, data):
    name = hashlib.sha256(data).hexdigest()
    stored = upload_photo.sync(name, client=client, body=File(payload=io.BytesIO(data), mime_type="application/octet-stream"))
    return expect(stored, PhotoStored, "uploading a photo").hash_


def fix(lat, lon):
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    return {"lat": lat, "lon": lon, "accuracy_m": 6.0, "source": "gps", "fixed_at": now}


def main(base, username, password):
    anyone = Client(base_url=base, raise_on_unexpected_status=True)
    device = register_device.sync(client=anyone, body=RegisterDevice(platform="contract-client"))
    citizen = AuthenticatedClient(base_url=base, token=device.token, raise_on_unexpected_status=True)

    report_id = str(uuid.uuid4())
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    body = SubmitReport.from_dict(
        {
            "id": report_id,
            "category": "litter",
            "location": fix(*CITADEL),
            "description": "Rác đổ trên vỉa hè đường Lê Duẩn",
            "answers": {"amount": {"type": "choice", "value": "bag"}},
            "photos": [upload(citizen, photo(1))],
            "captured_at": now,
        }
    )
    receipt = expect(submit_report.sync(client=citizen, body=body, idempotency_key=str(uuid.uuid4())), ReportReceipt, "reporting")
    print(f"client flow: reported {receipt.public_number}, routed to {receipt.unit}")

    session = expect(login.sync(client=anyone, body=Login(username=username, password=password)), Session, "signing in")
    official = AuthenticatedClient(base_url=base, token=session.token, raise_on_unexpected_status=True)
    work = inbox.sync(client=official)
    if report_id not in [str(item.id) for item in work.items]:
        raise SystemExit(f"client flow: {receipt.public_number} is not in the operations centre's inbox")
    moved = change_status.sync(report_id, client=official, body=ChangeStatus.from_dict({"to": "in_progress", "note": "Đội vệ sinh đang đến"}))
    expect(moved, ReportView, "starting work")
    after = upload(official, photo(2))
    done = ChangeStatus.from_dict(
        {"to": "resolved", "note": "Đã thu gom sạch", "photo": after, "photo_location": fix(CITADEL[0] + 0.0002, CITADEL[1])}
    )
    resolved = expect(change_status.sync(report_id, client=official, body=done), ReportView, "resolving")
    print(f"client flow: {resolved.status.value} by the operations centre")

    mine = expect(get_report.sync(report_id, client=citizen), ReportView, "the citizen reading the report")
    if mine.status.value != "resolved":
        raise SystemExit(f"client flow: the citizen sees {mine.status.value}, not resolved")
    rated = rate_report.sync(report_id, client=citizen, body=Rate(stars=5, comment="Nhanh!"), idempotency_key=str(uuid.uuid4()))
    expect(rated, ReportView, "rating")

    public = expect(get_public_report.sync(receipt.public_number, client=anyone), PublicReport, "the public report")
    if public.status.value != "resolved" or public.rating != 5:
        raise SystemExit(f"client flow: the public sees {public.status.value} rated {public.rating!r}")
    seen = str(public.to_dict())
    for private in (device.token, device.device_id, username):
        if private in seen:
            raise SystemExit("client flow: the public report shows who reported or answered it")
    print(f"client flow: the public sees {receipt.public_number} resolved, rated {public.rating}★")


if __name__ == "__main__":
    main(*sys.argv[1:4])
