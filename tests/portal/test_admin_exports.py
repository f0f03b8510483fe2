"""Every admin export and import asks the model's own permission, for every staff role.

The test walks every ModelAdmin registered with a django-import-export mixin and, for each staff
role and a staff account without a role, opens and POSTs its export and import URLs (and the
"export selected" action of the change list). Whoever lacks ``<app>.export_<model>`` /
``<app>.import_<model>`` gets 403 (or no action) and no file; whoever has it gets exactly the rows
the admin's own list shows that role (drafts of advisory cases, for instance, never).
"""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from import_export.admin import ExportActionMixin, ExportMixin, ImportMixin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm

from advisory.models import AdvisoryRequest
from portal import roles
from portal.models import AuditLogEntry
from tests.advisory.conftest import CaseBuilder
from tests.advisory.factories import jst_member
from tests.clients import SignedInClient
from tests.events.factories import EventFactory, PostulateFactory, RegistrationFactory
from tests.factories import RoleUserFactory
from tests.partners.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NO_ROLE = "staff without a role"
ROLES = [*roles.STAFF_ROLES, NO_ROLE]


def _import_export_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, (ExportMixin, ImportMixin))
    ]


def _world():
    builder = CaseBuilder()
    builder.at(AdvisoryRequest.Status.SUBMITTED)
    builder.at(AdvisoryRequest.Status.SCHEDULED)
    builder.draft(requester=jst_member())  # a draft: never in the admin's list, never exported
    RegistrationFactory(event=EventFactory())
    PostulateFactory()
    OrganisationFactory(is_verified=True)


def _user(role):
    return RoleUserFactory(role=None if role == NO_ROLE else role)


def _export_post_data(model_admin) -> dict:
    formats = model_admin.get_export_formats()
    csv_index = next(i for i, f in enumerate(formats) if issubclass(f, base_formats.CSV))
    resource = model_admin.get_export_resource_classes(RequestFactory().get("/"))[0]
    data = {"format": str(csv_index), "resource": "0"}
    for field in resource().get_export_order():
        data[SelectableFieldsExportForm.create_boolean_field_name(resource, field)] = "on"
    return data


def _visible_count(model_admin, user) -> int:
    request = RequestFactory().get("/")
    request.user = user
    return model_admin.get_queryset(request).count()


def test_every_import_export_admin_is_walked():
    """The walk below covers the admins that exported to any staff account before."""
    models = {model._meta.label for model, _admin in _import_export_admins()}
    assert {"advisory.AdvisoryRequest", "events.Registration", "events.Postulate"} <= models
    assert "partners.Organisation" in models


@pytest.mark.parametrize("role", ROLES)
def test_exports_and_imports_ask_the_models_own_permission(role):
    _world()
    user = _user(role)
    client = SignedInClient()
    client.force_login(user)
    checked = 0
    for model, model_admin in _import_export_admins():
        opts = model._meta
        info = (opts.app_label, opts.model_name)
        label = opts.label
        if isinstance(model_admin, ExportMixin):
            may_export = user.has_perm(f"{opts.app_label}.export_{opts.model_name}")
            url = reverse("admin:{}_{}_export".format(*info))
            audits_before = AuditLogEntry.objects.count()
            get = client.get(url)
            post = client.post(url, _export_post_data(model_admin))
            if not may_export:
                assert get.status_code == 403, (label, role, get.status_code)
                assert post.status_code == 403, (label, role, post.status_code)
                assert "attachment" not in post.get("Content-Disposition", "")
                assert AuditLogEntry.objects.count() == audits_before, (label, role)
            else:
                assert get.status_code == 200, (label, role, get.status_code)
                assert post.status_code == 200, (label, role, post.status_code)
                assert "attachment" in post["Content-Disposition"], (label, role)
                rows = list(csv.reader(io.StringIO(post.content.decode("utf-8-sig"))))[1:]
                assert len(rows) == _visible_count(model_admin, user), (label, role)
            # The "export selected" action of the change list: only with the same permission.
            first = model_admin.get_queryset(_request_for(user)).first()
            if (
                isinstance(model_admin, ExportActionMixin)
                and first is not None
                and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
            ):
                response = client.post(
                    reverse("admin:{}_{}_changelist".format(*info)),
                    {"action": "export_admin_action", "_selected_action": [first.pk]},
                )
                if may_export:
                    assert response.status_code == 200, (label, role)
                    assert b"export_items" in response.content, (label, role)
                else:
                    # Refused (403), or the action is unknown and the list comes back unchanged.
                    assert response.status_code in (200, 302, 403), (label, role)
                    assert b"export_items" not in response.content, (label, role)
                    assert "attachment" not in response.get("Content-Disposition", "")
            checked += 1
        if isinstance(model_admin, ImportMixin):
            may_import = user.has_perm(f"{opts.app_label}.import_{opts.model_name}")
            url = reverse("admin:{}_{}_import".format(*info))
            process = reverse("admin:{}_{}_process_import".format(*info))
            count_before = model._default_manager.count()
            for response in (
                client.get(url),
                client.post(url, {"format": "0", "resource": "0"}),
                client.post(process, {"format": "0", "import_file_name": "x.csv"}),
            ):
                if may_import:
                    assert response.status_code != 403, (label, role)
                else:
                    assert response.status_code == 403, (label, role, response.status_code)
            assert model._default_manager.count() == count_before
            checked += 1
    assert checked >= 4


def _request_for(user):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return request


def test_roles_that_exported_before_still_do():
    """Advisory officers and reporting export cases; coordinators their registrations and postulates."""
    expected = {
        roles.ROPS_ADMINISTRATOR: {
            "advisory.export_advisoryrequest",
            "events.export_registration",
            "events.export_postulate",
            "partners.export_organisation",
            "partners.import_organisation",
        },
        roles.ADVISORY_OFFICER: {"advisory.export_advisoryrequest"},
        roles.REPORTING: {"advisory.export_advisoryrequest", "events.export_postulate"},
        roles.EVENTS_COORDINATOR: {"events.export_registration", "events.export_postulate"},
        roles.REGISTRY_EDITOR: {"partners.export_organisation", "partners.import_organisation"},
    }
    for role, permissions in expected.items():
        user = _user(role)
        for permission in permissions:
            assert user.has_perm(permission), (role, permission)
    nobody = _user(NO_ROLE)
    for permissions in expected.values():
        assert not any(nobody.has_perm(permission) for permission in permissions)


def test_exports_beyond_the_accounts_limit_get_a_message_not_a_file(settings):
    settings.BACKGROUND_JOB_LIMIT = 2
    _world()
    user = _user(roles.ROPS_ADMINISTRATOR)
    client = SignedInClient()
    client.force_login(user)
    for model_label, action in (
        ("advisory.AdvisoryRequest", "advisory.advisoryrequest.export"),
        ("events.Registration", "events.registration.export"),
        ("partners.Organisation", "partners.organisation.export"),
    ):
        model_admin = next(a for m, a in _import_export_admins() if m._meta.label == model_label)
        opts = model_admin.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
        data = _export_post_data(model_admin)
        for _ in range(2):
            assert "attachment" in client.post(url, data).get("Content-Disposition", "")
        refused = client.post(url, data, follow=True)
        assert "attachment" not in refused.get("Content-Disposition", "")
        assert "Prosimy poczekać" in refused.content.decode(), model_label
        assert AuditLogEntry.objects.filter(actor=user, action=action).count() == 2
