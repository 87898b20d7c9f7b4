#!/usr/bin/python3
"""Generates the TLS test PKI into a directory: a CA, and server certificates signed by it —
good (good.lvsd.test + 127.0.0.1), expired, wrong-name — plus a client certificate."""
import datetime
import ipaddress
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

out = sys.argv[1]
now = datetime.datetime.utcnow()
day = datetime.timedelta(days=1)


def key():
    return ec.generate_private_key(ec.SECP256R1())


def save(name, k, cert):
    with open(f"{out}/{name}.key", "wb") as f:
        f.write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()))
    with open(f"{out}/{name}.crt", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


ca_key = key()
ca = (x509.CertificateBuilder().subject_name(name("lvsd test CA")).issuer_name(name("lvsd test CA"))
      .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
      .not_valid_before(now - day).not_valid_after(now + 30 * day)
      .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
      .sign(ca_key, hashes.SHA256()))
save("ca", ca_key, ca)


def leaf(fname, cn, sans, before, after, client=False):
    k = key()
    b = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(ca.subject)
         .public_key(k.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(before).not_valid_after(after)
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True))
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    usage = x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH if client else \
        x509.oid.ExtendedKeyUsageOID.SERVER_AUTH
    b = b.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    save(fname, k, b.sign(ca_key, hashes.SHA256()))


good_sans = [x509.DNSName("good.lvsd.test"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
leaf("good", "good.lvsd.test", good_sans, now - day, now + 10 * day)
leaf("expired", "good.lvsd.test", good_sans, now - 20 * day, now - 10 * day)
leaf("wrongname", "wrong.lvsd.test", [x509.DNSName("wrong.lvsd.test")], now - day, now + 10 * day)
leaf("client", "lvsd-checker", [], now - day, now + 10 * day, client=True)
