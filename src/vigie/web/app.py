"""The FastAPI application: built from an `Environment`, never at import, so tests and `vigie serve` share it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from vigie import __version__
from vigie.access.signin import SignInGuard
from vigie.accounts import Accounts
from vigie.audit import open_journal
from vigie.consent import ConsentService, ProofWriter
from vigie.environment import Environment
from vigie.retention import DailySweep
from vigie.web import access_log, csrf, direct, docs_ui, errors, headers, openapi
from vigie.web.deps import PublicPages
from vigie.web.limits import BodyLimit
from vigie.web.policy_view import policy_page
from vigie.web.query import strict_query
from vigie.web.register_documents import RegisterDocuments
from vigie.web.routes import (
    access_api,
    accounts,
    audit_api,
    consent_api,
    cookies,
    health,
    pages,
    password_api,
    register_api,
    rights_api,
)
from vigie.web.templating import STATIC_DIR

DESCRIPTION = """
Service de protection des données personnelles de l'Assurance Maladie.

Le **registre des traitements** décrit, pour chaque traitement, ses finalités, sa base légale, les données
traitées par type de personne concernée, ses destinataires, ses durées de conservation et ses mentions
d'information. Il est publié ici en lecture seule ; la politique de protection des données est rendue à
partir de lui à l'adresse `/politique-de-confidentialite`.

Les erreurs suivent la RFC 9457 (`application/problem+json`) : `type`, `title`, `status`, `detail`, `instance`,
et `errors` pour situer chaque paramètre refusé. Un paramètre répété ou inconnu est refusé (400). Les listes
sont paginées par un curseur opaque (`next_cursor`). Les réponses du registre portent un `ETag` : renvoyez-le
dans `If-None-Match` pour recevoir un 304 tant que le registre n'a pas changé.
"""

TAGS = [
    {"name": "registre", "description": "Le registre des traitements, en lecture seule."},
    {"name": "accès", "description": "Décisions et lectures de données personnelles, tracées, pour les agents."},
    {"name": "droits", "description": "Les demandes d'exercice des droits des personnes, pour les DPO."},
    {"name": "journal", "description": "Le journal d'audit : vérification, dernières entrées, preuves."},
    {"name": "consentement", "description": "Les preuves des choix de cookies des visiteurs, pour le DPO."},
    {"name": "service", "description": "L'état du service, pour la supervision."},
    {"name": "comptes", "description": "Les comptes en ligne : avis sur un mot de passe envisagé."},
]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the daily retention sweep; when the service stops, journal the pending sign-in failure counts, then
    flush and stop the consent and audit writers."""
    daily = DailySweep(app.state.env, app.state.journal)
    if app.state.env.settings.retention_sweep_hour >= 0:
        daily.start()
    yield
    daily.stop()
    app.state.signin.flush(everything=True)
    app.state.consent.writer.close()
    app.state.journal.close()


def create_app(env: Environment) -> FastAPI:
    """The web application over `env`; the policy page and the register's answers are prepared once, the
    register being immutable."""
    app = FastAPI(
        lifespan=_lifespan,
        title="vigie — protection des données personnelles",
        description=DESCRIPTION,
        version=__version__,
        openapi_tags=TAGS,
        docs_url=None,  # FastAPI's would load Swagger UI from a CDN: served by `docs_ui` instead
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        dependencies=[Depends(strict_query)],
        generate_unique_id_function=openapi.operation_id,
    )
    app.state.env = env
    app.state.journal = open_journal(env.engine, env.keyring, env.settings.audit_writer)
    app.state.signin = SignInGuard(env, app.state.journal)
    app.state.accounts = Accounts(env, app.state.journal, app.state.signin)
    app.state.consent = ConsentService(env, ProofWriter(env.engine))
    app.state.policy_page = policy_page(env.register)
    app.state.public_pages = PublicPages.of(app.state.policy_page)
    app.state.register_documents = RegisterDocuments.of(env.register)
    csrf.install(app, env.keyring, trust_forwarded_proto=env.settings.trust_forwarded_proto)
    errors.install(app)
    openapi.install(app)
    routers = [
        access_api.router,  # first: the busiest route (audited reads) is matched before the others are tried
        docs_ui.router,
        pages.router,
        accounts.router,
        cookies.router,
        register_api.router,
        health.router,
        audit_api.router,
        password_api.router,
        consent_api.router,
        rights_api.router,
    ]
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    direct.install(app, [cookies.CHOICE_ROUTE])  # inside the body limit
    app.add_middleware(BodyLimit)
    access_log.install([app.router, *routers])
    headers.wrap(app, trust_forwarded_proto=env.settings.trust_forwarded_proto)
    return app
