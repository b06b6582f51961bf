"""Search through services.search and services.cases, on SQLite and PostgreSQL: complaints by the
words of their content within the actor's projects (phones as the role sees them), rows stored
without the ORM caught up by the index, units by several words, and the case library finding the
renovation-noise case for 装修噪音 with a highlighted snippet, an edit re-indexed at once."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.clock import CHINA
from core.errors import PermissionDenied
from core.search.rank import highlighted_markdown
from db.case_models import CaseRow
from db.models import ComplaintRow, Unit
from db.search_models import SearchTermRow
from services import cases, org, search
from services import complaints as svc
from store_helpers import add_project, count, row

ADMIN = Actor("admin", Role.ADMIN)
DESK = Actor("chen", Role.FRONTDESK)                 # every project, full phones
WANG = Actor("wang", Role.SUPERVISOR)                # masked phones
TRAINER = Actor("trainer", Role.TRAINER)
WHEN = datetime(2026, 3, 2, 10, 0, tzinfo=CHINA)
NOISE = "楼上3-2001从上周开始装修，每天早上七点电钻就响，这种噪声让老人和孩子都休息不好。"


def site(engine):
    sz = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    gz = add_project(engine, "P002", "广州·星河苑", "广州", buildings=("3",))
    org.import_units(engine, ADMIN, sz, [row("3-1906", "王伟", "13812345678"), row("5-101", "张伟", "13700001111")])
    org.import_units(engine, ADMIN, gz, [row("3-1906", "赵敏", "13600002222")])
    with engine.connect() as conn:
        units = {(p, r): i for i, p, r in conn.execute(select(Unit.id, Unit.project_id, Unit.room_no))}
    return sz, gz, units


def reg(engine, unit_id, content, minutes=0, **kw):
    return svc.register(engine, DESK, channel="phone", complainant="王伟", phone="13812345678", content=content,
                        category=kw.pop("category", "neighbours"), unit_id=unit_id,
                        now=WHEN + timedelta(minutes=minutes), **kw)


def numbers(hits):
    return [h.record["number"] for h in hits]


def test_complaints_are_found_by_their_words_in_the_actors_projects_only(engine):
    sz, gz, units = site(engine)
    noise = reg(engine, units[(sz, "3-1906")], NOISE)
    leak = reg(engine, units[(sz, "5-101")], "卫生间天花板渗水，墙面发霉。", 1, category="repairs")
    other = reg(engine, units[(gz, "3-1906")], "隔壁装修噪音太大，周末也不停。", 2)
    everyone = search.complaints(engine, DESK, "装修噪音")
    assert set(numbers(everyone)) == {noise, other}
    assert numbers(everyone)[0] == other            # the words stand together there: a phrase
    scoped = Actor("scoped", Role.FRONTDESK, (sz,))
    hits = search.complaints(engine, scoped, "装修噪音")
    assert numbers(hits) == [noise]                  # another project's complaint is not found
    md = highlighted_markdown(hits[0].snippet)
    assert "**装修**" in md and "**噪声**" in md and "3\\-2001" in md
    assert numbers(search.complaints(engine, scoped, "漏水")) == [leak]     # 漏水 finds 渗水
    assert hits[0].record["phone"] == "13812345678"
    assert search.complaints(engine, WANG, "装修噪音")[0].record["phone"] == "138****5678"
    assert search.complaints(engine, scoped, "琥珀猫头鹰") == []
    with pytest.raises(PermissionDenied):
        search.complaints(engine, TRAINER, "装修噪音")


def test_complaints_stored_without_the_orm_are_caught_up_by_the_next_search(engine):
    sz, _gz, units = site(engine)
    reg(engine, units[(sz, "3-1906")], NOISE)
    with engine.begin() as conn:        # a bulk loader: no ORM, so no write hook ran
        base = conn.execute(select(ComplaintRow.__table__).limit(1)).mappings().one()
        conn.execute(insert(ComplaintRow.__table__), [
            {**{k: v for k, v in base.items() if k != "id"}, "number": f"BULK-{i}", "content": f"{i}号楼电梯困人二十分钟"}
            for i in range(3)])
    hits = search.complaints(engine, DESK, "电梯困人")
    assert sorted(numbers(hits)) == ["BULK-0", "BULK-1", "BULK-2"]
    before = count(engine, SearchTermRow)
    assert search.complaints(engine, DESK, "电梯困人") and count(engine, SearchTermRow) == before  # once


def test_units_match_every_word_within_scope_with_masked_phones(engine):
    sz, gz, _units = site(engine)
    assert search.units(engine, DESK, "3-1906")["project_id"].tolist() == [sz, gz]
    found = search.units(engine, DESK, "翠湖 3-19")
    assert found["room_no"].tolist() == ["3-1906"] and found["project_id"].tolist() == [sz]
    assert search.units(engine, DESK, "星河 赵敏")["owner"].tolist() == ["赵敏"]
    assert search.units(engine, DESK, "星河 王伟").empty
    scoped = Actor("scoped", Role.SUPERVISOR, (sz,))
    seen = search.units(engine, scoped, "3-1906")
    assert seen["project_id"].tolist() == [sz] and seen["phone"].tolist() == ["138****5678"]
    with pytest.raises(PermissionDenied):
        search.units(engine, TRAINER, "3-1906")


def test_the_library_finds_the_renovation_noise_case_for_words_written_apart(engine):
    cases.seed_library(engine, ADMIN)
    found = cases.search(engine, TRAINER, "装修噪音")
    with engine.connect() as conn:
        renovation = conn.scalar(select(CaseRow.id).where(CaseRow.slug == "renovation-noise-upstairs"))
    assert found["id"].iloc[0] == renovation and bool(found["complete"].iloc[0])
    md = highlighted_markdown(found["snippet"].iloc[0])
    assert "**装修**" in md and ("**噪音**" in md or "**噪声**" in md)
    assert renovation in cases.search(engine, TRAINER, "噪声")["id"].tolist()
    # an edit is searchable at once: the index follows the write
    c = cases.get(engine, TRAINER, renovation)
    from core.cases.model import CaseDraft
    draft = CaseDraft(title="练习：楼上翻新，楼下不得安宁", story=c["story"], kind=c["kind"], outcome=c["outcome"],
                      lesson=c["lesson"], questions=tuple(c["questions"]), topics=c["topics"],
                      method_steps=c["method_steps"], title_en=c["title_en"], summary_en=c["summary_en"],
                      source=c["source"], status="published")
    cases.save(engine, TRAINER, draft, renovation, c["version"])
    assert cases.search(engine, TRAINER, "翻新")["id"].iloc[0] == renovation
