"""A company sets itself up from an empty store through the services only, in the order the screens
take it (issue 11, items 1 and 2), on SQLite and PostgreSQL: the first administrator, the company's
name, one project, two buildings, forty units (ten by form, thirty by the import template), their
owners (a co-owner, a transfer), special needs, and three staff accounts who then sign in and find
their units. No demo account ever exists in this store."""
from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from core.auth.actor import Actor
from core.clock import local_today
from core.importing.files import read_table
from core.importing.template import unit_template
from services import org, users
from store_helpers import FAST

PW = "Real-pass-2026"


def filled_template(rows: list[list[str]]) -> bytes:
    """The downloaded template with its example rows replaced by ours, as an admin fills it in."""
    book = load_workbook(io.BytesIO(unit_template("zh")))
    sheet = book.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_company_sets_itself_up_from_an_empty_store(engine):
    today = local_today()
    assert users.first_run(engine) and org.company(engine) is None

    # 1. the first administrator (the first-run page or python -m services.first_admin)
    users.create_first_admin(engine, "wangwei", "王伟", PW, PW, hash_rounds=FAST)
    me = users.get_account(engine, "wangwei")
    boss = Actor(me.username, me.role, None)

    # 2. company, project, buildings
    org.name_company(engine, boss, "翠湖物业服务有限公司")
    pid = org.create_project(engine, boss, "SZ01", "翠湖园", "深圳", "南山区科技路 1 号", "95")
    for name in ("1", "2"):
        org.add_building(engine, boss, pid, name, "10")
    buildings = org.list_buildings(engine, boss, (pid,)).set_index("name")["id"]

    # 3. ten units of building 1 by form, with their owners as people write their phones
    for r in range(1, 11):
        floor, room = (r + 1) // 2, 1 + (r + 1) % 2
        org.add_unit(engine, boss, int(buildings["1"]), f"1-{floor}{room:02d}", "89.5", "occupied",
                     f"业主{r}", f"138-0000-{r:04d}")

    # 4. thirty units of building 2 by the import template
    rows = [["2", f"2-{f}{r:02d}", "98", "已售待交付", f"买家{f}{r}", f"+86 139 0000 {f:02d}{r:02d}",
             "独居老人" if (f, r) == (1, 1) else ""] for f in range(1, 11) for r in range(1, 4)]
    result = org.validate_unit_import(engine, boss, pid, read_table("房屋.xlsx", filled_template(rows)))
    assert result.ok, result.errors
    assert org.import_units(engine, boss, pid, result.rows) == 30

    # 5. owners kept up to date: a co-owner, a transfer, a need
    unit_a = org.find_unit(engine, boss, pid, "1-101")
    org.add_co_owner(engine, boss, unit_a, "业主1的配偶", "0755-8888 6666")
    unit_b = org.find_unit(engine, boss, pid, "2-1003")
    org.transfer_ownership(engine, boss, unit_b, [("新业主", "13700001111")], today,
                           org.unit_detail(engine, boss, unit_b)["version"])
    org.add_special_need(engine, boss, unit_a, "committee_member", "", today - timedelta(days=1))

    # 6. three staff accounts with role and project scope
    users.create_user(engine, boss, "zhou", "周经理", "manager", PW, hash_rounds=FAST)
    users.create_user(engine, boss, "lin", "林主管", "supervisor", PW, [pid], hash_rounds=FAST)
    users.create_user(engine, boss, "chen", "陈客服", "frontdesk", PW, [pid], hash_rounds=FAST)

    progress = org.setup_progress(engine, boss)
    assert progress == {"company": 1, "projects": 1, "buildings": 2, "units": 40, "owners": 41, "staff": 4}
    frame = org.units_by_status(engine, boss)
    assert {r.status: int(r.units) for r in frame.itertuples()} == {"occupied": 10, "sold": 30}

    # the staff sign in and find their units; no demo account exists or is hinted at
    from services import sessions
    assert users.list_users(engine, boss)["username"].tolist() == ["chen", "lin", "wangwei", "zhou"]
    assert all(sessions.sign_in(engine, u, PW, "10.0.0.1").account.username == u
               for u in ("wangwei", "zhou", "lin", "chen"))
    assert not users.demo_mode(engine) and users.demo_accounts(engine, boss) == []
    assert not org.company(engine).is_demo
    chen = users.get_account(engine, "chen")
    desk = Actor(chen.username, chen.role, chen.project_ids)
    record = org.unit_detail(engine, desk, unit_a)
    assert [(o.name, o.phone) for o in record["owners"]] == [("业主1", "13800000001"),
                                                            ("业主1的配偶", "0755-88886666")]
    assert [n.kind for n in record["needs"]] == ["committee_member"]
    found = org.search_units(engine, desk, "2-101")
    assert found.iloc[0]["phone"] == "13900000101" and found.iloc[0]["special_needs"] == ("elderly_alone",)
    lin = users.get_account(engine, "lin")
    masked = org.unit_detail(engine, Actor(lin.username, lin.role, lin.project_ids), unit_b)
    assert masked["owner"] == "新业主" and masked["phone"] == "137****1111"
    assert [o.name for o in org.owners(engine, desk, unit_b, history=True)] == ["新业主", "买家103"]
