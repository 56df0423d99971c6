-- Each service owns a database of its own on the same server (DESIGN.md section 4); the
-- services create their tables themselves on start (their migrations).
CREATE DATABASE svc_auth OWNER odoo;
CREATE DATABASE svc_user OWNER odoo;
CREATE DATABASE svc_dynamic OWNER odoo;
CREATE DATABASE svc_trade OWNER odoo;
CREATE DATABASE svc_content OWNER odoo;
CREATE DATABASE svc_biz OWNER odoo;
CREATE DATABASE svc_ec OWNER odoo;
CREATE DATABASE svc_finance OWNER odoo;
CREATE DATABASE svc_ops OWNER odoo;
CREATE DATABASE svc_ai OWNER odoo;
CREATE DATABASE ficus_control OWNER odoo;
