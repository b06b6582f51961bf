"""Labels of the Excel exports (documents/xlsx.py through ui/export.py): the title row and the
sheet names of each export."""

ZH: dict[str, str] = {
    "xlsx.period": "期间：{period}",
    "xlsx.filters": "筛选：{filters}",
    "xlsx.no_filters": "筛选：无",
    "xlsx.exported": "导出时间：{at}（北京时间）",
    "xlsx.yes": "是", "xlsx.no": "否", "xlsx.as_of": "截至 {day}",
    "xlsx.sheet.analysis": "投诉统计（按{by}）", "xlsx.title.analysis": "投诉统计：按{by}（受理量、超时率、回访）",
    "xlsx.sheet.causes": "投诉根本原因", "xlsx.title.causes": "投诉根本原因（按类别和出现次数）",
    "xlsx.sheet.units": "各项目房屋状态", "xlsx.title.units": "各项目房屋状态与入住率",
    "xlsx.sheet.worklist": "催缴工作单", "xlsx.title.worklist": "今日催缴工作单（时效预警在前）",
    "xlsx.sheet.visits": "上门催缴路线", "xlsx.title.visits": "上门催缴：按项目、楼栋、楼层排列",
    "xlsx.sheet.paused": "暂停催缴", "xlsx.title.paused": "暂停催缴的房屋及暂停原因",
    "xlsx.sheet.attendance": "培训出勤", "xlsx.title.attendance": "培训出勤：每位员工参加的场次和学过的案例",
    "xlsx.sheet.users": "员工账号", "xlsx.title.users": "员工账号、角色与锁定状态",
    "xlsx.sheet.collection": "各项目收缴率", "xlsx.title.collection": "各项目本期收缴率与清欠率（金额：元）",
    "xlsx.sheet.aging": "欠费账龄", "xlsx.title.aging": "欠费账龄：业主与开发商持有分列（金额：元）",
    "xlsx.sheet.audit": "操作记录", "xlsx.title.audit": "操作记录（修改前后）",
}

EN: dict[str, str] = {
    "xlsx.period": "Period: {period}",
    "xlsx.filters": "Filters: {filters}",
    "xlsx.no_filters": "Filters: none",
    "xlsx.exported": "Exported: {at} (China time)",
    "xlsx.yes": "Yes", "xlsx.no": "No", "xlsx.as_of": "As of {day}",
    "xlsx.sheet.analysis": "Complaints by {by}", "xlsx.title.analysis": "Complaints by {by} (received, breaches, call-backs)",
    "xlsx.sheet.causes": "Root causes", "xlsx.title.causes": "Complaint root causes by category and frequency",
    "xlsx.sheet.units": "Units by project", "xlsx.title.units": "Units by status and occupancy, per project",
    "xlsx.sheet.worklist": "Dunning worklist", "xlsx.title.worklist": "Today's dunning worklist (limitation warnings first)",
    "xlsx.sheet.visits": "Door visits", "xlsx.title.visits": "Door visits by project, building and floor",
    "xlsx.sheet.paused": "Paused units", "xlsx.title.paused": "Units whose reminders are paused, and why",
    "xlsx.sheet.attendance": "Training attendance", "xlsx.title.attendance": "Training attendance: sessions and cases per person",
    "xlsx.sheet.users": "Staff accounts", "xlsx.title.users": "Staff accounts, roles and locks",
    "xlsx.sheet.collection": "Collection by project", "xlsx.title.collection": "Current-period collection and arrears recovery by project (yuan)",
    "xlsx.sheet.aging": "Arrears aging", "xlsx.title.aging": "Arrears by age, owners and developer-held apart (yuan)",
    "xlsx.sheet.audit": "Audit trail", "xlsx.title.audit": "Audit trail (before and after)",
}
