"""HTTPS on a home network (issue 21): a small certificate authority of this computer's own,
and a server certificate for the names a phone reaches it by.

A phone trusts the authority once (its certificate is offered at /pair/ca.crt, with its
fingerprint shown on the computer to compare); every server certificate after that is trusted
with it, so a new address needs no new trust on the phone.

The authority can sign for this computer's kind of names only (RFC 5280 name constraints):
private and link-local addresses, loopback, and names under `.local`, `.lan` and `.home.arpa`
(this computer's own is `<host name>.local`; a bare host name could be a public domain such as
`dev`). It signs server certificates only (its extended key usage), and no e-mail or web
address names. A phone that trusts it therefore trusts nothing of it for a bank's site, even if
its key were stolen. Its key stays in the data folder, readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Apple's limit for certificates of authorities people add themselves is 825 days; a server
# certificate of 397 days passes every platform's rules, and is renewed well before its end.
SERVER_DAYS: Final = 397
RENEW_WITHIN: Final = dt.timedelta(days=30)
AUTHORITY_DAYS: Final = 10 * 365
PRIVATE_NETWORKS: Final = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "127.0.0.0/8",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
)
HOME_DOMAINS: Final = ("localhost", "local", "lan", "home.arpa")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def network_addresses() -> list[str]:
    """This computer's addresses other machines on its networks may reach, best first: the
    one its default route leaves by, then those its host name resolves to."""
    found: list[str] = []
    for family, probe in ((socket.AF_INET, "10.255.255.255"), (socket.AF_INET6, "fd00::1")):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as udp:
                udp.connect((probe, 9))  # no packet is sent: this only picks the route
                found.append(str(udp.getsockname()[0]))
        except OSError:
            pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, type=socket.SOCK_STREAM):
            found.append(str(info[4][0]))
    except OSError:
        pass
    usable = []
    for text in found:
        address = ipaddress.ip_address(text.split("%")[0])
        if address.is_loopback or address.is_unspecified or address.is_multicast:
            continue
        if str(address) not in usable:
            usable.append(str(address))
    return usable


def host_name() -> str:
    """This computer's host name as a phone on the same network may know it (`<it>.local`),
    or "" when it has none usable in a name."""
    import re

    name = socket.gethostname().split(".")[0].lower()
    return name if re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", name) else ""


def authority_fingerprint(pem: str) -> str:
    """SHA-256 of a certificate, as colon-separated pairs of hex digits."""
    certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
    digest = certificate.fingerprint(hashes.SHA256()).hex().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


@dataclass(frozen=True)
class Certificates:
    """Where the files are, and what a person compares on the phone."""

    authority: Path
    certificate: Path
    key: Path
    fingerprint: str
    """SHA-256 of the authority's certificate, in colon-separated hex pairs."""
    names: tuple[str, ...]
    addresses: tuple[str, ...]


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    os.replace(draft, path)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    _write_private(
        path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def _authority(
    folder: Path, own_name: str, addresses: list[Address], now: dt.datetime
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_path, key_path = folder / "ca.crt", folder / "ca.key"
    if cert_path.exists() and key_path.exists():
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if isinstance(key, ec.EllipticCurvePrivateKey) and _may_sign_for(
            certificate, own_name, addresses, now
        ):
            return certificate, key
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "unknot on this computer"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"unknot on {own_name or 'this computer'}"),
        ]
    )
    networks = [ipaddress.ip_network(n) for n in PRIVATE_NETWORKS]
    # An address outside the private ranges (some networks hand those out) is allowed alone.
    networks += [
        ipaddress.ip_network(a)
        for a in addresses
        if not any(a.version == n.version and a in n for n in networks)
    ]
    permitted: list[x509.GeneralName] = [x509.DNSName(d) for d in HOME_DOMAINS]
    permitted += [x509.IPAddress(n) for n in networks]
    # A permitted subtree of a kind limits every name of that kind: e-mail and web addresses
    # only under a domain nobody can own (RFC 2606).
    permitted += [x509.RFC822Name("invalid"), x509.UniformResourceIdentifier(".invalid")]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=AUTHORITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=None),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_key(key_path, key)
    _write_private(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
    return certificate, key


def _may_sign_for(
    authority: x509.Certificate, own_name: str, addresses: list[Address], now: dt.datetime
) -> bool:
    """Whether the authority is still valid and its constraints cover these names."""
    if authority.not_valid_after_utc - now < RENEW_WITHIN:
        return False
    try:
        constraints = authority.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return False
    permitted = constraints.permitted_subtrees or []
    dns = {g.value for g in permitted if isinstance(g, x509.DNSName)}
    networks = [
        g.value
        for g in permitted
        if isinstance(g, x509.IPAddress)
        and isinstance(g.value, ipaddress.IPv4Network | ipaddress.IPv6Network)
    ]
    return HOME_DOMAINS[1] in dns and all(
        any(a.version == n.version and a in n for n in networks) for a in addresses
    )


def certificates(
    folder: Path, now: dt.datetime, addresses: list[str] | None = None
) -> Certificates:
    """The authority and a server certificate for this computer's names and addresses as they
    are now: made, or made again when an address or the name changed or the end is near."""
    own_name = host_name()
    found = network_addresses() if addresses is None else addresses
    ips: list[Address] = [ipaddress.ip_address(a) for a in found]
    ips += [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")]
    names = ([f"{own_name}.local"] if own_name else []) + ["localhost"]
    authority, authority_key = _authority(folder, own_name, ips, now)
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    if not _current(cert_path, key_path, authority, names, ips, now):
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(authority.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName(n) for n in names] + [x509.IPAddress(a) for a in ips]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
                critical=False,
            )
            .sign(authority_key, hashes.SHA256())
        )
        _write_key(key_path, key)
        # The chain: a phone that trusts the authority needs only this.
        _write_private(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
    return Certificates(
        authority=folder / "ca.crt",
        certificate=cert_path,
        key=key_path,
        fingerprint=authority_fingerprint(
            authority.public_bytes(serialization.Encoding.PEM).decode("ascii")
        ),
        names=tuple(names),
        addresses=tuple(found),
    )


def _current(
    cert_path: Path,
    key_path: Path,
    authority: x509.Certificate,
    names: list[str],
    ips: list[Address],
    now: dt.datetime,
) -> bool:
    """Whether the server certificate on disk is the authority's, names exactly these names
    and addresses, and lasts beyond the renewal margin."""
    if not (cert_path.exists() and key_path.exists()):
        return False
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    if (
        certificate.issuer != authority.subject
        or certificate.not_valid_after_utc - now < RENEW_WITHIN
    ):
        return False
    try:
        certificate.verify_directly_issued_by(authority)
        alternative = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
        return False
    return set(alternative.value.get_values_for_type(x509.DNSName)) == set(names) and set(
        alternative.value.get_values_for_type(x509.IPAddress)
    ) == set(ips)
