"""A live catalogue on the complete demo data for the accessibility tests: tools, guidance and trainings, plus what
``flask catalogue demo`` adds in development (agencies, their points of contact, the demo accounts, requests)."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from sqlalchemy import select

from catalogue.admin import demo as accounts_demo
from catalogue.contact.demo import load_demo_requests
from catalogue.extensions import db
from catalogue.models import ContactRequest, GuidancePage, Tool, ToolUsage, Training, User
from tests.browser import serve_demo_copy

MEMBER, CURATOR = "member@demo.example", "curator@demo.example"
PASSWORD = accounts_demo.DEMO_PASSWORD


@dataclass(frozen=True)
class Sample:
    """Demo records the pages are opened on."""

    tool: str  # published, used by an agency other than the demo member's
    tool_name: str
    compared: tuple[str, ...]
    guidance: str
    training: str
    agency: str  # uses ``tool`` and has a point of contact
    thread: int  # an accepted request the demo member sent
    entry: int
    curator_secret: str

    def secret_of(self, account: str) -> str | None:
        """The TOTP secret to sign in as a demo account with (``tests.browser.sign_in``): only the curator has one."""
        return self.curator_secret if account == CURATOR else None


def load_demo_people() -> None:
    from catalogue.trainings.demo import enrol_demo_accounts

    accounts_demo.load_agencies()
    accounts_demo.create_accounts()
    enrol_demo_accounts()
    load_demo_requests()


def serve_demo_people(tmp_path_factory, demo_data_dir, name: str):
    """Yields the served app with ``app.base`` and ``app.sample``; the demo curator gets a second factor."""
    for app in serve_demo_copy(tmp_path_factory, demo_data_dir, name):
        with app.app_context():
            load_demo_people()
            curator = db.session.scalar(select(User).filter_by(email=CURATOR))
            curator.mfa_secret = pyotp.random_base32()
            member = db.session.scalar(select(User).filter_by(email=MEMBER))
            usage = db.session.scalars(select(ToolUsage).join(Tool).where(
                Tool.status == "published", ToolUsage.agency_id != member.agency_id).order_by(Tool.name)).first()
            published = select(Tool.slug).where(Tool.status == "published").order_by(Tool.name).limit(3)
            thread = select(ContactRequest.id).where(ContactRequest.sender_id == member.id,
                                                     ContactRequest.state == "accepted").order_by(ContactRequest.id)
            app.sample = Sample(
                tool=usage.tool.slug,
                tool_name=usage.tool.name,
                compared=tuple(db.session.scalars(published)),
                guidance=db.session.scalars(select(GuidancePage.slug).where(GuidancePage.status == "published")
                                            .order_by(GuidancePage.slug)).first(),
                training=db.session.scalars(select(Training.slug).where(Training.status == "published")
                                            .order_by(Training.starts_at.desc())).first(),
                agency=usage.agency.slug,
                thread=db.session.scalars(thread).first(),
                entry=usage.tool.id,
                curator_secret=curator.mfa_secret,
            )
            db.session.commit()
        yield app
