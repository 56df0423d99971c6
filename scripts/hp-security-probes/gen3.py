"""Round 3: onchange/default_get/web_read_group/name_create/context keys on rule-protected rows."""
import json, os
os.makedirs("/tmp/hp-security-probes", exist_ok=True)
calls = []
def add(login, uid, model, method, args, kw=None, protos=("json",)):
    calls.append({"db": "hp_legacy", "login": login, "uid": uid, "model": model, "method": method, "args": args, "kw": kw or {}, "protos": list(protos)})
roles = [("member001@hp.example", 6), ("member002@hp.example", 7), ("coach001@hp.example", 246), ("merchant001@hp.example", 286)]
for login, uid in roles:
    add(login, uid, "hp.rating", "onchange", [{"order_id": 1}, ["order_id"], {"order_id": {"fields": {"amount": {}, "customer_id": {"fields": {"login": {}}}}}, "score": {}}])
    add(login, uid, "hp.appointment", "onchange", [{"order_id": 47}, ["order_id"], {"order_id": {"fields": {"amount": {}, "state": {}}}}])
    add(login, uid, "hp.payment", "onchange", [{}, [], {"payer_id": {"fields": {"login": {}}}, "amount": {}, "state": {}}])
    add(login, uid, "hp.service.order", "onchange", [{"id": 1}, [], {"name": {}, "amount": {}, "customer_id": {}}])
    add(login, uid, "hp.service.order", "web_read_group", [[], ["id:count", "amount:sum"], ["customer_id"]], {"limit": 3})
    add(login, uid, "hp.payment", "web_read_group", [[], ["amount:sum"], ["payer_id"]], {"limit": 3})
    add(login, uid, "hp.health.record", "web_read_group", [[["user_id", "!=", uid]], ["id:count"], ["user_id"]], {"limit": 3})
    add(login, uid, "hp.payment", "read_group", [[], ["amount:sum"], ["payer_id"]], {"limit": 3, "lazy": False})
    add(login, uid, "hp.payment", "search_read", [[["id", "=", 1]]], {"fields": ["amount"], "context": {"active_test": False, "uid": 1, "su": True}})
    add(login, uid, "hp.payment", "read", [[1], ["amount"]], {"context": {"uid": 1}})
    add(login, uid, "hp.payment", "name_create", ["probe"])
    add(login, uid, "hp.service.order", "default_get", [["customer_id", "amount", "state", "name"]])
    add(login, uid, "hp.service.order", "search_read", [[]], {"fields": ["name"], "order": "customer_id.login desc, id", "limit": 2})
    add(login, uid, "hp.payment", "search_count", [[["payer_id.points_balance", ">", 0]]])
    add(login, uid, "hp.payment", "fields_get", [["amount", "payer_id"]], {"attributes": ["type", "relation"]})
    add(login, uid, "hp.health.record", "read", [[1, 214], ["user_id"]])
    add(login, uid, "hp.payment", "check_access_rights", ["read"], {"raise_exception": False})
    add(login, uid, "hp.payment", "search_read", [["|", ["payer_id", "=", uid], ["id", "=", 1]]], {"fields": ["id"]})
    add(login, uid, "hp.payment", "search_read", [[["id", "in", [1, 611]]]], {"fields": ["id", "payer_id"]})
    add(login, uid, "hp.service.order", "name_search", ["SO/"], {"args": [["customer_id", "!=", uid]], "limit": 3})
    add(login, uid, "hp.activity", "read", [[22], ["visibility", "actor_id"]])
    add(login, uid, "hp.activity", "search_count", [[["visibility", "=", "private"]]])
json.dump(calls, open("/tmp/hp-security-probes/calls3.json", "w"))
print(len(calls))
