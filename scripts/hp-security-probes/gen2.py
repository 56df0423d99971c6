"""Round 2: rule-protected rows reached from models the user may read (m2o/o2m nesting, exports, paths, groupbys), res.users' hp computes."""
import json, os
os.makedirs("/tmp/hp-security-probes", exist_ok=True)
calls = []
def add(login, uid, model, method, args, kw=None, protos=("json", "xml")):
    calls.append({"db": "hp_legacy", "login": login, "uid": uid, "model": model, "method": method, "args": args, "kw": kw or {}, "protos": list(protos)})
roles = [("member001@hp.example", 6), ("member002@hp.example", 7), ("coach001@hp.example", 246), ("merchant001@hp.example", 286), ("operator002@hp.example", 302)]
links = [  # model, link field, comodel's fields to reach
    ("hp.rating", "order_id", ["amount", "state", "customer_id"]),
    ("hp.appointment", "order_id", ["amount", "state", "customer_id"]),
    ("hp.grab.order", "service_order_id", ["amount", "state", "customer_id"]),
    ("hp.mall.order.line", "order_id", ["amount_total", "state", "buyer_id"]),
    ("hp.health.record", "device_binding_id", ["device_type", "user_id"] ),
    ("hp.user.feed", "activity_id", ["visibility", "actor_id"]),
]
for login, uid in roles:
    for model, link, sub in links:
        owner = sub[-1]
        add(login, uid, model, "search_read", [[[link, "!=", False]]], {"fields": [link], "limit": 3, "order": "id"})
        add(login, uid, model, "web_search_read", [[[link, "!=", False]]], {"specification": {link: {"fields": {f: ({"fields": {"login": {}}} if f == owner else {}) for f in sub}}}, "limit": 3, "order": "id"}, protos=("json",))
        add(login, uid, model, "web_read", [[1, 2, 3]], {"specification": {link: {"fields": {"display_name": {}}}}}, protos=("json",))
        add(login, uid, model, "export_data", [[1, 2, 3], ["id", f"{link}/id", f"{link}/{sub[0]}", f"{link}/{owner}/login"]], protos=("json",))
        add(login, uid, model, "search_count", [[[f"{link}.{owner}.login", "like", "member"]]])
        add(login, uid, model, "search_count", [[[f"{link}.{sub[0]}", "!=", False]]], protos=("json",))
        add(login, uid, model, "read_group", [[[link, "!=", False]], ["id:count"], [link]], {"limit": 3}, protos=("json",))
        add(login, uid, model, "read_group", [[], ["id:count"], [link]], {"limit": 2, "orderby": f"{link} desc"}, protos=("json",))
        add(login, uid, model, "search", [[]], {"limit": 3, "order": f"{link} desc, id"}, protos=("json",))
        add(login, uid, model, "name_search", ["MO/"], {"limit": 3}, protos=("json",))
    add(login, uid, "res.users", "read", [[7, 246], ["points_balance", "coach_rating_avg", "hp_user_type", "hp_level"]])
    add(login, uid, "res.users", "search_read", [[["points_balance", ">", 100]]], {"fields": ["points_balance"], "limit": 3}, protos=("json",))
    add(login, uid, "res.users", "web_read", [[246]], {"specification": {"hp_rating_ids": {"fields": {"score": {}, "order_id": {"fields": {"amount": {}, "customer_id": {"fields": {"login": {}}}}}}}}}, protos=("json",))
    add(login, uid, "res.users", "export_data", [[246], ["hp_rating_ids/order_id/amount", "hp_rating_ids/order_id/customer_id/login"]], protos=("json",))
    add(login, uid, "res.users", "search_count", [[["hp_rating_ids.order_id.amount", ">", 0]]], protos=("json",))
    add(login, uid, "hp.service.order", "web_read", [[47]], {"specification": {"appointment_ids": {"fields": {"customer_id": {}}}, "grab_ids": {"fields": {"coach_id": {"fields": {"login": {}}}, "state": {}}}}}, protos=("json",))
    add(login, uid, "hp.service.order", "read", [[47], ["grab_ids", "appointment_ids"]], protos=("json",))
    add(login, uid, "hp.service.order", "search_count", [[["grab_ids.coach_id", "!=", False]]], protos=("json",))
    add(login, uid, "hp.service.order", "search_read", [[["state", "=", "paid"]]], {"fields": ["name", "customer_id", "amount"], "order": "customer_id desc, id", "limit": 3}, protos=("json",))
    add(login, uid, "hp.points.transaction", "read_group", [[], ["delta:sum", "balance_after:max"], ["user_id"]], {"limit": 3}, protos=("json",))
    add(login, uid, "hp.payment", "read_group", [[], ["amount:sum"], ["state"]], protos=("json",))
    add(login, uid, "hp.settlement", "read_group", [[], ["gross:sum", "net:sum"], ["payee_id"]], {"limit": 3}, protos=("json",))
json.dump(calls, open("/tmp/hp-security-probes/calls2.json", "w"))
print(len(calls), sum(len(c["protos"]) for c in calls))
