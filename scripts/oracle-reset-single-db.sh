#!/bin/bash
# oracle-reset-single-db.sh NAME (ODOO_SINGLE_DB=hp_legacy for that database alone): the Odoo side of an oracle pair (/tmp/oracle/README.md) reset with the golden recording's database options: `-d odoo_ref` only (db.list and
# the web routes' monodb answer as when golden.jsonl was recorded). Otherwise /tmp/oracle/reset.sh.
NAME=${1:-}; . /tmp/oracle/lib.sh; need_name
stop_pidfile "$(dir)/odoo.pid"; copy_side odoo
. "$(dir)/ports"; port_free "$PORT_ODOO"; port_free "$((PORT_ODOO + 1000))"
ORACLE_DB_MAP="odoo_ref=${NAME}_odoo_odoo_ref,hp_legacy=${NAME}_odoo_hp_legacy" \
setsid sh -c 'echo $$ >"$0"; exec "$@"' "$(dir)/odoo.pid" "$ODOO_PY" "$ORACLE/odoo-named.py" \
  --db_host 127.0.0.1 --db_port 55496 --db_user odoo --db_password odoo \
  -d "${ODOO_SINGLE_DB:-odoo_ref}" --addons-path "$ADDONS" --data-dir "$(dir)/odoo-data" \
  --http-interface 127.0.0.1 --http-port "$PORT_ODOO" --gevent-port "$((PORT_ODOO + 1000))" \
  --workers 2 --max-cron-threads 0 --limit-time-real 600 --limit-time-cpu 300 \
  --logfile "$(dir)/odoo.log" </dev/null >"$(dir)/odoo.out" 2>&1 &
wait_http "http://127.0.0.1:$PORT_ODOO" 180
