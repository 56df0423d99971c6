"""Sends a sample of the calls over the web session (/web/dataset/call_kw, both sides) and JSON-2 (Ficus, member001's
API key) compared with Odoo 18's JSON-RPC answer of the same call. Prints the differences."""
import json, sys, urllib.request, http.cookiejar
ODOO, FICUS = sys.argv[1], sys.argv[2]
calls = json.load(open(sys.argv[3]))
KEY = "c0a6f4d02cc8fbc694b3968250ae4b42020f0840"
POSITIONAL = {"search_count": ["domain"], "search": ["domain"], "search_read": ["domain", "fields"], "read": ["fields"],
              "read_group": ["domain", "fields", "groupby"], "name_search": ["name"], "web_read": ["specification"],
              "web_search_read": ["domain", "specification"], "export_data": ["fields_to_export"], "write": ["vals"],
              "create": ["vals_list"], "action_assign": ["worker_id"], "action_record_progress": ["value"], "action_done": ["result"],
              "action_fail": ["error"], "action_vote": ["delta"]}
RECORDLESS = {"search_count", "search", "search_read", "read_group", "name_search", "web_search_read", "create"}
def post(opener, url, body, headers=None):
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})})
    try:
        r = opener.open(req)
        return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
def rpc_answer(r):
    if "error" in r:
        d = r["error"].get("data", {})
        return ["ERR", d.get("name"), (d.get("message") or "")[:300]]
    return r.get("result")
sessions = {}
def session(base, login):
    if (base, login) not in sessions:
        op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        _, r = post(op, base + "/web/session/authenticate", {"jsonrpc": "2.0", "method": "call", "params": {"db": "hp_legacy", "login": login, "password": login}})
        assert "result" in r, r
        sessions[base, login] = op
    return sessions[base, login]
def call_kw(base, c):
    op = session(base, c["login"])
    _, r = post(op, f"{base}/web/dataset/call_kw/{c['model']}/{c['method']}", {"jsonrpc": "2.0", "method": "call", "id": 1,
                "params": {"model": c["model"], "method": c["method"], "args": c["args"], "kwargs": c.get("kw", {})}})
    return rpc_answer(r)
def jsonrpc(base, c, uid, pw):
    _, r = post(urllib.request.build_opener(), base + "/jsonrpc", {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"service": "object", "method": "execute_kw",
                "args": ["hp_legacy", uid, pw, c["model"], c["method"], c["args"], c.get("kw", {})]}})
    return rpc_answer(r)
def json2(base, c):
    args = list(c["args"])
    body = {}
    if c["method"] not in RECORDLESS:
        body["ids"] = args.pop(0)
    for name, value in zip(POSITIONAL.get(c["method"], []), args):
        body[name] = value
    body.update(c.get("kw", {}))
    status, r = post(urllib.request.build_opener(), f"{base}/json/2/{c['model']}/{c['method']}", body, {"Authorization": f"bearer {KEY}", "X-Odoo-Database": "hp_legacy"})
    if status != 200:
        return ["ERR", r.get("name"), (r.get("message") or "")[:300]]
    return r
n = {"session": 0, "json2": 0}; diff = {"session": 0, "json2": 0}
def show(i, proto, c, a, b):
    diff[proto] += 1
    print(f"#{i} {proto} {c['login']} {c['model']}.{c['method']} {json.dumps(c['args'])[:200]} {json.dumps(c.get('kw', {}))[:150]}\n   odoo : {json.dumps(a, default=str)[:400]}\n   ficus: {json.dumps(b, default=str)[:400]}")
same = lambda a, b: json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)
for i, c in enumerate(calls):
    if "session" in c.get("extra", []):
        n["session"] += 1
        a, b = call_kw(ODOO, c), call_kw(FICUS, c)
        if not same(a, b): show(i, "session", c, a, b)
    if "json2" in c.get("extra", []) and c["login"] == "member001@hp.example":
        n["json2"] += 1
        a, b = jsonrpc(ODOO, c, 6, c["login"]), json2(FICUS, c)
        if not same(a, b): show(i, "json2", c, a, b)
print(f"differ: {diff} of {n}")
