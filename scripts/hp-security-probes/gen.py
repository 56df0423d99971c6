"""hp_legacy security probes: reads of others' rows and writes beyond rights, per role."""
import json, os
os.makedirs("/tmp/hp-security-probes", exist_ok=True)
calls = []
def add(login, uid, model, method, args, kw=None, protos=("json", "xml")):
    calls.append({"db": "hp_legacy", "login": login, "uid": uid, "model": model, "method": method, "args": args, "kw": kw or {}, "protos": list(protos)})
roles = [("member001@hp.example", 6), ("member002@hp.example", 7), ("coach001@hp.example", 246), ("merchant001@hp.example", 286), ("operator002@hp.example", 302)]
# model, owner field, a row of another user (not 6/7/246/286/302), a row of member002 (7) if any, extra field
models = [
    ("hp.health.record", "user_id", 1, 7, "create_uid"),
    ("hp.device.binding", "user_id", 1, None, "create_uid"),
    ("hp.health.goal", "user_id", 1, 185, "state"),
    ("hp.assessment", "user_id", 1, None, "coach_id"),
    ("hp.auth.token", "user_id", 1, None, "create_uid"),
    ("hp.points.transaction", "user_id", 1, 11, "delta"),
    ("hp.notification", "user_id", 1, 304, "create_uid"),
    ("hp.ai.insight", "user_id", 1, None, "create_uid"),
    ("hp.user.feed", "user_id", 18, 18, "create_uid"),
    ("hp.recommendation", "user_id", 1, 95, "create_uid"),
    ("hp.ai.generation.task", "requester_id", 1, None, "state"),
    ("hp.service.order", "customer_id", 1, 17, "health_worker_id"),
    ("hp.appointment", "customer_id", 1, 86, "health_worker_id"),
    ("hp.payment", "payer_id", 1, 27, "amount"),
    ("hp.settlement", "payee_id", 2, None, "gross"),
    ("hp.mall.order", "buyer_id", 1, None, "amount_total"),
    ("hp.biz.dashboard", "owner_id", 4, None, "create_uid"),
    ("hp.activity", "actor_id", 22, None, "visibility"),
    ("hp.grab.order", "coach_id", 1, None, "state"),
]
for login, uid in roles:
    for model, owner, other, m2row, extra in models:
        add(login, uid, model, "search_count", [[]])
        add(login, uid, model, "search", [[[owner, "!=", uid]]], {"limit": 3, "order": "id"})
        add(login, uid, model, "search_read", [[["id", "=", other]]], {"fields": [owner, extra]})
        add(login, uid, model, "read", [[other], [owner, extra]])
        add(login, uid, model, "read_group", [[], [f"{extra}:max" if extra in ("amount", "gross", "delta", "amount_total") else "id:count"], [owner]], {"limit": 3, "orderby": owner})
        add(login, uid, model, "name_search", [""], {"limit": 3}, protos=("json",))
        add(login, uid, model, "web_read", [[other]], {"specification": {owner: {"fields": {"login": {}, "partner_id": {"fields": {"phone": {}, "email": {}}}}}, extra: {}}}, protos=("json",))
        add(login, uid, model, "web_search_read", [[[f"{owner}.partner_id.phone", "!=", False]]], {"specification": {owner: {"fields": {"display_name": {}}}}, "limit": 2, "order": f"{owner} desc, id"}, protos=("json",))
        add(login, uid, model, "export_data", [[other], ["id", f"{owner}/login", f"{owner}/partner_id/phone"]], protos=("json",))
        add(login, uid, model, "get_metadata", [[other]], protos=("json",))
        add(login, uid, model, "copy_data", [[other]], protos=("json",))
        add(login, uid, model, "search_count", [[[f"{owner}.hp_user_type", "=", "member"]]], protos=("json",))
        add(login, uid, model, "search", [[]], {"limit": 2, "order": f"{owner} desc, id"}, protos=("json",))
        add(login, uid, model, "write", [[other], {owner: uid}], protos=("json",))
        add(login, uid, model, "unlink", [[other]], protos=("json",))
        if m2row and login.startswith("member002"):
            add(login, uid, model, "write", [[m2row], {owner: 8}], protos=("json",))
        add(login, uid, model, "create", [{owner: 8}], protos=("json",))
# state machines on others' rows and wrong states
machine = [
    ("hp.service.order", [("action_submit", [37]), ("action_submit", [3]), ("action_cancel", [47]), ("action_cancel", [3]), ("action_start", [1]), ("action_complete", [2]),
                          ("action_mark_paid", [56]), ("action_assign", [47], [246]), ("action_refund", [47]), ("action_cancel", [316]), ("action_complete", [144]), ("action_start", [324])]),
    ("hp.payment", [("action_succeed", [1]), ("action_refund", [11]), ("action_fail", [611]), ("action_refund", [611])]),
    ("hp.settlement", [("action_confirm", [3]), ("action_pay", [2]), ("action_confirm", [1])]),
    ("hp.mall.order", [("action_pay", [9]), ("action_cancel", [8]), ("action_ship", [8]), ("action_deliver", [1])]),
    ("hp.health.goal", [("action_record_progress", [1], [99]), ("action_abandon", [1]), ("action_abandon", [185])]),
    ("hp.ai.generation.task", [("action_run", [86]), ("action_done", [81], ["x"]), ("action_fail", [29], ["e"])]),
    ("hp.notification", [("action_mark_read", [1])]),
    ("hp.user.feed", [("action_mark_seen", [18])]),
    ("hp.grab.order", [("action_expire", [1])]),
    ("hp.auth.token", [("action_revoke", [1])]),
    ("hp.live.stream", [("action_go_live", [1]), ("action_end", [1])]),
    ("hp.qa.answer", [("action_accept", [1]), ("action_vote", [1], [1])]),
    ("hp.qa.question", [("action_close", [1])]),
    ("hp.community.post", [("action_hide", [1])]),
    ("hp.knowledge.content", [("action_unpublish", [1])]),
    ("hp.certification", [("action_revoke", [1])]),
    ("hp.community.member", [("action_ban", [1])]),
    ("hp.risk.rule", [("action_scan", [1])]),
]
for login, uid in roles:
    if login.startswith("operator"):
        continue
    for model, ms in machine:
        for m in ms:
            add(login, uid, model, m[0], [m[1]] + (m[2] if len(m) > 2 else []), protos=("json",))
# own rows: owner/state/amount fields
for login, uid, model, rid, vals in [
    ("member002@hp.example", 7, "hp.service.order", 17, {"state": "refunded"}),
    ("member002@hp.example", 7, "hp.service.order", 17, {"amount": 0.01}),
    ("member002@hp.example", 7, "hp.payment", 27, {"state": "refunded", "amount": 1}),
    ("member001@hp.example", 6, "hp.payment", 611, {"payer_id": 7}),
    ("member002@hp.example", 7, "hp.points.transaction", 11, {"delta": 100000}),
    ("member002@hp.example", 7, "hp.health.goal", 185, {"state": "active"}),
    ("member001@hp.example", 6, "hp.health.record", 214, {"user_id": 7}),
    ("coach001@hp.example", 246, "hp.grab.order", 159, {"state": "won"}),
    ("coach001@hp.example", 246, "hp.settlement", 1, {"gross": 999999}),
    ("coach001@hp.example", 246, "hp.assessment", 22, {"coach_id": 247, "score": 99}),
    ("coach001@hp.example", 246, "hp.service.order", 131, {"health_worker_id": 247}),
    ("merchant001@hp.example", 286, "hp.settlement", 83, {"state": "paid"}),
    ("merchant001@hp.example", 286, "hp.biz.dashboard", 121, {"owner_id": 246}),
]:
    add(login, uid, model, "write", [[rid], vals], protos=("json",))
json.dump(calls, open("/tmp/hp-security-probes/calls.json", "w"))
print(len(calls), sum(len(c["protos"]) for c in calls))
