"""Labels of sign-in, sessions, the login throttle and the spreadsheet checks before parsing."""

ZH: dict[str, str] = {
    "login.session_over": "您的登录已结束（已退出、已在所有设备退出、密码被重置、账户被停用或角色变更，或长时间未操作）。请重新登录。",
    "logout.everywhere": "在所有设备上退出",
    "logout.everywhere_help": "结束本账户在每台电脑、平板上的登录，包括这一台。",
    "err.cannot_change_own_role": "不能修改自己的角色，请由另一位管理员操作。",
    "admin.set_role": "修改角色",
    "admin.new_role": "新角色",
    "admin.role_saved": "角色已修改，该员工须重新登录。",
    "admin.storms": "过去 24 小时内有 {n} 次密集的登录失败，请留意：",
    "admin.storm_line": "{at}：{target}（{scope}）连续失败 {failures} 次",
    "storm.account": "账户",
    "storm.client": "来源地址",
}

EN: dict[str, str] = {
    "login.session_over": "Your sign-in has ended (signed out, signed out everywhere, password reset, account deactivated or role changed, or idle too long). Please sign in again.",
    "logout.everywhere": "Sign out everywhere",
    "logout.everywhere_help": "Ends this account's sign-in on every computer and tablet, this one included.",
    "err.cannot_change_own_role": "You cannot change your own role: ask another administrator.",
    "admin.set_role": "Change role",
    "admin.new_role": "New role",
    "admin.role_saved": "Role changed; the staff member must sign in again.",
    "admin.storms": "{n} bursts of failed sign-ins in the last 24 hours, worth a look:",
    "admin.storm_line": "{at}: {target} ({scope}) failed {failures} times in a row",
    "storm.account": "account",
    "storm.client": "client address",
}

ZH.update({
    "err.xlsx_bomb": "这个 Excel 文件解压后异常庞大（压缩比或大小超出正常表格），为保护系统已拒绝。请另存为新的 .xlsx 或导出为 .csv 后再上传。",
    "err.xlsx_dimension": "这个 Excel 工作表声明的范围过大（最多 {columns} 列、{rows} 行）。请只保留有数据的区域，另存后再上传。",
    "err.csv_cell_too_big": "CSV 文件中有一个单元格超过 {max_kb} KB，不像是导入数据。请检查该文件（可能粘贴了整段文字）。",
})
EN.update({
    "err.xlsx_bomb": "This Excel file unpacks to something far larger than a normal table (size or compression ratio), so it was refused. Save it as a new .xlsx or export it as .csv and upload again.",
    "err.xlsx_dimension": "This Excel sheet declares too large a range (at most {columns} columns and {rows} rows). Keep only the area with data, save and upload again.",
    "err.csv_cell_too_big": "A cell of this CSV file is larger than {max_kb} KB, which is not import data. Check the file (a whole text pasted into one cell?).",
})

ZH.update({
    "cases.their_version": "对方保存的版本",
    "cases.take_theirs": "采用对方版本后继续编辑",
})
EN.update({
    "cases.their_version": "The version the other person saved",
    "cases.take_theirs": "Take their version and edit on from it",
})
