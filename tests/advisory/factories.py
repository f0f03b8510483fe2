"""Factories of the advisory app."""

import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from advisory.models import AdvisoryTopic, Expert
from tests.factories import UserFactory
from tests.partners.factories import JstFactory, MembershipFactory


class AdvisoryTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvisoryTopic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Temat doradztwa {n}")


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    user = factory.SubFactory(UserFactory)
    full_name = factory.LazyAttribute(
        lambda o: o.user.get_full_name() if o.user else "Ekspert Bez Konta"
    )
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "ekspert@example.org")


def jst_member(**kwargs):
    """Return a user with an approved membership in a new JST."""
    membership = MembershipFactory(
        organisation=kwargs.pop("organisation", None) or JstFactory(), **kwargs
    )
    return membership.user


def pdf_upload(name: str = "uchwala.pdf", size: int = 2000) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n" + b"0" * max(size - 9, 1)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def odt_upload(name: str = "program.odt") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/vnd.oasis.opendocument.text"
    )


def exe_upload(name: str = "program.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
