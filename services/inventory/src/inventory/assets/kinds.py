"""Asset kinds and the attributes each one carries (validated; unknown keys refused)."""

from __future__ import annotations

from enum import Enum
from typing import Literal

from opspact.types import Stripped
from pydantic import ConfigDict, Field


class Kind(str, Enum):
    server = "server"
    network_device = "network_device"
    storage = "storage"
    terminal = "terminal"
    software = "software"
    application = "application"
    interface = "interface"
    data_source = "data_source"
    network_link = "network_link"
    vpn_account = "vpn_account"
    spare_part = "spare_part"


class Attributes(Stripped):
    model_config = ConfigDict(extra="forbid")


class Server(Attributes):
    form: Literal["physical", "vm"] = "physical"
    cpu_cores: int | None = Field(default=None, ge=1, le=4096)
    memory_gb: int | None = Field(default=None, ge=1, le=65536)
    disk_gb: int | None = Field(default=None, ge=1, le=10_000_000)
    os: str | None = Field(default=None, max_length=100, description="e.g. CentOS 7.5")
    ip: str | None = Field(default=None, max_length=64)
    role: str | None = Field(default=None, max_length=100)


class NetworkDevice(Attributes):
    type: Literal["switch", "firewall", "router", "network_gate", "load_balancer", "other"]
    model: str | None = Field(default=None, max_length=100)
    ip: str | None = Field(default=None, max_length=64)


class Storage(Attributes):
    capacity_tb: float | None = Field(default=None, gt=0, le=100_000)
    model: str | None = Field(default=None, max_length=100)


class Terminal(Attributes):
    type: Literal["pc", "laptop", "printer", "scanner", "document_camera", "ocr", "rfid", "other"]
    location: str | None = Field(default=None, max_length=200)
    model: str | None = Field(default=None, max_length=100)


class Software(Attributes):
    category: Literal["os", "database", "middleware", "tool", "other"]
    product: str = Field(min_length=1, max_length=100, description="e.g. CentOS, Oracle, Tomcat")
    version: str = Field(min_length=1, max_length=50)


class Application(Attributes):
    system_code: str | None = Field(default=None, max_length=64,
                                    description="the system's code in the tenant file")
    core: bool = False


class Interface(Attributes):
    provider: str = Field(min_length=1, max_length=200)
    transport: Literal["http", "sdk", "kafka", "database", "file", "other"]
    used_by: list[str] = Field(default_factory=list, max_length=50)


class DataSource(Attributes):
    categories: int | None = Field(default=None, ge=0)
    map_layers: int | None = Field(default=None, ge=0)


class NetworkLink(Attributes):
    bandwidth_mbps: int = Field(ge=1, le=1_000_000)
    carrier: str | None = Field(default=None, max_length=100)


class VpnAccount(Attributes):
    holder_role: str | None = Field(default=None, max_length=100,
                                    description="a role, never a person's name")


class SparePart(Attributes):
    stock: int = Field(ge=0)
    minimum: int = Field(default=0, ge=0)
    location: str | None = Field(default=None, max_length=200)


ATTRIBUTES: dict[Kind, type[Attributes]] = {
    Kind.server: Server, Kind.network_device: NetworkDevice, Kind.storage: Storage,
    Kind.terminal: Terminal, Kind.software: Software, Kind.application: Application,
    Kind.interface: Interface, Kind.data_source: DataSource, Kind.network_link: NetworkLink,
    Kind.vpn_account: VpnAccount, Kind.spare_part: SparePart,
}
