"""Indicators of compromise, validated and normalised per type, so the same indicator typed
twice (``Evil.example.`` and ``evil.example``, a defanged ``hxxp://evil[.]example``) is one
indicator, and a typo is refused naming the field rather than searched for in vain."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from warroom.errors import InvalidInput
from warroom.security.rules import IocType

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_HEX = re.compile(r"^[0-9a-f]+$")
HASH_LENGTHS = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
_WINDOWS_PATH = re.compile(r"^(?:[a-zA-Z]:\\|\\\\[^\\]+\\[^\\]+)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
URL_SCHEMES = ("http", "https", "ftp", "ftps")


def refang(value: str) -> str:
    """Undo the usual defanging of shared indicators: hxxp, [.], (.), [@], [:]."""
    text = value.strip()
    for old, new in (("[.]", "."), ("(.)", "."), ("{.}", "."), ("[@]", "@"), ("[:]", ":")):
        text = text.replace(old, new)
    return re.sub(r"^hxxp", "http", text, flags=re.IGNORECASE)


def check_ioc(kind: str, value: str) -> tuple[IocType, str]:
    """The indicator's type and its normalised value; a 422 naming ``type`` or ``value``."""
    try:
        ioc_type = IocType(kind.strip().lower())
    except ValueError:
        known = ", ".join(t.value for t in IocType)
        raise InvalidInput("type", f"{kind!r} is not an indicator type; use {known}") from None
    if not value.strip() or len(value) > 2048:
        raise InvalidInput("value", "an indicator is 1 to 2048 characters")
    if _CONTROL.search(value):
        raise InvalidInput("value", "control characters are not part of any indicator")
    return ioc_type, CHECKS[ioc_type](value)


def _ip(value: str) -> str:
    try:
        return str(ipaddress.ip_network(refang(value), strict=False)).removesuffix(
            "/32" if ":" not in value else "/128"
        )
    except ValueError:
        raise InvalidInput(
            "value", f"{value!r} is not an IPv4 or IPv6 address or network"
        ) from None


def _domain(value: str) -> str:
    name = refang(value).lower().rstrip(".")
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidInput("value", f"{value!r} is not a domain name") from None
    labels = name.split(".")
    valid = (
        len(name) <= 253
        and len(labels) >= 2
        and all(_LABEL.match(label) for label in labels)
        and _TLD.match(labels[-1])
    )
    if not valid:
        raise InvalidInput("value", f"{value!r} is not a domain name like evil.example")
    return name


def _url(value: str) -> str:
    parts = urlsplit(refang(value))
    if parts.scheme.lower() not in URL_SCHEMES or not parts.hostname:
        raise InvalidInput("value", f"{value!r} is not a URL like https://evil.example/path")
    host = parts.hostname
    try:
        host = str(ipaddress.ip_address(host))
    except ValueError:
        host = _domain(host)
    port = f":{parts.port}" if parts.port else ""
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{parts.scheme.lower()}://{host}{port}{rest or '/'}"


def _hash(value: str) -> str:
    digest = value.strip().lower()
    if not _HEX.match(digest) or len(digest) not in HASH_LENGTHS:
        raise InvalidInput("value", "a hash is the hex of an MD5, SHA-1, SHA-256 or SHA-512")
    return digest


def _account(value: str) -> str:
    name = value.strip()
    if len(name) > 256 or any(c.isspace() for c in name):
        raise InvalidInput("value", "an account is a name without spaces, e.g. CORP\\svc-backup")
    return name


def _path(value: str) -> str:
    path = value.strip()
    if not (path.startswith("/") or _WINDOWS_PATH.match(path)):
        raise InvalidInput("value", "a path is absolute: /usr/lib/x.so or C:\\Windows\\x.dll")
    return path


def _email(value: str) -> str:
    local, at, domain = refang(value).rpartition("@")
    if not at or not local or len(local) > 64 or any(c.isspace() for c in local):
        raise InvalidInput("value", f"{value!r} is not an email address")
    return f"{local}@{_domain(domain)}"


CHECKS = {
    IocType.ip: _ip,
    IocType.domain: _domain,
    IocType.url: _url,
    IocType.hash: _hash,
    IocType.account: _account,
    IocType.path: _path,
    IocType.email: _email,
}


def hash_algorithm(digest: str) -> str:
    return HASH_LENGTHS[len(digest)]
