"""This computer's certificate authority and server certificate (issue 21): a chain a client
that trusts the authority accepts for this machine's names and addresses, remade when an
address changes under the same authority, and an authority that cannot vouch for other sites."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from unknot.tls import SERVER_DAYS, certificates, host_name

NOW = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)


def test_the_server_certificate_names_this_machine_under_its_own_authority(
    tmp_path: Path,
) -> None:
    made = certificates(tmp_path, NOW, ["192.168.1.20"])
    certificate = x509.load_pem_x509_certificate(made.certificate.read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    # The bare host name could be a public domain ("dev"): only `<it>.local` is named.
    assert set(names.get_values_for_type(x509.DNSName)) == {f"{host_name()}.local", "localhost"}
    assert ipaddress.ip_address("192.168.1.20") in names.get_values_for_type(x509.IPAddress)
    assert certificate.not_valid_after_utc - NOW <= dt.timedelta(days=SERVER_DAYS)
    # What a client that trusts the authority does with it: OpenSSL verifies the chain.
    context = ssl.create_default_context(cafile=str(made.authority))
    assert context.cert_store_stats()["x509_ca"] == 1
    verified = subprocess.run(
        ["openssl", "verify", "-CAfile", str(made.authority), str(made.certificate)],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stderr
    # Private keys are the owner's alone.
    assert made.key.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "ca.key").stat().st_mode & 0o777 == 0o600
    assert len(made.fingerprint.split(":")) == 32


def test_a_new_address_gets_a_new_certificate_under_the_same_authority(tmp_path: Path) -> None:
    first = certificates(tmp_path, NOW, ["192.168.1.20"])
    first_server = first.certificate.read_bytes()
    same = certificates(tmp_path, NOW + dt.timedelta(days=1), ["192.168.1.20"])
    assert same.certificate.read_bytes() == first_server  # nothing changed, nothing remade
    moved = certificates(tmp_path, NOW + dt.timedelta(days=2), ["192.168.1.31"])
    assert moved.fingerprint == first.fingerprint  # the phone keeps trusting it
    assert moved.certificate.read_bytes() != first_server
    certificate = x509.load_pem_x509_certificate(moved.certificate.read_bytes())
    addresses = certificate.extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    ).value.get_values_for_type(x509.IPAddress)
    assert ipaddress.ip_address("192.168.1.31") in addresses
    assert ipaddress.ip_address("192.168.1.20") not in addresses
    # Near its end, it is renewed.
    before = moved.certificate.read_bytes()
    renewed = certificates(tmp_path, NOW + dt.timedelta(days=SERVER_DAYS - 10), ["192.168.1.31"])
    assert renewed.certificate.read_bytes() != before


def test_the_authority_cannot_vouch_for_another_site(tmp_path: Path) -> None:
    made = certificates(tmp_path, NOW, ["192.168.1.20"])
    authority = x509.load_pem_x509_certificate(made.authority.read_bytes())
    authority_key = serialization.load_pem_private_key(
        (tmp_path / "ca.key").read_bytes(), password=None
    )
    assert isinstance(authority_key, ec.EllipticCurvePrivateKey)
    # Even with the authority's key, a certificate for a bank's name is refused by a client.
    key = ec.generate_private_key(ec.SECP256R1())
    forged = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bank.example")]))
        .issuer_name(authority.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW)
        .not_valid_after(NOW + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("bank.example"), x509.IPAddress(ipaddress.ip_address("8.8.8.8"))]
            ),
            critical=False,
        )
        .sign(authority_key, hashes.SHA256())
    )
    path = tmp_path / "forged.crt"
    path.write_bytes(forged.public_bytes(serialization.Encoding.PEM))
    refused = subprocess.run(
        ["openssl", "verify", "-CAfile", str(made.authority), str(path)],
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "permitted subtree violation" in refused.stdout + refused.stderr


def test_the_authority_signs_no_mail_code_or_bare_host_name(tmp_path: Path) -> None:
    from cryptography.x509.oid import ExtendedKeyUsageOID

    made = certificates(tmp_path, NOW, ["192.168.1.20"])
    authority = x509.load_pem_x509_certificate(made.authority.read_bytes())
    key = serialization.load_pem_private_key((tmp_path / "ca.key").read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)

    def verifies(names: list[x509.GeneralName], usage: x509.ObjectIdentifier, purpose: str) -> bool:
        made_key = ec.generate_private_key(ec.SECP256R1())
        leaf = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")]))
            .issuer_name(authority.subject)
            .public_key(made_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW)
            .not_valid_after(NOW + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .sign(key, hashes.SHA256())
        )
        path = tmp_path / "leaf.crt"
        path.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        return (
            subprocess.run(
                [
                    "openssl",
                    "verify",
                    "-purpose",
                    purpose,
                    "-CAfile",
                    str(made.authority),
                    str(path),
                ],
                capture_output=True,
            ).returncode
            == 0
        )

    server = ExtendedKeyUsageOID.SERVER_AUTH
    assert verifies([x509.DNSName(f"{host_name()}.local")], server, "sslserver")
    # Under the bare host name, which could be a public top-level domain ("dev"): refused.
    assert not verifies([x509.DNSName(f"login.bank.{host_name()}")], server, "sslserver")
    assert not verifies(
        [x509.RFC822Name("ceo@bank.example")], ExtendedKeyUsageOID.EMAIL_PROTECTION, "smimesign"
    )
    assert not verifies(
        [x509.DNSName(f"{host_name()}.local")], ExtendedKeyUsageOID.CODE_SIGNING, "codesign"
    )
