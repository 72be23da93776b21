"""The asset register through the gateway: typed attributes, relations without cycles,
the impact walk, end-of-life risks, retirement and events."""

import uuid

import pytest
from opspact.testing.plugin import auth
from opspact.testing.probes import query

ASSETS = "/api/inventory/assets"


def make(gateway, tenant, kind, code, name, expect=201, **attributes):
    r = gateway.post(ASSETS, headers=auth(tenant, "vendor_engineer"),
                     json={"kind": kind, "code": code, "name": name, "attributes": attributes})
    assert r.status_code == expect, r.text
    return r.json()


def relate(gateway, tenant, code, type_, to, expect=201):
    r = gateway.post(f"{ASSETS}/{code}/relations", headers=auth(tenant, "vendor_engineer"),
                     json={"type": type_, "to": to})
    assert r.status_code == expect, r.text
    return r


@pytest.fixture(scope="module")
def wuqia(gateway):
    """A slice of wuqia's data pool: CentOS 7.5 servers, MySQL, apps on top."""
    run = uuid.uuid4().hex[:6]
    c = lambda name: f"{name}-{run}"  # noqa: E731
    make(gateway, "wuqia", "server", c("db-master"), "生产数据库主库", cpu_cores=64, memory_gb=128,
         disk_gb=2048, os="CentOS 7.5", form="physical")
    make(gateway, "wuqia", "server", c("app-01"), "社区平台应用服务器", os="CentOS 7.5", form="vm")
    make(gateway, "wuqia", "software", c("mysql"), "MySQL", category="database", product="MySQL",
         version="8.0")
    make(gateway, "wuqia", "application", c("collection"), "信息采集平台",
         system_code="collection-platform", core=True)
    make(gateway, "wuqia", "application", c("rpa"), "RPA分发平台", system_code="rpa-platform")
    make(gateway, "wuqia", "interface", c("push"), "数据推送接口", provider="数据资源池",
         transport="kafka", used_by=["rpa"])
    relate(gateway, "wuqia", c("mysql"), "runs_on", c("db-master"))
    relate(gateway, "wuqia", c("collection"), "depends_on", c("mysql"))
    relate(gateway, "wuqia", c("collection"), "runs_on", c("app-01"))
    relate(gateway, "wuqia", c("push"), "depends_on", c("collection"))
    relate(gateway, "wuqia", c("rpa"), "depends_on", c("push"))
    relate(gateway, "wuqia", c("app-01"), "connects_to", c("db-master"))
    return c


def test_impact_of_the_database_server(gateway, wuqia):
    r = gateway.get(f"{ASSETS}/{wuqia('db-master')}/impact", headers=auth("wuqia", "client_viewer"))
    assert r.status_code == 200, r.text
    impact = {i["code"]: i for i in r.json()["impacted"]}
    assert set(impact) == {wuqia(n) for n in ("mysql", "collection", "push", "rpa")}
    assert impact[wuqia("rpa")]["depth"] == 4 and impact[wuqia("rpa")]["via"] == wuqia("push")
    assert impact[wuqia("mysql")]["path"] == [wuqia("db-master"), wuqia("mysql")]
    assert wuqia("app-01") not in impact  # connects_to is adjacency, not dependency
    shallow = gateway.get(f"{ASSETS}/{wuqia('db-master')}/impact", params={"max_depth": 2},
                          headers=auth("wuqia", "auditor")).json()
    assert {i["code"] for i in shallow["impacted"]} == {wuqia("mysql"), wuqia("collection")}
    assert shallow["truncated"] is True


def test_cycles_and_duplicates_are_refused(gateway, wuqia):
    r = relate(gateway, "wuqia", wuqia("db-master"), "depends_on", wuqia("rpa"), expect=409)
    assert "cycle" in r.json()["detail"]
    relate(gateway, "wuqia", wuqia("mysql"), "runs_on", wuqia("db-master"), expect=409)
    relate(gateway, "wuqia", wuqia("mysql"), "runs_on", wuqia("mysql"), expect=422)
    relate(gateway, "wuqia", wuqia("mysql"), "runs_on", "nowhere", expect=404)
    make(gateway, "wuqia", "server", wuqia("db-master"), "重复", expect=409)


def test_centos_servers_are_past_end_of_life(stack, gateway, wuqia):
    server = gateway.get(f"{ASSETS}/{wuqia('db-master')}", headers=auth("wuqia", "auditor")).json()
    assert server["eol"]["status"] == "past" and server["eol"]["date"] == "2024-06-30"
    assert server["eol"]["source"].startswith("https://")
    risks = gateway.get("/api/inventory/eol/risks", headers=auth("wuqia", "client_admin")).json()
    codes = [a["code"] for a in risks]
    assert wuqia("db-master") in codes and wuqia("app-01") in codes and wuqia("mysql") in codes
    assert [a["eol"]["date"] for a in risks] == sorted(a["eol"]["date"] for a in risks)
    events = query(stack, "SELECT count(*) AS n FROM inventory.outbox WHERE "
                   "event_type = 'inventory.eol.risk.v1' AND payload->'data'->>'code' = $1",
                   wuqia("db-master"))
    assert events[0]["n"] == 1


@pytest.mark.parametrize(("body", "words"), [
    ({"kind": "server", "code": "x1", "name": "n", "attributes": {"cpu_cores": "many"}},
     "cpu_cores"),
    ({"kind": "server", "code": "x2", "name": "n", "attributes": {"colour": "red"}}, "colour"),
    ({"kind": "spaceship", "code": "x3", "name": "n"}, "kind"),
    ({"kind": "software", "code": "x4", "name": "n", "attributes": {"category": "os"}}, "product"),
    ({"kind": "server", "code": "bad code!", "name": "n"}, "code"),
])
def test_bad_assets_name_the_problem(gateway, body, words):
    r = gateway.post(ASSETS, json=body, headers=auth("zhuhai", "vendor_engineer"))
    assert r.status_code == 422 and words in r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_update_retire_and_list(gateway, wuqia):
    headers = auth("wuqia", "vendor_manager")
    r = gateway.patch(f"{ASSETS}/{wuqia('app-01')}", headers=headers,
                      json={"attributes": {"os": "CentOS 7.9", "form": "vm", "memory_gb": 32}})
    assert r.status_code == 200 and r.json()["attributes"]["memory_gb"] == 32
    spare = make(gateway, "wuqia", "spare_part", wuqia("disk"), "备用硬盘", stock=2, minimum=1)
    r = gateway.post(f"{ASSETS}/{spare['code']}/retire", headers=headers, json={"reason": "已用完"})
    assert r.status_code == 200 and r.json()["status"] == "retired"
    again = gateway.post(f"{ASSETS}/{spare['code']}/retire", headers=headers, json={"reason": "x"})
    assert again.status_code == 409
    listed = gateway.get(ASSETS, params={"kind": "server", "q": wuqia("")[-6:]},
                         headers=headers).json()
    assert {a["code"] for a in listed["items"]} == {wuqia("db-master"), wuqia("app-01")}
    assert gateway.get(f"{ASSETS}/{wuqia('db-master')}", headers=auth("zhuhai", "auditor")
                       ).status_code == 404  # another tenant's asset does not exist for zhuhai



IMPORT = f"{ASSETS}/import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def post_file(gateway, content: bytes, content_type="text/csv", dry_run=False, tenant="zhuhai"):
    return gateway.post(IMPORT, params={"dry_run": dry_run}, content=content,
                        headers={**auth(tenant, "vendor_manager"), "Content-Type": content_type})


def test_csv_import_dry_run_then_upsert_with_relations(gateway):
    run = uuid.uuid4().hex[:6]
    text = "\n".join([
        "kind,code,name,form,cpu_cores,memory_gb,os,category,product,version,runs_on,depends_on",
        f"server,vm01-{run},视频云虚拟机1,vm,16,64,CentOS 7.6,,,,,",
        f"server,vm02-{run},视频云虚拟机2,vm,8,32,CentOS 7.6,,,,,",
        f"software,pg-{run},数据库,,,,,database,PostgreSQL,12,vm01-{run},",
        f"application,station-{run},智慧新警务,,,,,,,,vm02-{run},pg-{run}",
    ]) + "\n"
    dry = post_file(gateway, text.encode(), dry_run=True)
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert (body["created"], body["updated"], body["dry_run"]) == (4, 0, True)
    assert gateway.get(f"{ASSETS}/vm01-{run}", headers=auth("zhuhai", "auditor")).status_code == 404
    done = post_file(gateway, text.encode()).json()
    assert (done["created"], done["relations"]) == (4, 3)
    impact = gateway.get(f"{ASSETS}/vm01-{run}/impact", headers=auth("zhuhai", "auditor")).json()
    assert [i["code"] for i in impact["impacted"]] == [f"pg-{run}", f"station-{run}"]
    again = post_file(gateway, text.encode()).json()
    assert (again["created"], again["unchanged"], again["relations"]) == (0, 4, 0)
    changed = text.replace("视频云虚拟机2,vm,8,32", "视频云虚拟机2,vm,8,48")
    assert post_file(gateway, changed.encode()).json()["updated"] == 1


def test_bad_rows_are_reported_and_nothing_is_written(gateway):
    run = uuid.uuid4().hex[:6]
    text = "\n".join([
        "kind,code,name,cpu_cores,runs_on",
        f"server,ok-{run},正常,4,",
        f"server,bad-{run},核数错,many,",
        f"spaceship,ship-{run},未知类型,,",
        f"server,ok-{run},重复,4,",
        f"software,sw-{run},缺产品,,",
        f"server,rel-{run},关系错,2,nowhere-{run}",
    ]) + "\n"
    dry = post_file(gateway, text.encode(), dry_run=True).json()
    errors = {r["line"]: " ".join(r["errors"]) for r in dry["report"] if r["action"] == "error"}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "cpu_cores" in errors[3] and "kind" in errors[4] and "line 2" in errors[5]
    assert "product" in errors[6] and f"nowhere-{run}" in errors[7]
    real = post_file(gateway, text.encode())
    assert real.status_code == 422 and "nothing was imported" in real.json()["detail"]
    assert gateway.get(f"{ASSETS}/ok-{run}", headers=auth("zhuhai", "auditor")).status_code == 404


def test_import_dry_run_shows_dependency_loops(gateway):
    run = uuid.uuid4().hex[:6]
    base = "\n".join(["kind,code,name,form,runs_on,depends_on",
                      f"server,host-{run},宿主机,physical,,", f"server,vm-{run},虚拟机,vm,host-{run},"])
    assert post_file(gateway, (base + "\n").encode()).status_code == 200
    # the host now runs on its own VM (through the registered relation), and two
    # new applications rely on each other: both loops shown before anything is written
    text = "\n".join([
        "kind,code,name,form,runs_on,depends_on",
        f"server,host-{run},宿主机,physical,vm-{run},",
        f"application,app-a-{run},应用甲,,,app-b-{run}",
        f"application,app-b-{run},应用乙,,,app-a-{run}",
    ]) + "\n"
    dry = post_file(gateway, text.encode(), dry_run=True).json()
    errors = {r["line"]: " ".join(r["errors"]) for r in dry["report"] if r["action"] == "error"}
    assert set(errors) == {2, 4}, dry
    assert f"host-{run} → vm-{run} → host-{run}" in errors[2]
    assert f"app-b-{run} → app-a-{run} → app-b-{run}" in errors[4]
    real = post_file(gateway, text.encode())
    assert real.status_code == 422 and "dependency loop" in real.json()["detail"]
    assert gateway.get(f"{ASSETS}/app-a-{run}", headers=auth("zhuhai", "auditor")).status_code == 404


def test_xlsx_import_with_chinese_and_list_cells(gateway):
    from io import BytesIO

    from openpyxl import Workbook
    run = uuid.uuid4().hex[:6]
    book = Workbook()
    sheet = book.active
    sheet.append(["kind", "code", "name", "provider", "transport", "used_by"])
    sheet.append(["interface", f"if-{run}", "人口数据接口", "公安数据资源中心", "http",
                  "智慧新警务;移动警务"])
    sheet.append([None, None, None, None, None, None])  # Excel's formatted empty row
    buffer = BytesIO()
    book.save(buffer)
    r = post_file(gateway, buffer.getvalue(), XLSX)
    assert r.status_code == 200, r.text
    asset = gateway.get(f"{ASSETS}/if-{run}", headers=auth("zhuhai", "auditor")).json()
    assert asset["attributes"]["used_by"] == ["智慧新警务", "移动警务"]
    assert post_file(gateway, b"PK\x03\x04 not really", XLSX).status_code == 422


def test_tenant_files_register_the_contract_lists(gateway):
    """Applied with the tenant files: wuqia's 14 CentOS 7.5 servers are past end of life."""
    risks = gateway.get("/api/inventory/eol/risks", params={"include_unknown": True},
                        headers=auth("wuqia", "auditor")).json()
    servers = [a for a in risks if a["kind"] == "server" and a["code"] in {
        "db-master", "srv-02", "srv-03", "srv-04", "db-test", "app-test", "community", "log-01",
        "log-02", "log-03", "file", "lb-dispatch", "auth-report", "mobile-cloud"}]
    assert len(servers) == 14 and {a["eol"]["status"] for a in servers} == {"past"}
    mysql = next(a for a in risks if a["code"] == "mysql")
    assert mysql["eol"]["status"] == "unknown"  # the contract gives no version
    vpn = gateway.get(ASSETS, params={"kind": "vpn_account", "q": "vpn-", "limit": 200},
                      headers=auth("wuqia", "auditor")).json()["items"]
    # (other tests, the API fuzzer among them, may add VPN accounts of their own)
    assert sorted(a["code"] for a in vpn if a["name"].startswith("VPN 接入")) == [
        f"vpn-{n:02d}" for n in range(1, 21)]
    zhuhai = gateway.get(ASSETS, params={"kind": "interface", "limit": 100},
                         headers=auth("zhuhai", "auditor")).json()
    assert zhuhai["total"] >= 14
    impact = gateway.get(f"{ASSETS}/if-faces/impact", headers=auth("zhuhai", "auditor")).json()
    assert [i["code"] for i in impact["impacted"]] == ["data-sync", "smart-station"]
    xinxiang = gateway.get("/api/inventory/eol/risks", headers=auth("xinxiang", "auditor")).json()
    assert {a["code"] for a in xinxiang} >= {"oracle", "mysql", "nginx", "tomcat", "zabbix"}
