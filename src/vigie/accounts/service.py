"""The accounts service: sign-up, sign-in (password, plus TOTP for agents), sessions, sign-out, password
changes and the operator's unlock, each journaled as a connection trace.

What the person hears says no more than they may know: an unknown number, a wrong password and a number
without an account get the same refusal. The delay after 5 failures and the lock at the 10th are told when
they fall, as the Cnil asks (the person must know why they wait); so someone who types 5 wrong passwords for
a number learns that it has an account (ASVS 6.3.8, a level-3 requirement, is not met). Afterwards a locked
account answers a wrong password as any other, and says it is locked only to the right one. The journal
keeps the precise reason, naming the person by pseudonym and the agent by id, with the source address.

Every failure counts twice: on the account (growing delay after 5, lock at 10: `throttle`) and on the
address (the sign-in guard shared with the API's token checks, `vigie.access.signin`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from vigie import vault
from vigie.access.signin import THROTTLED, SignInGuard
from vigie.accounts import passwords, queries, throttle, totp
from vigie.accounts.forms import Credentials, Profile, SignUp
from vigie.accounts.hashing import Hasher
from vigie.accounts.sessions import Session, Sessions
from vigie.agents import load_agent
from vigie.audit import AuditAction, AuditEvent, AuditSink, subject_pseudonym
from vigie.audit.journal import AUDIT_CATEGORIES
from vigie.environment import Environment
from vigie.errors import DecryptionError, InvalidForm, InvalidInput, NotFound, SignInRefused, WeakPassword
from vigie.identifiers import validate_nir, validate_siret
from vigie.store import connect
from vigie.taxonomy import SubjectKind

WRONG = "identifiant ou mot de passe incorrect"
WRONG_AGENT = "identifiant, mot de passe ou code incorrect"
NO_SIGN_UP = (
    "ces informations ne permettent pas de créer un compte : vérifiez le numéro, ou adressez-vous à votre caisse"
)
LOCKED = (
    "compte verrouillé après 10 échecs : adressez-vous à votre caisse (ou, pour un agent, au délégué à la "
    "protection des données) pour le déverrouiller"
)
_WORDS = "password-words"
_KINDS: dict[Profile, frozenset[SubjectKind]] = {
    Profile.INSURED: frozenset({SubjectKind.INSURED, SubjectKind.EMPLOYEE, SubjectKind.SELF_EMPLOYED}),
    Profile.HEALTH_PROFESSIONAL: frozenset({SubjectKind.HEALTH_PROFESSIONAL}),
    Profile.EMPLOYER: frozenset({SubjectKind.EMPLOYER, SubjectKind.SELF_EMPLOYED}),
}
TEMPORARY_LENGTH = 16


@dataclass(frozen=True)
class Opened:
    """A session just opened: the cookie's value (shown once, never stored) and the session."""

    token: str
    session: Session


class Accounts:
    """One per service (or per command): its journal, and the sign-in guard whose address windows it shares."""

    def __init__(self, env: Environment, journal: AuditSink, guard: SignInGuard | None = None) -> None:
        self.env = env
        self.journal = journal
        self.guard = guard if guard is not None else SignInGuard(env, journal)
        self.hasher = Hasher(env.settings)
        self.sessions = Sessions(env)

    # -- journal ---------------------------------------------------------------------------------------------

    def _trace(
        self,
        action: AuditAction,
        allowed: bool,
        reason: str,
        *,
        account: queries.AccountRow | None = None,
        source: str | None = None,
    ) -> int:
        subject = account.subject_id if account is not None else None
        return self.journal.append(
            AuditEvent(
                action=action,
                allowed=allowed,
                reason=reason,
                at=self.env.clock.now(),
                agent_id=account.agent_id if account is not None else None,
                subject_ref=subject_pseudonym(self.env.keyring, subject) if subject is not None else None,
                categories=AUDIT_CATEGORIES,
                source=source,
            )
        )

    def _now(self) -> int:
        return int(self.env.clock.now().timestamp())

    def _check_address(self, source: str | None) -> None:
        wait = self.guard.throttled(source)
        if wait is not None:
            raise SignInRefused(f"{THROTTLED} : réessayez dans {wait} s", retry_after=wait)

    # -- sign-up ---------------------------------------------------------------------------------------------

    def sign_up(self, form: SignUp, *, source: str | None = None) -> Opened:
        """Create the account of the person with this NIR or SIRET and open its first session; refused in one
        same French sentence when nobody of the profile's kinds holds the number or they have an account."""
        self._check_address(source)
        with connect(self.env.engine) as connection:
            find = vault.find_by_siret if form.profile is Profile.EMPLOYER else vault.find_by_nir
            subject_id = find(connection, self.env.keyring, form.number)
            kind = vault.subject_state(connection, subject_id, self.env.clock.today()).kind if subject_id else None
            taken = subject_id is not None and queries.by_subject(connection, subject_id) is not None
        if subject_id is None or kind not in _KINDS[form.profile] or taken:
            why = "numéro inconnu" if subject_id is None else "compte existant" if taken else "profil différent"
            self.guard.note_failure(source, f"création de compte refusée ({why})")
            raise SignInRefused(NO_SIGN_UP)
        password_hash = self.hasher.hash(form.password)
        words = {"last_name": form.person.last_name, "first_name": form.person.first_name}
        if form.person.birth_date is not None:
            words["birth_date"] = form.person.birth_date.isoformat()
        with connect(self.env.engine) as connection:
            account_id = queries.insert_account(
                connection,
                kind=form.profile.value,
                subject_id=subject_id,
                agent_id=None,
                password_hash=password_hash,
                must_change=False,
                now=self._now(),
            )
            sealed = vault.seal_own(connection, self.env.keyring, subject_id, _WORDS, words)
            queries.set_personal_words(connection, account_id, sealed)
            account = queries.by_id(connection, account_id)
        assert account is not None
        self._trace(AuditAction.LOGIN, True, f"compte en ligne créé (n° {account_id})", account=account, source=source)
        return self._open(account)

    # -- sign-in ---------------------------------------------------------------------------------------------

    def _person_account(self, identifier: str) -> queries.AccountRow | None:
        compact = identifier.replace(" ", "")
        try:
            number = validate_siret(compact) if len(compact) == 14 else validate_nir(compact)
        except InvalidInput as error:
            raise InvalidForm({"identifier": [error.reason[:1].upper() + error.reason[1:] + "."]}) from error
        with connect(self.env.engine) as connection:
            find = vault.find_by_siret if len(number) == 14 else vault.find_by_nir
            subject_id = find(connection, self.env.keyring, number)
            account = queries.by_subject(connection, subject_id) if subject_id is not None else None
        return account if account is not None and account.kind != Profile.AGENT else None

    def sign_in(self, credentials: Credentials, *, source: str | None = None, previous: str | None = None) -> Opened:
        """A person's sign-in with their NIR or SIRET and password; a new session (the previous one, if any,
        ends: the session id is rotated)."""
        self._check_address(source)
        account = self._person_account(credentials.identifier)
        return self._authenticate(account, credentials, source, previous, WRONG)

    def agent_sign_in(
        self, credentials: Credentials, *, source: str | None = None, previous: str | None = None
    ) -> Opened:
        """An agent's browser sign-in: password and TOTP code, both required."""
        self._check_address(source)
        with connect(self.env.engine) as connection:
            account = queries.by_agent(connection, credentials.identifier)
        return self._authenticate(account, credentials, source, previous, WRONG_AGENT)

    def _authenticate(
        self,
        account: queries.AccountRow | None,
        credentials: Credentials,
        source: str | None,
        previous: str | None,
        wrong: str,
    ) -> Opened:
        now = self._now()
        if account is not None:
            standing = throttle.standing(account.failures, account.last_failure_at, account.locked_at, now)
            if standing.wait and not standing.locked:
                self.guard.note_failure(source, "tentative pendant la temporisation du compte")
                raise SignInRefused(
                    f"trop d'échecs sur ce compte : réessayez dans {standing.wait} s", retry_after=standing.wait
                )
        hash_ = account.password_hash if account is not None else None
        good = self.hasher.verify(hash_, credentials.password)
        step = None
        if good and account is not None and account.kind == Profile.AGENT:
            step = totp.accepted_step(self.env.keyring, account, credentials.code or "", now)
            good = step is not None
        if account is None:
            self.guard.note_failure(source, "identifiant inconnu ou sans compte")
            raise SignInRefused(wrong)
        if not good:
            self._failed(account, source, now, wrong)
        if account.locked_at is not None or account.failures >= throttle.LOCK_AFTER:
            refusal = "connexion refusée : compte verrouillé"
            self._trace(AuditAction.LOGIN_FAILED, False, refusal, account=account, source=source)
            raise SignInRefused(LOCKED, locked=True)
        assert hash_ is not None
        rehashed = self.hasher.hash(credentials.password) if self.hasher.needs_rehash(hash_) else None
        with connect(self.env.engine) as connection:
            queries.record_success(connection, account.id, new_hash=rehashed, totp_step=step)
        if previous is not None:
            self.sessions.end(previous)
        reason = "connexion" + (" (mot de passe ré-haché aux paramètres courants)" if rehashed else "")
        self._trace(AuditAction.LOGIN, True, reason, account=account, source=source)
        return self._open(account)

    def _failed(self, account: queries.AccountRow, source: str | None, now: int, wrong: str) -> None:
        with connect(self.env.engine) as connection:
            failures, locked = queries.record_failure(connection, account.id, now, throttle.LOCK_AFTER)
        what = "code ou mot de passe incorrect" if account.kind == Profile.AGENT else "mot de passe incorrect"
        if locked and account.locked_at is None:
            self._trace(
                AuditAction.LOGIN_FAILED,
                False,
                f"connexion refusée : {what} ; compte verrouillé après {failures} échecs",
                account=account,
                source=source,
            )
            self.guard.note_failure(source, what, journaled=True)
            with connect(self.env.engine) as connection:
                queries.delete_sessions_of(connection, account.id)
            raise SignInRefused(LOCKED, locked=True)
        refusal = f"connexion refusée : {what} (échec n° {failures})"
        self._trace(AuditAction.LOGIN_FAILED, False, refusal, account=account, source=source)
        self.guard.note_failure(source, what, journaled=True)
        if locked:
            raise SignInRefused(wrong)
        wait = throttle.delay_after(failures)
        if wait:
            raise SignInRefused(f"{wrong} ; trop d'échecs : réessayez dans {wait} s", retry_after=wait)
        raise SignInRefused(wrong)

    def _open(self, account: queries.AccountRow) -> Opened:
        self.sessions.sweep()  # abandoned sessions go at the next sign-in, in one statement
        token, session = self.sessions.open(account)
        return Opened(token, session)

    # -- sessions --------------------------------------------------------------------------------------------

    def session(self, token: str | None) -> Session | None:
        """The session behind a cookie's value, if it is open and neither idle too long nor too old."""
        return self.sessions.find(token)

    def sign_out(self, token: str | None, *, source: str | None = None) -> bool:
        """End the session; journaled when there was one."""
        session = self.sessions.find(token)
        if session is None:
            return False
        self.sessions.end(token)
        with connect(self.env.engine) as connection:
            account = queries.by_id(connection, session.account_id)
        self._trace(AuditAction.LOGOUT, True, "déconnexion", account=account, source=source)
        return True

    # -- passwords -------------------------------------------------------------------------------------------

    def person_of(self, session: Session) -> passwords.Person:
        """The words the account's password may not contain (sealed at sign-up under the subject's key)."""
        if session.agent_id is not None:
            return passwords.Person(last_name=session.agent_id)
        with connect(self.env.engine) as connection:
            sealed = queries.personal_words(connection, session.account_id)
            if sealed is None or session.subject_id is None:
                return passwords.Person()
            try:
                words: dict[str, Any] = vault.open_own(connection, self.env.keyring, session.subject_id, _WORDS, sealed)
            except DecryptionError:
                return passwords.Person()
        born = words.get("birth_date")
        return passwords.Person(
            words.get("last_name", ""), words.get("first_name", ""), date.fromisoformat(born) if born else None
        )

    def change_password(
        self, session: Session, current: str, new: str, *, token: str | None = None, source: str | None = None
    ) -> None:
        """Replace the password after checking the current one (a wrong one counts as a failure); the account's
        other sessions end, the one behind `token` stays open."""
        with connect(self.env.engine) as connection:
            account = queries.by_id(connection, session.account_id)
        if account is None or not self.hasher.verify(account.password_hash, current):
            if account is not None:
                try:
                    self._failed(account, source, self._now(), "mot de passe actuel incorrect")
                except SignInRefused as refused:
                    raise InvalidForm({"current": [refused.reason[:1].upper() + refused.reason[1:] + "."]}) from None
            raise InvalidForm({"current": ["Mot de passe actuel incorrect."]})
        with connect(self.env.engine) as connection:
            queries.set_password(connection, account.id, self.hasher.hash(new), must_change=False)
        ended = self.sessions.end_others(account.id, token)
        reason = "mot de passe changé" + (f" ; {ended} autre(s) session(s) fermée(s)" if ended else "")
        self._trace(AuditAction.CHANGE, True, reason, account=account, source=source)

    # -- the operator's side ---------------------------------------------------------------------------------

    def _account(self, account_id: int) -> queries.AccountRow:
        with connect(self.env.engine) as connection:
            account = queries.by_id(connection, account_id)
        if account is None:
            raise NotFound("compte", str(account_id))
        return account

    def all_accounts(self) -> list[queries.AccountRow]:
        """Every account, by number (no personal data)."""
        with connect(self.env.engine) as connection:
            return queries.list_accounts(connection)

    def unlock(self, account_id: int, *, source: str | None = None) -> queries.AccountRow:
        """Unlock the account (failure count reset); journaled."""
        account = self._account(account_id)
        with connect(self.env.engine) as connection:
            queries.unlock(connection, account.id)
        self._trace(AuditAction.LOGIN, True, f"compte n° {account.id} déverrouillé", account=account, source=source)
        return account

    def compromised(self, account_id: int, *, source: str | None = None) -> queries.AccountRow:
        """Mark the password compromised: every session ends and a change is forced at the next sign-in."""
        account = self._account(account_id)
        with connect(self.env.engine) as connection:
            queries.set_must_change(connection, account.id)
            queries.delete_sessions_of(connection, account.id)
        reason = f"mot de passe du compte n° {account.id} déclaré compromis : changement imposé"
        self._trace(AuditAction.LOGOUT, True, reason, account=account, source=source)
        return account

    def temporary_password(self, account_id: int, *, source: str | None = None) -> str:
        """A random temporary password (shown once), to be changed at the next sign-in; the account is
        unlocked and its sessions end."""
        account = self._account(account_id)
        temporary = secrets.token_urlsafe(12)[:TEMPORARY_LENGTH]
        with connect(self.env.engine) as connection:
            queries.set_password(connection, account.id, self.hasher.hash(temporary), must_change=True)
            queries.delete_sessions_of(connection, account.id)
        reason = f"mot de passe provisoire délivré pour le compte n° {account.id}"
        self._trace(AuditAction.LOGIN, True, reason, account=account, source=source)
        return temporary

    def set_agent_password(self, agent_id: str, password: str, *, source: str | None = None) -> int:
        """Create or replace an agent's browser password, checked against the rules; the account's id."""
        verdict = passwords.check(password, passwords.Person(last_name=agent_id))
        if not verdict.acceptable:
            raise WeakPassword("mot de passe", verdict.problems)
        account = self._agent_account(agent_id)
        with connect(self.env.engine) as connection:
            queries.set_password(connection, account.id, self.hasher.hash(password), must_change=False)
        self._trace(AuditAction.CHANGE, True, "mot de passe d'agent défini", account=account, source=source)
        return account.id

    def set_agent_totp(self, agent_id: str, *, source: str | None = None) -> str:
        """A new TOTP secret for the agent; returns its provisioning URI (shown once, for an authenticator)."""
        account = self._agent_account(agent_id)
        secret, sealed = totp.new_secret(self.env.keyring, account.id)
        with connect(self.env.engine) as connection:
            queries.set_totp(connection, account.id, sealed)
        reason = "second facteur (TOTP) de l'agent défini"
        self._trace(AuditAction.CHANGE, True, reason, account=account, source=source)
        return totp.provisioning_uri(secret, agent_id)

    def _agent_account(self, agent_id: str) -> queries.AccountRow:
        with connect(self.env.engine) as connection:
            if load_agent(connection, agent_id) is None:
                raise NotFound("agent", agent_id[:80])
            account = queries.by_agent(connection, agent_id)
            if account is None:
                account_id = queries.insert_account(
                    connection,
                    kind=Profile.AGENT.value,
                    subject_id=None,
                    agent_id=agent_id,
                    password_hash=None,
                    must_change=False,
                    now=self._now(),
                )
                account = queries.by_id(connection, account_id)
        assert account is not None
        return account


__all__ = ["Accounts", "Opened"]
