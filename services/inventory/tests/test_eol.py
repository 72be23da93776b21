"""The end-of-life catalogue: every entry sourced, the contracts' products found."""

from datetime import date

import pytest
from inventory.eol import catalogue
from inventory.eol.catalogue import Status, lookup, product_of_os, status

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(("product", "version", "cycle", "expected"), [
    ("CentOS", "7.5", "CentOS Linux 7", Status.past),
    ("centos", "7", "CentOS Linux 7", Status.past),
    ("Windows Server", "2019", "Windows Server 2019", Status.supported),
    ("Oracle", "11gR1", "Oracle Database 11g Release 1 (11.1)", Status.past),
    ("Oracle", "11.2.0.4", "Oracle Database 11g Release 2 (11.2)", Status.past),
    ("MySQL", "8.0.36", "MySQL 8.0", Status.past),
    ("MySQL", "8", "MySQL 8.0", Status.past),
    ("Nginx", "1.18", "nginx 1.18 (stable)", Status.past),
    ("Tomcat", "9.14", "Apache Tomcat 9.0", Status.near),
    ("zabbix", "3.8", "Zabbix 3.x", Status.past),
])
def test_contract_products(product, version, cycle, expected):
    entry = lookup(product, version)
    assert entry is not None and entry.cycle == cycle
    assert status(entry, TODAY) is expected


def test_unknown_is_not_fine():
    assert lookup("Ms-cv3", "1") is None
    assert status(None, TODAY) is Status.unknown
    assert lookup("CentOS", "8") is None  # 8 is another cycle, not listed


def test_every_entry_names_its_source_and_the_file_parses():
    entries = catalogue.entries()
    assert len(entries) >= 8 and all(e.source.startswith("https://") for e in entries)


def test_server_os_text():
    assert product_of_os("CentOS 7.5") == ("centos", "7.5")
    assert product_of_os("Windows Server 2019") == ("windows server", "2019")
    assert product_of_os("银河麒麟") is None
