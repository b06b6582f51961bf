"""Labels of the documents (receipts, notices, letters, handover papers, handouts) and of the
screens that issue them. The default letters are our own words; an admin edits them on the
documents page."""

ZH: dict[str, str] = {
    "page.paperwork": "单据与函件",
    # on every document
    "doc.number": "单据编号", "doc.issued_on": "开具日期：{day}", "doc.seal": "（单位盖章）",
    "doc.room": "房号", "doc.owner": "业主", "doc.paid_on": "交款日期", "doc.method": "付款方式",
    "doc.cashier": "收款人", "doc.item": "收费项目", "doc.period": "所属期间", "doc.amount": "金额（元）",
    "doc.total": "合计", "doc.capitals": "金额大写", "doc.rmb": "人民币", "doc.billed": "应收（元）",
    "doc.paid": "已收/减免（元）", "doc.owed": "欠费（元）", "doc.due": "应缴日期", "doc.payer_sign": "交款人签字",
    "doc.preview_mark": "预览 · 非正式文件",
    "doc.sign.owner": "业主签字", "doc.sign.staff": "经办人签字", "doc.sign.date": "日期",
    # titles
    "doc.title.receipt": "收款收据", "doc.title.notice": "物业费缴费通知单", "doc.title.handover": "房屋交接单",
    "doc.title.defects": "验房问题确认单", "doc.title.handout_trainee": "培训讲义（学员版）",
    "doc.title.handout_trainer": "培训讲义（讲师版）", "doc.title.sign_in": "培训签到表",
    # receipt
    "doc.receipt.no": "收据号", "doc.receipt.prepaid": "预存款（未抵扣）", "doc.receipt.credit_left": "预存余额",
    "doc.receipt.void_mark": "作废", "doc.receipt.reprint_mark": "补打 {day}（第{n}次打印）",
    "doc.receipt.void_line": "本收据已于 {day} 作废，原因：{reason}。作废收据不作收款凭证。",
    "doc.receipt.keep": "本收据由系统编号，请妥善保管；收据号可在物业服务中心查询对应缴费记录。",
    # payment notice
    "doc.notice.period": "通知账期", "doc.notice.pay_by": "请于此日前缴纳",
    "doc.notice.opening": "尊敬的{owner}：截至本通知账期，您的房屋尚有以下费用未缴清，请核对后按时缴纳。",
    "doc.notice.how_to_pay": "缴费方式",
    "doc.notice.how_default": "请携带本通知单到物业服务中心前台缴纳，可使用现金、银行卡、微信或支付宝；\n"
                              "如需银行转账，请向前台索取收款账户，并在附言中注明房号。",
    "doc.notice.ignore_if_paid": "如您已在通知送达前缴纳，请忽略本通知；对账目有疑问请到服务中心核对。",
    # letters
    "doc.letter.template_version": "函件模板第 {v} 版",
    "doc.letter.received_by": "签收人", "doc.letter.received_on": "签收日期",
    "letter.kind.reminder": "催缴函", "letter.kind.lawyer": "律师函",
    "letter.default_title.reminder": "物业服务费催缴函",
    "letter.default_title.lawyer": "律师函",
    "letter.default_body.reminder": (
        "尊敬的{owner}业主：\n"
        "您好！感谢您对{project}物业服务工作的理解与支持。\n"
        "我们在核对账目时发现，您名下{room}房屋自{first_period}至{last_period}共{months}个月的物业服务费尚未结清，"
        "合计人民币{arrears}元（大写：{arrears_capitals}）。\n"
        "想必是您事务繁忙未及办理，特此提醒。请您于{pay_by}前到物业服务中心前台或通过线上渠道缴纳。"
        "如您已经缴纳，请忽略本函；如对账目有疑问，欢迎来电或到服务中心核对，我们会逐笔为您说明。\n"
        "顺祝安康！\n"
        "{company}\n"
        "{today}"),
    "letter.default_body.lawyer": (
        "{owner}先生/女士（{project}{room}房屋业主）：\n"
        "本律师受{company}委托，就您拖欠物业服务费一事郑重致函。\n"
        "您作为上述房屋的业主，受物业服务合同约束。依照合同约定及《中华人民共和国民法典》第九百四十四条，"
        "业主应当按约定支付物业费；物业服务人已按约定提供服务的，业主不得以未接受或无需接受服务为由拒付。\n"
        "经核查，截至{today}，您名下房屋自{first_period}至{last_period}共{months}个月的物业服务费人民币{arrears}元"
        "（大写：{arrears_capitals}）仍未支付。委托人此前已通过书面通知、电话及上门等方式多次催告，至今未获清偿。\n"
        "现特函告：请您于{pay_by}前付清上述全部欠款。逾期仍未履行的，委托人将依法提起诉讼，"
        "要求您支付欠费及合同约定的违约金，诉讼所生费用亦将依法由您承担。\n"
        "本函即为委托人对上述债权的书面催告；依照《民法典》第一百九十五条，诉讼时效自本函送达之日起重新计算。\n"
        "如对欠费金额有异议，请于收到本函后七日内与物业服务中心联系核对。\n"
        "（律师事务所名称、律师签名）\n"
        "{today}"),
    "doc.owner_unknown": "业主", "field.version": "版本",
    "field.letter_title": "函件标题", "field.letter_kind": "函件种类",
    "err.letter_kind": "请选择函件种类（催缴函或律师函）。",
    "err.no_arrears": "该房屋目前没有欠费，无需发函。",
    "err.document_unknown": "找不到这份单据。",
    "err.notices_none": "所选范围内没有欠费的房屋，未生成通知单。",
    "err.session_unknown": "找不到该培训场次。",
    "err.appointment_unknown": "找不到该户的入住预约。",
    # handover and defects
    "doc.handover.batch": "交付批次", "doc.handover.day": "办理日期", "doc.handover.area": "建筑面积",
    "doc.handover.arrived": "到场时间", "doc.handover.stations": "办理环节", "doc.handover.station": "环节",
    "doc.handover.done_at": "完成时间", "doc.handover.staff": "经办人", "doc.handover.keys": "钥匙交接",
    "doc.handover.key_kind": "钥匙/门禁", "doc.handover.count": "数量",
    "doc.key.entrance": "单元门钥匙", "doc.key.unit": "入户门钥匙", "doc.key.mailbox": "信报箱钥匙",
    "doc.key.access_card": "门禁卡",
    "doc.handover.meters": "表具读数（交接当日现场抄录）", "doc.handover.meter": "表具",
    "doc.handover.meter_no": "表号", "doc.handover.reading": "读数",
    "doc.meter.water": "水表", "doc.meter.electricity": "电表", "doc.meter.gas": "燃气表",
    "doc.handover.documents": "业主签收资料",
    "doc.received.quality": "住宅质量保证书", "doc.received.manual": "住宅使用说明书",
    "doc.received.rules": "管理规约及业主手册", "doc.received.notice": "入住通知书（回执）",
    "doc.handover.defects_open": "验房登记问题 {n} 项未整改，详见验房问题确认单。",
    "doc.handover.declaration": "业主已现场查验房屋并领取上述钥匙与资料，表具读数经双方确认无误。",
    "doc.defects.note": "说明", "doc.defects.status": "状态", "doc.defects.none": "本次验房未登记问题。",
    "doc.defects.declaration": "以上问题经业主与物业双方现场确认，由责任方按约定期限整改，整改完成后请业主复验签认。",
    # handouts
    "doc.handout.session": "培训主题", "doc.handout.held_on": "培训日期", "doc.handout.trainer": "讲师",
    "doc.handout.version": "版本", "doc.handout.version.trainee": "学员版", "doc.handout.version.trainer": "讲师版",
    "doc.handout.method_steps": "对应方法步骤",
    "doc.signin.name": "姓名", "doc.signin.account": "账号", "doc.signin.signature": "签名", "doc.signin.time": "签到时间",
    # screens
    "docs.yes": "是", "docs.receipt": "打印收据", "docs.receipt_pick": "选择缴费记录", "docs.receipt_button": "下载收据 PDF",
    "docs.receipt_reprint_note": "已打印过的收据再次下载会标注“补打”及日期。",
    "docs.letters": "催缴函件", "docs.letter_unit": "房屋", "docs.letter_button": "下载{kind} PDF",
    "docs.letter_note": "函件按最新模板生成，并记录所用模板版本。",
    "docs.notices": "批量缴费通知单", "docs.notices_project": "项目", "docs.notices_building": "楼栋",
    "docs.notices_all_buildings": "全部楼栋", "docs.notices_make": "生成通知单",
    "docs.notices_progress": "已排版 {done} / {total} 份通知单", "docs.notices_done": "已生成 {n} 份通知单（{number}），按楼栋、楼层、房号排序。",
    "docs.notices_download": "下载通知单 PDF",
    "docs.find": "按编号查单据", "docs.find_help": "输入或扫描单据编号、收据号", "docs.find_none": "没有找到编号为 {q} 的单据。",
    "docs.col.number": "单据编号", "docs.col.kind": "种类", "docs.col.ref": "对应记录", "docs.col.room": "房号",
    "docs.col.issued_by": "开具人", "docs.col.issued_at": "开具时间", "docs.col.reprint": "补打",
    "docs.col.version": "模板版本",
    "docs.kind.receipt": "收据", "docs.kind.notices": "缴费通知单", "docs.kind.reminder": "催缴函",
    "docs.kind.lawyer": "律师函", "docs.kind.handover": "房屋交接单", "docs.kind.defects": "验房问题确认单",
    "docs.kind.handout_trainee": "讲义（学员版）", "docs.kind.handout_trainer": "讲义（讲师版）",
    "docs.kind.sign_in": "签到表",
    "docs.templates": "函件模板", "docs.template_kind": "模板", "docs.template_version": "当前第 {v} 版（{who}）",
    "docs.template_default": "当前为系统默认模板（尚未修改）", "docs.placeholders": "可用占位符",
    "docs.preview": "预览", "docs.preview_download": "下载预览 PDF", "docs.save_template": "保存为新版本",
    "docs.template_saved": "模板已保存为第 {v} 版。", "docs.preview_caption": "预览第一页（示例数据）",
    "docs.handover": "交接单据", "docs.handover_button": "下载房屋交接单", "docs.defects_button": "下载验房问题确认单",
    "docs.handout_trainee": "讲义 PDF（学员版）", "docs.handout_trainer": "讲义 PDF（讲师版）",
    "docs.sign_in": "签到表 PDF",
    "docs.how_to_pay": "缴费方式说明（印在通知单上）", "docs.how_to_pay_save": "保存缴费方式",
    "docs.how_to_pay_saved": "缴费方式已保存。", "field.how_to_pay": "缴费方式说明",
    "ph.owner": "业主姓名", "ph.room": "房号", "ph.project": "项目名称", "ph.project_address": "项目地址",
    "ph.company": "公司名称", "ph.arrears": "欠费合计（元）", "ph.arrears_capitals": "欠费合计（大写）",
    "ph.first_period": "最早欠费账期", "ph.last_period": "最近欠费账期", "ph.months": "欠费月数",
    "ph.pay_by": "缴费期限", "ph.today": "发函日期", "ph.document_no": "函件编号",
}

EN: dict[str, str] = {
    "page.paperwork": "Documents and letters",
    "doc.number": "Document no.", "doc.issued_on": "Issued on {day}", "doc.seal": "(company seal)",
    "doc.room": "Room", "doc.owner": "Owner", "doc.paid_on": "Paid on", "doc.method": "Method",
    "doc.cashier": "Cashier", "doc.item": "Item", "doc.period": "Period", "doc.amount": "Amount (yuan)",
    "doc.total": "Total", "doc.capitals": "In words", "doc.rmb": "RMB ", "doc.billed": "Billed (yuan)",
    "doc.paid": "Paid/waived (yuan)", "doc.owed": "Owed (yuan)", "doc.due": "Due", "doc.payer_sign": "Payer's signature",
    "doc.preview_mark": "Preview · not issued",
    "doc.sign.owner": "Owner's signature", "doc.sign.staff": "Staff signature", "doc.sign.date": "Date",
    "doc.title.receipt": "Receipt", "doc.title.notice": "Property fee payment notice", "doc.title.handover": "Handover form",
    "doc.title.defects": "Walk-through defect list", "doc.title.handout_trainee": "Training handout (trainee)",
    "doc.title.handout_trainer": "Training handout (trainer)", "doc.title.sign_in": "Training sign-in sheet",
    "doc.receipt.no": "Receipt no.", "doc.receipt.prepaid": "Prepayment (not yet applied)", "doc.receipt.credit_left": "Credit left",
    "doc.receipt.void_mark": "VOID", "doc.receipt.reprint_mark": "Reprint {day} (print {n})",
    "doc.receipt.void_line": "This receipt was voided on {day}, reason: {reason}. A void receipt is no proof of payment.",
    "doc.receipt.keep": "Numbered by the system; please keep it. The desk finds the payment by its receipt number.",
    "doc.notice.period": "Notice period", "doc.notice.pay_by": "Please pay by",
    "doc.notice.opening": "Dear {owner}, as of this notice's period the following charges of your home are unpaid; please check and pay on time.",
    "doc.notice.how_to_pay": "How to pay",
    "doc.notice.how_default": "Bring this notice to the service centre's front desk: cash, card, WeChat Pay or Alipay;\n"
                              "for a bank transfer ask the desk for the account and write your room number in the reference.",
    "doc.notice.ignore_if_paid": "If you paid before this notice reached you, please ignore it; questions about the account are answered at the service centre.",
    "doc.letter.template_version": "Letter template version {v}",
    "doc.letter.received_by": "Received by", "doc.letter.received_on": "Received on",
    "letter.kind.reminder": "Reminder letter", "letter.kind.lawyer": "Lawyer's letter",
    "letter.default_title.reminder": "Reminder: property service fees",
    "letter.default_title.lawyer": "Lawyer's letter",
    "letter.default_body.reminder": (
        "Dear {owner},\n"
        "Thank you for your support of the property services at {project}.\n"
        "Our accounts show that the property service fees of {room} from {first_period} to {last_period} "
        "({months} months) are unpaid: RMB {arrears} in total ({arrears_capitals}).\n"
        "This may simply have slipped your mind; please pay at the service centre or online by {pay_by}. "
        "If you have paid already, please ignore this letter; if anything in the account is unclear, call or visit us.\n"
        "With best wishes,\n"
        "{company}\n"
        "{today}"),
    "letter.default_body.lawyer": (
        "To {owner}, owner of {room}, {project}:\n"
        "On behalf of our client {company} we write to you about unpaid property service fees.\n"
        "As the owner you are bound by the property service contract. Under the contract and article 944 of the Civil Code "
        "an owner pays the agreed fee, and may not refuse it on the ground of not using a service that was provided.\n"
        "As of {today} the fees from {first_period} to {last_period} ({months} months), RMB {arrears} "
        "({arrears_capitals}), remain unpaid despite written notices, calls and visits.\n"
        "Please pay the full amount by {pay_by}. Otherwise our client will sue for the fees and the agreed penalty, "
        "and the costs of the action will fall on you.\n"
        "This letter is our client's written demand; under article 195 of the Civil Code the limitation period runs "
        "anew from its delivery.\n"
        "If you dispute the amount, please contact the service centre within seven days of receiving this letter.\n"
        "(law firm, lawyer's signature)\n"
        "{today}"),
    "doc.owner_unknown": "Owner", "field.version": "Version",
    "field.letter_title": "Letter title", "field.letter_kind": "Kind of letter",
    "err.letter_kind": "Choose the kind of letter (reminder or lawyer's letter).",
    "err.no_arrears": "This unit owes nothing: no letter is needed.",
    "err.document_unknown": "Document not found.",
    "err.notices_none": "No unit in the chosen range owes anything: no notices were made.",
    "err.session_unknown": "Training session not found.",
    "err.appointment_unknown": "Move-in appointment not found.",
    "doc.handover.batch": "Handover batch", "doc.handover.day": "Day", "doc.handover.area": "Floor area",
    "doc.handover.arrived": "Arrived", "doc.handover.stations": "Stations", "doc.handover.station": "Station",
    "doc.handover.done_at": "Done at", "doc.handover.staff": "Staff", "doc.handover.keys": "Keys handed over",
    "doc.handover.key_kind": "Key / card", "doc.handover.count": "Count",
    "doc.key.entrance": "Building entrance key", "doc.key.unit": "Front door key", "doc.key.mailbox": "Mailbox key",
    "doc.key.access_card": "Access card",
    "doc.handover.meters": "Meter readings (taken on the day)", "doc.handover.meter": "Meter",
    "doc.handover.meter_no": "Meter no.", "doc.handover.reading": "Reading",
    "doc.meter.water": "Water", "doc.meter.electricity": "Electricity", "doc.meter.gas": "Gas",
    "doc.handover.documents": "Documents received by the owner",
    "doc.received.quality": "Quality guarantee", "doc.received.manual": "User manual of the home",
    "doc.received.rules": "Management rules and owner's handbook", "doc.received.notice": "Move-in notice (receipt)",
    "doc.handover.defects_open": "{n} walk-through defects are open: see the defect list.",
    "doc.handover.declaration": "The owner inspected the home and received the keys and documents above; both sides confirm the meter readings.",
    "doc.defects.note": "Note", "doc.defects.status": "Status", "doc.defects.none": "No defect was logged in the walk-through.",
    "doc.defects.declaration": "Both sides confirmed these defects on site; the responsible party repairs them in the agreed time, and the owner signs off each repair.",
    "doc.handout.session": "Session", "doc.handout.held_on": "Held on", "doc.handout.trainer": "Trainer",
    "doc.handout.version": "Version", "doc.handout.version.trainee": "trainee", "doc.handout.version.trainer": "trainer",
    "doc.handout.method_steps": "Method steps",
    "doc.signin.name": "Name", "doc.signin.account": "Account", "doc.signin.signature": "Signature", "doc.signin.time": "Time",
    "docs.yes": "yes", "docs.receipt": "Print a receipt", "docs.receipt_pick": "Payment", "docs.receipt_button": "Download receipt PDF",
    "docs.receipt_reprint_note": "A receipt printed before comes out marked as a reprint with its date.",
    "docs.letters": "Dunning letters", "docs.letter_unit": "Unit", "docs.letter_button": "Download {kind} PDF",
    "docs.letter_note": "Letters use the newest template; the version used is recorded.",
    "docs.notices": "Payment notices in bulk", "docs.notices_project": "Project", "docs.notices_building": "Building",
    "docs.notices_all_buildings": "All buildings", "docs.notices_make": "Make the notices",
    "docs.notices_progress": "{done} / {total} notices laid out", "docs.notices_done": "{n} notices made ({number}), by building, floor and room.",
    "docs.notices_download": "Download the notices PDF",
    "docs.find": "Find a document by number", "docs.find_help": "Type or scan a document or receipt number", "docs.find_none": "No document numbered {q}.",
    "docs.col.number": "Document no.", "docs.col.kind": "Kind", "docs.col.ref": "Record", "docs.col.room": "Room",
    "docs.col.issued_by": "Issued by", "docs.col.issued_at": "Issued at", "docs.col.reprint": "Reprint",
    "docs.col.version": "Template version",
    "docs.kind.receipt": "Receipt", "docs.kind.notices": "Payment notices", "docs.kind.reminder": "Reminder letter",
    "docs.kind.lawyer": "Lawyer's letter", "docs.kind.handover": "Handover form", "docs.kind.defects": "Defect list",
    "docs.kind.handout_trainee": "Handout (trainee)", "docs.kind.handout_trainer": "Handout (trainer)",
    "docs.kind.sign_in": "Sign-in sheet",
    "docs.templates": "Letter templates", "docs.template_kind": "Template", "docs.template_version": "Version {v} ({who})",
    "docs.template_default": "The built-in default (not edited yet)", "docs.placeholders": "Placeholders",
    "docs.preview": "Preview", "docs.preview_download": "Download the preview PDF", "docs.save_template": "Save as a new version",
    "docs.template_saved": "Template saved as version {v}.", "docs.preview_caption": "First page of the preview (sample data)",
    "docs.handover": "Handover papers", "docs.handover_button": "Download the handover form", "docs.defects_button": "Download the defect list",
    "docs.handout_trainee": "Handout PDF (trainee)", "docs.handout_trainer": "Handout PDF (trainer)",
    "docs.sign_in": "Sign-in sheet PDF",
    "docs.how_to_pay": "How to pay (printed on the notices)", "docs.how_to_pay_save": "Save how to pay",
    "docs.how_to_pay_saved": "How to pay saved.", "field.how_to_pay": "How to pay",
    "ph.owner": "owner's name", "ph.room": "room", "ph.project": "project", "ph.project_address": "project address",
    "ph.company": "company", "ph.arrears": "arrears (yuan)", "ph.arrears_capitals": "arrears in Chinese capitals",
    "ph.first_period": "first unpaid period", "ph.last_period": "last unpaid period", "ph.months": "months unpaid",
    "ph.pay_by": "pay by", "ph.today": "date of the letter", "ph.document_no": "letter number",
}
