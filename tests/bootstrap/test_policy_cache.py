"""The compiled register cached between start-ups: used only when it is exactly what compiling the register's
files would give, under this installation's keys; anything else is ignored and compiled again."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import MappingProxyType

import pytest

from vigie.bootstrap import _policy_cache as cache
from vigie.bootstrap import prepare
from vigie.crypto import Keyring
from vigie.environment import Environment
from vigie.organisations import organisation_rows
from vigie.register import Policy, Register, load_register, read_register_files, shipped_register_dir
from vigie.settings import Settings

ROLES = "roles.yaml"
SOCIAL_WORKER = "    processings: [social_support]\n  - id: professional_relations_agent"


def reassign_social_worker(register_dir: Path) -> None:
    """Edit the register: the social worker serves crisis management instead of social support."""
    roles = register_dir / ROLES
    text = roles.read_text(encoding="utf-8")
    assert SOCIAL_WORKER in text
    roles.write_text(
        text.replace(SOCIAL_WORKER, SOCIAL_WORKER.replace("social_support", "crisis_management")), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keys and a migrated database, made once; each test works on a copy."""
    root = tmp_path_factory.mktemp("installation")
    prepare(Settings(data_dir=root / "data"), create_keys=True).engine.dispose()
    (root / "data" / cache.CACHE_NAME).unlink()
    return root / "data"


@pytest.fixture
def data_dir(installed: Path, tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    shutil.copytree(installed, directory)
    return directory


@pytest.fixture
def register_dir(tmp_path: Path) -> Path:
    """A copy of the shipped register that a test may edit."""
    directory = tmp_path / "registre"
    shutil.copytree(shipped_register_dir(), directory)
    return directory


Start = Callable[..., Environment]


@pytest.fixture
def start(data_dir: Path) -> Iterator[Start]:
    """`prepare` on the test's data directory; engines are disposed at the end of the test."""
    engines = []

    def call(**settings: object) -> Environment:
        env = prepare(Settings(data_dir=data_dir, **settings))  # type: ignore[arg-type]
        engines.append(env.engine)
        return env

    yield call
    for engine in engines:
        engine.dispose()


def cache_file(data_dir: Path) -> Path:
    return data_dir / cache.CACHE_NAME


def inode(path: Path) -> int:
    return path.stat().st_ino


def compiled(directory: Path | None = None) -> Policy:
    return Policy.compile(load_register(directory))


def test_a_cached_start_gives_exactly_what_compiling_the_register_gives(start: Start, data_dir: Path) -> None:
    first = start()
    written = inode(cache_file(data_dir))
    second = start()
    assert inode(cache_file(data_dir)) == written  # read, not written again
    register = load_register()
    assert second.policy == first.policy == Policy.compile(register)
    assert second.register == register
    assert cache.load_compiled(cache_file(data_dir), read_register_files().digest, second.keyring) == (
        cache.CompiledRegister(Policy.compile(register), organisation_rows(register))
    )


def test_a_cached_start_reads_no_yaml_and_builds_no_model(start: Start, data_dir: Path) -> None:
    """Parsing and validating the register is what the cache saves; the register is parsed on first use."""
    start()
    script = (
        "import sys\n"
        "from vigie.bootstrap import prepare\n"
        "from vigie.settings import Settings\n"
        f"env = prepare(Settings(data_dir={str(data_dir)!r}))\n"
        "print(sorted(m for m in ('yaml', 'pydantic', 'vigie.register.models') if m in sys.modules))\n"
        "print(len(env.register.processings) > 10, 'yaml' in sys.modules, 'pydantic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.splitlines() == ["[]", "True True True"]


def test_a_register_edited_since_is_compiled_again(start: Start, data_dir: Path, register_dir: Path) -> None:
    before = start(register_dir=register_dir)
    assert "social_support" in before.policy.role_processings["social_worker"]
    reassign_social_worker(register_dir)
    written = inode(cache_file(data_dir))
    after = start(register_dir=register_dir)
    assert after.policy == compiled(register_dir) != before.policy
    assert "social_support" not in after.policy.role_processings["social_worker"]
    assert inode(cache_file(data_dir)) != written


def test_the_register_parsed_later_is_the_one_the_cached_policy_came_from(start: Start, register_dir: Path) -> None:
    start(register_dir=register_dir)
    cached = start(register_dir=register_dir)
    reassign_social_worker(register_dir)
    assert cached.register.roles["social_worker"].processings == ("social_support",)
    assert "social_support" in cached.policy.role_processings["social_worker"]


def forged(policy: Policy) -> Policy:
    """The policy with the social worker also serving fraud control: what a forger would want."""
    roles = dict(policy.role_processings)
    roles["social_worker"] = roles["social_worker"] | {"fraud_control"}
    return dataclasses.replace(policy, role_processings=MappingProxyType(roles))


def test_a_cache_written_without_the_master_key_is_ignored(start: Start, data_dir: Path) -> None:
    register = load_register()
    fake = cache.CompiledRegister(forged(Policy.compile(register)), organisation_rows(register))
    digest = read_register_files().digest
    assert cache.store_compiled(cache_file(data_dir), digest, Keyring.generate(), fake)
    env = start()
    assert "fraud_control" not in env.policy.role_processings["social_worker"]
    assert env.policy == Policy.compile(register)
    assert cache.load_compiled(cache_file(data_dir), digest, env.keyring) is not None  # written again, rightly


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit of the policy
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[: len(cache.MAGIC)] + bytes(32) + data[len(cache.MAGIC) + 32 :],  # other files' digest
        lambda data: b"not a cache at all",
        lambda data: b"",
    ],
    ids=["bit-flipped", "truncated", "other-files", "garbage", "empty"],
)
def test_a_damaged_cache_is_ignored_and_written_again(
    start: Start, data_dir: Path, damage: Callable[[bytes], bytes]
) -> None:
    first = start()
    path = cache_file(data_dir)
    path.write_bytes(damage(path.read_bytes()))
    assert cache.load_compiled(path, read_register_files().digest, first.keyring) is None
    again = start()
    assert again.policy == Policy.compile(load_register())
    assert cache.load_compiled(path, read_register_files().digest, again.keyring) is not None


def test_a_cache_made_by_other_code_is_ignored(start: Start, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiler's own bytes are part of the key: a fixed compiler is never masked by an old cache."""
    env = start()
    digest = read_register_files().digest
    assert cache.load_compiled(cache_file(data_dir), digest, env.keyring) is not None
    monkeypatch.setattr(cache, "code_fingerprint", lambda: b"another version of the compiler")
    assert cache.load_compiled(cache_file(data_dir), digest, env.keyring) is None


def test_the_fingerprint_covers_the_compiler_and_what_a_compiled_register_is_made_of() -> None:
    root = Path(cache.__file__).resolve().parent.parent
    covered = {(root / entry).resolve() for entry in cache._CODE}
    for module in (Policy, Register, cache.CompiledRegister):
        source = Path(sys.modules[module.__module__].__file__ or "").resolve()
        assert source in covered or source.parent in covered, source


def test_only_the_classes_a_compiled_register_is_made_of_are_loaded(start: Start, data_dir: Path) -> None:
    """Even under the right key, a file holding anything else (here a path) is not loaded."""
    env = start()
    register = load_register()
    odd = cache.CompiledRegister(Policy.compile(register), ({"code": Path("/etc/passwd")},))
    digest = read_register_files().digest
    assert cache.store_compiled(cache_file(data_dir), digest, env.keyring, odd)
    assert cache.load_compiled(cache_file(data_dir), digest, env.keyring) is None


def test_what_a_policy_memoised_is_not_cached(start: Start, data_dir: Path) -> None:
    """The policy's memos (grants per role set, category names) fill as it decides; a cache starts them empty."""
    env = start()
    env.policy.category_names_for(
        frozenset({"social_worker"}), "social_support", next(iter(env.policy.kinds_of["social_support"]))[0]
    )
    assert env.policy.role_set_grants and env.policy.named_categories
    digest = read_register_files().digest
    assert cache.store_compiled(cache_file(data_dir), digest, env.keyring, cache.CompiledRegister(env.policy, ()))
    loaded = cache.load_compiled(cache_file(data_dir), digest, env.keyring)
    assert loaded is not None and loaded.policy == env.policy
    assert not loaded.policy.role_set_grants and not loaded.policy.named_categories


def test_the_cache_file_is_private_and_written_whole(start: Start, data_dir: Path) -> None:
    start()
    assert cache_file(data_dir).stat().st_mode & 0o777 == 0o600
    assert [p.name for p in data_dir.iterdir() if p.name.startswith(".")] == []


def test_no_cache_and_no_directory_where_the_data_directory_does_not_exist(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "absent",
        key_file=tmp_path / "keys" / "master.key",
        database_url=f"sqlite:///{tmp_path / 'base' / 'vigie.db'}",
    )
    prepare(settings, create_keys=True).engine.dispose()
    assert not (tmp_path / "absent").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base", "keys"]
